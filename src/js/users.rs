//! Users: the `UsersPG` domain object and the flat `AdminStorage` user methods.

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::Env;
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::error::{out_bool, out_opt_row, out_row, out_rows, run};
use super::storage::PostgresAdminStorage;
use crate::core::error::StoreError;
use crate::core::generic::non_negative;
use crate::core::store::Target;
use crate::core::users;

/// The seed's `UsersPG` domain object (`storage.users`).
#[napi(js_name = "UsersPG")]
pub struct UsersPG {
    pub(crate) target: Target,
}

#[napi]
impl UsersPG {
    /// `new UsersPG({ client: storage.db })` or `new UsersPG({ pool, schemaName })`, as in the seed.
    #[napi(constructor, ts_args_type = "config: PgDomainConfig")]
    pub fn new(env: Env, config: Option<Unknown>) -> napi::Result<Self> {
        Ok(UsersPG {
            target: super::storage::domain_target(&env, config, "UsersPG")?,
        })
    }

    /// Create a user; `id` is generated when not given. Duplicate email →
    /// `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    #[napi(ts_args_type = "data: NewUser", ts_return_type = "Promise<User>")]
    pub fn create_user<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| users::create(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// The user with this id, or `null`.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<User | null>")]
    pub fn get_user_by_id<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_read_conn!(t, |ctx, conn| users::get_by_id(ctx, conn, &id)));
        run(env, work, out_opt_row)
    }

    /// Case-insensitive; an exact-case match wins.
    #[napi(
        ts_args_type = "email: string",
        ts_return_type = "Promise<User | null>"
    )]
    pub fn get_user_by_email<'env>(
        &self,
        env: &'env Env,
        email: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, email, "email")
            .map(|e| with_read_conn!(t, |ctx, conn| users::get_by_email(ctx, conn, &e)));
        run(env, work, out_opt_row)
    }

    /// The user with this external (identity provider) id, or `null`.
    #[napi(
        ts_args_type = "externalId: string",
        ts_return_type = "Promise<User | null>"
    )]
    pub fn get_user_by_external_id<'env>(
        &self,
        env: &'env Env,
        external_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, external_id, "externalId")
            .map(|x| with_read_conn!(t, |ctx, conn| users::get_by_external_id(ctx, conn, &x)));
        run(env, work, out_opt_row)
    }

    /// Update; `null` when there is no such user. `id`/`createdAt`/`updatedAt` are ignored.
    #[napi(
        ts_args_type = "id: string, data: Partial<User>",
        ts_return_type = "Promise<User | null>"
    )]
    pub fn update_user<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, data, "data")?;
            Ok(with_conn!(t, |ctx, conn| users::update(ctx, conn, &id, &f)))
        });
        run(env, work, out_opt_row)
    }

    /// Whether a user was deleted.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<boolean>")]
    pub fn delete_user<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| users::delete(ctx, conn, &id)));
        run(env, work, out_bool)
    }

    /// Newest first (`id` breaks ties); `limit`/`offset` are non-negative integers.
    #[napi(
        ts_args_type = "options?: { limit?: number; offset?: number }",
        ts_return_type = "Promise<User[]>"
    )]
    pub fn list_users<'env>(
        &self,
        env: &'env Env,
        options: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let limit = non_negative(
                convert::opt_number(env, convert::prop(env, options, "limit"), "limit")?,
                "limit",
            )?;
            let offset = non_negative(
                convert::opt_number(env, convert::prop(env, options, "offset"), "offset")?,
                "offset",
            )?;
            Ok(with_read_conn!(t, |ctx, conn| users::list(
                ctx, conn, limit, offset
            )))
        })();
        run(env, work, out_rows)
    }
}

/// Flat `AdminStorage` user methods.
#[napi]
impl PostgresAdminStorage {
    /// The seed's users domain object.
    #[napi(getter)]
    pub fn users(&self) -> UsersPG {
        UsersPG {
            target: self.target(),
        }
    }

    /// `AdminStorage.getUser`: the user or `null`.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<User | null>")]
    pub fn get_user<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.users().get_user_by_id(env, id)
    }

    /// `AdminStorage.getUserByEmail`: case-insensitive, exact case first.
    #[napi(
        js_name = "getUserByEmail",
        ts_args_type = "email: string",
        ts_return_type = "Promise<User | null>"
    )]
    pub fn flat_get_user_by_email<'env>(
        &self,
        env: &'env Env,
        email: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.users().get_user_by_email(env, email)
    }

    /// `AdminStorage.createUser`: caller-supplied id (generated if missing); the email must
    /// look like `name@example.com`; a duplicate → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    #[napi(
        js_name = "createUser",
        ts_args_type = "user: NewUser",
        ts_return_type = "Promise<User>"
    )]
    pub fn flat_create_user<'env>(
        &self,
        env: &'env Env,
        user: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.users().create_user(env, user)
    }

    /// `AdminStorage.updateUser`: a missing user → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "updateUser",
        ts_args_type = "id: string, updates: Partial<User>",
        ts_return_type = "Promise<User>"
    )]
    pub fn flat_update_user<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        updates: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, updates, "updates")?;
            Ok(with_conn!(t, |ctx, conn| async {
                users::update(ctx, conn, &id, &f)
                    .await?
                    .ok_or_else(|| StoreError::missing("User", &id))
            }))
        });
        run(env, work, out_row)
    }
}
