//! Edge routes. Rows are stored whole; callers get the seed's `RouteInfo`, shaped from the
//! common row by `route_info`.

use std::sync::Arc;

use sqlx::postgres::PgConnection;

use super::crud::{Entity, Routes};
use super::fields::{self, Fields};
use super::generic;
use super::validate::expect_one_of;
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::{truncate, Result, StoreError};
use crate::core::pg::value::{Param, Row, Value};

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

/// Of `CREATE_KEYS`, the ones a route config may leave out.
const OPTIONAL_KEYS: &[&str] = &["id", "tls"];

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

fn info(row: Result<Option<Row>>) -> Result<Option<Row>> {
    Ok(row?.as_ref().map(route_info))
}

fn infos(rows: Result<Vec<Row>>) -> Result<Vec<Row>> {
    Ok(rows?.iter().map(route_info).collect())
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
    for required in CREATE_KEYS.iter().filter(|k| !OPTIONAL_KEYS.contains(k)) {
        match config.iter().find(|(k, _)| k == required) {
            None | Some((_, Param::Null)) => {
                return Err(StoreError::invalid(format!(
                    "route config field `{required}` is required"
                )))
            }
            Some(_) => {}
        }
    }
    let row = generic::create(ctx, conn, Routes::table(), &tls_to_column(config)).await?;
    Ok(route_info(&row))
}

pub async fn get_by_id(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<Option<Row>> {
    info(generic::find_by_id(ctx, conn, Routes::table(), id).await)
}

/// The deployment's route; the newest when there are several.
pub async fn get_by_deployment(
    ctx: &Ctx,
    conn: &mut PgConnection,
    deployment_id: &str,
) -> Result<Option<Row>> {
    let sql = "SELECT * FROM {s}.admin_routes WHERE deployment_id = $1 \
               ORDER BY created_at DESC, id LIMIT 1";
    info(ctx.query(sql).bind_id(deployment_id).fetch_row(conn).await)
}

pub async fn get_by_subdomain(
    ctx: &Ctx,
    conn: &mut PgConnection,
    subdomain: &str,
) -> Result<Option<Row>> {
    let sql = "SELECT * FROM {s}.admin_routes WHERE subdomain = $1";
    info(ctx.query(sql).bind(subdomain).fetch_row(conn).await)
}

/// Update route columns (`tls` is accepted for `tlsEnabled`); `None` when there is no such
/// route.
pub async fn update(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    info(generic::modify(ctx, conn, Routes::table(), id, &tls_to_column(fields)).await)
}

pub async fn update_status(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    status: &str,
) -> Result<Option<Row>> {
    expect_one_of(status, ROUTE_STATUSES, "status")?;
    update(ctx, conn, id, &fields::one("status", status)).await
}

/// Record a health check: `active` when healthy, else `unhealthy`; `last_health_check` = now.
pub async fn update_health(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    healthy: bool,
) -> Result<Option<Row>> {
    let sql = "UPDATE {s}.admin_routes SET \
                 status = CASE WHEN $2 THEN 'active' ELSE 'unhealthy' END, \
                 last_health_check = now() \
               WHERE id = $1 RETURNING *";
    info(
        ctx.query(sql)
            .bind_id(id)
            .bind(healthy)
            .fetch_row(conn)
            .await,
    )
}

pub async fn set_provider_route_id(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    provider_route_id: &str,
) -> Result<Option<Row>> {
    update(
        ctx,
        conn,
        id,
        &fields::one("providerRouteId", provider_route_id),
    )
    .await
}

/// A project's routes, newest first (`id` breaks ties).
pub async fn list(ctx: &Ctx, conn: &mut PgConnection, project_id: &str) -> Result<Vec<Row>> {
    let sql = "SELECT * FROM {s}.admin_routes WHERE project_id = $1 ORDER BY created_at DESC, id";
    infos(ctx.query(sql).bind_id(project_id).fetch_rows(conn).await)
}

/// Every active route, by subdomain.
pub async fn list_active(ctx: &Ctx, conn: &mut PgConnection) -> Result<Vec<Row>> {
    let sql = "SELECT * FROM {s}.admin_routes WHERE status = 'active' ORDER BY subdomain, id";
    infos(ctx.query(sql).fetch_rows(conn).await)
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
