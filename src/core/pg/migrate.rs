//! Versioned migrations: numbered SQL files embedded at build time, applied by `init()` in one
//! transaction under an advisory lock keyed on the schema, recorded with checksums in
//! `<schema>.admin_pg_native_migrations` (a name that cannot collide with the TypeScript
//! adapter's own `migrations` table).

use sha2::{Digest, Sha256};
use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection as _, Row as _};

use super::ctx::Ctx;
use super::error::{Result, StoreError};
use super::store::Store;
use crate::core::tables::DEFAULT_INDEXES;

/// One embedded migration.
#[derive(Debug, PartialEq, Eq)]
pub struct Migration {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// A migration of `migrations/`, embedded.
macro_rules! migration {
    ($version:literal, $name:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../../../migrations/", $file)),
        }
    };
}

/// Every migration, in order. Append only: a schema change is a new file, never an edit.
pub const MIGRATIONS: &[Migration] = &[
    migration! { 1, "initial", "0001_initial.sql" },
    migration! { 2, "native", "0002_native.sql" },
    migration! { 3, "build_leases", "0003_build_leases.sql" },
    migration! { 4, "build_queue_notify", "0004_build_queue_notify.sql" },
    migration! { 5, "build_log_chunks", "0005_build_log_chunks.sql" },
];

/// The record table, inside the storage's schema.
pub const RECORD_TABLE: &str = "admin_pg_native_migrations";

impl Migration {
    /// SHA-256 of the file as embedded (before the schema is filled in).
    pub fn checksum(&self) -> String {
        let digest = Sha256::digest(self.sql.as_bytes());
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn render(&self, ctx: &Ctx) -> String {
        self.sql.replace("{{schema}}", &ctx.quoted)
    }
}

/// A non-unique index created by init unless `skipDefaultIndexes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexSpec {
    pub name: String,
    pub table: &'static str,
    /// Column list as SQL (whitelisted names, optionally `DESC` or an expression of ours).
    pub columns: String,
    pub predicate: Option<&'static str>,
}

/// The seed's non-unique DEFAULT_INDEXES (unique ones are the tables' own constraints), plus
/// the indexes our queries need: `lower(email)` look-ups and the queue's and leases' partial
/// indexes.
pub fn default_indexes(schema: &str) -> Vec<IndexSpec> {
    // The seed's naming (`{schema}_{table}_{cols}_idx`, lowercased, other characters `_`), so
    // indexes it created are recognised when adopting its schema.
    let seed_name = |table: &str, cols: &[&str]| -> String {
        format!("{schema}_{table}_{}_idx", cols.join("_"))
            .to_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let mut out: Vec<IndexSpec> = DEFAULT_INDEXES
        .iter()
        .filter(|i| !i.unique)
        .map(|i| IndexSpec {
            name: seed_name(i.table, i.columns),
            table: i.table,
            columns: i.columns.join(", "),
            predicate: None,
        })
        .collect();
    out.push(IndexSpec {
        name: seed_name("admin_users", &["lower_email"]),
        table: "admin_users",
        columns: "lower(email)".into(),
        predicate: None,
    });
    out.push(IndexSpec {
        name: seed_name("admin_team_invites", &["team_id", "lower_email"]),
        table: "admin_team_invites",
        columns: "team_id, lower(email)".into(),
        predicate: None,
    });
    out.push(IndexSpec {
        name: seed_name("admin_builds", &["queue"]),
        table: "admin_builds",
        columns: "queued_at, id".into(),
        predicate: Some("status = 'queued'"),
    });
    // reclaimStaleBuilds: claimed builds by lease expiry.
    out.push(IndexSpec {
        name: seed_name("admin_builds", &["lease"]),
        table: "admin_builds",
        columns: "lease_expires_at".into(),
        predicate: Some("status = 'building'"),
    });
    // Too long for PostgreSQL: it keeps the first 63 bytes, and so did the seed's indexes, so
    // we do too. Where two names would then collide (long schema names), the seed created only
    // one of them; those get a readable prefix made unique with a hash instead.
    let truncated: Vec<String> = out.iter().map(|i| truncate_name(&i.name)).collect();
    for (i, spec) in out.iter_mut().enumerate() {
        let collides = truncated.iter().filter(|t| **t == truncated[i]).count() > 1;
        spec.name = if spec.name.len() <= 63 || !collides {
            truncated[i].clone()
        } else {
            let hash = spec.name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
            });
            format!("{}_{hash:016x}", &spec.name[..46])
        };
    }
    out
}

/// PostgreSQL's identifier truncation (names here are ASCII).
fn truncate_name(name: &str) -> String {
    name.chars().take(63).collect()
}

/// What init found and did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InitReport {
    /// The migrations this init applied, in order, each with the time its SQL took.
    pub applied: Vec<(&'static Migration, std::time::Duration)>,
    pub adopted: bool,
}

/// `init()`: create or upgrade the schema. Safe to call from many processes at once.
pub async fn init(store: &Store) -> Result<InitReport> {
    let ctx = &store.ctx;
    // Before the early returns: init() after close() is a use after close like any other.
    if store.is_closed() {
        return Err(StoreError::Closed);
    }
    if ctx.disable_init {
        return Ok(InitReport::default());
    }
    if store.is_initialized() {
        return Ok(InitReport::default());
    }
    let mut conn = store.acquire_for_init().await?;
    let indexes = if ctx.skip_default_indexes {
        Vec::new()
    } else {
        default_indexes(&ctx.schema)
    };
    // Fast path, one round trip: everything recorded, checksums match, indexes present.
    let fast = up_to_date(ctx, &mut conn, &indexes).await;
    if matches!(fast, Err(StoreError::Connection { .. })) {
        conn.mark_broken();
    }
    if store.observe(fast)? {
        drop(conn);
        store.pooler_verdict().await?;
        store.mark_initialized();
        return Ok(InitReport::default());
    }
    let report = migrate_locked(ctx, &mut conn, &indexes).await;
    if matches!(report, Err(StoreError::Connection { .. })) {
        conn.mark_broken();
    }
    let report = store.observe(report)?;
    drop(conn);
    store.pooler_verdict().await?;
    store.mark_initialized();
    Ok(report)
}

async fn up_to_date(ctx: &Ctx, conn: &mut PgConnection, indexes: &[IndexSpec]) -> Result<bool> {
    let names: Vec<String> = indexes.iter().map(|i| i.name.clone()).collect();
    // One round trip on a migrated schema; a missing record table (or schema) is the slow path.
    // The indexes are looked up by name (`to_regclass`, a catalogue cache lookup each), not
    // through the `pg_indexes` view: on a new connection's cold catalogue caches the view's
    // joins made this statement ~3 ms, most of a warm init().
    let sql = format!(
        "SELECT (SELECT coalesce(array_agg(version::text || ':' || checksum ORDER BY version), '{{}}') FROM {}.{}) AS applied, \
         (SELECT count(*) FROM unnest($2::text[]) AS n(name) \
          JOIN pg_catalog.pg_class c ON c.oid = to_regclass(format('%I.%I', $1::text, n.name)) \
          WHERE c.relkind = 'i') AS indexes",
        ctx.quoted, RECORD_TABLE
    );
    let found = ctx
        .query_dynamic(sql)
        .bind(&ctx.schema)
        .bind(&names)
        .fetch_one(&mut *conn)
        .await;
    let row = match found {
        Ok(row) => row,
        Err(sqlx::Error::Database(e)) if matches!(e.code().as_deref(), Some("42P01" | "3F000")) => {
            return Ok(false)
        }
        Err(e) => return Err(e.into()),
    };
    let applied: Vec<String> = row.try_get(0)?;
    let present: i64 = row.try_get(1)?;
    check_checksums(&applied)?;
    Ok(applied.len() == MIGRATIONS.len() && present as usize == names.len())
}

fn check_checksums(applied: &[String]) -> Result<()> {
    for entry in applied {
        let Some((v, sum)) = entry.split_once(':') else {
            continue;
        };
        let version: i32 = v.parse().unwrap_or(-1);
        if let Some(m) = MIGRATIONS.iter().find(|m| m.version == version) {
            if m.checksum() != sum && sum != "adopted" {
                return Err(StoreError::Migration(format!(
                    "migration {:04}_{} was applied with checksum {sum}, but the embedded file has {}: migrations are append-only",
                    m.version,
                    m.name,
                    m.checksum()
                )));
            }
        }
    }
    Ok(())
}

async fn migrate_locked(
    ctx: &Ctx,
    conn: &mut PgConnection,
    indexes: &[IndexSpec],
) -> Result<InitReport> {
    let mut tx = conn.begin().await?;
    let fail = |step: &str, e: StoreError| match e {
        // A lost server is not a broken migration: keep the code callers retry on.
        e @ (StoreError::Connection { .. } | StoreError::Timeout { .. } | StoreError::Closed) => e,
        e => StoreError::Migration(format!(
            "init of schema {} failed at {step}: {e}",
            ctx.quoted
        )),
    };
    // Serialises every init of this schema, across processes; released at commit.
    ctx.query("SELECT pg_advisory_xact_lock(hashtextextended('admin-pg-native:' || $1, 0))")
        .bind(&ctx.schema)
        .execute(&mut *tx)
        .await
        .map_err(|e| fail("lock", e.into()))?;
    let setup = format!(
        "CREATE SCHEMA IF NOT EXISTS {q}; \
         CREATE TABLE IF NOT EXISTS {q}.{t} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, \
         checksum TEXT NOT NULL, adopted BOOLEAN NOT NULL DEFAULT false, \
         applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW())",
        q = ctx.quoted,
        t = RECORD_TABLE
    );
    sqlx::raw_sql(AssertSqlSafe(setup))
        .execute(&mut *tx)
        .await
        .map_err(|e| fail("schema", e.into()))?;
    let applied: Vec<(i32, String)> = ctx
        .query_dynamic(format!(
            "SELECT version, checksum FROM {}.{} ORDER BY version",
            ctx.quoted, RECORD_TABLE
        ))
        .fetch_all(&mut *tx)
        .await
        .and_then(|rows| {
            rows.iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect()
        })
        .map_err(|e: sqlx::Error| fail("reading applied versions", e.into()))?;
    check_checksums(
        &applied
            .iter()
            .map(|(v, c)| format!("{v}:{c}"))
            .collect::<Vec<_>>(),
    )?;
    let mut report = InitReport::default();
    let done: Vec<i32> = applied.iter().map(|(v, _)| *v).collect();
    if done.is_empty() {
        // A schema the TypeScript adapter created: its tables are our version 1.
        let existing: Option<String> = ctx
            .query("SELECT to_regclass($1)::text")
            .bind(format!("{}.admin_users", ctx.quoted))
            .fetch_scalar(&mut *tx)
            .await
            .map_err(|e| fail("detecting an existing schema", e.into()))?;
        // Version 1 is re-run on it (every statement is IF NOT EXISTS), which repairs a
        // partial schema without touching rows; it is recorded as adopted.
        report.adopted = existing.is_some();
    }
    for m in MIGRATIONS.iter().filter(|m| !done.contains(&m.version)) {
        let started = std::time::Instant::now();
        let step = format!("migration {:04}_{}", m.version, m.name);
        sqlx::raw_sql(AssertSqlSafe(m.render(ctx)))
            .execute(&mut *tx)
            .await
            .map_err(|e| fail(&step, e.into()))?;
        ctx.query_dynamic(format!(
            "INSERT INTO {}.{} (version, name, checksum, adopted) VALUES ($1, $2, $3, $4)",
            ctx.quoted, RECORD_TABLE
        ))
        .bind(m.version)
        .bind(m.name)
        .bind(m.checksum())
        .bind(report.adopted && m.version == 1)
        .execute(&mut *tx)
        .await
        .map_err(|e| fail(&step, e.into()))?;
        report.applied.push((m, started.elapsed()));
    }
    if !indexes.is_empty() {
        let ddl: Vec<String> = indexes
            .iter()
            .map(|i| {
                format!(
                    "CREATE INDEX IF NOT EXISTS \"{}\" ON {}.{} ({}){}",
                    i.name,
                    ctx.quoted,
                    i.table,
                    i.columns,
                    i.predicate
                        .map(|p| format!(" WHERE {p}"))
                        .unwrap_or_default()
                )
            })
            .collect();
        sqlx::raw_sql(AssertSqlSafe(ddl.join(";\n")))
            .execute(&mut *tx)
            .await
            .map_err(|e| fail("default indexes", e.into()))?;
    }
    tx.commit().await.map_err(|e| fail("commit", e.into()))?;
    Ok(report)
}

/// Applied and pending versions (for tooling and tests).
pub async fn status(store: &Store) -> Result<(Vec<i32>, Vec<i32>)> {
    let ctx = &store.ctx;
    let mut conn = store.acquire().await?;
    let exists: Option<String> = ctx
        .query("SELECT to_regclass($1)::text")
        .bind(format!("{}.{}", ctx.quoted, RECORD_TABLE))
        .fetch_scalar(&mut *conn)
        .await?;
    let applied: Vec<i32> = if exists.is_some() {
        ctx.query_dynamic(format!(
            "SELECT version FROM {}.{} ORDER BY version",
            ctx.quoted, RECORD_TABLE
        ))
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<std::result::Result<_, _>>()?
    } else {
        Vec::new()
    };
    let pending = MIGRATIONS
        .iter()
        .map(|m| m.version)
        .filter(|v| !applied.contains(v))
        .collect();
    Ok((applied, pending))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_increasing_and_files_use_the_placeholder() {
        for w in MIGRATIONS.windows(2) {
            assert!(w[0].version < w[1].version);
        }
        for m in MIGRATIONS {
            assert!(m.sql.contains("{{schema}}"), "{}", m.name);
            assert_eq!(m.checksum().len(), 64);
        }
    }

    #[test]
    fn long_index_names_are_truncated_like_postgres_unless_they_collide() {
        // The default schema: two seed names exceed 63 bytes and PostgreSQL truncated them.
        let idx = default_indexes("mastra_admin");
        let names: Vec<&str> = idx.iter().map(|i| i.name.as_str()).collect();
        assert!(names.contains(&"mastra_admin_admin_role_assignments_resource_type_resource_id_i"));
        assert!(names.contains(&"mastra_admin_admin_team_installations_provider_installation_id_"));
        assert!(names.contains(&"mastra_admin_admin_builds_deployment_id_created_at_desc_idx"));
    }

    #[test]
    fn default_index_names_fit_postgres() {
        let idx = default_indexes("a_rather_long_schema_name_for_testing_purposes");
        assert!(idx.iter().all(|i| i.name.len() <= 63));
        let names: std::collections::HashSet<_> = idx.iter().map(|i| &i.name).collect();
        assert_eq!(names.len(), idx.len(), "index names collide");
        assert!(default_indexes("s")
            .iter()
            .all(|i| !i.columns.contains(';')));
    }
}
