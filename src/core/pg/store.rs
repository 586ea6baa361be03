//! The storage engine's handle: the pool, the replicas, and leases of a connection either
//! from the pool or from a running transaction. The SQL context each call runs with is
//! `ctx.rs`.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sqlx::postgres::{PgConnection, PgTransactionManager};
use sqlx_core::transaction::TransactionManager as _;
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::config::StorageConfig;
use super::ctx::Ctx;
use super::error::{Result, StoreError};
use super::pool::{AcquireError, Pool, PoolSettings, PooledConn};
use super::pooler::PoolerGuard;
use super::queue_listener::QueueListener;
use super::replicas::{Replica, ReplicaSet};

/// The storage: one pool (the primary's), its read replicas, one context.
pub struct Store {
    pub ctx: Arc<Ctx>,
    pool: Pool,
    pub replicas: ReplicaSet,
    pooler: Option<Arc<PoolerGuard>>,
    closed: AtomicBool,
    initialized: AtomicBool,
    target: String,
    /// The build queue's LISTEN connection (`waitForBuild`), opened on first use.
    listener: QueueListener,
}

impl Store {
    /// Build the pool lazily (no connection is made here). Must run inside a tokio runtime.
    pub fn connect(cfg: &StorageConfig) -> Result<Store> {
        cfg.validate()?;
        // PgBouncer mode never prepares a named statement: no per-connection cache either.
        let opts = cfg
            .connect_options()?
            .statement_cache_capacity(if cfg.pgbouncer { 0 } else { 512 });
        // Default mode: make sure no transaction pooler is in the way (see `pooler.rs`).
        let pooler = (!cfg.pgbouncer)
            .then(|| Arc::new(PoolerGuard::new(opts.clone(), cfg.connection_timeout)));
        let listener = QueueListener::new(opts.clone(), &cfg.schema, cfg.connection_timeout);
        let pool = Pool::new(
            opts,
            PoolSettings {
                max_connections: cfg.max_connections,
                idle_timeout: cfg.idle_timeout,
                connect_timeout: cfg.connection_timeout,
            },
        );
        Ok(Store {
            ctx: Arc::new(Ctx::new(cfg)),
            replicas: ReplicaSet::new(cfg)?,
            pool,
            pooler,
            closed: AtomicBool::new(false),
            initialized: AtomicBool::new(false),
            target: cfg.describe_target(),
            listener,
        })
    }

    /// The primary's connection pool (its figures: `storage.poolStats`).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The build queue's wake-up line.
    pub fn queue_listener(&self) -> &QueueListener {
        &self.listener
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    fn check_open(&self) -> Result<()> {
        if self.is_closed() {
            Err(StoreError::Closed)
        } else {
            Ok(())
        }
    }

    /// Give connection errors the server they were about (never the password).
    pub fn connection_context(&self, err: StoreError) -> StoreError {
        match err {
            StoreError::Connection { message, pg } => StoreError::Connection {
                message: format!("cannot connect to PostgreSQL at {}: {message}", self.target),
                pg,
            },
            StoreError::Timeout { message, pg } if pg.code.is_none() => StoreError::Timeout {
                message: format!("{message} (server {})", self.target),
                pg,
            },
            other => other,
        }
    }

    /// The outcome of work done on a leased connection: a connection error names the server
    /// it was about. (The lease itself retires the dead connection, see `Lease::note`.)
    pub fn observe<T>(&self, result: Result<T>) -> Result<T> {
        result.map_err(|err| match err {
            StoreError::Connection { message, pg } if !message.contains(&self.target) => {
                StoreError::Connection {
                    message: format!(
                        "connection to PostgreSQL at {} lost: {message}",
                        self.target
                    ),
                    pg,
                }
            }
            other => other,
        })
    }

    /// A connection from the pool (on a storage's first call, once the pooler probe has
    /// answered: see `pooler.rs`).
    pub async fn acquire(&self) -> Result<PooledConn> {
        self.acquire_checked(true).await
    }

    /// A connection for `init()`: starts the pooler probe without waiting for it, so the probe
    /// runs while init works (init checks the verdict at its end).
    pub async fn acquire_for_init(&self) -> Result<PooledConn> {
        self.acquire_checked(false).await
    }

    /// The pooler probe's verdict (waiting for it if it is still running): init ends with it,
    /// so a storage behind a transaction pooler fails at `init()`.
    pub async fn pooler_verdict(&self) -> Result<()> {
        if let Some(guard) = &self.pooler {
            guard.wait().await;
            if guard.detected() {
                return Err(PoolerGuard::error());
            }
        }
        Ok(())
    }

    async fn acquire_checked(&self, wait_for_probe: bool) -> Result<PooledConn> {
        self.check_open()?;
        if let Some(guard) = &self.pooler {
            // Probes concurrently with this first connect.
            guard.start();
        }
        let acquired = self.pool.acquire().await;
        if let (Some(guard), true) = (&self.pooler, wait_for_probe) {
            guard.wait().await;
        }
        match acquired {
            Ok(_) if self.pooler_detected() => Err(PoolerGuard::error()),
            Ok(c) => Ok(c),
            Err(e) => Err(self.acquire_error(e).await),
        }
    }

    /// A connection for a read-only call: a usable replica's (round robin), else the primary's.
    pub async fn lease_read(self: &Arc<Store>) -> Result<ReadLease> {
        self.check_open()?;
        if let Some(replica) = self.replicas.pick() {
            if let Some(conn) = self.replicas.acquire_on(&replica).await {
                return Ok(ReadLease {
                    lease: Lease::Pooled(conn),
                    routed: Some((self.clone(), Some(replica))),
                });
            }
        }
        self.lease_primary_read().await
    }

    /// A primary connection for a read-only call (counted as a read the primary served).
    pub async fn lease_primary_read(self: &Arc<Store>) -> Result<ReadLease> {
        let conn = self.acquire().await?;
        self.replicas.count_primary_read();
        Ok(ReadLease {
            lease: Lease::Pooled(conn),
            routed: Some((self.clone(), None)),
        })
    }

    /// A transaction pooler answered a default-mode storage (`pooler.rs`).
    fn pooler_detected(&self) -> bool {
        self.pooler.as_ref().is_some_and(|g| g.detected())
    }

    /// Why a connection could not be had, as a coded error naming the server.
    ///
    /// Acquiring only connects (no ping), so a server error here is a refused connection
    /// (unknown database, role, password…): `ERR_ADMIN_PG_CONNECTION`, not a query error.
    async fn acquire_error(&self, err: AcquireError) -> StoreError {
        let err = match err {
            AcquireError::Closed => StoreError::Closed,
            AcquireError::Connect(e) => connect_failure(e.into()),
            AcquireError::ConnectTimedOut => StoreError::Timeout {
                message: "connecting to the server timed out (connectionTimeoutMillis)".into(),
                pg: Box::default(),
            },
            AcquireError::TimedOut => StoreError::Timeout {
                message: format!(
                    "timed out waiting for a free connection: all {} in use (connectionTimeoutMillis)",
                    self.pool.max_connections()
                ),
                pg: Box::default(),
            },
        };
        self.connection_context(err)
    }

    /// Refuse new work, let running calls finish, close every connection.
    pub async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.listener.close().await;
        self.replicas.close().await;
        self.pool.close().await;
    }

    pub fn mark_initialized(&self) {
        self.initialized.store(true, Ordering::Release);
    }

    pub fn is_initialized(&self) -> bool {
        self.initialized.load(Ordering::Acquire)
    }
}

/// An error met while connecting, as `ERR_ADMIN_PG_CONNECTION` (PostgreSQL details kept).
fn connect_failure(err: StoreError) -> StoreError {
    match err {
        StoreError::Connection { .. } | StoreError::Closed | StoreError::Config(_) => err,
        StoreError::UniqueViolation { message, pg }
        | StoreError::ForeignKeyViolation { message, pg }
        | StoreError::CheckViolation { message, pg }
        | StoreError::Timeout { message, pg }
        | StoreError::Query { message, pg } => StoreError::Connection { message, pg },
        other => StoreError::Connection {
            message: other.to_string(),
            pg: Box::default(),
        },
    }
}

/// A transaction opened for JS (`db.tx`, `AdminPgDB.transaction`): its calls share one connection.
pub struct TxHandle {
    pub store: Arc<Store>,
    conn: Arc<Mutex<Option<PooledConn>>>,
}

impl TxHandle {
    /// BEGIN on a pooled connection (through sqlx's transaction manager, so a domain write
    /// that opens its own transaction inside becomes a SAVEPOINT).
    pub async fn begin(store: Arc<Store>) -> Result<TxHandle> {
        let mut conn = store.acquire().await?;
        if let Err(e) = PgTransactionManager::begin(&mut conn, None).await {
            let e = StoreError::from(e);
            note_failure(&mut conn, &e);
            return Err(e);
        }
        Ok(TxHandle {
            store,
            conn: Arc::new(Mutex::new(Some(conn))),
        })
    }

    /// Commit; later calls on this handle fail.
    pub async fn commit(&self) -> Result<()> {
        self.finish(true).await
    }

    /// Roll back (nothing to do once finished); later calls on this handle fail.
    pub async fn rollback(&self) -> Result<()> {
        self.finish(false).await
    }

    async fn finish(&self, commit: bool) -> Result<()> {
        let Some(mut c) = self.conn.lock().await.take() else {
            return match commit {
                true => Err(StoreError::query("transaction already finished")),
                false => Ok(()),
            };
        };
        let res = match commit {
            true => PgTransactionManager::commit(&mut c).await,
            false => PgTransactionManager::rollback(&mut c).await,
        }
        .map_err(StoreError::from);
        if let Err(e) = &res {
            note_failure(&mut c, e);
        }
        res
    }
}

/// Retire a connection whose call failed at the connection level.
fn note_failure(conn: &mut PooledConn, err: &StoreError) {
    if matches!(err, StoreError::Connection { .. }) {
        conn.mark_broken();
    }
}

/// Where a call runs: on the pool (reads on a replica when one is usable), on the primary
/// only (`storage.primary`), or inside a JS-opened transaction.
#[derive(Clone)]
pub enum Target {
    Pool(Arc<Store>),
    Primary(Arc<Store>),
    Tx(Arc<TxHandle>),
}

impl Target {
    pub fn store(&self) -> &Arc<Store> {
        match self {
            Target::Pool(s) | Target::Primary(s) => s,
            Target::Tx(t) => &t.store,
        }
    }

    pub fn ctx(&self) -> &Ctx {
        &self.store().ctx
    }

    /// A connection to run on: pooled, or the transaction's own.
    pub async fn lease(&self) -> Result<Lease> {
        match self {
            Target::Pool(store) | Target::Primary(store) => {
                Ok(Lease::Pooled(store.acquire().await?))
            }
            Target::Tx(handle) => {
                handle.store.check_open()?;
                let guard = handle.conn.clone().lock_owned().await;
                if guard.is_none() {
                    return Err(StoreError::query(
                        "transaction already finished: use the client only inside its callback",
                    ));
                }
                Ok(Lease::Tx(guard))
            }
        }
    }
}

impl Target {
    /// A connection for a read-only call: a replica's when one is usable (pool target only),
    /// the primary's otherwise, the transaction's inside one.
    pub async fn lease_read(&self) -> Result<ReadLease> {
        match self {
            Target::Pool(store) => store.lease_read().await,
            Target::Primary(store) => store.lease_primary_read().await,
            Target::Tx(_) => Ok(ReadLease {
                lease: self.lease().await?,
                routed: None,
            }),
        }
    }
}

/// A connection leased for a read-only call, remembering where it was routed.
pub struct ReadLease {
    lease: Lease,
    /// `None` inside a transaction; else the store and the replica, if one was chosen.
    routed: Option<(Arc<Store>, Option<Arc<Replica>>)>,
}

impl ReadLease {
    /// Account for the call's outcome; `true` when it failed because of the replica and must
    /// be run again on the primary (`retry_on_primary`).
    pub fn settle<T>(&mut self, outcome: &Result<T>) -> bool {
        self.lease.note(outcome);
        match &self.routed {
            Some((store, Some(replica))) => match outcome {
                Err(e) if store.replicas.replica_failed(replica, e) => true,
                _ => {
                    store.replicas.count_replica_read(replica);
                    false
                }
            },
            _ => false,
        }
    }

    /// A primary connection for the retry of a read a replica failed (this lease is released).
    pub async fn retry_on_primary(self) -> Result<ReadLease> {
        match self.routed {
            Some((store, _)) => {
                drop(self.lease);
                store.lease_primary_read().await
            }
            None => Err(StoreError::query("no primary to retry on")),
        }
    }
}

impl Deref for ReadLease {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.lease
    }
}

impl DerefMut for ReadLease {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.lease
    }
}

/// A leased connection; derefs to `PgConnection`.
pub enum Lease {
    Pooled(PooledConn),
    Tx(OwnedMutexGuard<Option<PooledConn>>),
}

impl Lease {
    /// Tell the lease how its call ended: a connection-level failure retires the connection.
    pub fn note<T>(&mut self, result: &Result<T>) {
        if let Err(e) = result {
            match self {
                Lease::Pooled(c) => note_failure(c, e),
                Lease::Tx(g) => {
                    if let Some(c) = g.as_mut() {
                        note_failure(c, e)
                    }
                }
            }
        }
    }
}

impl Deref for Lease {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        match self {
            Lease::Pooled(c) => c,
            Lease::Tx(g) => g.as_ref().expect("checked at lease time"),
        }
    }
}

impl DerefMut for Lease {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            Lease::Pooled(c) => c,
            Lease::Tx(g) => g.as_mut().expect("checked at lease time"),
        }
    }
}
