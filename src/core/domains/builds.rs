//! Builds and the build queue.
//!
//! The queue is the builds table itself: a queued build is a row with `status = 'queued'`,
//! served FIFO by `(queued_at, id)` (the partial index `(queued_at, id) WHERE status = 'queued'`
//! created by init covers exactly that order). Claiming is one `UPDATE … WHERE id IN (SELECT …
//! FOR UPDATE SKIP LOCKED)` statement, so any number of workers, in any number of processes,
//! never receive the same build and never wait on each other's claims.
//!
//! Workers need not poll: `wait_for_build` sleeps on the schema's NOTIFY channel (see
//! `queue_listener`) and claims as soon as a build is queued. A claim may carry a lease
//! (`locked_by`, `lease_expires_at`, `attempts`): the worker extends it with `heartbeat`, and
//! `reclaim_stale` requeues the builds of workers that stopped heartbeating (they died).
//!
//! Logs (migration 0005): a build's log is its `logs` column followed by the chunks
//! `append_logs` wrote into `admin_build_log_chunks`, so an append writes only its own bytes.
//! Every statement returning builds selects them through `build_sql!` (`{build}`: the rows'
//! columns with `logs` as the whole text, `Table::select_list`), never `*`.

use std::time::Duration;

use sqlx::postgres::PgConnection;
use tokio::time::Instant;

use super::page::{self, paged_sql, Page, PageRequest};
use super::validate::expect_one_of;
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::{truncate, Result, StoreError};
use crate::core::pg::queue_listener::Cancel;
use crate::core::pg::stmt::parse_id;
use crate::core::pg::store::Store;
use crate::core::pg::value::Row;
use crate::core::tables::{table_by_name, Table};

pub use super::validate::{BUILD_STATUSES, BUILD_TRIGGERS};

fn table() -> &'static Table {
    table_by_name("admin_builds").expect("admin_builds is a known table")
}

/// A statement template in which `{build}` stands for a build row (aliased `b`) as every read
/// returns it: the rows' columns, `logs` being the whole log (the column followed by the
/// appended chunks, see `append_logs`). Assembled once per call site, a `{s}` template like a
/// literal one. A query with a LIMIT selects `{build}` over a subquery that sorts and limits
/// plain rows, so that only the rows returned have their chunks read (the planner may
/// otherwise compute the select list below the sort, for every row it sorts).
macro_rules! build_sql {
    ($template:expr) => {{
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            $template.replace("{build}", &table().select_list("b", "{s}"))
        });
        SQL.as_str()
    }};
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
/// `cancelled`) sets `completed_at`, both from the server clock. Any status but `building` and
/// `deploying` ends the build's lease (`locked_by`, `lease_expires_at` cleared). `None` when
/// there is no such build.
pub async fn update_status(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    status: &str,
    error_message: ErrorMessage,
) -> Result<Option<Row>> {
    expect_one_of(status, BUILD_STATUSES, "status")?;
    let (set_error, message) = match error_message {
        ErrorMessage::Keep => (false, None),
        ErrorMessage::Set(m) => (true, m),
    };
    ctx.query(build_sql!(
        "UPDATE {s}.admin_builds b SET \
               status = $2, \
               started_at = CASE WHEN $2 = 'building' THEN now() ELSE started_at END, \
               completed_at = CASE WHEN $2 IN ('succeeded', 'failed', 'cancelled') \
                                   THEN now() ELSE completed_at END, \
               error_message = CASE WHEN $3 THEN $4 ELSE error_message END, \
               locked_by = CASE WHEN $2 IN ('building', 'deploying') THEN locked_by END, \
               lease_expires_at = CASE WHEN $2 IN ('building', 'deploying') \
                                       THEN lease_expires_at END \
             WHERE id = $1 RETURNING {build}"
    ))
    .bind_id(id)
    .bind(status)
    .bind(set_error)
    .bind(message)
    .fetch_row(conn)
    .await
}

/// Append to the build's log. Only the new text is written: one row in
/// `admin_build_log_chunks` (migration 0005) and the build's `log_chunk_bytes` bumped, in one
/// statement; the TOASTed `logs` column is left alone, so an append costs the same whatever
/// the log's size. The counter's UPDATE takes the build's row lock until commit, so
/// concurrent appenders never lose a chunk and their chunks are ordered as they commit.
/// Nothing is sent back: logs can be megabytes. Whether the build exists.
pub async fn append_logs(ctx: &Ctx, conn: &mut PgConnection, id: &str, text: &str) -> Result<bool> {
    let Some(id) = parse_id(id) else {
        return Ok(false);
    };
    if text.is_empty() {
        // No chunk (offsets stay strictly increasing); a NULL log becomes '' as
        // `COALESCE(logs, '') || ''` made it.
        let exists: bool = ctx
            .query(
                "WITH u AS (UPDATE {s}.admin_builds SET logs = '' \
                   WHERE id = $1 AND logs IS NULL AND log_chunk_bytes = 0 RETURNING 1) \
                 SELECT EXISTS (SELECT 1 FROM {s}.admin_builds WHERE id = $1)",
            )
            .bind(id)
            .fetch_scalar(&mut *conn)
            .await?;
        return Ok(exists);
    }
    let appended = ctx
        .query(
            "WITH b AS (UPDATE {s}.admin_builds SET log_chunk_bytes = log_chunk_bytes + $3 \
               WHERE id = $1 RETURNING id, log_chunk_bytes) \
             INSERT INTO {s}.admin_build_log_chunks (build_id, end_offset, chunk) \
             SELECT id, log_chunk_bytes, $2 FROM b",
        )
        .bind(id)
        .bind(text)
        .bind(text.len() as i64)
        .rows_affected(conn)
        .await?;
    Ok(appended > 0)
}

/// Part of a build's log (`get_logs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogTail {
    /// The log after the requested offset.
    pub logs: String,
    /// Where the log ends now: the offset to ask for next time.
    pub next_offset: i64,
}

/// The build's log after `after_offset` (default 0: all of it), for tailing. Offsets count
/// UTF-8 bytes of the whole log (what `logs` of the build reads; `octet_length` of the column,
/// i.e. a database in the UTF8 encoding, PostgreSQL's usual one), so `next_offset` is the
/// log's byte length now, and a caller holding a log of `n` bytes passes `n` to get what was
/// appended since. An offset inside a character starts at the next character; an offset past
/// the end (the log was replaced by a shorter one) reads `""` with the current end. One
/// statement (one snapshot): appended chunks after the offset are an index range scan, and
/// the `logs` column is read only when the offset falls inside it. `None` when there is no
/// such build; a build whose `logs` is NULL reads as `""`.
pub async fn get_logs(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    after_offset: Option<i64>,
) -> Result<Option<LogTail>> {
    let after = after_offset.unwrap_or(0);
    if after < 0 {
        return Err(StoreError::invalid(format!(
            "afterOffset must be a non-negative integer, got {after}"
        )));
    }
    let Some(id) = parse_id(id) else {
        return Ok(None);
    };
    let rows = ctx
        .query(
            "WITH b AS MATERIALIZED ( \
               SELECT coalesce(octet_length(logs), 0)::int8 AS base, log_chunk_bytes, \
                      CASE WHEN $2 < coalesce(octet_length(logs), 0) THEN logs END AS head \
               FROM {s}.admin_builds WHERE id = $1 \
             ) \
             SELECT 0 AS part, b.base + b.log_chunk_bytes AS end_offset, b.head AS text FROM b \
             UNION ALL \
             SELECT 1, b.base + c.end_offset, c.chunk \
             FROM b JOIN {s}.admin_build_log_chunks c \
               ON c.build_id = $1 AND c.end_offset > $2 - b.base \
             WHERE b.log_chunk_bytes > 0 \
             ORDER BY part, end_offset",
        )
        .bind(id)
        .bind(after)
        .fetch_all(&mut *conn)
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let end: i64 = sqlx::Row::try_get(first, 1)?;
    let mut logs = String::new();
    if after < end {
        // The head (the column's text) starts at 0, each chunk `len` bytes before its end.
        let head: Option<String> = sqlx::Row::try_get(first, 2)?;
        let mut pieces = Vec::with_capacity(rows.len());
        if let Some(head) = head {
            pieces.push((0i64, head));
        }
        for row in &rows[1..] {
            let chunk_end: i64 = sqlx::Row::try_get(row, 1)?;
            let chunk: String = sqlx::Row::try_get(row, 2)?;
            pieces.push((chunk_end - chunk.len() as i64, chunk));
        }
        logs.reserve(pieces.iter().map(|(_, t)| t.len()).sum());
        for (start, text) in &pieces {
            logs.push_str(text_after(text, (after - start).max(0)));
        }
    }
    Ok(Some(LogTail {
        logs,
        next_offset: end,
    }))
}

/// `text` from byte `skip` on, moved forward to a character boundary.
fn text_after(text: &str, skip: i64) -> &str {
    let mut at = usize::try_from(skip).unwrap_or(usize::MAX).min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    &text[at..]
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

/// A deployment's builds, newest first (`id` breaks ties), at most `limit`.
pub async fn list(
    ctx: &Ctx,
    conn: &mut PgConnection,
    deployment_id: &str,
    limit: Option<i64>,
) -> Result<Vec<Row>> {
    ctx.query(build_sql!(
        // The page first, then the logs of its rows only (see `build_sql!`).
        "SELECT {build} FROM (SELECT * FROM {s}.admin_builds WHERE deployment_id = $1 \
           ORDER BY created_at DESC, id LIMIT $2) b \
         ORDER BY b.created_at DESC, b.id"
    ))
    .bind_id(deployment_id)
    .bind(limit)
    .fetch_rows(conn)
    .await
}

/// One page of a deployment's builds, newest first, with the total, in one round trip.
pub async fn list_page(
    ctx: &Ctx,
    conn: &mut PgConnection,
    deployment_id: &str,
    req: PageRequest,
) -> Result<Page> {
    // The page's plain rows (`paged_sql!`), then the logs of those rows only.
    let sql = build_sql!(concat!(
        "SELECT {build}, b.total FROM (",
        paged_sql!(
            select "*",
            from "{s}.admin_builds WHERE deployment_id = $1",
            order by "created_at DESC, id"
        ),
        ") b ORDER BY b.created_at DESC, b.id"
    ));
    page::fetch(ctx, conn, sql, deployment_id, req).await
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
            truncate(deployment_id)
        ))
    })?;
    ctx.query(build_sql!(
        "INSERT INTO {s}.admin_builds AS b \
               (deployment_id, trigger, triggered_by, commit_sha, commit_message, \
                status, logs, queued_at) \
             VALUES ($1, $2, $3, $4, $5, 'queued', '', now()) RETURNING {build}"
    ))
    .bind(deployment_id)
    .bind(trigger)
    .bind(triggered_by)
    .bind(commit_sha)
    .bind(commit_message)
    .fetch_one_row(conn)
    .await
}

/// Lease length when a claim asks for a lease without saying how long.
pub const DEFAULT_LEASE_MS: i64 = 60_000;

/// Who claims, and for how long. The default (no worker, no lease) claims as before leases
/// existed: such a build is never reclaimed, whatever happens to its worker.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Claim {
    /// Recorded as `locked_by`; `heartbeat` must name it.
    pub worker_id: Option<String>,
    /// Lease length in milliseconds; `None`: no lease (`lease_expires_at` NULL).
    pub lease_ms: Option<i64>,
}

impl Claim {
    /// A claim by `worker_id` (if any); a lease of `lease_ms`, or of `DEFAULT_LEASE_MS` when
    /// only a worker is named. Neither given: no lease.
    pub fn new(worker_id: Option<String>, lease_ms: Option<i64>) -> Claim {
        let lease_ms = match (&worker_id, lease_ms) {
            (_, Some(ms)) => Some(ms),
            (Some(_), None) => Some(DEFAULT_LEASE_MS),
            (None, None) => None,
        };
        Claim {
            worker_id,
            lease_ms,
        }
    }
}

/// Claim the oldest queued build: it comes back as `building` with `started_at` set,
/// `attempts` incremented, and the claim's worker and lease expiry. Rows other workers are
/// claiming at this instant are skipped, not waited for. `None` when nothing is queued (or
/// every queued build is being claimed right now).
///
/// The outer UPDATE needs no `status = 'queued'` check: the subquery re-checks it on the
/// newest row version while locking, and holds the lock until commit. (Adding it would also
/// lead the planner to find the row by a full scan of the queue index instead of the key.)
pub async fn dequeue(ctx: &Ctx, conn: &mut PgConnection, claim: &Claim) -> Result<Option<Row>> {
    ctx.query(build_sql!(
        "UPDATE {s}.admin_builds b SET status = 'building', started_at = now(), \
               locked_by = $1, lease_expires_at = now() + $2::float8 * interval '1 millisecond', \
               attempts = attempts + 1 \
             WHERE id = (SELECT id FROM {s}.admin_builds WHERE status = 'queued' \
                         ORDER BY queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING {build}"
    ))
    .bind(claim.worker_id.as_deref())
    .bind(claim.lease_ms)
    .fetch_row(conn)
    .await
}

/// `dequeue` without a worker or lease (`AdminStorage.dequeueNextBuild`).
pub async fn dequeue_next(ctx: &Ctx, conn: &mut PgConnection) -> Result<Option<Row>> {
    dequeue(ctx, conn, &Claim::default()).await
}

/// Claim up to `n` of the oldest queued builds in one statement, same guarantees as
/// `dequeue`; returned in queue order.
pub async fn dequeue_batch(
    ctx: &Ctx,
    conn: &mut PgConnection,
    n: i64,
    claim: &Claim,
) -> Result<Vec<Row>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    ctx.query(build_sql!(
        "WITH next AS ( \
               SELECT id FROM {s}.admin_builds WHERE status = 'queued' \
               ORDER BY queued_at, id LIMIT $1 FOR UPDATE SKIP LOCKED \
             ), claimed AS ( \
               UPDATE {s}.admin_builds b SET status = 'building', started_at = now(), \
                 locked_by = $2, \
                 lease_expires_at = now() + $3::float8 * interval '1 millisecond', \
                 attempts = b.attempts + 1 \
               FROM next WHERE b.id = next.id \
               RETURNING {build} \
             ) \
             SELECT * FROM claimed ORDER BY queued_at, id"
    ))
    .bind(n)
    .bind(claim.worker_id.as_deref())
    .bind(claim.lease_ms)
    .fetch_rows(conn)
    .await
}

/// How `wait_for_build` waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wait {
    /// Give up (resolve `None`) after this long; `None`: wait until cancelled or closed.
    pub timeout: Option<Duration>,
    /// Claim again at least this often even without a notification (lost ones cost no more).
    pub poll_interval: Duration,
}

/// Default `Wait::poll_interval`.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_millis(1000);

/// Claim a build as soon as one is queued: claim now, and while nothing is queued, sleep until
/// a NOTIFY from the queue (then claim again), the next poll (likewise), the deadline, or
/// `cancel`. `None` on timeout or cancel. A claim already running when `cancel` fires still returns its build (a claimed
/// build is never dropped). No connection is held while sleeping. A storage closed meanwhile
/// rejects with `ERR_ADMIN_PG_CLOSED`.
pub async fn wait_for_build(
    store: &Store,
    claim: &Claim,
    wait: Wait,
    cancel: Option<&Cancel>,
) -> Result<Option<Row>> {
    // A deadline too far to represent is no deadline.
    let deadline = wait.timeout.and_then(|t| Instant::now().checked_add(t));
    let mut wakes = store.queue_listener().subscribe()?;
    loop {
        if cancel.is_some_and(Cancel::is_cancelled) {
            return Ok(None);
        }
        // Seen before claiming: a build queued during the claim wakes the next wait at once.
        wakes.borrow_and_update();
        let claimed = {
            let mut conn = store.acquire().await?;
            dequeue(&store.ctx, &mut conn, claim).await?
        };
        if claimed.is_some() {
            return Ok(claimed);
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            return Ok(None);
        }
        let next_poll = now + wait.poll_interval;
        let until = deadline.map_or(next_poll, |d| d.min(next_poll));
        tokio::select! {
            changed = wakes.changed() => {
                // The sender lives as long as the store; should it go, fall back to polling.
                if changed.is_err() {
                    tokio::time::sleep_until(until).await;
                }
            }
            _ = tokio::time::sleep_until(until) => {}
            _ = async {
                match cancel {
                    Some(c) => c.cancelled().await,
                    None => std::future::pending().await,
                }
            } => return Ok(None),
        }
        if store.is_closed() {
            return Err(StoreError::Closed);
        }
        // No last claim at the deadline: the next call claims first thing anyway.
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(None);
        }
    }
}

/// Extend a claimed build's lease to `extend_ms` from now, only while `worker_id` still holds
/// it (status `building` or `deploying`, `locked_by` = `worker_id`). `None` when it does not
/// (any more): the build was reclaimed, finished, or never was this worker's.
pub async fn heartbeat(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    worker_id: &str,
    extend_ms: i64,
) -> Result<Option<Row>> {
    ctx.query(build_sql!(
        "UPDATE {s}.admin_builds b \
             SET lease_expires_at = now() + $3::float8 * interval '1 millisecond' \
             WHERE id = $1 AND locked_by = $2 AND status IN ('building', 'deploying') \
             RETURNING {build}"
    ))
    .bind_id(id)
    .bind(worker_id)
    .bind(extend_ms)
    .fetch_row(conn)
    .await
}

/// Builds `reclaim_stale` put back in the queue and failed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reclaimed {
    pub requeued: i64,
    pub failed: i64,
}

/// In one statement, every `building` build whose lease has expired (its worker stopped
/// heartbeating): back to `queued` with its lease cleared and its original `queued_at` (so it
/// keeps its place in the queue), or, once it has been claimed `max_attempts` times, `failed`
/// with an error message and `completed_at`. Rows being heartbeated or completed at this
/// instant are skipped (their lock is held) and left to the next run.
pub async fn reclaim_stale(
    ctx: &Ctx,
    conn: &mut PgConnection,
    max_attempts: i64,
) -> Result<Reclaimed> {
    if max_attempts < 1 {
        return Err(StoreError::invalid(format!(
            "maxAttempts must be a positive integer, got {max_attempts}"
        )));
    }
    let row = ctx
        .query(
            "WITH stale AS ( \
           SELECT id, attempts >= $1 AS give_up FROM {s}.admin_builds \
           WHERE status = 'building' AND lease_expires_at < now() \
           FOR UPDATE SKIP LOCKED \
         ), done AS ( \
           UPDATE {s}.admin_builds b SET \
             status = CASE WHEN stale.give_up THEN 'failed' ELSE 'queued' END, \
             started_at = CASE WHEN stale.give_up THEN b.started_at END, \
             completed_at = CASE WHEN stale.give_up THEN now() ELSE b.completed_at END, \
             error_message = CASE WHEN stale.give_up THEN format( \
               'lease expired %s times (last held by %s): giving up', \
               b.attempts, coalesce(b.locked_by, 'an unnamed worker')) \
               ELSE b.error_message END, \
             locked_by = NULL, \
             lease_expires_at = NULL \
           FROM stale WHERE b.id = stale.id \
           RETURNING stale.give_up \
         ) \
         SELECT count(*) FILTER (WHERE NOT give_up), count(*) FILTER (WHERE give_up) FROM done",
        )
        .bind(max_attempts)
        .fetch_one(&mut *conn)
        .await?;
    let requeued: i64 = sqlx::Row::try_get(&row, 0)?;
    let failed: i64 = sqlx::Row::try_get(&row, 1)?;
    Ok(Reclaimed { requeued, failed })
}

/// Every queued build, in the order `dequeue` would serve them.
pub async fn list_queued(ctx: &Ctx, conn: &mut PgConnection) -> Result<Vec<Row>> {
    ctx.query(build_sql!(
        "SELECT {build} FROM {s}.admin_builds b WHERE status = 'queued' ORDER BY queued_at, id"
    ))
    .fetch_rows(conn)
    .await
}

/// 1-based place of a queued build in `dequeue` order (ties on `queued_at` broken by `id`,
/// a NULL `queued_at` last); `-1` when the build is not queued or does not exist.
pub async fn queue_position(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<i64> {
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
        .bind_id(id)
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
    let cancelled = ctx
        .query(
            "UPDATE {s}.admin_builds SET status = 'cancelled', completed_at = now() \
             WHERE deployment_id = $1 AND status = 'queued'",
        )
        .bind_id(deployment_id)
        .rows_affected(conn)
        .await?;
    Ok(cancelled as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_after_moves_forward_to_a_character() {
        let s = "aé🚀b"; // 1 + 2 + 4 + 1 bytes
        assert_eq!(text_after(s, 0), s);
        assert_eq!(text_after(s, 1), "é🚀b");
        assert_eq!(text_after(s, 2), "🚀b");
        assert_eq!(text_after(s, 3), "🚀b");
        assert_eq!(text_after(s, 4), "b");
        assert_eq!(text_after(s, 7), "b");
        assert_eq!(text_after(s, 8), "");
        assert_eq!(text_after(s, 99), "");
        assert_eq!(text_after(s, i64::MAX), "");
    }

    #[test]
    fn build_statements_have_their_select_list() {
        let sql = build_sql!("SELECT {build} FROM {s}.admin_builds b WHERE id = $1");
        assert!(sql.starts_with("SELECT b.id, "));
        assert!(sql.contains("{s}.admin_build_log_chunks"));
        assert!(!sql.contains("{build}") && !sql.contains("log_chunk_bytes AS"));
        // Made once per call site.
        let again = build_sql!("SELECT {build} FROM {s}.admin_builds b WHERE id = $1");
        assert_eq!(sql, again);
    }
}
