//! RBAC: the `RbacPG` domain object and the flat `AdminStorage` team-role permission methods.
#![allow(non_snake_case)] // argument names are the JS ones: they name the argument in errors

use napi::bindgen_prelude::ToNapiValue;
use napi::Env;

use crate::core::domains::crud::{self, Roles};
use crate::core::domains::rbac;
use crate::js::convert::JsOut;
use crate::js::error::{out_bool, out_opt_row, out_row, out_rows};
use crate::js::methods::{methods, out_void};
use crate::js::storage::PostgresAdminStorage;

fn out_strings(env: &Env, v: Vec<String>) -> napi::Result<JsOut> {
    // SAFETY: called on the JS thread with this call's live env, as every output adapter is.
    unsafe { Vec::<String>::to_napi_value(env.raw(), v) }.map(JsOut)
}

methods! {
    /// The seed's `RbacPG` domain object (`storage.rbac`).
    class RbacPG = "RbacPG", getter rbac {

    /// Create a role. The same name twice in one scope (team, or global with `teamId`
    /// null) → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    insert roles create_role(data: fields) "data: NewRole" -> out_row "Promise<Role>" = rbac::create_role;
    /// The role with this id, or `null`.
    select roles get_role_by_id(id: text) "id: string" -> out_opt_row "Promise<Role | null>" = crud::get::<Roles>;
    /// The role with this name in the team, or among global roles when `teamId` is `null`.
    select roles get_role_by_name(teamId: opt_text, name: text) "teamId: string | null, name: string" -> out_opt_row "Promise<Role | null>" = rbac::get_role_by_name;
    /// Update; `null` when there is no such role. A system role cannot be renamed, moved to
    /// a team or made non-system (`ERR_ADMIN_PG_SYSTEM_ROLE`).
    update roles update_role(id: text, data: fields) "id: string, data: Partial<Role>" -> out_opt_row "Promise<Role | null>" = rbac::update_role;
    /// Whether a role was deleted (its assignments go with it). A system role →
    /// `ERR_ADMIN_PG_SYSTEM_ROLE`.
    delete roles delete_role(id: text) "id: string" -> out_bool "Promise<boolean>" = rbac::delete_role;
    /// With `teamId`: the team's roles and the system roles (system first, then by name);
    /// without: every role by name.
    select roles list_roles(teamId: opt_text) "teamId?: string" -> out_rows "Promise<Role[]>" = rbac::list_roles_of;
    /// The system roles, by name.
    select roles list_system_roles() "" -> out_rows "Promise<Role[]>" = rbac::list_system_roles;
    /// Assign a role, globally (no resource) or for one resource. The same assignment twice
    /// → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    insert role_assignments assign_role(data: fields) "data: NewRoleAssignment" -> out_row "Promise<RoleAssignment>" = rbac::assign_role;
    /// Remove the assignment with exactly this scope (no resource = the global one); whether
    /// one was removed.
    delete role_assignments remove_role_assignment(roleId: text, userId: text, resourceType: opt_text, resourceId: opt_text) "roleId: string, userId: string, resourceType?: string, resourceId?: string" -> out_bool "Promise<boolean>" = rbac::remove_role_assignment;
    /// The user's role assignments, oldest first.
    select role_assignments get_user_role_assignments(userId: text) "userId: string" -> out_rows "Promise<RoleAssignment[]>" = rbac::user_role_assignments;
    /// The roles applying to the user on one resource: global assignments and assignments to
    /// exactly that resource; each role once, by name.
    select roles get_user_roles_for_resource(userId: text, resourceType: text, resourceId: text) "userId: string, resourceType: string, resourceId: string" -> out_rows "Promise<Role[]>" = rbac::user_roles_for_resource;
    /// Whether the user's roles grant `permission`: `'*'` grants everything, `'project:*'`
    /// every `project:…` permission; global assignments apply everywhere, resource-scoped
    /// ones only when that resource is asked about. One statement.
    select roles has_permission(userId: text, permission: text, resourceType: opt_text, resourceId: opt_text) "userId: string, permission: string, resourceType?: string, resourceId?: string" -> out_bool "Promise<boolean>" = rbac::has_permission;
    /// Create the seed's system roles where missing (idempotent, safe concurrently).
    upsert roles initialize_system_roles() "" -> out_void "Promise<void>" = rbac::initialize_system_roles;
    }

    flat {
        /// `AdminStorage.getUserPermissionsForTeam`: the permissions of the user's team role
        /// (`owner` also carries `'*'`); a non-member has none. One statement.
        select team_members get_user_permissions_for_team(userId: text, teamId: text) "userId: string, teamId: string" -> out_strings "Promise<string[]>" = rbac::user_permissions_for_team;
        /// `AdminStorage.userHasPermission`: whether the user's team role grants `permission`
        /// (`'*'` and `'<resource>:*'` are wildcards). One statement.
        select team_members user_has_permission(userId: text, teamId: text, permission: text) "userId: string, teamId: string, permission: string" -> out_bool "Promise<boolean>" = rbac::user_has_team_permission;
    }
}
