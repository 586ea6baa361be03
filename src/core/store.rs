//! The storage engine's handle: the pool, the schema-qualified SQL, and leases of a
//! connection either from the pool or from a running transaction.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::postgres::{
    PgArguments, PgConnectOptions, PgConnection, PgPool, PgPoolOptions, Postgres,
};
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::config::StorageConfig;
use super::error::{Result, StoreError};
use super::health::{Health, Reachability};

/// Per-storage SQL context: the schema, its quoted form, and prepared-statement policy.
pub struct Ctx {
    /// The validated schema identifier, unquoted.
    pub schema: String,
    /// `"schema"`, ready to prefix table names.
    pub quoted: String,
    /// Whether statements are cached as named prepared statements on each connection.
    pub persistent: bool,
    pub skip_default_indexes: bool,
    pub disable_init: bool,
    statements: AtomicU64,
    // SQL templates with `{s}` resolved once per storage, keyed by the template's address.
    templates: RwLock<HashMap<(usize, usize), SqlStr>>,
}

impl Ctx {
    pub fn new(cfg: &StorageConfig) -> Ctx {
        Ctx {
            schema: cfg.schema.clone(),
            quoted: format!("\"{}\"", cfg.schema),
            persistent: true,
            skip_default_indexes: cfg.skip_default_indexes,
            disable_init: cfg.disable_init,
            statements: AtomicU64::new(0),
            templates: RwLock::new(HashMap::new()),
        }
    }

    /// A static SQL template with `{s}` standing for the quoted schema, resolved once.
    pub fn sql(&self, template: &'static str) -> SqlStr {
        self.statements.fetch_add(1, Ordering::Relaxed);
        let key = (template.as_ptr() as usize, template.len());
        if let Some(s) = self.templates.read().unwrap().get(&key) {
            return s.clone();
        }
        let resolved = AssertSqlSafe(template.replace("{s}", &self.quoted)).into_sql_str();
        self.templates
            .write()
            .unwrap()
            .insert(key, resolved.clone());
        resolved
    }

    /// SQL assembled at run time from whitelisted identifiers only (generic engine).
    pub fn dynamic(&self, sql: String) -> SqlStr {
        self.statements.fetch_add(1, Ordering::Relaxed);
        AssertSqlSafe(sql).into_sql_str()
    }

    /// `sqlx::query` over a template, with this storage's statement policy.
    pub fn query(&self, template: &'static str) -> Query<'static, Postgres, PgArguments> {
        sqlx::query(self.sql(template)).persistent(self.persistent)
    }

    /// `sqlx::query` over dynamic SQL.
    pub fn query_dynamic(&self, sql: String) -> Query<'static, Postgres, PgArguments> {
        sqlx::query(self.dynamic(sql)).persistent(self.persistent)
    }

    /// `schema.table` for a whitelisted table name.
    pub fn table(&self, name: &str) -> String {
        format!("{}.{}", self.quoted, name)
    }

    /// Statements issued through this context so far (proves round-trip counts in tests).
    pub fn statement_count(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Count a statement issued outside `sql`/`dynamic` (raw SQL from JS).
    pub fn count_statement(&self) {
        self.statements.fetch_add(1, Ordering::Relaxed);
    }
}

/// The storage: one pool, one context.
pub struct Store {
    pub ctx: Arc<Ctx>,
    pool: PgPool,
    closed: AtomicBool,
    initialized: AtomicBool,
    target: String,
    health: Arc<Health>,
    connect_options: PgConnectOptions,
    max_connections: u32,
    connection_timeout: Duration,
}

impl Store {
    /// Build the pool lazily (no connection is made here). Must run inside a tokio runtime.
    pub fn connect(cfg: &StorageConfig) -> Result<Store> {
        cfg.validate()?;
        let opts = cfg.connect_options()?.statement_cache_capacity(512);
        let health = Arc::new(Health::new());
        let checker = health.clone();
        let pool = PgPoolOptions::new()
            .max_connections(cfg.max_connections)
            .min_connections(0)
            .idle_timeout(Some(cfg.idle_timeout))
            .acquire_timeout(cfg.connection_timeout)
            // No ping before every acquire (a round trip per call)...
            .test_before_acquire(false)
            // ...except for idle connections that may have died with others: after a
            // connection error, those idle since before it are pinged once before reuse.
            .before_acquire(move |conn, meta| {
                let suspect = checker.is_suspect(meta.idle_for);
                Box::pin(async move {
                    if suspect {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_lazy_with(opts.clone());
        Ok(Store {
            ctx: Arc::new(Ctx::new(cfg)),
            pool,
            closed: AtomicBool::new(false),
            initialized: AtomicBool::new(false),
            target: cfg.describe_target(),
            health,
            // The probe is not one of the pool's connections: say so to pg_stat_activity.
            connect_options: opts.application_name(&format!(
                "{} (probe)",
                cfg.application_name.as_deref().unwrap_or("admin-pg-native")
            )),
            max_connections: cfg.max_connections,
            connection_timeout: cfg.connection_timeout,
        })
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

    /// Look at the outcome of work done on a leased connection: a connection error means the
    /// server dropped us (restart, `pg_terminate_backend`, network), so other idle connections
    /// are suspect; the message gains the server it was about.
    pub fn observe<T>(&self, result: Result<T>) -> Result<T> {
        result.map_err(|err| match err {
            StoreError::Connection { message, pg } => {
                self.health.record_failure();
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

    /// A connection from the pool.
    ///
    /// The pool keeps retrying a refused connection until `connectionTimeoutMillis`. While an
    /// acquire waits, every 250 ms it asks (one probe shared by all waiters, its answer reused
    /// until a connection fails) whether the server accepts connections at all: a call fails
    /// fast with `ERR_ADMIN_PG_CONNECTION` while the server is down (as node-postgres does),
    /// also when it goes down while the call waits, and waits only for a busy pool.
    pub async fn acquire(&self) -> Result<PoolConnection<Postgres>> {
        self.check_open()?;
        let started = Instant::now();
        let acquire = self.pool.acquire();
        tokio::pin!(acquire);
        let every = (self.connection_timeout / 4).min(Duration::from_millis(250));
        let mut reach = Reachability::Unknown;
        loop {
            tokio::select! {
                r = &mut acquire => return r.map_err(|e| self.acquire_error(e, started, &reach)),
                _ = tokio::time::sleep(every) => {}
            }
            let left = self.connection_timeout.saturating_sub(started.elapsed());
            let probe = self.health.probe(&self.connect_options, left);
            tokio::select! {
                r = &mut acquire => return r.map_err(|e| self.acquire_error(e, started, &reach)),
                probed = probe => {
                    if let Reachability::Refused(err) = probed {
                        self.health.record_failure();
                        return Err(self.connection_context(err));
                    }
                    reach = probed;
                }
            }
        }
    }

    fn acquire_error(
        &self,
        err: sqlx::Error,
        started: Instant,
        reach: &Reachability,
    ) -> StoreError {
        match err {
            sqlx::Error::PoolTimedOut => StoreError::Timeout {
                message: format!(
                    "timed out after {} ms waiting for a database connection ({}; connectionTimeoutMillis) (server {})",
                    started.elapsed().as_millis(),
                    match reach {
                        Reachability::Accepting => format!("all {} in use", self.max_connections),
                        _ => "the server did not answer in time".to_string(),
                    },
                    self.target
                ),
                pg: Box::default(),
            },
            other => {
                let err = self.connection_context(other.into());
                if matches!(err, StoreError::Connection { .. }) {
                    self.health.record_failure();
                }
                err
            }
        }
    }

    /// A transaction on a pooled connection.
    pub async fn begin(&self) -> Result<Transaction<'static, Postgres>> {
        let conn = self.acquire().await?;
        self.observe(
            Transaction::begin(conn, None)
                .await
                .map_err(StoreError::from),
        )
    }

    /// Refuse new work, let running calls finish, close every connection.
    pub async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.pool.close().await;
    }

    pub fn mark_initialized(&self) {
        self.initialized.store(true, Ordering::Release);
    }

    pub fn is_initialized(&self) -> bool {
        self.initialized.load(Ordering::Acquire)
    }
}

/// A transaction opened for JS (`db.tx`, `AdminPgDB.transaction`): its calls share one connection.
pub struct TxHandle {
    pub store: Arc<Store>,
    tx: Arc<Mutex<Option<Transaction<'static, Postgres>>>>,
}

impl TxHandle {
    pub async fn begin(store: Arc<Store>) -> Result<TxHandle> {
        let tx = store.begin().await?;
        Ok(TxHandle {
            store,
            tx: Arc::new(Mutex::new(Some(tx))),
        })
    }

    /// Commit; later calls on this handle fail.
    pub async fn commit(&self) -> Result<()> {
        let tx = self.tx.lock().await.take();
        match tx {
            Some(tx) => self
                .store
                .observe(tx.commit().await.map_err(StoreError::from)),
            None => Err(StoreError::query("transaction already finished")),
        }
    }

    /// Roll back; later calls on this handle fail.
    pub async fn rollback(&self) -> Result<()> {
        let tx = self.tx.lock().await.take();
        match tx {
            Some(tx) => tx.rollback().await.map_err(StoreError::from),
            None => Ok(()),
        }
    }
}

/// Where a call runs: on the pool, or inside a JS-opened transaction.
#[derive(Clone)]
pub enum Target {
    Pool(Arc<Store>),
    Tx(Arc<TxHandle>),
}

impl Target {
    pub fn store(&self) -> &Arc<Store> {
        match self {
            Target::Pool(s) => s,
            Target::Tx(t) => &t.store,
        }
    }

    pub fn ctx(&self) -> &Ctx {
        &self.store().ctx
    }

    /// A connection to run on: pooled, or the transaction's own.
    pub async fn lease(&self) -> Result<Lease> {
        match self {
            Target::Pool(store) => Ok(Lease::Pooled(store.acquire().await?)),
            Target::Tx(handle) => {
                handle.store.check_open()?;
                let guard = handle.tx.clone().lock_owned().await;
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

/// A leased connection; derefs to `PgConnection`.
pub enum Lease {
    Pooled(PoolConnection<Postgres>),
    Tx(OwnedMutexGuard<Option<Transaction<'static, Postgres>>>),
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
