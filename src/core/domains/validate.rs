//! Domain input rules, checked before any SQL: the fields a create must give (the NOT NULL
//! columns without a default, as `tables.rs` describes them; a domain that fills one itself,
//! like an invite's token, does so first) and the enumerated fields, whose values must be one
//! of the contract's. One message shape for every domain:
//! `"<field> is required"`, `"<field> must be one of a, b, c, got `x`"` (camelCase field names).
//! The generic `AdminPgDB` engine does not use these rules (it stores what its caller gives).

use super::fields::{given, Fields};
use crate::core::pg::error::{truncate, Result, StoreError};
use crate::core::pg::value::Param;
use crate::core::tables::Table;

/// Team member and invite roles.
pub const TEAM_ROLES: &[&str] = &["owner", "admin", "developer", "viewer"];
/// Deployment types.
pub const DEPLOYMENT_TYPES: &[&str] = &["production", "staging", "preview"];
/// Deployment statuses.
pub const DEPLOYMENT_STATUSES: &[&str] = &["pending", "building", "running", "stopped", "failed"];
/// Build statuses.
pub const BUILD_STATUSES: &[&str] = &[
    "queued",
    "building",
    "deploying",
    "succeeded",
    "failed",
    "cancelled",
];
/// Build triggers.
pub const BUILD_TRIGGERS: &[&str] = &["manual", "webhook", "schedule", "rollback"];
/// Running-server health statuses.
pub const HEALTH_STATUSES: &[&str] = &["starting", "healthy", "unhealthy", "stopping"];
/// Route statuses.
pub const ROUTE_STATUSES: &[&str] = &["pending", "active", "unhealthy", "error"];

/// The enumerated columns: (table, column, allowed values), snake_case names.
static ENUMS: &[(&str, &str, &[&str])] = &[
    ("admin_team_members", "role", TEAM_ROLES),
    ("admin_team_invites", "role", TEAM_ROLES),
    ("admin_deployments", "type", DEPLOYMENT_TYPES),
    ("admin_deployments", "status", DEPLOYMENT_STATUSES),
    ("admin_builds", "trigger", BUILD_TRIGGERS),
    ("admin_builds", "status", BUILD_STATUSES),
    ("admin_running_servers", "health_status", HEALTH_STATUSES),
    ("admin_routes", "status", ROUTE_STATUSES),
];

/// `value` if it is one of `allowed`, else INVALID_ARGUMENT naming `what`.
pub fn expect_one_of(value: &str, allowed: &[&str], what: &str) -> Result<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(StoreError::invalid(format!(
            "{what} must be one of {}, got `{}`",
            allowed.join(", "),
            truncate(value)
        )))
    }
}

fn param_text(p: &Param) -> String {
    match p {
        Param::Text(s) => s.clone(),
        Param::Null => "null".into(),
        Param::Bool(b) => b.to_string(),
        Param::Number(n) => n.to_string(),
        Param::BigInt(n) => n.to_string(),
        Param::JsonText(s) => s.clone(),
        Param::Date(d) => d.to_rfc3339(),
        Param::Bytes(_) => "<bytes>".into(),
        Param::Array(_) => "<array>".into(),
    }
}

/// The enumerated fields among `fields` must hold allowed values (null included: those
/// columns are NOT NULL).
fn check_enums(table: &Table, fields: &Fields) -> Result<()> {
    for (name, value) in fields {
        let Some(col) = table.column(name) else {
            continue; // unknown names are refused, with their own message, by the engine
        };
        if let Some((_, _, allowed)) = ENUMS
            .iter()
            .find(|(t, c, _)| *t == table.name && *c == col.name)
        {
            expect_one_of(&param_text(value), allowed, col.camel)?;
        }
    }
    Ok(())
}

/// Every required column (`Column::required`: NOT NULL without a default, in `tables.rs`)
/// given and not null; the first missing one is named.
pub fn require(table: &Table, fields: &Fields) -> Result<()> {
    match table
        .columns
        .iter()
        .find(|c| c.required() && !given(fields, table, c.name))
    {
        Some(missing) => Err(StoreError::invalid(format!(
            "{} is required",
            missing.camel
        ))),
        None => Ok(()),
    }
}

/// Before an INSERT by a domain: every required field given and not null, every enumerated
/// field one of its values.
pub fn on_create(table: &Table, fields: &Fields) -> Result<()> {
    require(table, fields)?;
    check_enums(table, fields)
}

/// Before an UPDATE by a domain: a required field may not be set to null, and every
/// enumerated field given must be one of its values.
pub fn on_update(table: &Table, fields: &Fields) -> Result<()> {
    for (name, value) in fields {
        if let Some(col) = table.column(name) {
            if matches!(value, Param::Null) && col.required() {
                return Err(StoreError::invalid(format!("{} cannot be null", col.camel)));
            }
        }
    }
    check_enums(table, fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tables::table_by_name;

    fn f(pairs: &[(&str, Param)]) -> Fields {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn every_enum_names_a_real_column() {
        for (table, column, _) in ENUMS {
            let t = table_by_name(table).expect("known table");
            assert!(
                t.columns.iter().any(|c| c.name == *column),
                "{table}.{column}"
            );
        }
    }

    /// The required columns, as the domains relied on them before they were derived.
    #[test]
    fn required_columns_are_the_not_null_ones_without_a_default() {
        let required = |name: &str| -> Vec<&str> {
            let t = table_by_name(name).unwrap();
            t.columns
                .iter()
                .filter(|c| c.required())
                .map(|c| c.name)
                .collect()
        };
        assert_eq!(required("admin_users"), ["email"]);
        assert_eq!(required("admin_team_members"), ["team_id", "user_id"]);
        assert_eq!(
            required("admin_team_invites"),
            ["team_id", "email", "invited_by", "token", "expires_at"]
        );
        assert_eq!(
            required("admin_projects"),
            ["team_id", "name", "slug", "source_type", "source_config"]
        );
        assert_eq!(
            required("admin_deployments"),
            ["project_id", "type", "branch", "slug"]
        );
        assert_eq!(
            required("admin_builds"),
            ["deployment_id", "trigger", "triggered_by"]
        );
        assert_eq!(
            required("admin_running_servers"),
            ["deployment_id", "build_id", "host", "port"]
        );
        assert_eq!(required("admin_roles"), ["name"]);
        assert_eq!(required("admin_role_assignments"), ["role_id", "user_id"]);
    }

    #[test]
    fn missing_required_field_is_named_in_camel_case() {
        let t = table_by_name("admin_projects").unwrap();
        let e = on_create(t, &f(&[("teamId", Param::Text("x".into()))])).unwrap_err();
        assert_eq!(e.to_string(), "name is required");
        let e = on_create(
            t,
            &f(&[
                ("teamId", Param::Text("x".into())),
                ("name", Param::Text("n".into())),
                ("slug", Param::Text("s".into())),
                ("sourceConfig", Param::JsonText("{}".into())),
            ]),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "sourceType is required");
    }

    #[test]
    fn enumerated_fields_are_checked_on_create_and_update() {
        let t = table_by_name("admin_deployments").unwrap();
        let e = on_update(t, &f(&[("type", Param::Text("prod".into()))])).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("type must be one of production, staging, preview"));
        assert!(on_update(t, &f(&[("status", Param::Text("running".into()))])).is_ok());
        let e = on_update(t, &f(&[("status", Param::Null)])).unwrap_err();
        assert!(e.to_string().starts_with("status must be one of"));
    }
}
