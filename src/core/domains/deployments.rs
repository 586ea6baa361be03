//! Deployments: one row per (project, type, branch). Plain CRUD goes through the generic
//! engine; look-ups and lists are static SQL with a deterministic order.

use sqlx::postgres::PgConnection;

use super::fields::Fields;
use super::generic::{self, parse_id};
use super::page::{Page, PageRequest};
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::Result;
use crate::core::pg::value::{decode_one, decode_rows, Naming, Param, Row};
use crate::core::tables::{table_by_name, Table};

fn table() -> &'static Table {
    table_by_name("admin_deployments").expect("admin_deployments is a known table")
}

pub use super::validate::{expect_one_of, DEPLOYMENT_STATUSES, DEPLOYMENT_TYPES};

/// Create a deployment (caller-supplied `id`, or a generated one).
pub async fn create(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    generic::create(ctx, conn, table(), fields).await
}

pub async fn get_by_id(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<Option<Row>> {
    let Some(id) = parse_id(id) else {
        return Ok(None);
    };
    let row = ctx
        .query("SELECT * FROM {s}.admin_deployments WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| decode_one(&r, Naming::Camel)).transpose()
}

/// The deployment of a project for (type, branch), unique by the table's constraint.
pub async fn get_by_branch(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    kind: &str,
    branch: &str,
) -> Result<Option<Row>> {
    let Some(project_id) = parse_id(project_id) else {
        return Ok(None);
    };
    let row = ctx
        .query(
            "SELECT * FROM {s}.admin_deployments \
             WHERE project_id = $1 AND type = $2 AND branch = $3",
        )
        .bind(project_id)
        .bind(kind)
        .bind(branch)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| decode_one(&r, Naming::Camel)).transpose()
}

/// A project's deployment by slug. Slugs are not unique in the schema: the newest wins.
pub async fn get_by_slug(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    slug: &str,
) -> Result<Option<Row>> {
    let Some(project_id) = parse_id(project_id) else {
        return Ok(None);
    };
    let row = ctx
        .query(
            "SELECT * FROM {s}.admin_deployments WHERE project_id = $1 AND slug = $2 \
             ORDER BY created_at DESC, id LIMIT 1",
        )
        .bind(project_id)
        .bind(slug)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| decode_one(&r, Naming::Camel)).transpose()
}

/// The newest production deployment of a project (the seed took any one).
pub async fn get_production(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
) -> Result<Option<Row>> {
    let Some(project_id) = parse_id(project_id) else {
        return Ok(None);
    };
    let row = ctx
        .query(
            "SELECT * FROM {s}.admin_deployments WHERE project_id = $1 AND type = 'production' \
             ORDER BY created_at DESC, id LIMIT 1",
        )
        .bind(project_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| decode_one(&r, Naming::Camel)).transpose()
}

/// Update; `None` when there is no such deployment.
pub async fn update(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    generic::modify(ctx, conn, table(), id, fields).await
}

/// Set the status (one of `DEPLOYMENT_STATUSES`); `None` when there is no such deployment.
pub async fn update_status(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    status: &str,
) -> Result<Option<Row>> {
    expect_one_of(status, DEPLOYMENT_STATUSES, "status")?;
    let fields = vec![("status".to_string(), Param::Text(status.to_string()))];
    update(ctx, conn, id, &fields).await
}

/// Point the deployment at a build; `None` when there is no such deployment.
pub async fn set_current_build(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    build_id: &str,
) -> Result<Option<Row>> {
    let fields = vec![(
        "currentBuildId".to_string(),
        Param::Text(build_id.to_string()),
    )];
    update(ctx, conn, id, &fields).await
}

/// Delete (cascades to the deployment's builds, running servers and routes).
pub async fn delete(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<bool> {
    generic::delete(ctx, conn, table(), id).await
}

/// A project's deployments, newest first (`id` breaks ties).
pub async fn list(ctx: &Ctx, conn: &mut PgConnection, project_id: &str) -> Result<Vec<Row>> {
    let Some(project_id) = parse_id(project_id) else {
        return Ok(Vec::new());
    };
    let rows = ctx
        .query(
            "SELECT * FROM {s}.admin_deployments WHERE project_id = $1 \
             ORDER BY created_at DESC, id",
        )
        .bind(project_id)
        .fetch_all(&mut *conn)
        .await?;
    decode_rows(&rows, Naming::Camel)
}

/// A project's deployments of one type, newest first.
pub async fn list_by_type(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    kind: &str,
) -> Result<Vec<Row>> {
    let Some(project_id) = parse_id(project_id) else {
        return Ok(Vec::new());
    };
    let rows = ctx
        .query(
            "SELECT * FROM {s}.admin_deployments WHERE project_id = $1 AND type = $2 \
             ORDER BY created_at DESC, id",
        )
        .bind(project_id)
        .bind(kind)
        .fetch_all(&mut *conn)
        .await?;
    decode_rows(&rows, Naming::Camel)
}

/// A project's pending, building or running deployments, newest first.
pub async fn list_active(ctx: &Ctx, conn: &mut PgConnection, project_id: &str) -> Result<Vec<Row>> {
    let Some(project_id) = parse_id(project_id) else {
        return Ok(Vec::new());
    };
    let rows = ctx
        .query(
            "SELECT * FROM {s}.admin_deployments WHERE project_id = $1 \
             AND status IN ('running', 'building', 'pending') \
             ORDER BY created_at DESC, id",
        )
        .bind(project_id)
        .fetch_all(&mut *conn)
        .await?;
    decode_rows(&rows, Naming::Camel)
}

/// One page of a project's deployments, newest first, with the total, in one round trip.
pub async fn list_page(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    req: PageRequest,
) -> Result<Page> {
    let Some(project_id) = parse_id(project_id) else {
        return Ok(Page::from_rows(Vec::new(), req));
    };
    let rows = ctx
        .query(
            "SELECT p.*, c.total \
             FROM (SELECT count(*) AS total FROM {s}.admin_deployments WHERE project_id = $1) c \
             LEFT JOIN LATERAL (SELECT * FROM {s}.admin_deployments WHERE project_id = $1 \
                                ORDER BY created_at DESC, id LIMIT $2 OFFSET $3) p ON true \
             ORDER BY p.created_at DESC, p.id",
        )
        .bind(project_id)
        .bind(req.per_page)
        .bind(req.offset())
        .fetch_all(&mut *conn)
        .await?;
    Ok(Page::from_rows(decode_rows(&rows, Naming::Camel)?, req))
}

/// Delete preview deployments whose `expires_at` has passed; how many were deleted.
pub async fn cleanup_expired_previews(ctx: &Ctx, conn: &mut PgConnection) -> Result<i64> {
    let res = ctx
        .query(
            "DELETE FROM {s}.admin_deployments \
             WHERE type = 'preview' AND expires_at < now()",
        )
        .execute(&mut *conn)
        .await?;
    Ok(res.rows_affected() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerations_are_checked_by_name() {
        assert!(expect_one_of("running", DEPLOYMENT_STATUSES, "status").is_ok());
        let err = expect_one_of("runing", DEPLOYMENT_STATUSES, "status").unwrap_err();
        assert_eq!(err.code(), "ERR_ADMIN_PG_INVALID_ARGUMENT");
        assert!(err.to_string().contains("status must be one of"));
        assert!(err.to_string().contains("`runing`"));
        assert!(expect_one_of("preview", DEPLOYMENT_TYPES, "type").is_ok());
    }
}
