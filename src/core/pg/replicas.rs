//! Read replicas: one lazily connected pool per replica, a health and lag record refreshed in
//! the background (at most every second per replica, only while reads come in), and the
//! round-robin choice of a replica for a read-only call.
//!
//! A replica serves reads only while its last check is recent enough to prove it is at most
//! `maxReplicaLagMs` behind: lag measured at the check plus the time since. Lag is measured
//! against the primary's WAL position, so an idle primary (whose last commit gets old while
//! the replica is fully caught up) does not make a replica look late. A replica that fails
//! (cannot connect, is shut down) is marked down at once, its pool replaced by a fresh one,
//! and reads go to the primary until a background check finds it healthy again.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgConnection};

use super::pool::{AcquireError, Pool, PoolSettings, PooledConn};
use sqlx::ConnectOptions as _;
use tokio::sync::Notify;

use super::config::StorageConfig;
use super::error::{Result, StoreError};

/// A check that takes longer than this counts as a failure.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest wait for the primary's WAL position (without it, lag is judged by commit age).
const PRIMARY_PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// How often a replica that is down is tried again.
const DOWN_RETRY: Duration = Duration::from_secs(1);
/// Longest wait for a replica connection before the read goes to the primary instead.
const MAX_REPLICA_ACQUIRE: Duration = Duration::from_secs(2);

/// On the replica: whether it is a standby, whether it has replayed the primary's WAL
/// position `$1` (sampled just before), and how old its last replayed commit is.
const LAG_SQL: &str = "SELECT pg_is_in_recovery(), \
     CASE WHEN pg_is_in_recovery() AND $1::text IS NOT NULL \
          THEN pg_last_wal_replay_lsn() >= $1::text::pg_lsn END, \
     CASE WHEN pg_is_in_recovery() \
          THEN (EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::float8 END";

/// The primary's WAL insert position: everything committed so far, flushed or not.
const PRIMARY_LSN_SQL: &str = "SELECT pg_current_wal_insert_lsn()::text";

/// A connection of its own for lag checks, outside the pools: a pool saturated by reads (or
/// writes) never delays a check, and so never makes a healthy replica look down.
struct Probe {
    options: PgConnectOptions,
    conn: tokio::sync::Mutex<Option<PgConnection>>,
}

impl Probe {
    fn new(options: PgConnectOptions) -> Probe {
        Probe {
            options,
            conn: tokio::sync::Mutex::new(None),
        }
    }

    /// Run `LAG_SQL` (with the primary's position) or `PRIMARY_LSN_SQL` (without). A kept
    /// connection that fails (the server closed it while idle) is replaced once.
    async fn ask(&self, primary_lsn: Option<Option<String>>) -> Result<Answer> {
        let mut slot = self.conn.lock().await;
        loop {
            let reused = slot.is_some();
            let conn = match slot.as_mut() {
                Some(c) => c,
                None => slot.insert(self.options.connect().await?),
            };
            let answer = match &primary_lsn {
                None => sqlx::query_scalar(PRIMARY_LSN_SQL)
                    .persistent(false)
                    .fetch_one(&mut *conn)
                    .await
                    .map(Answer::Lsn),
                Some(lsn) => sqlx::query_as(LAG_SQL)
                    .bind(lsn.clone())
                    .persistent(false)
                    .fetch_one(&mut *conn)
                    .await
                    .map(|(a, b, c)| Answer::Lag(a, b, c)),
            };
            match answer {
                Ok(a) => return Ok(a),
                Err(e) => {
                    *slot = None;
                    if !reused {
                        return Err(e.into());
                    }
                }
            }
        }
    }

    async fn close(&self) {
        if let Some(c) = self.conn.lock().await.take() {
            let _ = sqlx::Connection::close(c).await;
        }
    }
}

enum Answer {
    Lsn(String),
    Lag(bool, Option<bool>, Option<f64>),
}

/// What the last checks found.
#[derive(Default)]
struct Health {
    /// When the last successful check sampled the primary, and the lag it measured then.
    checked: Option<(Instant, u64)>,
    /// When the last check started (successful or not).
    last_attempt: Option<Instant>,
    /// The latest sample time at which the replica had replayed all the primary had written.
    caught_up_at: Option<Instant>,
    down: bool,
    last_error: Option<String>,
}

/// One replica: its pool and health.
pub struct Replica {
    /// `host:port` for diagnostics (never the password).
    pub target: String,
    options: PgConnectOptions,
    max_connections: u32,
    idle_timeout: Duration,
    acquire_timeout: Duration,
    pool: RwLock<Pool>,
    health: Mutex<Health>,
    probe: Probe,
    checking: AtomicBool,
    /// Wakes reads waiting for a connection of this replica when it is marked down.
    down_signal: Notify,
    reads: AtomicU64,
    failures: AtomicU64,
}

/// A snapshot of one replica's state (for `storage.replicaStats`).
pub struct ReplicaState {
    pub target: String,
    pub usable: bool,
    pub down: bool,
    /// Lag measured by the last successful check (ms), if any.
    pub lag_ms: Option<u64>,
    /// Read calls this replica answered.
    pub reads: u64,
    /// Read calls that failed here and were answered by the primary instead.
    pub failures: u64,
    pub last_error: Option<String>,
}

/// Counters over all read calls (for `storage.replicaStats`).
pub struct ReadStats {
    pub primary_reads: u64,
    pub replica_reads: u64,
    pub fallbacks: u64,
    pub replicas: Vec<ReplicaState>,
}

impl Replica {
    fn new(cfg: &StorageConfig) -> Result<Replica> {
        let options = cfg
            .connect_options()?
            .statement_cache_capacity(if cfg.pgbouncer { 0 } else { 512 });
        let r = Replica {
            target: cfg.describe_target(),
            max_connections: cfg.max_connections,
            idle_timeout: cfg.idle_timeout,
            acquire_timeout: cfg.connection_timeout.min(MAX_REPLICA_ACQUIRE),
            pool: RwLock::new(lazy_pool(
                &options,
                cfg.max_connections,
                cfg.idle_timeout,
                cfg.connection_timeout.min(MAX_REPLICA_ACQUIRE),
            )),
            probe: Probe::new(options.clone()),
            options,
            health: Mutex::new(Health::default()),
            checking: AtomicBool::new(false),
            down_signal: Notify::new(),
            reads: AtomicU64::new(0),
            failures: AtomicU64::new(0),
        };
        Ok(r)
    }

    fn pool(&self) -> Pool {
        self.pool.read().unwrap().clone()
    }

    /// Serve reads now? Only with a recent enough successful check.
    fn usable(&self, max_lag: Duration) -> bool {
        let h = self.health.lock().unwrap();
        !h.down
            && h.checked.is_some_and(|(at, lag)| {
                u128::from(lag) + at.elapsed().as_millis() <= max_lag.as_millis()
            })
    }

    /// A connection, unless the replica is (or gets marked) down meanwhile.
    async fn acquire(&self) -> std::result::Result<PooledConn, AcquireError> {
        let down = self.down_signal.notified();
        tokio::pin!(down);
        down.as_mut().enable();
        if self.health.lock().unwrap().down {
            return Err(AcquireError::Closed);
        }
        let pool = self.pool();
        tokio::select! {
            r = pool.acquire() => r,
            _ = down => Err(AcquireError::Closed),
        }
    }

    /// Stop sending reads here until a check finds the replica healthy again. Its pool is
    /// replaced, so no connection from before the failure is ever reused.
    fn mark_down(&self, reason: String) {
        let old = {
            let mut h = self.health.lock().unwrap();
            h.checked = None;
            h.last_error = Some(reason);
            if h.down {
                None
            } else {
                h.down = true;
                h.last_attempt = Some(Instant::now());
                let fresh = lazy_pool(
                    &self.options,
                    self.max_connections,
                    self.idle_timeout,
                    self.acquire_timeout,
                );
                Some(std::mem::replace(&mut *self.pool.write().unwrap(), fresh))
            }
        };
        self.down_signal.notify_waiters();
        if let Some(old) = old {
            spawn(async move { old.close().await });
        }
    }

    /// Record a successful check: `sampled` is when the primary's position was read.
    fn record(
        &self,
        sampled: Instant,
        in_recovery: bool,
        caught_up: Option<bool>,
        ts_lag: Option<f64>,
    ) {
        let mut h = self.health.lock().unwrap();
        let lag = if !in_recovery || caught_up == Some(true) {
            h.caught_up_at = Some(sampled);
            0
        } else {
            // Behind the primary's position: its last replayed commit is this old, and it
            // cannot lack anything older than the last check that found it caught up.
            let by_commit = ts_lag.map(|ms| ms.max(0.0) as u64);
            let by_position = h
                .caught_up_at
                .map(|t| sampled.duration_since(t).as_millis() as u64);
            match (by_commit, by_position) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                // Never replayed a commit nor seen caught up: lagging unless the primary's
                // position could not be read (then nothing says it lags).
                (None, None) if caught_up.is_none() => 0,
                (None, None) => u64::MAX / 2,
            }
        };
        h.checked = Some((sampled, lag));
        h.down = false;
        h.last_error = None;
    }

    fn state(&self, max_lag: Duration) -> ReplicaState {
        let usable = self.usable(max_lag);
        let h = self.health.lock().unwrap();
        ReplicaState {
            target: self.target.clone(),
            usable,
            down: h.down,
            lag_ms: h.checked.map(|(_, lag)| lag),
            reads: self.reads.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
            last_error: h.last_error.clone(),
        }
    }
}

fn lazy_pool(
    options: &PgConnectOptions,
    max: u32,
    idle: Duration,
    acquire_timeout: Duration,
) -> Pool {
    Pool::new(
        options.clone(),
        PoolSettings {
            max_connections: max,
            idle_timeout: idle,
            connect_timeout: acquire_timeout,
        },
    )
}

/// Run a future in the background on the current tokio runtime, if there is one.
fn spawn<F>(fut: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(fut);
    }
}

/// How a failed read on a replica is handled.
#[derive(Debug, PartialEq, Eq)]
pub enum ReplicaFailure {
    /// Not the replica's fault: report the error.
    None,
    /// Retry on the primary (e.g. a query cancelled by a recovery conflict).
    Retry,
    /// The replica is unreachable or shutting down: mark it down, retry on the primary.
    Down,
}

/// Classify an error met on a replica.
pub fn classify(err: &StoreError) -> ReplicaFailure {
    match err {
        StoreError::Connection { .. } => ReplicaFailure::Down,
        // A pool wait (no SQLSTATE) or our pool replaced meanwhile.
        StoreError::Timeout { pg, .. } if pg.code.is_none() => ReplicaFailure::Retry,
        StoreError::Closed => ReplicaFailure::Retry,
        // 40001: cancelled by a conflict with recovery; 40P01: deadlock with recovery;
        // 25006: a statement that writes, which a standby refuses.
        StoreError::Query { pg, .. }
            if matches!(pg.code.as_deref(), Some("40001" | "40P01" | "25006")) =>
        {
            ReplicaFailure::Retry
        }
        _ => ReplicaFailure::None,
    }
}

/// The replicas of one storage and the routing of its reads.
pub struct ReplicaSet {
    replicas: Vec<Arc<Replica>>,
    /// Asks the primary its WAL position, for every replica's checks.
    primary: Arc<Probe>,
    next: AtomicUsize,
    max_lag: Duration,
    check_every: Duration,
    read_your_writes: bool,
    primary_reads: AtomicU64,
    fallbacks: AtomicU64,
}

impl ReplicaSet {
    /// Pools are lazy: nothing connects here.
    pub fn new(cfg: &StorageConfig) -> Result<ReplicaSet> {
        let replicas = cfg
            .read_replicas
            .iter()
            .map(|r| Replica::new(&cfg.for_replica(r)).map(Arc::new))
            .collect::<Result<Vec<_>>>()?;
        let max_lag = cfg.max_replica_lag;
        Ok(ReplicaSet {
            replicas,
            primary: Arc::new(Probe::new(cfg.connect_options()?)),
            next: AtomicUsize::new(0),
            max_lag,
            // Often enough that a healthy replica never looks stale between two checks.
            check_every: (max_lag / 4).clamp(Duration::from_millis(50), Duration::from_secs(1)),
            read_your_writes: cfg.read_your_writes,
            primary_reads: AtomicU64::new(0),
            fallbacks: AtomicU64::new(0),
        })
    }

    pub fn is_empty(&self) -> bool {
        self.replicas.is_empty()
    }

    /// The next usable replica in round-robin order, or `None` (read on the primary).
    /// Starts the checks that are due.
    pub fn pick(&self) -> Option<Arc<Replica>> {
        if self.read_your_writes || self.replicas.is_empty() {
            return None;
        }
        let n = self.replicas.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let mut chosen = None;
        for k in 0..n {
            let r = &self.replicas[(start + k) % n];
            self.check_if_due(r);
            if chosen.is_none() && r.usable(self.max_lag) {
                chosen = Some(r.clone());
            }
        }
        chosen
    }

    /// Whether a read now would go to a replica (some replica usable), without picking one.
    pub fn any_usable(&self) -> bool {
        !self.read_your_writes && self.replicas.iter().any(|r| r.usable(self.max_lag))
    }

    /// Check every replica now (in the background), e.g. at `init()`.
    pub fn check_all(&self) {
        if self.read_your_writes {
            return;
        }
        for r in &self.replicas {
            self.start_check(r);
        }
    }

    fn check_if_due(&self, r: &Arc<Replica>) {
        let due = {
            let h = r.health.lock().unwrap();
            let every = if h.down { DOWN_RETRY } else { self.check_every };
            h.last_attempt.is_none_or(|t| t.elapsed() >= every)
        };
        if due {
            self.start_check(r);
        }
    }

    fn start_check(&self, r: &Arc<Replica>) {
        if r.checking.swap(true, Ordering::AcqRel) {
            return;
        }
        r.health.lock().unwrap().last_attempt = Some(Instant::now());
        let (r, primary) = (r.clone(), self.primary.clone());
        spawn(async move {
            let outcome = tokio::time::timeout(CHECK_TIMEOUT, check(&r, &primary)).await;
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => r.mark_down(e.to_string()),
                Err(_) => r.mark_down("lag check timed out".into()),
            }
            r.checking.store(false, Ordering::Release);
        });
    }

    /// The read was answered by the primary.
    pub fn count_primary_read(&self) {
        self.primary_reads.fetch_add(1, Ordering::Relaxed);
    }

    /// A read failed on `replica` (`how` says why): record it; whether to retry on the primary.
    pub fn replica_failed(&self, replica: &Replica, err: &StoreError) -> bool {
        let how = classify(err);
        if how == ReplicaFailure::None {
            return false;
        }
        replica.failures.fetch_add(1, Ordering::Relaxed);
        self.fallbacks.fetch_add(1, Ordering::Relaxed);
        if how == ReplicaFailure::Down {
            replica.mark_down(err.to_string());
        }
        true
    }

    /// The read was answered by `replica`.
    pub fn count_replica_read(&self, replica: &Replica) {
        replica.reads.fetch_add(1, Ordering::Relaxed);
    }

    /// A connection of `replica`, or `None` when it cannot give one (the read then goes to
    /// the primary; a replica that cannot be reached is marked down).
    pub async fn acquire_on(&self, replica: &Replica) -> Option<PooledConn> {
        match replica.acquire().await {
            Ok(c) => Some(c),
            Err(e) => {
                let unreachable = match &e {
                    // Waited for a connection: saturated, or none could be opened at all.
                    AcquireError::TimedOut => replica.pool().size() == 0,
                    AcquireError::ConnectTimedOut => true,
                    // Marked down, or the pool was replaced while we waited.
                    AcquireError::Closed => false,
                    AcquireError::Connect(_) => true,
                };
                replica.failures.fetch_add(1, Ordering::Relaxed);
                self.fallbacks.fetch_add(1, Ordering::Relaxed);
                if unreachable {
                    let reason = match e {
                        AcquireError::Connect(e) => StoreError::from(e).to_string(),
                        _ => "no connection could be opened in time".into(),
                    };
                    replica.mark_down(reason);
                }
                None
            }
        }
    }

    pub fn stats(&self) -> ReadStats {
        let replicas: Vec<ReplicaState> = self
            .replicas
            .iter()
            .map(|r| r.state(self.max_lag))
            .collect();
        ReadStats {
            primary_reads: self.primary_reads.load(Ordering::Relaxed),
            replica_reads: replicas.iter().map(|r| r.reads).sum(),
            fallbacks: self.fallbacks.load(Ordering::Relaxed),
            replicas,
        }
    }

    /// Close every replica pool (calls still running finish first) and the probes.
    pub async fn close(&self) {
        for r in &self.replicas {
            r.pool().close().await;
            r.probe.close().await;
        }
        self.primary.close().await;
    }
}

/// One lag check: the primary's WAL position, then the replica's replay state.
async fn check(r: &Replica, primary: &Probe) -> Result<()> {
    let sampled = Instant::now();
    // No primary position (primary unreachable, busy, or itself a standby): judge by commit age.
    let primary_lsn = match tokio::time::timeout(PRIMARY_PROBE_TIMEOUT, primary.ask(None)).await {
        Ok(Ok(Answer::Lsn(lsn))) => Some(lsn),
        _ => None,
    };
    match r.probe.ask(Some(primary_lsn)).await? {
        Answer::Lag(in_recovery, caught_up, ts_lag) => {
            r.record(sampled, in_recovery, caught_up, ts_lag);
            Ok(())
        }
        Answer::Lsn(_) => Err(StoreError::query("unexpected answer to the lag check")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pg::config::{ConnectSource, ReplicaConfig};
    use crate::core::pg::error::PgDetails;

    fn set(max_lag_ms: u64) -> ReplicaSet {
        let mut cfg = StorageConfig::new(ConnectSource::Url("postgres://u@127.0.0.1:1/d".into()));
        cfg.read_replicas.push(ReplicaConfig {
            source: ConnectSource::Url("postgres://u@127.0.0.1:2/d".into()),
            ssl: None,
            max_connections: Some(2),
        });
        cfg.max_replica_lag = Duration::from_millis(max_lag_ms);
        ReplicaSet::new(&cfg).unwrap()
    }

    #[tokio::test]
    async fn unchecked_replica_is_not_used() {
        let s = set(10_000);
        assert!(!s.replicas[0].usable(s.max_lag));
    }

    #[tokio::test]
    async fn caught_up_replica_is_used_until_its_check_gets_old() {
        let s = set(100);
        let r = &s.replicas[0];
        r.record(Instant::now(), true, Some(true), Some(60_000.0));
        assert!(
            r.usable(s.max_lag),
            "idle primary: old commit but caught up"
        );
        r.record(
            Instant::now() - Duration::from_millis(150),
            true,
            Some(true),
            None,
        );
        assert!(
            !r.usable(s.max_lag),
            "a check older than the allowed lag proves nothing"
        );
    }

    #[tokio::test]
    async fn lag_is_bounded_by_the_last_caught_up_check() {
        let s = set(10_000);
        let r = &s.replicas[0];
        let t0 = Instant::now() - Duration::from_millis(500);
        r.record(t0, true, Some(true), None);
        // Behind now, last commit replayed an hour ago: it lacks at most 500 ms of writes.
        r.record(Instant::now(), true, Some(false), Some(3_600_000.0));
        let lag = r.health.lock().unwrap().checked.unwrap().1;
        assert!((500..2_000).contains(&lag), "{lag}");
        assert!(r.usable(s.max_lag));
    }

    #[tokio::test]
    async fn paused_replica_lags_by_its_last_commit() {
        let s = set(1_000);
        let r = &s.replicas[0];
        r.record(Instant::now(), true, Some(false), Some(5_000.0));
        assert!(!r.usable(s.max_lag));
        // Never replayed a commit, never caught up: lagging.
        let s2 = set(1_000);
        s2.replicas[0].record(Instant::now(), true, Some(false), None);
        assert!(!s2.replicas[0].usable(s2.max_lag));
    }

    #[tokio::test]
    async fn down_replica_is_skipped_and_failures_classified() {
        let s = set(10_000);
        let r = &s.replicas[0];
        r.record(Instant::now(), true, Some(true), None);
        assert!(s.pick().is_some());
        let sqlstate = |code: &str| {
            Box::new(PgDetails {
                code: Some(code.into()),
                ..Default::default()
            })
        };
        let conn = StoreError::Connection {
            message: "terminating connection due to administrator command".into(),
            pg: sqlstate("57P01"),
        };
        assert!(s.replica_failed(r, &conn));
        assert!(s.pick().is_none());
        let conflict = StoreError::Query {
            message: "canceling statement due to conflict with recovery".into(),
            pg: sqlstate("40001"),
        };
        assert_eq!(classify(&conflict), ReplicaFailure::Retry);
        assert_eq!(
            classify(&StoreError::invalid("bad id")),
            ReplicaFailure::None
        );
        let st = s.stats();
        assert_eq!((st.fallbacks, st.replicas[0].failures), (1, 1));
        assert!(st.replicas[0].down);
    }
}
