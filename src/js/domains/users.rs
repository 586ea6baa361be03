//! Users: the `UsersPG` domain object and the flat `AdminStorage` user methods.
#![allow(non_snake_case)] // argument names are the JS ones: they name the argument in errors

use crate::core::domains::crud::{self, Users};
use crate::core::domains::users;
use crate::js::error::{out_bool, out_opt_row, out_row, out_rows};
use crate::js::methods::methods;
use crate::js::storage::PostgresAdminStorage;

methods! {
    /// The seed's `UsersPG` domain object (`storage.users`).
    class UsersPG = "UsersPG", getter users {

    /// Create a user; `id` is generated when not given. Duplicate email →
    /// `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    insert users create_user(data: fields) "data: NewUser" -> out_row "Promise<User>" = users::create, flat create_user;
    /// The user with this id, or `null`.
    select users get_user_by_id(id: text) "id: string" -> out_opt_row "Promise<User | null>" = crud::get::<Users>, flat get_user;
    /// Case-insensitive; an exact-case match wins.
    select users get_user_by_email(email: text) "email: string" -> out_opt_row "Promise<User | null>" = users::get_by_email, flat get_user_by_email;
    /// The user with this external (identity provider) id, or `null`.
    select users get_user_by_external_id(externalId: text) "externalId: string" -> out_opt_row "Promise<User | null>" = users::get_by_external_id;
    /// Update; `null` when there is no such user. `id`/`createdAt`/`updatedAt` are ignored.
    update users update_user(id: text, data: fields) "id: string, data: Partial<User>" -> out_opt_row "Promise<User | null>" = users::update;
    /// Whether a user was deleted.
    delete users delete_user(id: text) "id: string" -> out_bool "Promise<boolean>" = crud::delete::<Users>;
    /// Newest first (`id` breaks ties); `limit`/`offset` are non-negative integers.
    select users list_users(options: window) "options?: { limit?: number; offset?: number }" -> out_rows "Promise<User[]>" = users::list;

    }
    flat {
        /// `AdminStorage.updateUser`: a missing user → `ERR_ADMIN_PG_NOT_FOUND`.
        update users update_user(id: text, updates: fields) "id: string, updates: Partial<User>" -> out_row "Promise<User>" = users::update [missing "User", id];
    }
}
