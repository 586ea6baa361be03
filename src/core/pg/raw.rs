//! Raw SQL from JS (`storage.db`): parameters bound the way node-postgres binds them. The
//! statement is prepared with unspecified parameter types, the server infers them, and each
//! JS value is encoded for the inferred type (the prepared statement is cached per
//! connection, so later calls cost no extra round trip).

use futures_util::stream::BoxStream;
use futures_util::TryStreamExt;
use sqlx::postgres::{PgColumn, PgConnection, PgQueryResult, PgRow};
use sqlx::{
    Arguments as _, AssertSqlSafe, Either, Executor as _, SqlSafeStr, SqlStr, Statement as _,
};

use super::ctx::Ctx;
use super::error::{PgDetails, Result, StoreError};
use super::sqltext;
use super::value::{
    decode_rows, encode, sql_literal, type_of, JsonStrings, Naming, Param, Row, SqlType,
};

/// What a raw call returns: the rows, and how many rows the statement touched.
#[derive(Debug, Default)]
pub struct RawResult {
    pub rows: Vec<Row>,
    pub row_count: u64,
    pub command: String,
}

/// Run one SQL text with positional parameters.
pub async fn run(
    ctx: &Ctx,
    conn: &mut PgConnection,
    sql: &str,
    params: &[Param],
) -> Result<RawResult> {
    if sql.contains('\0') {
        // The protocol sends SQL as a NUL-terminated string: the rest would be cut off, or
        // read as the following fields of the message.
        return Err(StoreError::invalid(
            "the SQL text contains a NUL character (\\u0000), which PostgreSQL cannot receive",
        ));
    }
    ctx.count_statement();
    let command = sql
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_start_matches('(')
        .to_ascii_uppercase();
    if ctx.policy.inline {
        return run_inline(ctx, conn, sql, params, command).await;
    }
    let sql_str = AssertSqlSafe(sql.to_string()).into_sql_str();
    let stmt = match conn.prepare_with(sql_str.clone(), &[]).await {
        Ok(s) => s,
        // Several statements in one text (no parameters): node-postgres sends these with the
        // simple protocol; so do we.
        Err(sqlx::Error::Database(e))
            if params.is_empty()
                && e.code().as_deref() == Some("42601")
                && e.message().contains("multiple commands") =>
        {
            return run_simple(conn, sql_str, command, None).await;
        }
        Err(e) => return Err(e.into()),
    };
    // Results come back in binary, which we decode for the common types only: a statement
    // returning anything else (interval, regtype, inet, a composite…) is re-prepared with those
    // columns cast to text, so they arrive as PostgreSQL prints them (node-postgres' strings).
    let (sql_str, stmt) = match text_cast_wrapper(sql, stmt.columns()) {
        Some(wrapped) => {
            let wrapped = AssertSqlSafe(wrapped).into_sql_str();
            match conn.prepare_with(wrapped.clone(), &[]).await {
                Ok(w) => (wrapped, w),
                // Not wrappable (SELECT INTO, FETCH, CALL…): run it as written.
                Err(_) => (sql_str, stmt),
            }
        }
        None => (sql_str, stmt),
    };
    let types = match stmt.parameters() {
        Some(Either::Left(types)) => types.to_vec(),
        _ => Vec::new(),
    };
    if types.len() != params.len() {
        return Err(StoreError::invalid(format!(
            "the query has {} parameter(s) ($1…), but {} value(s) were given",
            types.len(),
            params.len()
        )));
    }
    let mut args = sqlx::postgres::PgArguments::default();
    for (i, (p, t)) in params.iter().zip(&types).enumerate() {
        let bound = encode(
            p,
            &type_of(t),
            JsonStrings::AsDocument,
            &format!("${}", i + 1),
        )?;
        args.add(bound)
            .map_err(|e| StoreError::invalid(format!("cannot bind ${}: {e}", i + 1)))?;
    }
    let query = sqlx::query_with(sql_str, args).persistent(ctx.policy.persistent);
    collect((&mut *conn).fetch_many(query), command).await
}

/// Every result set of a statement's stream: the rows (names as PostgreSQL gave them) and
/// the row count (rows returned, else rows affected).
async fn collect(
    mut stream: BoxStream<'_, sqlx::Result<Either<PgQueryResult, PgRow>>>,
    command: String,
) -> Result<RawResult> {
    let mut rows = Vec::new();
    let mut affected = 0;
    while let Some(item) = stream.try_next().await? {
        match item {
            Either::Left(done) => affected += done.rows_affected(),
            Either::Right(row) => rows.push(row),
        }
    }
    drop(stream);
    let decoded = decode_rows(&rows, Naming::AsIs)?;
    let row_count = if decoded.is_empty() {
        affected
    } else {
        decoded.len() as u64
    };
    Ok(RawResult {
        rows: decoded,
        row_count,
        command,
    })
}

/// `WITH q(c1, …) AS (<sql>) SELECT q.c1 AS "name", q.c2::text AS "other", … FROM q` when
/// some result column has a type we do not decode from binary; `None` when all are known.
/// (A data-modifying statement with RETURNING may stand in a top-level WITH, too.)
fn text_cast_wrapper(sql: &str, columns: &[PgColumn]) -> Option<String> {
    use sqlx::Column as _;
    let unknown = |c: &PgColumn| matches!(type_of(c.type_info()), SqlType::Other(_));
    if !columns.iter().any(unknown) {
        return None;
    }
    let body = sql.trim_end().trim_end_matches(';');
    let aliases: Vec<String> = (1..=columns.len()).map(|i| format!("c{i}")).collect();
    let select: Vec<String> = columns
        .iter()
        .zip(&aliases)
        .map(|(c, a)| {
            let name = c.name().replace('"', "\"\"");
            if matches!(type_of(c.type_info()), SqlType::Other(869)) {
                // inet's cast to text adds the /32 mask its output omits; abbrev() is the output.
                format!("abbrev(__admin_pg_q.{a}) AS \"{name}\"")
            } else if unknown(c) {
                format!("__admin_pg_q.{a}::text AS \"{name}\"")
            } else {
                format!("__admin_pg_q.{a} AS \"{name}\"")
            }
        })
        .collect();
    Some(format!(
        "WITH __admin_pg_q({}) AS (\n{body}\n) SELECT {} FROM __admin_pg_q",
        aliases.join(", "),
        select.join(", ")
    ))
}

/// PgBouncer mode: the same semantics in one simple-protocol flight, values inline as literals
/// of the types the server infers for them (asked once per SQL text, see `describe`).
async fn run_inline(
    ctx: &Ctx,
    conn: &mut PgConnection,
    sql: &str,
    params: &[Param],
    command: String,
) -> Result<RawResult> {
    let mut scan = sqltext::scan(sql);
    if scan.plain_backslash && !standard_strings(conn).await? {
        // Where strings end depends on the server's setting: read them as it will.
        scan = sqltext::scan_with(sql, false);
    }
    let sql_str = || AssertSqlSafe(sql.to_string()).into_sql_str();
    if scan.multiple {
        if params.is_empty() {
            return run_simple(conn, sql_str(), command, ctx.policy.prefix.as_deref()).await;
        }
        return Err(StoreError::Query {
            message: "cannot insert multiple commands into a prepared statement".into(),
            pg: Box::new(PgDetails {
                code: Some("42601".into()),
                ..Default::default()
            }),
        });
    }
    if scan.max_param != params.len() {
        return Err(StoreError::invalid(format!(
            "the query has {} parameter(s) ($1…), but {} value(s) were given",
            scan.max_param,
            params.len()
        )));
    }
    if params.is_empty() {
        return run_simple(conn, sql_str(), command, ctx.policy.prefix.as_deref()).await;
    }
    let types = match ctx.raw_types(sql) {
        Some(t) => t,
        None => {
            let t = describe(conn, &sql[..scan.body_end]).await?;
            ctx.remember_raw_types(sql, t.clone());
            t
        }
    };
    if types.len() != params.len() {
        return Err(StoreError::invalid(format!(
            "the query has {} parameter(s) ($1…), but {} value(s) were given",
            types.len(),
            params.len()
        )));
    }
    let mut values = Vec::with_capacity(params.len());
    for (i, (p, &oid)) in params.iter().zip(types.iter()).enumerate() {
        let what = format!("${}", i + 1);
        let ty = SqlType::from_oid(oid);
        let bound = encode(p, &ty, JsonStrings::AsDocument, &what)?;
        let bytes = bound.clone().into_bytes();
        let literal = sql_literal(ty.oid(), oid, bytes.as_deref())
            .map_err(|e| StoreError::invalid(format!("invalid value for {what}: {e}")))?;
        values.push(literal);
    }
    let text = AssertSqlSafe(sqltext::inline(sql, &scan, &values)).into_sql_str();
    run_simple(conn, text, command, ctx.policy.prefix.as_deref()).await
}

/// The server's `standard_conforming_strings` now (asked only for texts whose plain strings
/// hold a backslash; it may be changed per transaction).
async fn standard_strings(conn: &mut PgConnection) -> Result<bool> {
    let row = (&mut *conn)
        .fetch_one(sqlx::raw_sql(
            "SELECT current_setting('standard_conforming_strings')",
        ))
        .await?;
    Ok(sqlx::Row::try_get::<String, _>(&row, 0)? != "off")
}

/// The parameter types PostgreSQL infers for a statement, without leaving a prepared statement
/// behind: `PREPARE` under a name used once, read `pg_prepared_statements`, `DEALLOCATE`, all
/// in one flight (one statement text only: `body` has been checked by `sqltext::scan`).
async fn describe(conn: &mut PgConnection, body: &str) -> Result<std::sync::Arc<[u32]>> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let name = format!(
        "admin_pg_describe_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let text = format!(
        "PREPARE {name} AS {body}\n;\n\
         SELECT coalesce(array_to_string(parameter_types::oid[], ','), '') \
         FROM pg_prepared_statements WHERE name = '{name}';\n\
         DEALLOCATE {name}"
    );
    let rows = (&mut *conn)
        .fetch_all(sqlx::raw_sql(AssertSqlSafe(text)))
        .await?;
    let list: String = match rows.first() {
        Some(r) => sqlx::Row::try_get(r, 0)?,
        None => return Err(StoreError::query("could not describe the statement")),
    };
    list.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<u32>()
                .map_err(|_| StoreError::query("could not describe the statement"))
        })
        .collect()
}

async fn run_simple(
    conn: &mut PgConnection,
    sql: SqlStr,
    command: String,
    prefix: Option<&str>,
) -> Result<RawResult> {
    let Some(p) = prefix else {
        return run_text(conn, sql, command).await;
    };
    let prefixed = AssertSqlSafe(format!("{p}{}", sql.as_str())).into_sql_str();
    match run_text(conn, prefixed, command.clone()).await {
        // VACUUM, CREATE INDEX CONCURRENTLY…: not in the transaction block `SET LOCAL`
        // makes; such a statement runs without the timeout.
        Err(e) if e.pg().and_then(|p| p.code.as_deref()) == Some("25001") => {
            run_text(conn, sql, command).await
        }
        other => other,
    }
}

/// One simple-protocol text, every result set decoded.
async fn run_text(conn: &mut PgConnection, sql: SqlStr, command: String) -> Result<RawResult> {
    collect((&mut *conn).fetch_many(sqlx::raw_sql(sql)), command).await
}
