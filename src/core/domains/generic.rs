//! The generic table engine behind `AdminPgDB` and the domains' plain CRUD: insert, batch
//! insert, update, delete, find with filters, count. Table and column names only ever come
//! from `tables.rs`; every value is a bound parameter.

use std::borrow::Cow;
use std::sync::OnceLock;

use sqlx::postgres::PgConnection;

use super::validate;
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::{Result, StoreError};
use crate::core::pg::stmt::parse_id;
use crate::core::pg::value::{encode, Bound, JsonStrings, Param, Row, SqlType};
use crate::core::tables::{ColType, Column, Table, TABLE_LIST};

use super::fields::Fields;
use crate::core::pg::error::truncate;

/// A filter on one column (AdminPgDB `findBy`).
#[derive(Clone, Debug)]
pub enum Condition {
    Eq(Param),
    IsNull,
    In(Vec<Param>),
    Ops(Vec<(Op, Param)>),
}

/// Comparison operators of `findBy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Gte,
    Lte,
    Gt,
    Lt,
    Ne,
    Like,
    Ilike,
}

impl Op {
    /// The operator for a filter key (`gte`, `like`, …).
    pub fn parse(key: &str) -> Result<Op> {
        Ok(match key {
            "gte" => Op::Gte,
            "lte" => Op::Lte,
            "gt" => Op::Gt,
            "lt" => Op::Lt,
            "ne" => Op::Ne,
            "like" => Op::Like,
            "ilike" => Op::Ilike,
            other => {
                return Err(StoreError::invalid(format!(
                    "unknown operator `{}` (use gte, lte, gt, lt, ne, like or ilike)",
                    truncate(other)
                )))
            }
        })
    }

    fn sql(self) -> &'static str {
        match self {
            Op::Gte => ">=",
            Op::Lte => "<=",
            Op::Gt => ">",
            Op::Lt => "<",
            // The seed's `!=`: like every other comparison, NULL never matches (drop-in
            // results); `{ ne: null }` is handled apart as IS NOT NULL.
            Op::Ne => "<>",
            Op::Like => "LIKE",
            Op::Ilike => "ILIKE",
        }
    }
}

/// `findBy` options.
#[derive(Clone, Debug, Default)]
pub struct FindOptions {
    pub order_by: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Our SQL type for a column.
pub fn sql_type(col: &Column) -> SqlType {
    match col.ty {
        ColType::Uuid => SqlType::Uuid,
        ColType::Text => SqlType::Text,
        ColType::Int4 => SqlType::Int4,
        ColType::Int8 => SqlType::Int8,
        ColType::Float4 => SqlType::Float4,
        ColType::Bool => SqlType::Bool,
        ColType::Jsonb => SqlType::Jsonb,
        ColType::Timestamptz => SqlType::Timestamptz,
    }
}

/// The column for a caller's field name, or a clear error naming it.
/// Internal columns (`Column::internal`) are no fields: callers neither write nor filter them.
pub fn column_of(table: &'static Table, field: &str) -> Result<&'static Column> {
    let col = table.column(field).filter(|c| !c.is_internal());
    col.ok_or_else(|| {
        StoreError::invalid(format!(
            "unknown field `{}` for {}",
            truncate(field),
            table.name
        ))
    })
}

/// Encode a value for a column (JSON strings are JSON string values here).
pub fn bind_column(col: &Column, p: &Param) -> Result<Bound> {
    encode(
        p,
        &sql_type(col),
        JsonStrings::AsValue,
        &format!("field {}", col.camel),
    )
}

/// Resolve and encode write data. `id`, `createdAt`, `updatedAt` are dropped when
/// `skip_managed` (callers spread whole entities back into updates).
pub fn columns_of(
    table: &'static Table,
    fields: &Fields,
    skip_managed: bool,
) -> Result<Vec<(&'static Column, Bound)>> {
    let mut out: Vec<(&'static Column, Bound)> = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        let col = column_of(table, name)?;
        if skip_managed && matches!(col.name, "id" | "created_at" | "updated_at") {
            continue;
        }
        if out.iter().any(|(c, _)| c.name == col.name) {
            return Err(StoreError::invalid(format!(
                "field `{}` given twice",
                col.camel
            )));
        }
        out.push((col, bind_column(col, value)?));
    }
    Ok(out)
}

/// A domain's INSERT: the domain rules (`validate::on_create`: required and enumerated
/// fields) first, then `insert`.
pub async fn create(
    ctx: &Ctx,
    conn: &mut PgConnection,
    table: &'static Table,
    fields: &Fields,
) -> Result<Row> {
    validate::on_create(table, fields)?;
    insert(ctx, conn, table, fields).await
}

/// A domain's UPDATE by id: `validate::on_update` first, then `update`.
pub async fn modify(
    ctx: &Ctx,
    conn: &mut PgConnection,
    table: &'static Table,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    validate::on_update(table, fields)?;
    update(ctx, conn, table, id, fields).await
}

/// INSERT one row, RETURNING it.
pub async fn insert(
    ctx: &Ctx,
    conn: &mut PgConnection,
    table: &'static Table,
    fields: &Fields,
) -> Result<Row> {
    let cols = columns_of(table, fields, false)?;
    let sql = if cols.is_empty() {
        format!(
            "INSERT INTO {} DEFAULT VALUES RETURNING {}",
            ctx.table(table.name),
            returning(ctx, table)
        )
    } else {
        let used: Vec<&Column> = cols.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
        insert_sql(ctx, table, &used, &format!("VALUES ({})", marks.join(", ")))
    };
    ctx.query_dynamic(sql)
        .bind_all(cols.into_iter().map(|(_, b)| b))
        .fetch_one_row(conn)
        .await
}

/// INSERT many rows in as few statements as PostgreSQL's parameter limit allows
/// (multi-row VALUES, `DEFAULT` where a record leaves a field out), RETURNING them in order.
pub async fn batch_insert(
    ctx: &Ctx,
    conn: &mut PgConnection,
    table: &'static Table,
    records: &[Fields],
) -> Result<Vec<Row>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    // Resolve every record first: a bad field anywhere fails before anything is written.
    let mut resolved = Vec::with_capacity(records.len());
    let mut used: Vec<&'static Column> = Vec::new();
    for r in records {
        let cols = columns_of(table, r, false)?;
        for (c, _) in &cols {
            if !used.iter().any(|u| u.name == c.name) {
                used.push(c);
            }
        }
        resolved.push(cols);
    }
    if used.is_empty() {
        let mut out = Vec::with_capacity(records.len());
        for _ in records {
            out.push(insert(ctx, conn, table, &Vec::new()).await?);
        }
        return Ok(out);
    }
    // Uniform records go through UNNEST: one array parameter per column, any row count.
    let uniform = resolved.iter().all(|cols| cols.len() == used.len());
    if uniform {
        let mut arrays: Vec<Vec<Option<Vec<u8>>>> =
            vec![Vec::with_capacity(records.len()); used.len()];
        for cols in resolved {
            for (c, b) in cols {
                let i = used.iter().position(|u| u.name == c.name).unwrap();
                arrays[i].push(b.into_bytes());
            }
        }
        let unnest: Vec<String> = used
            .iter()
            .enumerate()
            .map(|(i, c)| format!("${}::{}[]", i + 1, pg_type_name(c)))
            .collect();
        let sql = insert_sql(
            ctx,
            table,
            &used,
            &format!("SELECT * FROM UNNEST({})", unnest.join(", ")),
        );
        let binds = used
            .iter()
            .zip(arrays)
            .map(|(c, items)| Bound::array(&sql_type(c), items));
        return ctx
            .query_dynamic(sql)
            .bind_all(binds)
            .fetch_rows(conn)
            .await;
    }
    let per_row = used.len();
    let rows_per_stmt = (60_000 / per_row).max(1);
    let mut out = Vec::with_capacity(records.len());
    for chunk in resolved.chunks(rows_per_stmt) {
        let mut binds = Vec::new();
        let mut tuples = Vec::with_capacity(chunk.len());
        for cols in chunk {
            let mut cells = Vec::with_capacity(per_row);
            for u in &used {
                match cols.iter().find(|(c, _)| c.name == u.name) {
                    Some((_, b)) => {
                        binds.push(b.clone());
                        cells.push(format!("${}", binds.len()));
                    }
                    None => cells.push("DEFAULT".into()),
                }
            }
            tuples.push(format!("({})", cells.join(", ")));
        }
        let sql = insert_sql(ctx, table, &used, &format!("VALUES {}", tuples.join(", ")));
        // One-off shapes: don't fill the per-connection statement cache with them.
        let rows = ctx
            .query_dynamic(sql)
            .persistent(false)
            .bind_all(binds)
            .fetch_rows(&mut *conn)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// `INSERT INTO <table> (<columns>) <rows> RETURNING <the rows as returned>`.
fn insert_sql(ctx: &Ctx, table: &Table, columns: &[&Column], rows: &str) -> String {
    let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
    format!(
        "INSERT INTO {} ({}) {rows} RETURNING {}",
        ctx.table(table.name),
        names.join(", "),
        returning(ctx, table)
    )
}

/// A row of `table` as the storage returns it, for an unaliased statement of dynamic SQL:
/// `*` (nothing computed: the statement is as it always was), or `Table::select_list` (a
/// build's whole `logs`, its internal counter left out).
fn returning(ctx: &Ctx, table: &Table) -> Cow<'static, str> {
    if table.reads_as_stored() {
        Cow::Borrowed("*")
    } else {
        Cow::Owned(table.select_list(table.name, &ctx.quoted))
    }
}

fn pg_type_name(col: &Column) -> &'static str {
    match col.ty {
        ColType::Uuid => "uuid",
        ColType::Text => "text",
        ColType::Int4 => "int4",
        ColType::Int8 => "int8",
        ColType::Float4 => "float4",
        ColType::Bool => "bool",
        ColType::Jsonb => "jsonb",
        ColType::Timestamptz => "timestamptz",
    }
}

/// `SELECT * … WHERE id = $1` and `DELETE … WHERE id = $1` of one table: `{s}` templates made
/// once per table, so `ctx.query` resolves and caches them like a literal one. The select
/// reads the rows as returned (`Table::select_list`: `*` but for admin_builds).
struct ByIdSql {
    select: String,
    delete: String,
}

fn by_id_sql(table: &'static Table) -> &'static ByIdSql {
    static SQL: OnceLock<Vec<ByIdSql>> = OnceLock::new();
    let all = SQL.get_or_init(|| {
        TABLE_LIST
            .iter()
            .map(|t| ByIdSql {
                select: format!(
                    "SELECT {} FROM {{s}}.{} WHERE id = $1",
                    t.select_list(t.name, "{s}"),
                    t.name
                ),
                delete: format!("DELETE FROM {{s}}.{} WHERE id = $1", t.name),
            })
            .collect()
    });
    let i = TABLE_LIST
        .iter()
        .position(|t| t.name == table.name)
        .expect("tables come from TABLE_LIST");
    &all[i]
}

/// UPDATE by id, RETURNING the row; `None` when no row has that id. Empty updates return
/// the row unchanged.
pub async fn update(
    ctx: &Ctx,
    conn: &mut PgConnection,
    table: &'static Table,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    let cols = columns_of(table, fields, true)?;
    let Some(uuid) = parse_id(id) else {
        return Ok(None);
    };
    if cols.is_empty() {
        return find_by_id(ctx, conn, table, id).await;
    }
    let sets: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, (c, _))| format!("{} = ${}", c.name, i + 1))
        .collect();
    let sql = format!(
        "UPDATE {} SET {} WHERE id = ${} RETURNING {}",
        ctx.table(table.name),
        sets.join(", "),
        cols.len() + 1,
        returning(ctx, table)
    );
    ctx.query_dynamic(sql)
        .bind_all(cols.into_iter().map(|(_, b)| b))
        .bind(uuid)
        .fetch_row(conn)
        .await
}

/// DELETE by id; whether a row was deleted.
pub async fn delete(
    ctx: &Ctx,
    conn: &mut PgConnection,
    table: &'static Table,
    id: &str,
) -> Result<bool> {
    let deleted = ctx
        .query(&by_id_sql(table).delete)
        .bind_id(id)
        .rows_affected(conn)
        .await?;
    Ok(deleted > 0)
}

/// SELECT by id; `None` when no row has it.
pub async fn find_by_id(
    ctx: &Ctx,
    conn: &mut PgConnection,
    table: &'static Table,
    id: &str,
) -> Result<Option<Row>> {
    ctx.query(&by_id_sql(table).select)
        .bind_id(id)
        .fetch_row(conn)
        .await
}

/// Build `WHERE …` from conditions, appending binds.
fn where_clause(
    ctx: &Ctx,
    table: &'static Table,
    conditions: &[(String, Condition)],
    binds: &mut Vec<Bound>,
) -> Result<String> {
    let mut clauses = Vec::with_capacity(conditions.len());
    for (field, cond) in conditions {
        let col = column_of(table, field)?;
        let name = table.filter_expr(col, &ctx.quoted);
        match cond {
            Condition::IsNull | Condition::Eq(Param::Null) => {
                clauses.push(format!("{name} IS NULL"))
            }
            Condition::Eq(p) => {
                binds.push(bind_column(col, p)?);
                clauses.push(format!("{name} = ${}", binds.len()));
            }
            Condition::In(items) => {
                if items.is_empty() {
                    clauses.push("false".into());
                    continue;
                }
                let has_null = items.iter().any(|p| matches!(p, Param::Null));
                let mut encoded = Vec::with_capacity(items.len());
                for p in items.iter().filter(|p| !matches!(p, Param::Null)) {
                    encoded.push(bind_column(col, p)?.into_bytes());
                }
                let mut clause = String::new();
                if !encoded.is_empty() {
                    binds.push(Bound::array(&sql_type(col), encoded));
                    clause = format!("{name} = ANY(${})", binds.len());
                }
                if has_null {
                    let null_clause = format!("{name} IS NULL");
                    clause = if clause.is_empty() {
                        null_clause
                    } else {
                        format!("({clause} OR {null_clause})")
                    };
                }
                clauses.push(clause);
            }
            Condition::Ops(ops) => {
                for (op, p) in ops {
                    if matches!(op, Op::Like | Op::Ilike) && !matches!(col.ty, ColType::Text) {
                        return Err(StoreError::invalid(format!(
                            "operator {} needs a text field, `{}` is not one",
                            op.sql(),
                            col.camel
                        )));
                    }
                    if matches!(p, Param::Null) {
                        clauses.push(match op {
                            Op::Ne => format!("{name} IS NOT NULL"),
                            _ => "false".into(),
                        });
                        continue;
                    }
                    binds.push(bind_column(col, p)?);
                    clauses.push(format!("{name} {} ${}", op.sql(), binds.len()));
                }
            }
        }
    }
    Ok(if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    })
}

/// Parse `orderBy`: `column [ASC|DESC]`, comma separated, columns from the table only.
pub fn order_by_clause(ctx: &Ctx, table: &'static Table, order_by: &str) -> Result<String> {
    let mut parts = Vec::new();
    for item in order_by.split(',') {
        let words: Vec<&str> = item.split_whitespace().collect();
        let (field, dir) = match words.as_slice() {
            [f] => (*f, "ASC"),
            [f, d] if d.eq_ignore_ascii_case("asc") => (*f, "ASC"),
            [f, d] if d.eq_ignore_ascii_case("desc") => (*f, "DESC"),
            _ => {
                return Err(StoreError::invalid(format!(
                    "invalid orderBy `{}`: use `column [ASC|DESC]`",
                    truncate(order_by)
                )))
            }
        };
        let col = column_of(table, field)?;
        parts.push(format!("{} {}", table.filter_expr(col, &ctx.quoted), dir));
    }
    Ok(parts.join(", "))
}

/// A non-negative integer option (limit/offset), validated.
pub fn non_negative(value: Option<f64>, name: &str) -> Result<Option<i64>> {
    match value {
        None => Ok(None),
        Some(v) if v.is_finite() && v.fract() == 0.0 && v >= 0.0 && v <= i64::MAX as f64 => {
            Ok(Some(v as i64))
        }
        Some(v) => Err(StoreError::invalid(format!(
            "{name} must be a non-negative integer, got {v}"
        ))),
    }
}

/// SELECT with filters, order, limit and offset (the seed's `findBy`, bound and whitelisted).
pub async fn find_by(
    ctx: &Ctx,
    conn: &mut PgConnection,
    table: &'static Table,
    conditions: &[(String, Condition)],
    options: &FindOptions,
) -> Result<Vec<Row>> {
    let mut binds = Vec::new();
    let mut sql = format!("SELECT * FROM {}", ctx.table(table.name));
    sql.push_str(&where_clause(ctx, table, conditions, &mut binds)?);
    let order = match &options.order_by {
        Some(o) => format!("{}, id", order_by_clause(ctx, table, o)?),
        None => "id".to_string(),
    };
    sql.push_str(" ORDER BY ");
    sql.push_str(&order);
    if let Some(limit) = options.limit {
        binds.push(Bound::int8(limit));
        sql.push_str(&format!(" LIMIT ${}", binds.len()));
    }
    if let Some(offset) = options.offset {
        binds.push(Bound::int8(offset));
        sql.push_str(&format!(" OFFSET ${}", binds.len()));
    }
    if !table.reads_as_stored() {
        // Computed columns (a build's whole log) for the rows of the page only.
        sql = format!(
            "SELECT {} FROM ({sql}) AS {} ORDER BY {order}",
            returning(ctx, table),
            table.name
        );
    }
    ctx.query_dynamic(sql)
        .bind_all(binds)
        .fetch_rows(conn)
        .await
}

/// COUNT(*) with filters.
pub async fn count(
    ctx: &Ctx,
    conn: &mut PgConnection,
    table: &'static Table,
    conditions: &[(String, Condition)],
) -> Result<i64> {
    let mut binds = Vec::new();
    let mut sql = format!("SELECT count(*) FROM {}", ctx.table(table.name));
    sql.push_str(&where_clause(ctx, table, conditions, &mut binds)?);
    let n: i64 = ctx
        .query_dynamic(sql)
        .bind_all(binds)
        .fetch_scalar(&mut *conn)
        .await?;
    Ok(n)
}

/// `batch_insert` in one transaction of its own: several statements land together.
pub async fn batch_insert_atomic(
    ctx: &Ctx,
    conn: &mut PgConnection,
    table: &'static Table,
    records: &[Fields],
) -> Result<Vec<Row>> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let rows = batch_insert(ctx, &mut tx, table, records).await?;
    tx.commit().await?;
    Ok(rows)
}

/// The first row matching, or `None` (AdminPgDB `findOneBy`).
pub async fn find_one_by(
    ctx: &Ctx,
    conn: &mut PgConnection,
    table: &'static Table,
    conditions: &[(String, Condition)],
) -> Result<Option<Row>> {
    let options = FindOptions {
        limit: Some(1),
        ..Default::default()
    };
    Ok(find_by(ctx, conn, table, conditions, &options)
        .await?
        .into_iter()
        .next())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cached by-id templates: every table but admin_builds reads `*` exactly as before;
    /// admin_builds reads the whole log (and not its internal counter).
    #[test]
    fn by_id_templates_compute_only_the_builds_log() {
        for t in TABLE_LIST {
            let sql = &by_id_sql(t).select;
            if t.name == "admin_builds" {
                assert!(sql.starts_with("SELECT admin_builds.id, "), "{sql}");
                assert!(sql.contains("{s}.admin_build_log_chunks WHERE build_id = admin_builds.id"));
                assert!(
                    sql.ends_with(" FROM {s}.admin_builds WHERE id = $1"),
                    "{sql}"
                );
                assert!(!sql.contains("log_chunk_bytes AS"));
            } else {
                assert_eq!(
                    *sql,
                    format!("SELECT * FROM {{s}}.{} WHERE id = $1", t.name)
                );
            }
            assert!(std::ptr::eq(by_id_sql(t), by_id_sql(t)), "made once");
        }
    }

    #[test]
    fn internal_columns_are_no_fields() {
        let builds = crate::core::tables::table_by_name("admin_builds").unwrap();
        for name in ["logChunkBytes", "log_chunk_bytes"] {
            let e = column_of(builds, name).unwrap_err();
            assert!(e.to_string().contains("unknown field"), "{e}");
        }
        assert_eq!(column_of(builds, "logs").unwrap().name, "logs");
    }
}
