//! The per-storage SQL context every statement is made in: the schema (and SQL templates
//! resolved for it once), the statement policy (`stmt.rs`), and counters.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex as StdMutex, RwLock};

use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};

use super::config::StorageConfig;
use super::stmt::{Policy, Stmt};

/// How many raw SQL texts' parameter types a storage remembers (PgBouncer mode).
const RAW_TYPES_CAPACITY: usize = 512;

/// Per-storage SQL context: the schema, its quoted form, and the statement policy.
pub struct Ctx {
    /// The validated schema identifier, unquoted.
    pub schema: String,
    /// `"schema"`, ready to prefix table names.
    pub quoted: String,
    /// How statements travel: prepared and cached, or inline (PgBouncer mode).
    pub policy: Policy,
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
            policy: Policy::new(cfg.pgbouncer, cfg.statement_timeout),
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
        Stmt::new(&self.policy, self.sql(template))
    }

    /// A statement over dynamic SQL.
    pub fn query_dynamic(&self, sql: String) -> Stmt {
        Stmt::new(&self.policy, self.dynamic(sql))
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
