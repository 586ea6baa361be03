//! RBAC: the `RbacPG` domain object and the flat `AdminStorage` team-role permission methods.

use napi::bindgen_prelude::{PromiseRaw, ToNapiValue, Unknown};
use napi::Env;
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::error::{out_bool, out_opt_row, out_row, out_rows, out_void, run};
use super::storage::PostgresAdminStorage;
use crate::core::rbac;
use crate::core::store::Target;

fn out_strings(env: &Env, v: Vec<String>) -> napi::Result<JsOut> {
    // SAFETY: called on the JS thread with this call's live env, as every output adapter is.
    unsafe { Vec::<String>::to_napi_value(env.raw(), v) }.map(JsOut)
}

/// The seed's `RbacPG` domain object (`storage.rbac`).
#[napi(js_name = "RbacPG")]
pub struct RbacPG {
    pub(crate) target: Target,
}

#[napi]
impl RbacPG {
    /// `new RbacPG({ client: storage.db })` or `new RbacPG({ pool, schemaName })`, as in the seed.
    #[napi(constructor, ts_args_type = "config: PgDomainConfig")]
    pub fn new(
        env: napi::Env,
        config: Option<napi::bindgen_prelude::Unknown>,
    ) -> napi::Result<Self> {
        Ok(RbacPG {
            target: super::storage::domain_target(&env, config, "RbacPG")?,
        })
    }

    /// Create a role. The same name twice in one scope (team, or global with `teamId`
    /// null) → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    #[napi(ts_args_type = "data: NewRole", ts_return_type = "Promise<Role>")]
    pub fn create_role<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| rbac::create_role(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// The role with this id, or `null`.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<Role | null>")]
    pub fn get_role_by_id<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_read_conn!(t, |ctx, conn| rbac::get_role(ctx, conn, &id)));
        run(env, work, out_opt_row)
    }

    /// The role with this name in the team, or among global roles when `teamId` is `null`.
    #[napi(
        ts_args_type = "teamId: string | null, name: string",
        ts_return_type = "Promise<Role | null>"
    )]
    pub fn get_role_by_name<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        name: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let team = convert::opt_text(env, Some(team_id), "teamId")?;
            let name = convert::text(env, name, "name")?;
            Ok(with_read_conn!(t, |ctx, conn| rbac::get_role_by_name(
                ctx,
                conn,
                team.as_deref(),
                &name
            )))
        })();
        run(env, work, out_opt_row)
    }

    /// Update; `null` when there is no such role. A system role cannot be renamed, moved to
    /// a team or made non-system (`ERR_ADMIN_PG_SYSTEM_ROLE`).
    #[napi(
        ts_args_type = "id: string, data: Partial<Role>",
        ts_return_type = "Promise<Role | null>"
    )]
    pub fn update_role<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, data, "data")?;
            Ok(with_conn!(t, |ctx, conn| rbac::update_role(
                ctx, conn, &id, &f
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Whether a role was deleted (its assignments go with it). A system role →
    /// `ERR_ADMIN_PG_SYSTEM_ROLE`.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<boolean>")]
    pub fn delete_role<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| rbac::delete_role(ctx, conn, &id)));
        run(env, work, out_bool)
    }

    /// With `teamId`: the team's roles and the system roles (system first, then by name);
    /// without: every role by name.
    #[napi(ts_args_type = "teamId?: string", ts_return_type = "Promise<Role[]>")]
    pub fn list_roles<'env>(
        &self,
        env: &'env Env,
        team_id: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::opt_text(env, team_id, "teamId").map(|team| {
            with_read_conn!(t, |ctx, conn| async {
                match &team {
                    Some(team) => rbac::list_roles_for_team(ctx, conn, team).await,
                    None => rbac::list_roles(ctx, conn).await,
                }
            })
        });
        run(env, work, out_rows)
    }

    /// The system roles, by name.
    #[napi(ts_return_type = "Promise<Role[]>")]
    pub fn list_system_roles<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = Ok(with_read_conn!(t, |ctx, conn| rbac::list_system_roles(
            ctx, conn
        )));
        run(env, work, out_rows)
    }

    /// Assign a role, globally (no resource) or for one resource. The same assignment twice
    /// → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    #[napi(
        ts_args_type = "data: NewRoleAssignment",
        ts_return_type = "Promise<RoleAssignment>"
    )]
    pub fn assign_role<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| rbac::assign_role(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// Remove the assignment with exactly this scope (no resource = the global one); whether
    /// one was removed.
    #[napi(
        ts_args_type = "roleId: string, userId: string, resourceType?: string, resourceId?: string",
        ts_return_type = "Promise<boolean>"
    )]
    pub fn remove_role_assignment<'env>(
        &self,
        env: &'env Env,
        role_id: Unknown,
        user_id: Unknown,
        resource_type: Option<Unknown>,
        resource_id: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let role = convert::text(env, role_id, "roleId")?;
            let user = convert::text(env, user_id, "userId")?;
            let rtype = convert::opt_text(env, resource_type, "resourceType")?;
            let rid = convert::opt_text(env, resource_id, "resourceId")?;
            Ok(with_conn!(t, |ctx, conn| rbac::remove_role_assignment(
                ctx,
                conn,
                &role,
                &user,
                rtype.as_deref(),
                rid.as_deref()
            )))
        })();
        run(env, work, out_bool)
    }

    /// The user's role assignments, oldest first.
    #[napi(
        ts_args_type = "userId: string",
        ts_return_type = "Promise<RoleAssignment[]>"
    )]
    pub fn get_user_role_assignments<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, user_id, "userId")
            .map(|u| with_read_conn!(t, |ctx, conn| rbac::user_role_assignments(ctx, conn, &u)));
        run(env, work, out_rows)
    }

    /// The roles applying to the user on one resource: global assignments and assignments to
    /// exactly that resource; each role once, by name.
    #[napi(
        ts_args_type = "userId: string, resourceType: string, resourceId: string",
        ts_return_type = "Promise<Role[]>"
    )]
    pub fn get_user_roles_for_resource<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown,
        resource_type: Unknown,
        resource_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let user = convert::text(env, user_id, "userId")?;
            let rtype = convert::text(env, resource_type, "resourceType")?;
            let rid = convert::text(env, resource_id, "resourceId")?;
            Ok(with_read_conn!(t, |ctx, conn| {
                rbac::user_roles_for_resource(ctx, conn, &user, &rtype, &rid)
            }))
        })();
        run(env, work, out_rows)
    }

    /// Whether the user's roles grant `permission`: `'*'` grants everything, `'project:*'`
    /// every `project:…` permission; global assignments apply everywhere, resource-scoped
    /// ones only when that resource is asked about. One statement.
    #[napi(
        ts_args_type = "userId: string, permission: string, resourceType?: string, resourceId?: string",
        ts_return_type = "Promise<boolean>"
    )]
    pub fn has_permission<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown,
        permission: Unknown,
        resource_type: Option<Unknown>,
        resource_id: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let user = convert::text(env, user_id, "userId")?;
            let perm = convert::text(env, permission, "permission")?;
            let rtype = convert::opt_text(env, resource_type, "resourceType")?;
            let rid = convert::opt_text(env, resource_id, "resourceId")?;
            Ok(with_read_conn!(t, |ctx, conn| rbac::has_permission(
                ctx,
                conn,
                &user,
                &perm,
                rtype.as_deref(),
                rid.as_deref()
            )))
        })();
        run(env, work, out_bool)
    }

    /// Create the seed's system roles where missing (idempotent, safe concurrently).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn initialize_system_roles<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = Ok(with_conn!(t, |ctx, conn| rbac::initialize_system_roles(
            ctx, conn
        )));
        run(env, work, out_void)
    }
}

/// Flat `AdminStorage` RBAC methods (team roles).
#[napi]
impl PostgresAdminStorage {
    /// The seed's RBAC domain object.
    #[napi(getter)]
    pub fn rbac(&self) -> RbacPG {
        RbacPG {
            target: self.target(),
        }
    }

    /// `AdminStorage.getUserPermissionsForTeam`: the permissions of the user's team role
    /// (`owner` also carries `'*'`); a non-member has none. One statement.
    #[napi(
        ts_args_type = "userId: string, teamId: string",
        ts_return_type = "Promise<string[]>"
    )]
    pub fn get_user_permissions_for_team<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown,
        team_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = (|| {
            let user = convert::text(env, user_id, "userId")?;
            let team = convert::text(env, team_id, "teamId")?;
            Ok(with_read_conn!(t, |ctx, conn| {
                rbac::user_permissions_for_team(ctx, conn, &user, &team)
            }))
        })();
        run(env, work, out_strings)
    }

    /// `AdminStorage.userHasPermission`: whether the user's team role grants `permission`
    /// (`'*'` and `'<resource>:*'` are wildcards). One statement.
    #[napi(
        ts_args_type = "userId: string, teamId: string, permission: string",
        ts_return_type = "Promise<boolean>"
    )]
    pub fn user_has_permission<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown,
        team_id: Unknown,
        permission: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = (|| {
            let user = convert::text(env, user_id, "userId")?;
            let team = convert::text(env, team_id, "teamId")?;
            let perm = convert::text(env, permission, "permission")?;
            Ok(with_read_conn!(t, |ctx, conn| {
                rbac::user_has_team_permission(ctx, conn, &user, &team, &perm)
            }))
        })();
        run(env, work, out_bool)
    }
}
