//! Deployments: one row per (project, type, branch). Plain CRUD goes through the generic
//! engine; look-ups and lists are static SQL with a deterministic order.

use sqlx::postgres::PgConnection;

use super::crud::{self, Deployments};
use super::fields::{self};
use super::page::{self, paged_sql, Page, PageRequest};
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::Result;
use crate::core::pg::value::Row;

pub use super::validate::{expect_one_of, DEPLOYMENT_STATUSES, DEPLOYMENT_TYPES};

/// The deployment of a project for (type, branch), unique by the table's constraint.
pub async fn get_by_branch(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    kind: &str,
    branch: &str,
) -> Result<Option<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_deployments \
         WHERE project_id = $1 AND type = $2 AND branch = $3",
    )
    .bind_id(project_id)
    .bind(kind)
    .bind(branch)
    .fetch_row(conn)
    .await
}

/// A project's deployment by slug. Slugs are not unique in the schema: the newest wins.
pub async fn get_by_slug(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    slug: &str,
) -> Result<Option<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_deployments WHERE project_id = $1 AND slug = $2 \
         ORDER BY created_at DESC, id LIMIT 1",
    )
    .bind_id(project_id)
    .bind(slug)
    .fetch_row(conn)
    .await
}

/// The newest production deployment of a project (the seed took any one).
pub async fn get_production(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
) -> Result<Option<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_deployments WHERE project_id = $1 AND type = 'production' \
         ORDER BY created_at DESC, id LIMIT 1",
    )
    .bind_id(project_id)
    .fetch_row(conn)
    .await
}

/// Set the status (one of `DEPLOYMENT_STATUSES`); `None` when there is no such deployment.
pub async fn update_status(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    status: &str,
) -> Result<Option<Row>> {
    expect_one_of(status, DEPLOYMENT_STATUSES, "status")?;
    crud::update::<Deployments>(ctx, conn, id, &fields::one("status", status)).await
}

/// Point the deployment at a build; `None` when there is no such deployment.
pub async fn set_current_build(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    build_id: &str,
) -> Result<Option<Row>> {
    crud::update::<Deployments>(ctx, conn, id, &fields::one("currentBuildId", build_id)).await
}

/// A project's deployments, newest first (`id` breaks ties).
pub async fn list(ctx: &Ctx, conn: &mut PgConnection, project_id: &str) -> Result<Vec<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_deployments WHERE project_id = $1 \
         ORDER BY created_at DESC, id",
    )
    .bind_id(project_id)
    .fetch_rows(conn)
    .await
}

/// A project's deployments of one type, newest first.
pub async fn list_by_type(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    kind: &str,
) -> Result<Vec<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_deployments WHERE project_id = $1 AND type = $2 \
         ORDER BY created_at DESC, id",
    )
    .bind_id(project_id)
    .bind(kind)
    .fetch_rows(conn)
    .await
}

/// A project's preview deployments, newest first.
pub async fn list_previews(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
) -> Result<Vec<Row>> {
    list_by_type(ctx, conn, project_id, "preview").await
}

/// A project's pending, building or running deployments, newest first.
pub async fn list_active(ctx: &Ctx, conn: &mut PgConnection, project_id: &str) -> Result<Vec<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_deployments WHERE project_id = $1 \
         AND status IN ('running', 'building', 'pending') \
         ORDER BY created_at DESC, id",
    )
    .bind_id(project_id)
    .fetch_rows(conn)
    .await
}

/// One page of a project's deployments, newest first, with the total, in one round trip.
pub async fn list_page(
    ctx: &Ctx,
    conn: &mut PgConnection,
    project_id: &str,
    req: PageRequest,
) -> Result<Page> {
    let sql = paged_sql!(
        select "*",
        from "{s}.admin_deployments WHERE project_id = $1",
        order by "created_at DESC, id"
    );
    page::fetch(ctx, conn, sql, project_id, req).await
}

/// Delete preview deployments whose `expires_at` has passed; how many were deleted.
pub async fn cleanup_expired_previews(ctx: &Ctx, conn: &mut PgConnection) -> Result<i64> {
    let deleted = ctx
        .query("DELETE FROM {s}.admin_deployments WHERE type = 'preview' AND expires_at < now()")
        .rows_affected(conn)
        .await?;
    Ok(deleted as i64)
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
