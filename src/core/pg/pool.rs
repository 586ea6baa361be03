//! A small connection pool of our own.
//!
//! sqlx's pool pings every connection when it is returned (a full round trip per query, run in a
//! spawned task while the connection is unavailable) and spawns a task per release. Ours hands a
//! connection back synchronously on drop, never pings, and retires connections that failed:
//! a connection error on one of them also retires every idle connection opened before it
//! (after a server restart they are all dead), so only the calls in flight at the time fail.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgConnection, Postgres};
use sqlx::{ConnectOptions as _, Connection as _};
use sqlx_core::transaction::TransactionManager as _;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// Pool settings.
#[derive(Clone, Debug)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub idle_timeout: Duration,
    pub connect_timeout: Duration,
}

struct Idle {
    conn: PgConnection,
    since: Instant,
    generation: u64,
}

struct Inner {
    options: PgConnectOptions,
    settings: PoolSettings,
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Idle>>,
    /// Connections open (idle or leased).
    size: AtomicUsize,
    /// Leased connections; `close()` waits for them.
    leased: AtomicUsize,
    /// Acquires waiting for a free connection (all `max_connections` leased).
    waiting: AtomicUsize,
    returned: Notify,
    closed: AtomicBool,
    /// Bumped when a connection turns out dead: idle ones from older generations are retired.
    generation: AtomicU64,
}

/// Why a connection could not be had.
#[derive(Debug)]
pub enum AcquireError {
    /// No free connection within `connect_timeout`.
    TimedOut,
    /// A new connection was not established within `connect_timeout`.
    ConnectTimedOut,
    Closed,
    /// Connecting failed (refused, auth, TLS, unknown database…).
    Connect(sqlx::Error),
}

/// The pool handle (cheap to clone).
#[derive(Clone)]
pub struct Pool {
    inner: Arc<Inner>,
}

impl Pool {
    /// A lazy pool: no connection is opened until the first acquire.
    pub fn new(options: PgConnectOptions, settings: PoolSettings) -> Pool {
        let inner = Arc::new(Inner {
            options,
            permits: Arc::new(Semaphore::new(settings.max_connections.max(1) as usize)),
            settings,
            idle: Mutex::new(Vec::new()),
            size: AtomicUsize::new(0),
            leased: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
            returned: Notify::new(),
            closed: AtomicBool::new(false),
            generation: AtomicU64::new(0),
        });
        spawn_reaper(Arc::downgrade(&inner));
        Pool { inner }
    }

    pub fn connect_options(&self) -> &PgConnectOptions {
        &self.inner.options
    }

    /// The most connections this pool opens.
    pub fn max_connections(&self) -> u32 {
        self.inner.settings.max_connections
    }

    /// Connections currently open.
    pub fn size(&self) -> usize {
        self.inner.size.load(Ordering::Acquire)
    }

    /// Idle connections right now.
    pub fn num_idle(&self) -> usize {
        self.inner.idle.lock().unwrap().len()
    }

    /// Connections leased right now.
    pub fn in_use(&self) -> usize {
        self.inner.leased.load(Ordering::Acquire)
    }

    /// Acquires waiting for a free connection right now.
    pub fn waiting(&self) -> usize {
        self.inner.waiting.load(Ordering::Acquire)
    }

    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::Acquire)
    }

    /// A connection: an idle one (most recently used first), or a new one.
    pub async fn acquire(&self) -> Result<PooledConn, AcquireError> {
        let inner = &self.inner;
        if self.is_closed() {
            return Err(AcquireError::Closed);
        }
        let started = Instant::now();
        let timeout = inner.settings.connect_timeout;
        // Fast path: a free permit without waiting.
        let permit = match inner.permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(tokio::sync::TryAcquireError::Closed) => return Err(AcquireError::Closed),
            Err(tokio::sync::TryAcquireError::NoPermits) => {
                let _waiting = Waiting::count(&inner.waiting);
                match tokio::time::timeout(timeout, inner.permits.clone().acquire_owned()).await {
                    Ok(Ok(p)) => p,
                    Ok(Err(_)) => return Err(AcquireError::Closed),
                    Err(_) => return Err(AcquireError::TimedOut),
                }
            }
        };
        if let Some(idle) = self.pop_idle() {
            return Ok(self.lease(idle.conn, idle.generation, permit));
        }
        let generation = inner.generation.load(Ordering::Acquire);
        let left = timeout.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, inner.options.connect()).await {
            Ok(Ok(conn)) => {
                inner.size.fetch_add(1, Ordering::AcqRel);
                Ok(self.lease(conn, generation, permit))
            }
            Ok(Err(e)) => Err(AcquireError::Connect(e)),
            Err(_) => Err(AcquireError::ConnectTimedOut),
        }
    }

    fn pop_idle(&self) -> Option<Idle> {
        let inner = &self.inner;
        let current = inner.generation.load(Ordering::Acquire);
        let mut idle = inner.idle.lock().unwrap();
        while let Some(i) = idle.pop() {
            if i.generation < current || i.since.elapsed() >= inner.settings.idle_timeout {
                inner.size.fetch_sub(1, Ordering::AcqRel);
                drop(i); // closes the socket
                continue;
            }
            return Some(i);
        }
        None
    }

    fn lease(
        &self,
        conn: PgConnection,
        generation: u64,
        permit: OwnedSemaphorePermit,
    ) -> PooledConn {
        self.inner.leased.fetch_add(1, Ordering::AcqRel);
        PooledConn {
            conn: Some(conn),
            generation,
            broken: false,
            pool: self.inner.clone(),
            permit: Some(permit),
        }
    }

    /// Refuse new connections, wait (bounded) for leased ones to come back, close them all.
    pub async fn close(&self) {
        let inner = &self.inner;
        inner.closed.store(true, Ordering::Release);
        inner.permits.close();
        let deadline = Instant::now() + Duration::from_secs(30);
        while inner.leased.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
            let notified = inner.returned.notified();
            if inner.leased.load(Ordering::Acquire) == 0 {
                break;
            }
            let _ = tokio::time::timeout(Duration::from_millis(100), notified).await;
        }
        let idle: Vec<Idle> = std::mem::take(&mut *inner.idle.lock().unwrap());
        for i in idle {
            inner.size.fetch_sub(1, Ordering::AcqRel);
            // A polite Terminate; the socket closes either way.
            let _ = tokio::time::timeout(Duration::from_secs(1), i.conn.close()).await;
        }
    }
}

/// One acquire counted in `waiting` until it stops waiting (got a permit, timed out or was
/// dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn count(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::AcqRel);
        Waiting(counter)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Close idle connections past `idle_timeout`, like node-postgres does.
fn spawn_reaper(inner: Weak<Inner>) {
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let period = inner
        .upgrade()
        .map(|i| (i.settings.idle_timeout / 2).max(Duration::from_millis(500)))
        .unwrap_or(Duration::from_secs(15));
    rt.spawn(async move {
        loop {
            tokio::time::sleep(period).await;
            let Some(inner) = inner.upgrade() else { return };
            if inner.closed.load(Ordering::Acquire) {
                return;
            }
            let expired: Vec<Idle> = {
                let mut idle = inner.idle.lock().unwrap();
                let (old, keep): (Vec<Idle>, Vec<Idle>) = idle
                    .drain(..)
                    .partition(|i| i.since.elapsed() >= inner.settings.idle_timeout);
                *idle = keep;
                old
            };
            inner.size.fetch_sub(expired.len(), Ordering::AcqRel);
            drop(inner);
            for i in expired {
                let _ = tokio::time::timeout(Duration::from_secs(1), i.conn.close()).await;
            }
        }
    });
}

/// A leased connection; goes back to the pool when dropped (or is retired if it broke).
pub struct PooledConn {
    conn: Option<PgConnection>,
    generation: u64,
    broken: bool,
    pool: Arc<Inner>,
    permit: Option<OwnedSemaphorePermit>,
}

impl PooledConn {
    /// This connection failed at the connection level: retire it, and every idle connection
    /// opened before it (they share its fate after a server restart).
    pub fn mark_broken(&mut self) {
        if !self.broken {
            self.broken = true;
            self.pool
                .generation
                .fetch_max(self.generation + 1, Ordering::AcqRel);
        }
    }
}

impl Deref for PooledConn {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        self.conn.as_ref().expect("connection present until drop")
    }
}

impl DerefMut for PooledConn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.conn.as_mut().expect("connection present until drop")
    }
}

impl Drop for PooledConn {
    fn drop(&mut self) {
        let pool = self.pool.clone();
        let permit = self.permit.take();
        if let Some(mut conn) = self.conn.take() {
            if self.broken || pool.closed.load(Ordering::Acquire) {
                pool.size.fetch_sub(1, Ordering::AcqRel);
                drop(conn);
            } else {
                // A transaction left open (an early return dropped it): queue its ROLLBACK.
                if sqlx::postgres::PgTransactionManager::get_transaction_depth(&conn) > 0 {
                    <Postgres as sqlx::Database>::TransactionManager::start_rollback(&mut conn);
                }
                if conn.should_flush() {
                    // Something is queued (that ROLLBACK): send it and wait for the server
                    // before anyone else gets the connection, or its locks would outlive the
                    // call. The permit travels along, so the pool never exceeds its size.
                    let generation = self.generation;
                    if let Ok(rt) = tokio::runtime::Handle::try_current() {
                        rt.spawn(async move {
                            let ok = tokio::time::timeout(Duration::from_secs(30), conn.ping())
                                .await
                                .is_ok_and(|r| r.is_ok());
                            if ok {
                                pool.idle.lock().unwrap().push(Idle {
                                    conn,
                                    since: Instant::now(),
                                    generation,
                                });
                            } else {
                                pool.size.fetch_sub(1, Ordering::AcqRel);
                            }
                            release(&pool, permit);
                        });
                        return;
                    }
                    pool.size.fetch_sub(1, Ordering::AcqRel);
                } else {
                    pool.idle.lock().unwrap().push(Idle {
                        conn,
                        since: Instant::now(),
                        generation: self.generation,
                    });
                }
            }
        }
        release(&pool, permit);
    }
}

fn release(pool: &Inner, permit: Option<OwnedSemaphorePermit>) {
    pool.leased.fetch_sub(1, Ordering::AcqRel);
    drop(permit);
    if pool.closed.load(Ordering::Acquire) {
        pool.returned.notify_waiters();
    }
}
