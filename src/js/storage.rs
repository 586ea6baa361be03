//! `PostgresAdminStorage`: config parsing, init, close, and the handles it gives out.

use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::{within_runtime_if_available, PromiseRaw, Unknown};
use napi::UnknownRef;
use napi::{Env, JsValue};
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::error::{check_config_read, out_void, run, throw};
use crate::core::pg::config::{ConnectSource, ReplicaConfig, SslConfig, StorageConfig};
use crate::core::pg::error::StoreError;
use crate::core::pg::migrate;
use crate::core::pg::store::{Store, Target};
use crate::core::pg::value::{Param, Value};

type CoreResult<T> = std::result::Result<T, StoreError>;

fn config_err(msg: impl Into<String>) -> StoreError {
    StoreError::Config(format!("PostgresAdminStorage: {}", msg.into()))
}

fn cfg_text(env: &Env, obj: Option<Unknown>, name: &str) -> CoreResult<Option<String>> {
    match convert::prop(env, obj, name) {
        None => Ok(None),
        Some(v) if convert::is_nullish(env, v.value().value) => Ok(None),
        Some(v) => convert::text(env, v, name)
            .map(Some)
            .map_err(|_| config_err(format!("{name} must be a string"))),
    }
}

fn cfg_number(env: &Env, obj: Option<Unknown>, name: &str, min: f64) -> CoreResult<Option<f64>> {
    let v = convert::opt_number(env, convert::prop(env, obj, name), name)
        .map_err(|_| config_err(format!("{name} must be a number")))?;
    match v {
        Some(n) if !n.is_finite() || n.fract() != 0.0 || n < min => Err(config_err(format!(
            "{name} must be an integer >= {min}, got {n}"
        ))),
        other => Ok(other),
    }
}

fn cfg_bool(env: &Env, obj: Option<Unknown>, name: &str) -> CoreResult<Option<bool>> {
    convert::opt_bool(env, convert::prop(env, obj, name), name)
        .map_err(|_| config_err(format!("{name} must be a boolean")))
}

/// A PEM given as a string or Buffer (or an array of them, joined).
fn cfg_pem(env: &Env, obj: Option<Unknown>, name: &str) -> CoreResult<Option<String>> {
    let Some(v) = convert::prop(env, obj, name) else {
        return Ok(None);
    };
    let bad = || config_err(format!("ssl.{name} must be a string or Buffer"));
    match convert::param(env, v.value().value, convert::Undefined::Skip).map_err(|_| bad())? {
        None | Some(Param::Null) => Ok(None),
        Some(Param::Text(s)) => Ok(Some(s)),
        Some(Param::Bytes(b)) => String::from_utf8(b).map(Some).map_err(|_| bad()),
        Some(Param::Array(items)) => {
            let mut out = String::new();
            for i in items {
                match i {
                    Param::Text(s) => out.push_str(&s),
                    _ => return Err(bad()),
                }
                out.push('\n');
            }
            Ok(Some(out))
        }
        _ => Err(bad()),
    }
}

fn parse_ssl(env: &Env, v: Option<Unknown>) -> CoreResult<Option<SslConfig>> {
    let Some(v) = v else { return Ok(None) };
    let raw = v.value().value;
    if convert::is_nullish(env, raw) {
        return Ok(None);
    }
    match convert::as_bool(env, raw) {
        Some(false) => Ok(None),
        Some(true) => Ok(Some(SslConfig::default())),
        None if convert::is_plain_object(env, raw) => Ok(Some(SslConfig {
            reject_unauthorized: cfg_bool(env, Some(v), "rejectUnauthorized")?,
            ca: cfg_pem(env, Some(v), "ca")?,
            cert: cfg_pem(env, Some(v), "cert")?,
            key: cfg_pem(env, Some(v), "key")?,
        })),
        _ => Err(config_err("ssl must be a boolean or an object")),
    }
}

fn host_source(env: &Env, obj: Option<Unknown>, defaults: bool) -> CoreResult<ConnectSource> {
    let host = cfg_text(env, obj, "host")?;
    let host = match (host, defaults) {
        (Some(h), _) => h,
        (None, true) => "localhost".into(),
        (None, false) => return Err(config_err("host must be a non-empty string")),
    };
    let port = cfg_number(env, obj, "port", 1.0)?.unwrap_or(5432.0);
    if port > 65535.0 {
        return Err(config_err("port must be a positive number (1-65535)"));
    }
    let user = cfg_text(env, obj, "user")?;
    let database = match cfg_text(env, obj, "database")? {
        Some(d) => d,
        None if defaults => user.clone().unwrap_or_else(|| "postgres".into()),
        None => return Err(config_err("database must be a non-empty string")),
    };
    if let Some(p) = convert::prop(env, obj, "password") {
        if !convert::is_nullish(env, p.value().value) && convert::text(env, p, "password").is_err()
        {
            return Err(config_err("password must be a string"));
        }
    }
    Ok(ConnectSource::Host {
        host,
        port: port as u16,
        database,
        user,
        password: cfg_text(env, obj, "password")?,
    })
}

/// `readReplicas`: an array of `{ connectionString }` or `{ host, port, database, user,
/// password }`, each with optional `ssl` and `max`.
fn parse_replicas(env: &Env, v: Option<Unknown>) -> CoreResult<Vec<ReplicaConfig>> {
    let Some(v) = v.filter(|v| !convert::is_nullish(env, v.value().value)) else {
        return Ok(Vec::new());
    };
    let items = convert::array_items(env, v, "readReplicas")
        .map_err(|_| config_err("readReplicas must be an array of connection configs"))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let name = |field: &str| format!("readReplicas[{i}].{field}");
        if !convert::is_plain_object(env, item.value().value) {
            return Err(config_err(format!(
                "readReplicas[{i}] must be {{ connectionString }} or {{ host, port, database, user, password }}"
            )));
        }
        let obj = Some(item);
        // Field errors name the replica: `readReplicas[0].port must be ...`.
        let named = |e: StoreError| match e {
            StoreError::Config(m) => StoreError::Config(m.replacen(
                "PostgresAdminStorage: ",
                &format!("PostgresAdminStorage: readReplicas[{i}]."),
                1,
            )),
            other => other,
        };
        let source = if let Some(url) = convert::prop(env, obj, "connectionString") {
            ConnectSource::Url(convert::text(env, url, "connectionString").map_err(|_| {
                config_err(format!(
                    "{} must be a non-empty string",
                    name("connectionString")
                ))
            })?)
        } else if convert::prop(env, obj, "host").is_some() {
            host_source(env, obj, false).map_err(named)?
        } else {
            return Err(config_err(format!(
                "readReplicas[{i}] must have a connectionString or a host"
            )));
        };
        let ssl = parse_ssl(env, convert::prop(env, obj, "ssl")).map_err(named)?;
        let max = cfg_number(env, obj, "max", 1.0)
            .map_err(named)?
            .map(|m| m.min(10_000.0) as u32);
        out.push(ReplicaConfig {
            source,
            ssl,
            max_connections: max,
        });
    }
    Ok(out)
}

struct Parsed {
    config: StorageConfig,
    pool_ref: Option<UnknownRef<false>>,
}

fn parse_config(env: &Env, config: Option<Unknown>) -> CoreResult<Parsed> {
    let Some(cfg) = config.filter(|c| convert::is_plain_object(env, c.value().value)) else {
        return Err(config_err(
            "config must be an object: { connectionString } | { host, port, database, user, password } | { pool }",
        ));
    };
    let obj = Some(cfg);
    let mut pool_ref = None;
    let (source, ssl) = if let Some(pool) = convert::prop(env, obj, "pool") {
        // An existing pg.Pool: read its connection options and open our own connections.
        if !convert::is_plain_object(env, pool.value().value)
            && convert::prop(env, Some(pool), "options").is_none()
        {
            return Err(config_err("pool must be a pg.Pool instance"));
        }
        let Some(options) = convert::prop(env, Some(pool), "options") else {
            return Err(config_err(
                "pool must be a pg.Pool instance (it has no options)",
            ));
        };
        pool_ref = Some(
            unsafe {
                <UnknownRef<false> as napi::bindgen_prelude::FromNapiValue>::from_napi_value(
                    env.raw(),
                    pool.value().value,
                )
            }
            .map_err(|_| config_err("pool cannot be referenced"))?,
        );
        let ssl = parse_ssl(env, convert::prop(env, Some(options), "ssl"))?;
        match cfg_text(env, Some(options), "connectionString")? {
            Some(url) => (ConnectSource::Url(url), ssl),
            None => (host_source(env, Some(options), true)?, ssl),
        }
    } else if let Some(url) = convert::prop(env, obj, "connectionString") {
        let url = convert::text(env, url, "connectionString")
            .map_err(|_| config_err("connectionString must be a non-empty string"))?;
        (
            ConnectSource::Url(url),
            parse_ssl(env, convert::prop(env, obj, "ssl"))?,
        )
    } else if convert::prop(env, obj, "host").is_some() {
        (
            host_source(env, obj, false)?,
            parse_ssl(env, convert::prop(env, obj, "ssl"))?,
        )
    } else if let Some(field) = ["connectionString", "host", "pool"]
        .into_iter()
        .find(|f| convert::has_own(env, obj, f))
    {
        // `{ connectionString: process.env.DATABASE_URL }` with the variable unset.
        return Err(config_err(format!(
            "{field} is undefined (is the environment variable it comes from unset?): expected {}",
            match field {
                "connectionString" => "a postgres:// URL",
                "host" => "a host name",
                _ => "a pg.Pool",
            }
        )));
    } else {
        return Err(config_err(
            "invalid configuration: expected { connectionString }, { host, port, database, user, password } or { pool }",
        ));
    };
    let mut config = StorageConfig::new(source);
    config.ssl = ssl;
    if let Some(s) = cfg_text(env, obj, "schemaName")? {
        config.schema = s;
    }
    config.disable_init = cfg_bool(env, obj, "disableInit")?.unwrap_or(false);
    config.skip_default_indexes = cfg_bool(env, obj, "skipDefaultIndexes")?.unwrap_or(false);
    if let Some(max) = cfg_number(env, obj, "max", 1.0)? {
        config.max_connections = max.min(10_000.0) as u32;
    }
    if let Some(ms) = cfg_number(env, obj, "idleTimeoutMillis", 0.0)? {
        config.idle_timeout = Duration::from_millis(ms as u64);
    }
    if let Some(ms) = cfg_number(env, obj, "connectionTimeoutMillis", 0.0)? {
        // node-postgres: 0 means no timeout.
        config.connection_timeout = if ms == 0.0 {
            Duration::from_secs(24 * 3600)
        } else {
            Duration::from_millis(ms as u64)
        };
    }
    if let Some(ms) = cfg_number(env, obj, "statementTimeoutMillis", 0.0)? {
        config.statement_timeout = (ms > 0.0).then(|| Duration::from_millis(ms as u64));
    }
    config.application_name = cfg_text(env, obj, "applicationName")?;
    config.read_replicas = parse_replicas(env, convert::prop(env, obj, "readReplicas"))?;
    config.read_your_writes = cfg_bool(env, obj, "readYourWrites")?.unwrap_or(false);
    if let Some(ms) = cfg_number(env, obj, "maxReplicaLagMs", 0.0)? {
        config.max_replica_lag = Duration::from_millis(ms as u64);
    }
    config.pgbouncer = cfg_bool(env, obj, "pgbouncer")?.unwrap_or(false);
    config.validate()?;
    Ok(Parsed { config, pool_ref })
}

/// PostgreSQL storage for MastraAdmin: a drop-in replacement for `@mastra/admin-pg`'s
/// `PostgresAdminStorage`. Implements the flat `AdminStorage` interface and exposes the
/// seed's domain objects (`users`, `teams`, …), all over one connection pool.
#[napi]
pub struct PostgresAdminStorage {
    pub(crate) store: Arc<Store>,
    pool_ref: Option<UnknownRef<false>>,
    /// `storage.primary`: every call, reads included, goes to the primary.
    pub(crate) primary_only: bool,
}

#[napi]
impl PostgresAdminStorage {
    /// Validates the config synchronously (throws `ERR_ADMIN_PG_CONFIG` naming the field);
    /// no connection is opened until the first call.
    #[napi(constructor, ts_args_type = "config: PostgresAdminStorageConfig")]
    pub fn new(env: Env, config: Option<Unknown>) -> napi::Result<Self> {
        let parsed = parse_config(&env, config).map_err(|e| throw(&env, e))?;
        check_config_read(&env, "PostgresAdminStorage")?;
        let store = within_runtime_if_available(|| Store::connect(&parsed.config))
            .map_err(|e| throw(&env, e))?;
        Ok(PostgresAdminStorage {
            store: Arc::new(store),
            pool_ref: parsed.pool_ref,
            primary_only: false,
        })
    }

    /// This storage with every call sent to the primary (read-your-writes for one call or a
    /// few: `await storage.primary.getUser(id)` right after a write). Same pools, same
    /// schema; closing either closes both. Without replicas it is the storage itself.
    #[napi(getter, ts_return_type = "PostgresAdminStorage")]
    pub fn primary(&self, env: Env) -> napi::Result<PostgresAdminStorage> {
        let pool_ref = match &self.pool_ref {
            Some(r) => Some(unsafe {
                <UnknownRef<false> as napi::bindgen_prelude::FromNapiValue>::from_napi_value(
                    env.raw(),
                    r.get_value(&env)?.value().value,
                )
            }?),
            None => None,
        };
        Ok(PostgresAdminStorage {
            store: self.store.clone(),
            pool_ref,
            primary_only: true,
        })
    }

    /// Where read calls went (diagnostics): reads answered by the primary and by replicas,
    /// reads a replica failed that the primary answered (`fallbacks`), and each replica's
    /// state (`usable`: serving reads now; `lagMs`: measured by its last check).
    #[napi(getter, ts_return_type = "ReplicaStats")]
    pub fn replica_stats(&self, env: Env) -> napi::Result<JsOut> {
        let st = self.store.replicas.stats();
        let obj = convert::new_object(&env)?;
        convert::set(
            &env,
            obj,
            "primaryReads",
            convert::number(&env, st.primary_reads as f64)?.0,
        )?;
        convert::set(
            &env,
            obj,
            "replicaReads",
            convert::number(&env, st.replica_reads as f64)?.0,
        )?;
        convert::set(
            &env,
            obj,
            "fallbacks",
            convert::number(&env, st.fallbacks as f64)?.0,
        )?;
        let arr = convert::rows(&env, Vec::new())?.0;
        for (i, r) in st.replicas.into_iter().enumerate() {
            let o = convert::new_object(&env)?;
            convert::set(&env, o, "target", convert::string(&env, &r.target)?.0)?;
            convert::set(&env, o, "usable", convert::boolean(&env, r.usable)?.0)?;
            convert::set(&env, o, "down", convert::boolean(&env, r.down)?.0)?;
            let lag = match r.lag_ms {
                Some(ms) if ms < u64::MAX / 4 => convert::number(&env, ms as f64)?.0,
                Some(_) => convert::number(&env, f64::INFINITY)?.0,
                None => convert::null(&env)?.0,
            };
            convert::set(&env, o, "lagMs", lag)?;
            convert::set(&env, o, "reads", convert::number(&env, r.reads as f64)?.0)?;
            convert::set(
                &env,
                o,
                "failures",
                convert::number(&env, r.failures as f64)?.0,
            )?;
            let err = match &r.last_error {
                Some(m) => convert::string(&env, m)?.0,
                None => convert::null(&env)?.0,
            };
            convert::set(&env, o, "lastError", err)?;
            unsafe { napi::sys::napi_set_element(env.raw(), arr, i as u32, o) };
        }
        convert::set(&env, obj, "replicas", arr)?;
        Ok(JsOut(obj))
    }

    /// Always `'postgres'`.
    #[napi(getter, js_name = "type", ts_return_type = "'postgres'")]
    pub fn kind(&self) -> &'static str {
        "postgres"
    }

    /// The schema all tables live in.
    #[napi(getter)]
    pub fn schema_name(&self) -> String {
        self.store.ctx.schema.clone()
    }

    /// Create or upgrade the schema: versioned migrations under an advisory lock, default
    /// indexes, system roles. Idempotent and safe from many processes at once.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn init<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let work = self.initialize();
        run(env, Ok(async move { work.await.map(|_| ()) }), out_void)
    }

    /// `init()`, resolving what this call applied: one `{ version, name, durationMs }` per
    /// migration, in order (`[]` when the schema was up to date). `npx admin-pg-native
    /// migrate` prints it.
    #[napi(ts_return_type = "Promise<AppliedMigration[]>")]
    pub fn migrate<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, JsOut>> {
        run(
            env,
            Ok(self.initialize()),
            |env: &Env, report: migrate::InitReport| {
                let list = convert::rows(env, Vec::new())?.0;
                for (i, (m, took)) in report.applied.into_iter().enumerate() {
                    let o = convert::new_object(env)?;
                    convert::set(env, o, "version", convert::number(env, m.version as f64)?.0)?;
                    convert::set(env, o, "name", convert::string(env, m.name)?.0)?;
                    let ms = took.as_secs_f64() * 1000.0;
                    convert::set(env, o, "durationMs", convert::number(env, ms)?.0)?;
                    unsafe { napi::sys::napi_set_element(env.raw(), list, i as u32, o) };
                }
                Ok(JsOut(list))
            },
        )
    }

    /// Close every connection (calls still running finish first). Later calls reject with
    /// `ERR_ADMIN_PG_CLOSED`. A `pg.Pool` passed in the config is left open.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn close<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let store = self.store.clone();
        run(
            env,
            Ok(async move {
                store.close().await;
                Ok(())
            }),
            out_void,
        )
    }

    /// The raw SQL client (`none, one, oneOrNone, any, manyOrNone, many, query, tx`).
    #[napi(getter)]
    pub fn db(&self) -> crate::js::db_client::DbClient {
        crate::js::db_client::DbClient::new(self.target())
    }

    /// `storage.rawPool`: the `pg.Pool` given in the config (`{ pool }`); otherwise lib/rawpool.js
    /// makes a `pg.Pool` on the same settings on first access (this native getter gives `null`).
    #[napi(getter, ts_return_type = "PgPoolLike")]
    pub fn raw_pool(&self, env: Env) -> napi::Result<JsOut> {
        match &self.pool_ref {
            Some(r) => Ok(JsOut(r.get_value(&env)?.value().value)),
            None => convert::null(&env),
        }
    }

    /// Statements this storage has sent so far (diagnostics: proves round-trip counts).
    #[napi(getter)]
    pub fn statement_count(&self) -> f64 {
        self.store.ctx.statement_count() as f64
    }

    /// Applied and pending migration versions.
    #[napi(ts_return_type = "Promise<{ applied: number[]; pending: number[] }>")]
    pub fn migration_status<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let store = self.store.clone();
        run(
            env,
            Ok(async move { migrate::status(&store).await }),
            |env: &Env, (applied, pending)| {
                let obj = convert::new_object(env)?;
                // Version lists go through the one value converter, like any array.
                let list = |v: Vec<i32>| {
                    let items = v.into_iter().map(|n| Value::Int(n.into())).collect();
                    convert::value_of(env, &Value::Array(items))
                };
                convert::set(env, obj, "applied", list(applied)?)?;
                convert::set(env, obj, "pending", list(pending)?)?;
                Ok(JsOut(obj))
            },
        )
    }
}

/// The target of a domain class built on its own, from the seed's `PgDomainConfig`:
/// `{ client }` (a `DbClient`, e.g. `storage.db`: share that storage's pool, or its
/// transaction) or `{ pool, schemaName? }` (a `pg.Pool`: a pool of our own with its options).
pub(crate) fn domain_target(
    env: &Env,
    config: Option<Unknown>,
    class: &str,
) -> napi::Result<Target> {
    if let Some(client) = convert::prop(env, config, "client") {
        let instance = unsafe {
            <napi::bindgen_prelude::ClassInstance<crate::js::db_client::DbClient> as napi::bindgen_prelude::FromNapiValue>::from_napi_value(
                env.raw(),
                client.value().value,
            )
        }
        .map_err(|_| throw(env, StoreError::Config(format!("{class}: client must be a DbClient (storage.db)"))))?;
        return Ok(instance.target.clone());
    }
    if convert::prop(env, config, "pool").is_some() {
        let parsed = parse_config(env, config).map_err(|e| throw(env, e))?;
        let store = within_runtime_if_available(|| Store::connect(&parsed.config))
            .map_err(|e| throw(env, e))?;
        return Ok(Target::Pool(Arc::new(store)));
    }
    Err(throw(
        env,
        StoreError::Config(format!(
            "{class}: config must have a client (storage.db) or a pool (pg.Pool)"
        )),
    ))
}

impl PostgresAdminStorage {
    /// `init()`'s work (and `migrate()`'s): the migrations; the replicas are checked in the
    /// background, so reads can use them soon after.
    fn initialize(
        &self,
    ) -> impl std::future::Future<Output = CoreResult<migrate::InitReport>> + Send + 'static {
        let store = self.store.clone();
        async move {
            store.replicas.check_all();
            migrate::init(&store).await
        }
    }

    /// Where flat methods run: the pool (reads may go to a replica), or only the primary.
    pub(crate) fn target(&self) -> Target {
        if self.primary_only {
            Target::Primary(self.store.clone())
        } else {
            Target::Pool(self.store.clone())
        }
    }
}
