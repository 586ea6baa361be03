//! Raw SQL from JS (`storage.db`): parameters bound the way node-postgres binds them. The
//! statement is prepared with unspecified parameter types, the server infers them, and each
//! JS value is encoded for the inferred type (the prepared statement is cached per
//! connection, so later calls cost no extra round trip).

use futures_util::TryStreamExt;
use sqlx::postgres::{PgColumn, PgConnection};
use sqlx::{
    Arguments as _, AssertSqlSafe, Either, Executor as _, SqlSafeStr, SqlStr, Statement as _,
};

use super::error::{Result, StoreError};
use super::store::Ctx;
use super::value::{decode_rows, encode, type_of, JsonStrings, Naming, Param, Row, SqlType};

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
            return run_simple(conn, sql_str, command).await;
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
    let query = sqlx::query_with(sql_str, args).persistent(ctx.persistent);
    let mut stream = (&mut *conn).fetch_many(query);
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

async fn run_simple(conn: &mut PgConnection, sql: SqlStr, command: String) -> Result<RawResult> {
    let mut stream = (&mut *conn).fetch_many(sqlx::raw_sql(sql));
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
