//! Builds and the build queue.
//!
//! The queue is the builds table itself: a queued build is a row with `status = 'queued'`,
//! served FIFO by `(queued_at, id)` (the partial index `(queued_at, id) WHERE status = 'queued'`
//! created by init covers exactly that order). Claiming is one `UPDATE … WHERE id IN (SELECT …
//! FOR UPDATE SKIP LOCKED)` statement, so any number of workers, in any number of processes,
//! never receive the same build and never wait on each other's claims.

use sqlx::postgres::PgConnection;

use super::deployments::expect_one_of;
use super::error::{Result, StoreError};
use super::generic::{self, parse_id, Fields};
use super::page::{Page, PageRequest};
use super::store::Ctx;
use super::tables::{table_by_name, Table};
use super::value::{decode_one, decode_rows, Naming, Row};

fn table() -> &'static Table {
    table_by_name("admin_builds").expect("admin_builds is a known table")
}

/// Build statuses.
pub const BUILD_STATUSES: &[&str] = &[
    "queued",
    "building",
    "deploying",
    "succeeded",
    "failed",
    "cancelled",
];

/// What can trigger a build.
pub const BUILD_TRIGGERS: &[&str] = &["manual", "webhook", "schedule", "rollback"];

/// Create a build (caller-supplied `id`, or a generated one). `status` defaults to `queued`
/// and `queuedAt` to the server's clock (column defaults).
pub async fn create(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    generic::insert(ctx, conn, table(), fields).await
}

pub async fn get_by_id(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<Option<Row>> {
    let Some(id) = parse_id(id) else {
        return Ok(None);
    };
    let row = ctx
        .query("SELECT * FROM {s}.admin_builds WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| decode_one(&r, Naming::Camel)).transpose()
}

/// Update; `None` when there is no such build.
pub async fn update(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    generic::update(ctx, conn, table(), id, fields).await
}

/// What `update_status` does to `error_message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorMessage {
    /// Leave it as it is.
    Keep,
    /// Set it (`None` clears it).
    Set(Option<String>),
}

/// Set the status; `building` also sets `started_at`, a final status (`succeeded`, `failed`,
/// `cancelled`) sets `completed_at`, both from the server clock. `None` when there is no such
/// build.
pub async fn update_status(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    status: &str,
    error_message: ErrorMessage,
) -> Result<Option<Row>> {
    expect_one_of(status, BUILD_STATUSES, "status")?;
    let Some(id) = parse_id(id) else {
        return Ok(None);
    };
    let (set_error, message) = match error_message {
        ErrorMessage::Keep => (false, None),
        ErrorMessage::Set(m) => (true, m),
    };
    let row = ctx
        .query(
            "UPDATE {s}.admin_builds SET \
               status = $2, \
               started_at = CASE WHEN $2 = 'building' THEN now() ELSE started_at END, \
               completed_at = CASE WHEN $2 IN ('succeeded', 'failed', 'cancelled') \
                                   THEN now() ELSE completed_at END, \
               error_message = CASE WHEN $3 THEN $4 ELSE error_message END \
             WHERE id = $1 RETURNING *",
        )
        .bind(id)
        .bind(status)
        .bind(set_error)
        .bind(message)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| decode_one(&r, Naming::Camel)).transpose()
}

/// Append to the build's log in place (`logs || $2` under the row lock, so concurrent
/// appenders never lose a chunk). Nothing is sent back: logs can be megabytes. Whether the
/// build exists.
pub async fn append_logs(ctx: &Ctx, conn: &mut PgConnection, id: &str, text: &str) -> Result<bool> {
    let Some(id) = parse_id(id) else {
        return Ok(false);
    };
    let res = ctx
        .query("UPDATE {s}.admin_builds SET logs = COALESCE(logs, '') || $2 WHERE id = $1")
        .bind(id)
        .bind(text)
        .execute(&mut *conn)
        .await?;
    Ok(res.rows_affected() > 0)
}

/// Mark the build failed with a message, completed now. `None` when there is no such build.
pub async fn set_error(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    message: &str,
) -> Result<Option<Row>> {
    update_status(
        ctx,
        conn,
        id,
        "failed",
        ErrorMessage::Set(Some(message.to_string())),
    )
    .await
}

/// Delete a build. A build a running server still points at cannot be deleted
/// (`ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`, the seed's schema).
pub async fn delete(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<bool> {
    generic::delete(ctx, conn, table(), id).await
}

/// A deployment's builds, newest first (`id` breaks ties), at most `limit`.
pub async fn list(
    ctx: &Ctx,
    conn: &mut PgConnection,
    deployment_id: &str,
    limit: Option<i64>,
) -> Result<Vec<Row>> {
    let Some(deployment_id) = parse_id(deployment_id) else {
        return Ok(Vec::new());
    };
    let rows = ctx
        .query(
            "SELECT * FROM {s}.admin_builds WHERE deployment_id = $1 \
             ORDER BY created_at DESC, id LIMIT $2",
        )
        .bind(deployment_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    decode_rows(&rows, Naming::Camel)
}

/// One page of a deployment's builds, newest first, with the total, in one round trip.
pub async fn list_page(
    ctx: &Ctx,
    conn: &mut PgConnection,
    deployment_id: &str,
    req: PageRequest,
) -> Result<Page> {
    let Some(deployment_id) = parse_id(deployment_id) else {
        return Ok(Page::from_rows(Vec::new(), req));
    };
    let rows = ctx
        .query(
            "WITH base AS (SELECT * FROM {s}.admin_builds WHERE deployment_id = $1) \
             SELECT p.*, c.total FROM (SELECT count(*) AS total FROM base) c \
             LEFT JOIN LATERAL (SELECT * FROM base ORDER BY created_at DESC, id \
                                LIMIT $2 OFFSET $3) p ON true \
             ORDER BY p.created_at DESC, p.id",
        )
        .bind(deployment_id)
        .bind(req.per_page)
        .bind(req.offset())
        .fetch_all(&mut *conn)
        .await?;
    Ok(Page::from_rows(decode_rows(&rows, Naming::Camel)?, req))
}

/// A new queued build for a deployment, queued now (server clock).
pub async fn enqueue(
    ctx: &Ctx,
    conn: &mut PgConnection,
    deployment_id: &str,
    trigger: &str,
    triggered_by: &str,
    commit_sha: Option<&str>,
    commit_message: Option<&str>,
) -> Result<Row> {
    expect_one_of(trigger, BUILD_TRIGGERS, "trigger")?;
    let deployment_id = parse_id(deployment_id).ok_or_else(|| {
        StoreError::invalid(format!(
            "deploymentId `{}` is not a UUID",
            generic::truncate(deployment_id)
        ))
    })?;
    let row = ctx
        .query(
            "INSERT INTO {s}.admin_builds \
               (deployment_id, trigger, triggered_by, commit_sha, commit_message, \
                status, logs, queued_at) \
             VALUES ($1, $2, $3, $4, $5, 'queued', '', now()) RETURNING *",
        )
        .bind(deployment_id)
        .bind(trigger)
        .bind(triggered_by)
        .bind(commit_sha)
        .bind(commit_message)
        .fetch_one(&mut *conn)
        .await?;
    decode_one(&row, Naming::Camel)
}

/// Claim the oldest queued build: it comes back as `building` with `started_at` set. Rows
/// other workers are claiming at this instant are skipped, not waited for. `None` when
/// nothing is queued (or every queued build is being claimed right now).
///
/// The outer UPDATE needs no `status = 'queued'` check: the subquery re-checks it on the
/// newest row version while locking, and holds the lock until commit. (Adding it would also
/// lead the planner to find the row by a full scan of the queue index instead of the key.)
pub async fn dequeue(ctx: &Ctx, conn: &mut PgConnection) -> Result<Option<Row>> {
    let row = ctx
        .query(
            "UPDATE {s}.admin_builds SET status = 'building', started_at = now() \
             WHERE id = (SELECT id FROM {s}.admin_builds WHERE status = 'queued' \
                         ORDER BY queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING *",
        )
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| decode_one(&r, Naming::Camel)).transpose()
}

/// Claim up to `n` of the oldest queued builds in one statement, same guarantees as
/// `dequeue`; returned in queue order.
pub async fn dequeue_batch(ctx: &Ctx, conn: &mut PgConnection, n: i64) -> Result<Vec<Row>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let rows = ctx
        .query(
            "WITH next AS ( \
               SELECT id FROM {s}.admin_builds WHERE status = 'queued' \
               ORDER BY queued_at, id LIMIT $1 FOR UPDATE SKIP LOCKED \
             ), claimed AS ( \
               UPDATE {s}.admin_builds b SET status = 'building', started_at = now() \
               FROM next WHERE b.id = next.id \
               RETURNING b.* \
             ) \
             SELECT * FROM claimed ORDER BY queued_at, id",
        )
        .bind(n)
        .fetch_all(&mut *conn)
        .await?;
    decode_rows(&rows, Naming::Camel)
}

/// Every queued build, in the order `dequeue` would serve them.
pub async fn list_queued(ctx: &Ctx, conn: &mut PgConnection) -> Result<Vec<Row>> {
    let rows = ctx
        .query(
            "SELECT * FROM {s}.admin_builds WHERE status = 'queued' \
             ORDER BY queued_at, id",
        )
        .fetch_all(&mut *conn)
        .await?;
    decode_rows(&rows, Naming::Camel)
}

/// 1-based place of a queued build in `dequeue` order (ties on `queued_at` broken by `id`,
/// a NULL `queued_at` last); `-1` when the build is not queued or does not exist.
pub async fn queue_position(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<i64> {
    let Some(id) = parse_id(id) else {
        return Ok(-1);
    };
    let position: Option<i64> = ctx
        .query(
            "SELECT CASE WHEN t.status <> 'queued' THEN -1 ELSE 1 + ( \
           SELECT count(*) FROM {s}.admin_builds q \
           WHERE q.status = 'queued' AND ( \
             (q.queued_at, q.id) < (t.queued_at, t.id) \
             OR (t.queued_at IS NULL AND (q.queued_at IS NOT NULL OR q.id < t.id)) \
           ) \
         ) END \
         FROM {s}.admin_builds t WHERE t.id = $1",
        )
        .bind(id)
        .fetch_optional_scalar(&mut *conn)
        .await?;
    Ok(position.unwrap_or(-1))
}

/// How many builds are queued.
pub async fn queue_length(ctx: &Ctx, conn: &mut PgConnection) -> Result<i64> {
    let n: i64 = ctx
        .query("SELECT count(*) FROM {s}.admin_builds WHERE status = 'queued'")
        .fetch_scalar(&mut *conn)
        .await?;
    Ok(n)
}

/// Cancel a deployment's queued builds (completed now); builds already claimed or finished
/// are left alone. How many were cancelled.
pub async fn cancel_queued(ctx: &Ctx, conn: &mut PgConnection, deployment_id: &str) -> Result<i64> {
    let Some(deployment_id) = parse_id(deployment_id) else {
        return Ok(0);
    };
    let res = ctx
        .query(
            "UPDATE {s}.admin_builds SET status = 'cancelled', completed_at = now() \
             WHERE deployment_id = $1 AND status = 'queued'",
        )
        .bind(deployment_id)
        .execute(&mut *conn)
        .await?;
    Ok(res.rows_affected() as i64)
}
