//! Edge routes. Rows are stored whole; callers get the seed's `RouteInfo`, shaped from the
//! common row by `route_info`.

use std::sync::Arc;

use sqlx::postgres::PgConnection;

use super::fields::Fields;
use super::generic::{self, parse_id};
use super::validate::expect_one_of;
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::{truncate, Result, StoreError};
use crate::core::pg::value::{decode_one, decode_rows, Naming, Param, Row, Value};
use crate::core::tables::{table_by_name, Table};

fn table() -> &'static Table {
    table_by_name("admin_routes").expect("admin_routes is a known table")
}

pub use super::validate::ROUTE_STATUSES;

/// What `createRoute` takes: the seed's `RouteConfig & { publicUrl }`, plus an optional `id`.
const CREATE_KEYS: &[&str] = &[
    "id",
    "deploymentId",
    "projectId",
    "subdomain",
    "targetHost",
    "targetPort",
    "publicUrl",
    "tls",
];

const REQUIRED_KEYS: &[&str] = &[
    "deploymentId",
    "projectId",
    "subdomain",
    "targetHost",
    "targetPort",
    "publicUrl",
];

/// `RouteConfig.tls` is the `tls_enabled` column.
fn tls_to_column(fields: &Fields) -> Fields {
    fields
        .iter()
        .map(|(k, v)| {
            let k = if k == "tls" { "tlsEnabled" } else { k.as_str() };
            (k.to_string(), v.clone())
        })
        .collect()
}

/// The seed's `RouteInfo` from a route row: `routeId, deploymentId, publicUrl, status,
/// createdAt`, and `lastHealthCheck` only once the route has been checked (the seed turns a
/// NULL into `undefined`, and its type is `lastHealthCheck?: Date`).
pub fn route_info(row: &Row) -> Row {
    const FROM: [(&str, &str); 6] = [
        ("id", "routeId"),
        ("deploymentId", "deploymentId"),
        ("publicUrl", "publicUrl"),
        ("status", "status"),
        ("createdAt", "createdAt"),
        ("lastHealthCheck", "lastHealthCheck"),
    ];
    let mut columns = Vec::with_capacity(FROM.len());
    let mut values = Vec::with_capacity(FROM.len());
    for (from, to) in FROM {
        let v = row.get(from).cloned().unwrap_or(Value::Null);
        if to == "lastHealthCheck" && v == Value::Null {
            continue;
        }
        columns.push(to.to_string());
        values.push(v);
    }
    Row {
        columns: Arc::from(columns),
        values,
    }
}

fn info(row: Option<Row>) -> Option<Row> {
    row.as_ref().map(route_info)
}

/// Register a route (status `pending`, TLS on unless `tls: false`).
pub async fn create(ctx: &Ctx, conn: &mut PgConnection, config: &Fields) -> Result<Row> {
    for (k, _) in config {
        if !CREATE_KEYS.contains(&k.as_str()) {
            return Err(StoreError::invalid(format!(
                "unknown field `{}` for a route config (expected {})",
                truncate(k),
                CREATE_KEYS.join(", ")
            )));
        }
    }
    for required in REQUIRED_KEYS {
        match config.iter().find(|(k, _)| k == required) {
            None | Some((_, Param::Null)) => {
                return Err(StoreError::invalid(format!(
                    "route config field `{required}` is required"
                )))
            }
            Some(_) => {}
        }
    }
    let row = generic::create(ctx, conn, table(), &tls_to_column(config)).await?;
    Ok(route_info(&row))
}

pub async fn get_by_id(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<Option<Row>> {
    let Some(id) = parse_id(id) else {
        return Ok(None);
    };
    let row = ctx
        .query("SELECT * FROM {s}.admin_routes WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(info(
        row.map(|r| decode_one(&r, Naming::Camel)).transpose()?,
    ))
}

/// The deployment's route; the newest when there are several.
pub async fn get_by_deployment(
    ctx: &Ctx,
    conn: &mut PgConnection,
    deployment_id: &str,
) -> Result<Option<Row>> {
    let Some(deployment_id) = parse_id(deployment_id) else {
        return Ok(None);
    };
    let row = ctx
        .query(
            "SELECT * FROM {s}.admin_routes WHERE deployment_id = $1 \
             ORDER BY created_at DESC, id LIMIT 1",
        )
        .bind(deployment_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(info(
        row.map(|r| decode_one(&r, Naming::Camel)).transpose()?,
    ))
}

pub async fn get_by_subdomain(
    ctx: &Ctx,
    conn: &mut PgConnection,
    subdomain: &str,
) -> Result<Option<Row>> {
    let row = ctx
        .query("SELECT * FROM {s}.admin_routes WHERE subdomain = $1")
        .bind(subdomain)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(info(
        row.map(|r| decode_one(&r, Naming::Camel)).transpose()?,
    ))
}

/// Update route columns (`tls` is accepted for `tlsEnabled`); `None` when there is no such
/// route.
pub async fn update(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    let row = generic::modify(ctx, conn, table(), id, &tls_to_column(fields)).await?;
    Ok(info(row))
}

pub async fn update_status(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    status: &str,
) -> Result<Option<Row>> {
    expect_one_of(status, ROUTE_STATUSES, "status")?;
    let fields = vec![("status".to_string(), Param::Text(status.to_string()))];
    update(ctx, conn, id, &fields).await
}

/// Record a health check: `active` when healthy, else `unhealthy`; `last_health_check` = now.
pub async fn update_health(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    healthy: bool,
) -> Result<Option<Row>> {
    let Some(id) = parse_id(id) else {
        return Ok(None);
    };
    let row = ctx
        .query(
            "UPDATE {s}.admin_routes SET \
               status = CASE WHEN $2 THEN 'active' ELSE 'unhealthy' END, \
               last_health_check = now() \
             WHERE id = $1 RETURNING *",
        )
        .bind(id)
        .bind(healthy)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(info(
        row.map(|r| decode_one(&r, Naming::Camel)).transpose()?,
    ))
}

pub async fn set_provider_route_id(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    provider_route_id: &str,
) -> Result<Option<Row>> {
    let fields = vec![(
        "providerRouteId".to_string(),
        Param::Text(provider_route_id.to_string()),
    )];
    update(ctx, conn, id, &fields).await
}

pub async fn delete(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<bool> {
    generic::delete(ctx, conn, table(), id).await
}

/// A project's routes, newest first (`id` breaks ties).
pub async fn list(ctx: &Ctx, conn: &mut PgConnection, project_id: &str) -> Result<Vec<Row>> {
    let Some(project_id) = parse_id(project_id) else {
        return Ok(Vec::new());
    };
    let rows = ctx
        .query(
            "SELECT * FROM {s}.admin_routes WHERE project_id = $1 \
             ORDER BY created_at DESC, id",
        )
        .bind(project_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(decode_rows(&rows, Naming::Camel)?
        .iter()
        .map(route_info)
        .collect())
}

/// Every active route, by subdomain.
pub async fn list_active(ctx: &Ctx, conn: &mut PgConnection) -> Result<Vec<Row>> {
    let rows = ctx
        .query("SELECT * FROM {s}.admin_routes WHERE status = 'active' ORDER BY subdomain, id")
        .fetch_all(&mut *conn)
        .await?;
    Ok(decode_rows(&rows, Naming::Camel)?
        .iter()
        .map(route_info)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(last_check: Value) -> Row {
        let cols: Vec<String> = [
            "id",
            "deploymentId",
            "subdomain",
            "publicUrl",
            "status",
            "createdAt",
            "lastHealthCheck",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        Row {
            columns: cols.into(),
            values: vec![
                Value::Text("r".into()),
                Value::Text("d".into()),
                Value::Text("s".into()),
                Value::Text("https://s.example.com".into()),
                Value::Text("pending".into()),
                Value::Null,
                last_check,
            ],
        }
    }

    #[test]
    fn route_info_keeps_the_seed_fields_only() {
        let info = route_info(&row(Value::Null));
        assert_eq!(
            &*info.columns,
            [
                "routeId",
                "deploymentId",
                "publicUrl",
                "status",
                "createdAt"
            ]
        );
        assert_eq!(info.text("routeId"), Some("r"));
        let checked = route_info(&row(Value::Bool(true)));
        assert_eq!(
            checked.columns.last().map(String::as_str),
            Some("lastHealthCheck")
        );
    }

    #[test]
    fn tls_maps_to_its_column() {
        let f = tls_to_column(&vec![("tls".into(), Param::Bool(false))]);
        assert_eq!(f[0].0, "tlsEnabled");
    }
}
