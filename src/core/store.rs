//! The storage engine's handle: the pool, the schema-qualified SQL, and leases of a
//! connection either from the pool or from a running transaction.

use std::collections::HashMap;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex, RwLock};

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgPoolOptions, Postgres};
use sqlx::{AssertSqlSafe, ConnectOptions as _, SqlSafeStr, SqlStr, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::config::StorageConfig;
use super::error::{Result, StoreError};
use super::pooler::PoolerGuard;
use super::stmt::Stmt;

/// How many raw SQL texts' parameter types a storage remembers (PgBouncer mode).
const RAW_TYPES_CAPACITY: usize = 512;

/// Per-storage SQL context: the schema, its quoted form, and prepared-statement policy.
pub struct Ctx {
    /// The validated schema identifier, unquoted.
    pub schema: String,
    /// `"schema"`, ready to prefix table names.
    pub quoted: String,
    /// Whether statements are cached as named prepared statements on each connection.
    pub persistent: bool,
    /// PgBouncer (transaction pooling) mode: statements go out with their values inline,
    /// one flight each, leaving nothing on the server (see `stmt.rs`).
    pub pgbouncer: bool,
    /// `SET LOCAL statement_timeout = …;` sent before each statement in PgBouncer mode (the
    /// startup option that sets it otherwise is refused by PgBouncer).
    inline_prefix: Option<String>,
    /// Parameter types the server inferred for raw SQL texts (PgBouncer mode, `raw.rs`).
    raw_types: StdMutex<HashMap<String, Arc<[u32]>>>,
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
            persistent: !cfg.pgbouncer,
            pgbouncer: cfg.pgbouncer,
            inline_prefix: match cfg.statement_timeout {
                Some(t) if cfg.pgbouncer => Some(format!(
                    "SET LOCAL statement_timeout = {};\n",
                    t.as_millis()
                )),
                _ => None,
            },
            raw_types: StdMutex::new(HashMap::new()),
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

    /// A statement over a template, with this storage's statement policy (`stmt.rs`). Every
    /// statement the core sends goes through here, `query_dynamic` or `raw.rs`.
    pub fn query(&self, template: &'static str) -> Stmt {
        Stmt::new(self, self.sql(template))
    }

    /// A statement over dynamic SQL.
    pub fn query_dynamic(&self, sql: String) -> Stmt {
        Stmt::new(self, self.dynamic(sql))
    }

    /// What PgBouncer mode sends before each statement, if anything.
    pub fn inline_prefix(&self) -> Option<&str> {
        self.inline_prefix.as_deref()
    }

    /// Cached server-inferred parameter types of a raw SQL text (PgBouncer mode).
    pub fn raw_types(&self, sql: &str) -> Option<Arc<[u32]>> {
        self.raw_types.lock().unwrap().get(sql).cloned()
    }

    pub fn remember_raw_types(&self, sql: &str, types: Arc<[u32]>) {
        let mut cache = self.raw_types.lock().unwrap();
        if cache.len() >= RAW_TYPES_CAPACITY {
            cache.clear();
        }
        cache.insert(sql.to_string(), types);
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
    pooler: Option<Arc<PoolerGuard>>,
    closed: AtomicBool,
    initialized: AtomicBool,
    target: String,
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
        let mut pool_options = PgPoolOptions::new();
        if let Some(guard) = pooler.clone() {
            pool_options = pool_options.after_connect(move |conn, _| {
                let guard = guard.clone();
                Box::pin(async move {
                    guard.check(conn).await;
                    Ok(())
                })
            });
        }
        let pool = pool_options
            .max_connections(cfg.max_connections)
            .min_connections(0)
            .idle_timeout(Some(cfg.idle_timeout))
            .acquire_timeout(cfg.connection_timeout)
            // No ping before every acquire: a dead connection fails its query and is dropped.
            .test_before_acquire(false)
            .connect_lazy_with(opts);
        Ok(Store {
            ctx: Arc::new(Ctx::new(cfg)),
            pool,
            pooler,
            closed: AtomicBool::new(false),
            initialized: AtomicBool::new(false),
            target: cfg.describe_target(),
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

    /// A connection from the pool.
    pub async fn acquire(&self) -> Result<PoolConnection<Postgres>> {
        self.check_open()?;
        match self.pool.acquire().await {
            Ok(_) if self.pooler_detected() => Err(PoolerGuard::error()),
            Ok(c) => Ok(c),
            Err(e) => Err(self.acquire_error(e).await),
        }
    }

    /// A transaction on a pooled connection.
    pub async fn begin(&self) -> Result<Transaction<'static, Postgres>> {
        self.check_open()?;
        match self.pool.begin().await {
            Ok(_) if self.pooler_detected() => Err(PoolerGuard::error()),
            Ok(tx) => Ok(tx),
            Err(e) => Err(self.acquire_error(e).await),
        }
    }

    /// A transaction pooler answered a default-mode storage (`pooler.rs`).
    fn pooler_detected(&self) -> bool {
        self.pooler.as_ref().is_some_and(|g| g.detected())
    }

    /// Why a connection could not be had, as a coded error naming the server.
    ///
    /// Acquiring only connects (no ping), so a server error here is a refused connection
    /// (unknown database, role, password…): `ERR_ADMIN_PG_CONNECTION`, not a query error. And
    /// sqlx retries a refused TCP connection until the deadline, then reports only a pool
    /// timeout: when the pool has no connection at all, one direct attempt tells the reason.
    async fn acquire_error(&self, err: sqlx::Error) -> StoreError {
        let err = match err {
            sqlx::Error::PoolTimedOut if self.pool.size() == 0 => {
                let opts = self.pool.connect_options();
                match tokio::time::timeout(std::time::Duration::from_secs(5), opts.connect()).await
                {
                    Ok(Err(e)) => connect_failure(e.into()),
                    Ok(Ok(conn)) => {
                        let _ = sqlx::Connection::close_hard(conn).await;
                        sqlx::Error::PoolTimedOut.into()
                    }
                    Err(_) => sqlx::Error::PoolTimedOut.into(),
                }
            }
            e @ sqlx::Error::Database(_) => connect_failure(e.into()),
            e => e.into(),
        };
        self.connection_context(err)
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
            Some(tx) => tx.commit().await.map_err(StoreError::from),
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
