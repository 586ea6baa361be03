//! Domain input rules, checked before any SQL: the fields a create must give (NOT NULL columns
//! without a default that the domain does not fill itself) and the enumerated fields, whose
//! values must be one of the contract's. One message shape for every domain:
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

/// The rules of one table: required columns and enumerated columns (snake_case names).
struct Rules {
    table: &'static str,
    required: &'static [&'static str],
    enums: &'static [(&'static str, &'static [&'static str])],
}

static RULES: &[Rules] = &[
    Rules {
        table: "admin_users",
        required: &["email"],
        enums: &[],
    },
    Rules {
        table: "admin_teams",
        required: &["name", "slug"],
        enums: &[],
    },
    Rules {
        table: "admin_team_members",
        required: &["team_id", "user_id"],
        enums: &[("role", TEAM_ROLES)],
    },
    Rules {
        table: "admin_team_invites",
        required: &["team_id", "email", "invited_by", "token", "expires_at"],
        enums: &[("role", TEAM_ROLES)],
    },
    Rules {
        table: "admin_team_installations",
        required: &["team_id", "provider", "installation_id"],
        enums: &[],
    },
    Rules {
        table: "admin_projects",
        required: &["team_id", "name", "slug", "source_type", "source_config"],
        enums: &[],
    },
    Rules {
        table: "admin_project_api_tokens",
        required: &[
            "project_id",
            "name",
            "token_hash",
            "token_prefix",
            "created_by",
        ],
        enums: &[],
    },
    Rules {
        table: "admin_deployments",
        required: &["project_id", "type", "branch", "slug"],
        enums: &[("type", DEPLOYMENT_TYPES), ("status", DEPLOYMENT_STATUSES)],
    },
    Rules {
        table: "admin_builds",
        required: &["deployment_id", "trigger", "triggered_by"],
        enums: &[("trigger", BUILD_TRIGGERS), ("status", BUILD_STATUSES)],
    },
    Rules {
        table: "admin_running_servers",
        required: &["deployment_id", "build_id", "host", "port"],
        enums: &[("health_status", HEALTH_STATUSES)],
    },
    Rules {
        table: "admin_routes",
        required: &[
            "deployment_id",
            "project_id",
            "subdomain",
            "target_host",
            "target_port",
            "public_url",
        ],
        enums: &[("status", ROUTE_STATUSES)],
    },
    Rules {
        table: "admin_roles",
        required: &["name"],
        enums: &[],
    },
    Rules {
        table: "admin_role_assignments",
        required: &["role_id", "user_id"],
        enums: &[],
    },
];

fn rules(table: &Table) -> Option<&'static Rules> {
    RULES.iter().find(|r| r.table == table.name)
}

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
fn check_enums(rules: &Rules, table: &Table, fields: &Fields) -> Result<()> {
    for (name, value) in fields {
        let Some(col) = table.column(name) else {
            continue; // unknown names are refused, with their own message, by the engine
        };
        if let Some((_, allowed)) = rules.enums.iter().find(|(c, _)| *c == col.name) {
            expect_one_of(&param_text(value), allowed, col.camel)?;
        }
    }
    Ok(())
}

/// Before an INSERT by a domain: every required field given and not null, every enumerated
/// field one of its values.
pub fn on_create(table: &Table, fields: &Fields) -> Result<()> {
    let Some(rules) = rules(table) else {
        return Ok(());
    };
    if let Some(missing) = rules.required.iter().find(|c| !given(fields, table, c)) {
        let camel = table.column(missing).map_or(*missing, |c| c.camel);
        return Err(StoreError::invalid(format!("{camel} is required")));
    }
    check_enums(rules, table, fields)
}

/// Before an UPDATE by a domain: a required field may not be set to null, and every
/// enumerated field given must be one of its values.
pub fn on_update(table: &Table, fields: &Fields) -> Result<()> {
    let Some(rules) = rules(table) else {
        return Ok(());
    };
    for (name, value) in fields {
        if let Some(col) = table.column(name) {
            if matches!(value, Param::Null) && rules.required.contains(&col.name) {
                return Err(StoreError::invalid(format!("{} cannot be null", col.camel)));
            }
        }
    }
    check_enums(rules, table, fields)
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
    fn every_rule_names_real_columns() {
        for r in RULES {
            let t = table_by_name(r.table).expect("known table");
            for c in r.required.iter().chain(r.enums.iter().map(|(c, _)| c)) {
                assert!(
                    t.columns.iter().any(|col| col.name == *c),
                    "{}.{c}",
                    r.table
                );
            }
        }
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
