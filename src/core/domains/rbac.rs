//! Roles, role assignments and permission checks (seed Phase 6.9; CONTRACT §5B `RbacPG`), and
//! the team-role permissions of the flat `AdminStorage` (CONTRACT §5A RBAC).
//!
//! Permissions are `resource:action` strings. `'*'` grants everything and `'<prefix>:*'`
//! grants every permission starting with `<prefix>:`; the same rule is applied in SQL
//! (`has_permission`) and in Rust (`grants`).

use sqlx::postgres::PgConnection;
use sqlx::Row as _;

use super::crud::{Entity, RoleAssignments, Roles};
use super::fields::{self, Fields};
use super::generic;
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::{truncate, Result, StoreError};
use crate::core::pg::stmt::parse_id;
use crate::core::pg::value::{Param, Row, Value};

// ---------- the permission rule ----------

/// Whether a permission list grants `wanted`: an exact match, `'*'`, or `'<prefix>:*'` with
/// `wanted` starting with `<prefix>:`.
pub fn grants<'a>(permissions: impl IntoIterator<Item = &'a str>, wanted: &str) -> bool {
    permissions.into_iter().any(|p| {
        p == "*"
            || p == wanted
            || p.strip_suffix('*')
                .is_some_and(|prefix| prefix.ends_with(':') && wanted.starts_with(prefix))
    })
}

// ---------- team roles (flat AdminStorage) ----------

/// Resources of the team-role permissions.
pub const RESOURCES: [&str; 8] = [
    "team",
    "project",
    "deployment",
    "build",
    "env_var",
    "member",
    "invite",
    "api_token",
];

/// Actions of the team-role permissions.
pub const ACTIONS: [&str; 6] = ["create", "read", "update", "delete", "deploy", "manage"];

const ADMIN: &[&str] = &[
    "team:read",
    "team:update",
    "member:create",
    "member:read",
    "member:update",
    "member:delete",
    "invite:create",
    "invite:read",
    "invite:delete",
    "project:create",
    "project:read",
    "project:update",
    "project:delete",
    "deployment:create",
    "deployment:read",
    "deployment:update",
    "deployment:delete",
    "deployment:deploy",
    "build:create",
    "build:read",
    "build:delete",
    "env_var:create",
    "env_var:read",
    "env_var:update",
    "env_var:delete",
    "api_token:create",
    "api_token:read",
    "api_token:delete",
];

const DEVELOPER: &[&str] = &[
    "team:read",
    "member:read",
    "project:create",
    "project:read",
    "project:update",
    "deployment:create",
    "deployment:read",
    "deployment:update",
    "deployment:deploy",
    "build:create",
    "build:read",
    "env_var:create",
    "env_var:read",
    "env_var:update",
    "api_token:create",
    "api_token:read",
];

const VIEWER: &[&str] = &[
    "team:read",
    "member:read",
    "project:read",
    "deployment:read",
    "build:read",
];

/// The permissions of a team role (`owner | admin | developer | viewer`): owner has every
/// `resource:action` and `'*'`. Any other role string has none.
pub fn team_role_permissions(role: &str) -> Vec<String> {
    match role {
        "owner" => RESOURCES
            .iter()
            .flat_map(|r| ACTIONS.iter().map(move |a| format!("{r}:{a}")))
            .chain(std::iter::once("*".to_string()))
            .collect(),
        "admin" => ADMIN.iter().map(|s| s.to_string()).collect(),
        "developer" => DEVELOPER.iter().map(|s| s.to_string()).collect(),
        "viewer" => VIEWER.iter().map(|s| s.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The member's team role, in one statement; `None` for a non-member.
async fn team_role(
    ctx: &Ctx,
    conn: &mut PgConnection,
    user_id: &str,
    team_id: &str,
) -> Result<Option<String>> {
    let role = ctx
        .query("SELECT role FROM {s}.admin_team_members WHERE team_id = $1 AND user_id = $2")
        .bind_id(team_id)
        .bind_id(user_id)
        .fetch_optional_scalar(conn)
        .await?;
    Ok(role)
}

/// `getUserPermissionsForTeam`: the permissions of the user's role in the team (none for a
/// non-member). One statement.
pub async fn user_permissions_for_team(
    ctx: &Ctx,
    conn: &mut PgConnection,
    user_id: &str,
    team_id: &str,
) -> Result<Vec<String>> {
    Ok(team_role(ctx, conn, user_id, team_id)
        .await?
        .map(|r| team_role_permissions(&r))
        .unwrap_or_default())
}

/// `userHasPermission`: whether the user's team role grants `permission` (wildcards
/// honoured). One statement.
pub async fn user_has_team_permission(
    ctx: &Ctx,
    conn: &mut PgConnection,
    user_id: &str,
    team_id: &str,
    permission: &str,
) -> Result<bool> {
    let perms = user_permissions_for_team(ctx, conn, user_id, team_id).await?;
    Ok(grants(perms.iter().map(String::as_str), permission))
}

// ---------- roles ----------

/// Give the unique violations of this domain a sentence naming what collided.
fn describe_unique(err: StoreError, fields: &Fields) -> StoreError {
    err.describe_unique(|constraint| match constraint {
        "admin_roles_team_name_key" => fields::text(fields, &["name"])
            .map(|n| format!("Role {} already exists in this scope", truncate(n))),
        "admin_role_assignments_scope_key" => {
            Some("This role is already assigned to the user for this resource".into())
        }
        c if c.ends_with("_pkey") => Some("A row with this id already exists".into()),
        _ => None,
    })
}

fn system_role_error(what: &str) -> StoreError {
    StoreError::SystemRole(format!("System roles cannot be {what}"))
}

pub async fn create_role(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    generic::create(ctx, conn, Roles::table(), fields)
        .await
        .map_err(|e| describe_unique(e, fields))
}

/// The role named `name` in a team, or among the global roles when `team_id` is `None`.
pub async fn get_role_by_name(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: Option<&str>,
    name: &str,
) -> Result<Option<Row>> {
    ctx.query("SELECT * FROM {s}.admin_roles WHERE team_id IS NOT DISTINCT FROM $1 AND name = $2")
        .bind_opt_id(team_id)
        .bind(name)
        .fetch_row(conn)
        .await
}

/// Update a role; `None` when there is none. A system role keeps its name, team and system
/// flag (`ERR_ADMIN_PG_SYSTEM_ROLE` when the data would change them); its description and
/// permissions may change. Data repeating the current values is accepted.
pub async fn update_role(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    let table = Roles::table();
    let cols = generic::columns_of(table, fields, true)?;
    let Some(uuid) = parse_id(id) else {
        return Ok(None);
    };
    let guarded = cols
        .iter()
        .any(|(c, _)| matches!(c.name, "name" | "team_id" | "is_system"));
    if !guarded {
        return generic::modify(ctx, conn, table, id, fields)
            .await
            .map_err(|e| describe_unique(e, fields));
    }
    // Lock the role, so the check and the update see the same row.
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let current = ctx
        .query("SELECT * FROM {s}.admin_roles WHERE id = $1 FOR UPDATE")
        .bind(uuid)
        .fetch_row(&mut *tx)
        .await?;
    let Some(current) = current else {
        return Ok(None);
    };
    if matches!(current.get("isSystem"), Some(Value::Bool(true))) {
        let changes = |camel: &str, new: &Param| -> bool {
            use Value as V;
            match (current.get(camel), new) {
                (Some(V::Text(old)), Param::Text(n)) => old != n,
                (Some(V::Null), Param::Null) => false,
                (Some(V::Bool(old)), Param::Bool(n)) => old != n,
                _ => true,
            }
        };
        for (k, v) in fields {
            let Some(col) = table.column(k) else { continue };
            let changed = match col.name {
                "name" => changes("name", v),
                "team_id" => changes("teamId", v),
                "is_system" => changes("isSystem", v),
                _ => false,
            };
            if changed {
                return Err(system_role_error(match col.name {
                    "name" => "renamed",
                    _ => "moved to a team or made non-system",
                }));
            }
        }
    }
    let row = generic::modify(ctx, &mut tx, table, id, fields)
        .await
        .map_err(|e| describe_unique(e, fields))?;
    tx.commit().await?;
    Ok(row)
}

/// Delete a role (its assignments go with it); `false` when there is none. A system role →
/// `ERR_ADMIN_PG_SYSTEM_ROLE`. One statement.
pub async fn delete_role(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<bool> {
    let row = ctx
        .query(
            "WITH target AS ( \
               SELECT id, coalesce(is_system, false) AS is_system \
               FROM {s}.admin_roles WHERE id = $1), \
             gone AS ( \
               DELETE FROM {s}.admin_roles r USING target t \
               WHERE r.id = t.id AND NOT t.is_system RETURNING r.id) \
             SELECT t.is_system, (SELECT count(*) FROM gone) AS deleted FROM target t",
        )
        .bind_id(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    if row.try_get::<bool, _>("is_system")? {
        return Err(system_role_error("deleted"));
    }
    Ok(row.try_get::<i64, _>("deleted")? > 0)
}

/// Every role by name (`id` breaks ties).
pub async fn list_roles(ctx: &Ctx, conn: &mut PgConnection) -> Result<Vec<Row>> {
    ctx.query("SELECT * FROM {s}.admin_roles ORDER BY name, id")
        .fetch_rows(conn)
        .await
}

/// `list_roles_for_team` when a team is given, else `list_roles`.
pub async fn list_roles_of(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: Option<&str>,
) -> Result<Vec<Row>> {
    match team_id {
        Some(team) => list_roles_for_team(ctx, conn, team).await,
        None => list_roles(ctx, conn).await,
    }
}

/// A team's roles and the system roles: system roles first, then by name, `id` last.
pub async fn list_roles_for_team(
    ctx: &Ctx,
    conn: &mut PgConnection,
    team_id: &str,
) -> Result<Vec<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_roles WHERE team_id = $1 OR is_system = true \
         ORDER BY is_system DESC NULLS LAST, name, id",
    )
    // Not a UUID: no team's roles, the system roles still.
    .bind(parse_id(team_id))
    .fetch_rows(conn)
    .await
}

pub async fn list_system_roles(ctx: &Ctx, conn: &mut PgConnection) -> Result<Vec<Row>> {
    ctx.query("SELECT * FROM {s}.admin_roles WHERE is_system = true ORDER BY name, id")
        .fetch_rows(conn)
        .await
}

/// The seed's five system roles, created when missing; safe to run any number of times,
/// concurrently too. One statement.
pub async fn initialize_system_roles(ctx: &Ctx, conn: &mut PgConnection) -> Result<()> {
    ctx.query(
        r#"INSERT INTO {s}.admin_roles (team_id, name, description, permissions, is_system)
VALUES
  (NULL, 'platform_admin', 'Full platform administration access', '["*"]'::jsonb, true),
  (NULL, 'team_owner', 'Full team access including member management',
   '["team:read", "team:update", "team:delete", "team:members:read", "team:members:write", "project:*", "deployment:*", "build:*"]'::jsonb, true),
  (NULL, 'team_admin', 'Team administration without deletion',
   '["team:read", "team:update", "team:members:read", "team:members:write", "project:*", "deployment:*", "build:*"]'::jsonb, true),
  (NULL, 'team_member', 'Standard team member access',
   '["team:read", "project:read", "project:create", "project:update", "deployment:read", "deployment:create", "build:read", "build:create"]'::jsonb, true),
  (NULL, 'team_viewer', 'Read-only team access',
   '["team:read", "project:read", "deployment:read", "build:read"]'::jsonb, true)
ON CONFLICT ON CONSTRAINT admin_roles_team_name_key DO NOTHING"#,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

// ---------- assignments ----------

/// Assign a role to a user, globally or for one resource. The same assignment twice (NULL
/// resource included) is a unique violation.
pub async fn assign_role(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    generic::create(ctx, conn, RoleAssignments::table(), fields)
        .await
        .map_err(|e| describe_unique(e, fields))
}

/// Remove the assignment with exactly this scope (`None` = unscoped); whether one was removed.
pub async fn remove_role_assignment(
    ctx: &Ctx,
    conn: &mut PgConnection,
    role_id: &str,
    user_id: &str,
    resource_type: Option<&str>,
    resource_id: Option<&str>,
) -> Result<bool> {
    let removed = ctx
        .query(
            "DELETE FROM {s}.admin_role_assignments \
             WHERE role_id = $1 AND user_id = $2 \
               AND resource_type IS NOT DISTINCT FROM $3 AND resource_id IS NOT DISTINCT FROM $4",
        )
        .bind_id(role_id)
        .bind_id(user_id)
        .bind(resource_type)
        .bind_opt_id(resource_id)
        .rows_affected(conn)
        .await?;
    Ok(removed > 0)
}

/// A user's assignments, oldest first (`id` breaks ties).
pub async fn user_role_assignments(
    ctx: &Ctx,
    conn: &mut PgConnection,
    user_id: &str,
) -> Result<Vec<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_role_assignments WHERE user_id = $1 \
         ORDER BY created_at, id",
    )
    .bind_id(user_id)
    .fetch_rows(conn)
    .await
}

/// The roles that apply to a user on one resource: unscoped assignments and assignments to
/// exactly that resource. Each role once, by name (`id` breaks ties).
pub async fn user_roles_for_resource(
    ctx: &Ctx,
    conn: &mut PgConnection,
    user_id: &str,
    resource_type: &str,
    resource_id: &str,
) -> Result<Vec<Row>> {
    ctx.query(
        "SELECT r.* FROM {s}.admin_roles r WHERE r.id IN ( \
               SELECT ra.role_id FROM {s}.admin_role_assignments ra \
               WHERE ra.user_id = $1 AND ( \
                 (ra.resource_type IS NULL AND ra.resource_id IS NULL) \
                 OR (ra.resource_type = $2 AND ra.resource_id = $3))) \
             ORDER BY r.name, r.id",
    )
    .bind_id(user_id)
    .bind(resource_type)
    .bind(parse_id(resource_id))
    .fetch_rows(conn)
    .await
}

/// Whether any role assigned to the user grants `permission` (`'*'` and `'<prefix>:*'`
/// honoured). Unscoped assignments apply everywhere; an assignment scoped to a resource
/// applies only when that resource (type and id) is asked about. One statement: the app asks
/// on every request.
pub async fn has_permission(
    ctx: &Ctx,
    conn: &mut PgConnection,
    user_id: &str,
    permission: &str,
    resource_type: Option<&str>,
    resource_id: Option<&str>,
) -> Result<bool> {
    let Some(user_id) = parse_id(user_id) else {
        return Ok(false);
    };
    // A malformed resource id names no resource: only unscoped assignments can apply.
    let (resource_type, resource_id) = match (resource_type, resource_id.and_then(parse_id)) {
        (Some(t), Some(id)) => (Some(t), Some(id)),
        _ => (None, None),
    };
    let granted: bool = ctx
        .query(
            "SELECT EXISTS ( \
               SELECT 1 FROM {s}.admin_role_assignments ra \
               JOIN {s}.admin_roles r ON r.id = ra.role_id \
               CROSS JOIN LATERAL jsonb_array_elements_text( \
                 CASE WHEN jsonb_typeof(r.permissions) = 'array' \
                      THEN r.permissions ELSE '[]'::jsonb END) AS p(permission) \
               WHERE ra.user_id = $1 \
                 AND ((ra.resource_type IS NULL AND ra.resource_id IS NULL) \
                      OR (ra.resource_type = $3 AND ra.resource_id = $4)) \
                 AND (p.permission = '*' OR p.permission = $2 \
                      OR (right(p.permission, 2) = ':*' \
                          AND starts_with($2, left(p.permission, -1)))))",
        )
        .bind(user_id)
        .bind(permission)
        .bind(resource_type)
        .bind(resource_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(grants(["*"], "anything:at:all"));
        assert!(grants(["project:*"], "project:read"));
        assert!(grants(["project:*"], "project:env:write"));
        assert!(!grants(["project:*"], "projects:read"));
        assert!(!grants(["project:*"], "deployment:read"));
        assert!(grants(["team:read"], "team:read"));
        assert!(!grants(["team:read"], "team:update"));
        assert!(!grants(Vec::<&str>::new(), "team:read"));
        // A bare `x*` is not a wildcard: only `'*'` and `'<prefix>:*'` are.
        assert!(!grants(["proj*"], "project:read"));
    }

    #[test]
    fn team_roles() {
        let owner = team_role_permissions("owner");
        assert_eq!(owner.len(), RESOURCES.len() * ACTIONS.len() + 1);
        assert!(owner.contains(&"*".to_string()));
        assert!(owner.contains(&"api_token:manage".to_string()));
        let admin = team_role_permissions("admin");
        assert!(admin.contains(&"deployment:deploy".to_string()));
        assert!(!admin.contains(&"team:delete".to_string()));
        let dev = team_role_permissions("developer");
        assert!(dev.contains(&"env_var:update".to_string()));
        assert!(!dev.contains(&"env_var:delete".to_string()));
        assert_eq!(team_role_permissions("viewer").len(), 5);
        assert!(team_role_permissions("member").is_empty());
        // Every listed permission is a resource:action of the contract.
        for p in admin.iter().chain(&dev) {
            let (r, a) = p.split_once(':').unwrap();
            assert!(RESOURCES.contains(&r) && ACTIONS.contains(&a), "{p}");
        }
    }
}
