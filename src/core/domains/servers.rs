//! Running servers: the runtime state of a deployment's build. A server is live until
//! `stopped_at` is set. Thresholds are numbers bound as parameters (`make_interval`), never
//! pasted into SQL.

use sqlx::postgres::PgConnection;

use super::validate::expect_one_of;
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::{Result, StoreError};
use crate::core::pg::value::Row;

pub use super::validate::HEALTH_STATUSES;

/// Default of `getUnhealthyServers(thresholdMinutes)`.
pub const DEFAULT_UNHEALTHY_MINUTES: f64 = 5.0;

/// Default of `cleanupStoppedServers(olderThanDays)`.
pub const DEFAULT_STOPPED_DAYS: f64 = 7.0;

/// A duration argument: a finite, non-negative number (fractions allowed).
pub fn duration_arg(value: f64, name: &str) -> Result<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(StoreError::invalid(format!(
            "{name} must be a finite non-negative number, got {value}"
        )))
    }
}

/// The deployment's live (not stopped) server; the newest when there are several.
pub async fn get_live_for_deployment(
    ctx: &Ctx,
    conn: &mut PgConnection,
    deployment_id: &str,
) -> Result<Option<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_running_servers \
         WHERE deployment_id = $1 AND stopped_at IS NULL \
         ORDER BY started_at DESC, id LIMIT 1",
    )
    .bind_id(deployment_id)
    .fetch_row(conn)
    .await
}

/// A metric of `update_health`: left alone, or set (`None` = SQL NULL).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Metric {
    Keep,
    Set(Option<f32>),
}

impl Metric {
    fn split(self) -> (bool, Option<f32>) {
        match self {
            Metric::Keep => (false, None),
            Metric::Set(v) => (true, v),
        }
    }
}

/// Record a health check: status, `last_health_check` = now, and the metrics given.
/// `None` when there is no such server.
pub async fn update_health(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    status: &str,
    (memory_usage_mb, cpu_percent): (Metric, Metric),
) -> Result<Option<Row>> {
    expect_one_of(status, HEALTH_STATUSES, "status")?;
    let (set_memory, memory) = memory_usage_mb.split();
    let (set_cpu, cpu) = cpu_percent.split();
    ctx.query(
        "UPDATE {s}.admin_running_servers SET \
           health_status = $2, \
           last_health_check = now(), \
           memory_usage_mb = CASE WHEN $3 THEN $4 ELSE memory_usage_mb END, \
           cpu_percent = CASE WHEN $5 THEN $6 ELSE cpu_percent END \
         WHERE id = $1 RETURNING *",
    )
    .bind_id(id)
    .bind(status)
    .bind(set_memory)
    .bind(memory)
    .bind(set_cpu)
    .bind(cpu)
    .fetch_row(conn)
    .await
}

/// Mark the server stopping and stopped now. `None` when there is no such server.
pub async fn stop(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<Option<Row>> {
    ctx.query(
        "UPDATE {s}.admin_running_servers \
         SET health_status = 'stopping', stopped_at = now() \
         WHERE id = $1 RETURNING *",
    )
    .bind_id(id)
    .fetch_row(conn)
    .await
}

/// Live servers, of one deployment or of all, newest first (`id` breaks ties).
pub async fn list_live(
    ctx: &Ctx,
    conn: &mut PgConnection,
    deployment_id: Option<&str>,
) -> Result<Vec<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_running_servers \
         WHERE stopped_at IS NULL AND ($1::uuid IS NULL OR deployment_id = $1) \
         ORDER BY started_at DESC, id",
    )
    .bind_opt_id(deployment_id)
    .fetch_rows(conn)
    .await
}

/// Every server of a deployment, stopped ones too, newest first, at most `limit`.
pub async fn list_all(
    ctx: &Ctx,
    conn: &mut PgConnection,
    deployment_id: &str,
    limit: Option<i64>,
) -> Result<Vec<Row>> {
    ctx.query(
        "SELECT * FROM {s}.admin_running_servers WHERE deployment_id = $1 \
         ORDER BY started_at DESC, id LIMIT $2",
    )
    .bind_id(deployment_id)
    .bind(limit)
    .fetch_rows(conn)
    .await
}

/// Live servers reported unhealthy, or whose last health check is more than
/// `threshold_minutes` (default 5) old; newest first.
pub async fn unhealthy(
    ctx: &Ctx,
    conn: &mut PgConnection,
    threshold_minutes: Option<f64>,
) -> Result<Vec<Row>> {
    let minutes = duration_arg(
        threshold_minutes.unwrap_or(DEFAULT_UNHEALTHY_MINUTES),
        "thresholdMinutes",
    )?;
    ctx.query(
        "SELECT * FROM {s}.admin_running_servers \
         WHERE stopped_at IS NULL AND ( \
           health_status = 'unhealthy' \
           OR (last_health_check IS NOT NULL \
               AND last_health_check < now() - make_interval(secs => $1 * 60)) \
         ) \
         ORDER BY started_at DESC, id",
    )
    .bind(minutes)
    .fetch_rows(conn)
    .await
}

/// Delete servers stopped more than `older_than_days` (default 7) ago; how many were deleted.
pub async fn cleanup_stopped(
    ctx: &Ctx,
    conn: &mut PgConnection,
    older_than_days: Option<f64>,
) -> Result<i64> {
    let days = duration_arg(
        older_than_days.unwrap_or(DEFAULT_STOPPED_DAYS),
        "olderThanDays",
    )?;
    let deleted = ctx
        .query(
            "DELETE FROM {s}.admin_running_servers \
             WHERE stopped_at IS NOT NULL \
               AND stopped_at < now() - make_interval(secs => $1 * 86400)",
        )
        .bind(days)
        .rows_affected(conn)
        .await?;
    Ok(deleted as i64)
}

/// Every live server, newest first (`AdminStorage.listRunningServers`).
pub async fn list_all_live(ctx: &Ctx, conn: &mut PgConnection) -> Result<Vec<Row>> {
    list_live(ctx, conn, None).await
}

#[cfg(test)]
mod tests {
    use super::duration_arg;

    #[test]
    fn durations_must_be_finite_and_non_negative() {
        assert_eq!(duration_arg(0.0, "x").unwrap(), 0.0);
        assert_eq!(duration_arg(2.5, "x").unwrap(), 2.5);
        for bad in [-1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = duration_arg(bad, "thresholdMinutes").unwrap_err();
            assert_eq!(err.code(), "ERR_ADMIN_PG_INVALID_ARGUMENT");
            assert!(err.to_string().starts_with("thresholdMinutes"));
        }
    }
}
