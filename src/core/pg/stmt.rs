//! One statement about to be sent, under the storage's statement policy (`Ctx::query`).
//!
//! Default: sqlx's extended protocol, the statement cached as a named prepared statement on
//! each connection (one round trip once prepared).
//!
//! PgBouncer mode (`pgbouncer: true`): a transaction-pooling proxy hands the server connection
//! to another client whenever the server reports it idle, so nothing may outlive one message
//! flight. sqlx 0.9's extended protocol cannot guarantee that even without named statements:
//! with `persistent(false)` it sends Parse/Describe/Sync, waits for ReadyForQuery (the proxy may
//! now reassign the server), then Bind/Execute/Sync, which may land on another server (the
//! unnamed statement is gone) or on one holding another client's unnamed statement. So in
//! this mode the statement goes out with the simple query protocol, every bound value inlined
//! as a typed, quoted literal (`('…'::uuid)`): one flight, one round trip, no server state.
//! Results then come back in text format, which `value::decode_text` reads like the binary form.
//!
//! Ids come as text from JS: `bind_id` binds one as a UUID, and a statement bound to something
//! that cannot be a UUID is never sent (nothing can have that id): it reads as finding no row.

use sqlx::postgres::{PgArgumentBuffer, PgArguments, PgQueryResult, PgRow, Postgres};
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, Encode, Executor, SqlSafeStr, SqlStr, Type};

use std::time::Duration;

use super::error::Result as StoreResult;
use super::sqltext;
use super::value::{decode_one, decode_rows, sql_literal, Bound, Naming, Row};

/// Parse an id as a UUID; `None` when it cannot be one (so nothing can have it).
pub fn parse_id(id: &str) -> Option<uuid::Uuid> {
    uuid::Uuid::parse_str(id.trim()).ok()
}

/// How a storage's statements travel (held by its `Ctx`; see the module comment).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Statements are cached as named prepared statements on each connection.
    pub persistent: bool,
    /// PgBouncer (transaction pooling) mode: values inline, one simple-protocol flight per
    /// statement, nothing left on the server.
    pub inline: bool,
    /// `SET LOCAL statement_timeout = …;`, sent first in the same flight in inline mode (the
    /// startup option that sets it otherwise is refused by PgBouncer).
    pub prefix: Option<String>,
}

impl Policy {
    pub fn new(pgbouncer: bool, statement_timeout: Option<Duration>) -> Policy {
        Policy {
            persistent: !pgbouncer,
            inline: pgbouncer,
            prefix: match statement_timeout {
                Some(t) if pgbouncer => Some(format!(
                    "SET LOCAL statement_timeout = {};\n",
                    t.as_millis()
                )),
                _ => None,
            },
        }
    }
}

/// The body of `fetch_optional`, `fetch_one`, `fetch_all` and `execute`: what finding nothing
/// gives, else the inline text over the simple protocol, else the prepared statement.
macro_rules! run {
    ($stmt:ident, $conn:ident, $method:ident, $nothing:expr) => {{
        if $stmt.finds_nothing {
            return $nothing;
        }
        match $stmt.inline_sql()? {
            Some(text) => $conn.$method(sqlx::raw_sql(text)).await,
            None => $stmt.prepared().$method($conn).await,
        }
    }};
}

/// A statement and its bound values (see the module comment).
pub struct Stmt {
    sql: SqlStr,
    mode: Mode,
    /// An id bound by `bind_id` is not a UUID: the statement would find nothing.
    finds_nothing: bool,
}

enum Mode {
    Prepared(Query<'static, Postgres, PgArguments>),
    Inline {
        values: Vec<String>,
        error: Option<String>,
        /// Sent first in the same flight (`SET LOCAL statement_timeout = …;`).
        prefix: Option<String>,
    },
}

impl Stmt {
    pub(crate) fn new(policy: &Policy, sql: SqlStr) -> Stmt {
        let mode = if policy.inline {
            Mode::Inline {
                values: Vec::new(),
                error: None,
                prefix: policy.prefix.clone(),
            }
        } else {
            Mode::Prepared(sqlx::query(sql.clone()).persistent(policy.persistent))
        };
        Stmt {
            sql,
            mode,
            finds_nothing: false,
        }
    }

    /// Whether the statement may be cached as a named prepared statement (default mode only:
    /// `false` for one-off shapes that would only fill the cache).
    pub fn persistent(mut self, persistent: bool) -> Self {
        if let Mode::Prepared(q) = self.mode {
            self.mode = Mode::Prepared(q.persistent(persistent));
        }
        self
    }

    /// Bind values already encoded for their column types (`value::encode`).
    pub fn bind_all(self, binds: impl IntoIterator<Item = Bound>) -> Self {
        binds.into_iter().fold(self, Stmt::bind)
    }

    /// Bind the next `$n`.
    pub fn bind<'t, T: Encode<'t, Postgres> + Type<Postgres>>(mut self, value: T) -> Self {
        self.mode = match self.mode {
            Mode::Prepared(q) => Mode::Prepared(q.bind(value)),
            Mode::Inline {
                mut values,
                mut error,
                prefix,
            } => {
                if error.is_none() {
                    match inline_value(&value) {
                        Ok(v) => values.push(v),
                        Err(e) => error = Some(format!("cannot bind ${}: {e}", values.len() + 1)),
                    }
                }
                Mode::Inline {
                    values,
                    error,
                    prefix,
                }
            }
        };
        self
    }

    /// Bind an id given as text, as a `uuid`. When it cannot be one, nothing has it: the
    /// statement is not sent and finds no row (`None`, no rows, nothing affected).
    pub fn bind_id(mut self, id: &str) -> Self {
        let id = parse_id(id);
        self.finds_nothing |= id.is_none();
        self.bind(id)
    }

    /// `bind_id` for an id that may be absent: `None` binds NULL.
    pub fn bind_opt_id(self, id: Option<&str>) -> Self {
        match id {
            Some(id) => self.bind_id(id),
            None => self.bind(None::<uuid::Uuid>),
        }
    }

    /// The simple-protocol text of an inline statement.
    fn inline_sql(&self) -> Result<Option<SqlStr>, sqlx::Error> {
        let Mode::Inline {
            values,
            error,
            prefix,
        } = &self.mode
        else {
            return Ok(None);
        };
        if let Some(e) = error {
            return Err(sqlx::Error::Encode(e.clone().into()));
        }
        let sql = self.sql.as_str();
        let scan = sqltext::scan(sql);
        if scan.plain_backslash {
            // Where such a string ends depends on standard_conforming_strings: core SQL
            // writes E'…' instead (raw SQL from JS is handled in raw.rs).
            return Err(sqlx::Error::Encode(
                "a plain string literal in the statement holds a backslash: write E'…'".into(),
            ));
        }
        if scan.max_param != values.len() {
            return Err(sqlx::Error::Encode(
                format!(
                    "the statement has {} parameter(s) but {} value(s) were bound",
                    scan.max_param,
                    values.len()
                )
                .into(),
            ));
        }
        let body = sqltext::inline(sql, &scan, values);
        let text = match prefix {
            Some(p) => format!("{p}{body}"),
            None => body,
        };
        Ok(Some(AssertSqlSafe(text).into_sql_str()))
    }

    pub async fn fetch_optional<'c, E>(self, conn: E) -> Result<Option<PgRow>, sqlx::Error>
    where
        E: Executor<'c, Database = Postgres>,
    {
        run!(self, conn, fetch_optional, Ok(None))
    }

    pub async fn fetch_one<'c, E>(self, conn: E) -> Result<PgRow, sqlx::Error>
    where
        E: Executor<'c, Database = Postgres>,
    {
        run!(self, conn, fetch_one, Err(sqlx::Error::RowNotFound))
    }

    pub async fn fetch_all<'c, E>(self, conn: E) -> Result<Vec<PgRow>, sqlx::Error>
    where
        E: Executor<'c, Database = Postgres>,
    {
        run!(self, conn, fetch_all, Ok(Vec::new()))
    }

    /// Run it; rows affected (a PgBouncer-mode `SET LOCAL` prefix adds none).
    pub async fn execute<'c, E>(self, conn: E) -> Result<PgQueryResult, sqlx::Error>
    where
        E: Executor<'c, Database = Postgres>,
    {
        run!(self, conn, execute, Ok(PgQueryResult::default()))
    }

    /// The row, if there is one, as a domain reads it (camelCase column names).
    pub async fn fetch_row<'c, E>(self, conn: E) -> StoreResult<Option<Row>>
    where
        E: Executor<'c, Database = Postgres>,
    {
        let row = self.fetch_optional(conn).await?;
        row.map(|r| decode_one(&r, Naming::Camel)).transpose()
    }

    /// The one row (`INSERT … RETURNING *`), as a domain reads it.
    pub async fn fetch_one_row<'c, E>(self, conn: E) -> StoreResult<Row>
    where
        E: Executor<'c, Database = Postgres>,
    {
        decode_one(&self.fetch_one(conn).await?, Naming::Camel)
    }

    /// Every row, as a domain reads them.
    pub async fn fetch_rows<'c, E>(self, conn: E) -> StoreResult<Vec<Row>>
    where
        E: Executor<'c, Database = Postgres>,
    {
        decode_rows(&self.fetch_all(conn).await?, Naming::Camel)
    }

    /// Run it; how many rows it touched.
    pub async fn rows_affected<'c, E>(self, conn: E) -> StoreResult<u64>
    where
        E: Executor<'c, Database = Postgres>,
    {
        Ok(self.execute(conn).await?.rows_affected())
    }

    fn prepared(self) -> Query<'static, Postgres, PgArguments> {
        match self.mode {
            Mode::Prepared(q) => q,
            Mode::Inline { .. } => unreachable!("inline statements are sent as text"),
        }
    }

    /// The first column of the one row (`SELECT count(*) …`).
    pub async fn fetch_scalar<'c, T, E>(self, conn: E) -> Result<T, sqlx::Error>
    where
        T: for<'r> sqlx::Decode<'r, Postgres> + Type<Postgres>,
        E: Executor<'c, Database = Postgres>,
    {
        use sqlx::Row as _;
        self.fetch_one(conn).await?.try_get(0)
    }

    /// The first column of the row, if there is one.
    pub async fn fetch_optional_scalar<'c, T, E>(self, conn: E) -> Result<Option<T>, sqlx::Error>
    where
        T: for<'r> sqlx::Decode<'r, Postgres> + Type<Postgres>,
        E: Executor<'c, Database = Postgres>,
    {
        use sqlx::Row as _;
        self.fetch_optional(conn)
            .await?
            .map(|r| r.try_get(0))
            .transpose()
    }
}

/// A value encoded by sqlx (binary format), as an inline SQL literal of its type.
fn inline_value<'t, T: Encode<'t, Postgres> + Type<Postgres>>(value: &T) -> Result<String, String> {
    let info = value.produces().unwrap_or_else(T::type_info);
    let oid = info
        .oid()
        .ok_or_else(|| format!("type {info} has no known OID"))?
        .0;
    let mut buf = PgArgumentBuffer::default();
    let is_null = value.encode_by_ref(&mut buf).map_err(|e| e.to_string())?;
    let bytes = match is_null {
        sqlx::encode::IsNull::Yes => None,
        sqlx::encode::IsNull::No => Some(&buf[..]),
    };
    sql_literal(oid, oid, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_inline_as_cast_literals() {
        let id = uuid::Uuid::parse_str("6f1c2c4e-9f0b-4a39-8d2a-0b5b2d7c9e10").unwrap();
        assert_eq!(
            inline_value(&id).unwrap(),
            "('6f1c2c4e-9f0b-4a39-8d2a-0b5b2d7c9e10'::uuid)"
        );
        assert_eq!(inline_value(&"it's").unwrap(), "('it''s'::text)");
        assert_eq!(inline_value(&"a\\b'").unwrap(), "(E'a\\\\b'''::text)");
        assert_eq!(inline_value(&-5i64).unwrap(), "('-5'::int8)");
        assert_eq!(
            inline_value(&Option::<String>::None).unwrap(),
            "(NULL::text)"
        );
        assert_eq!(inline_value(&true).unwrap(), "('t'::bool)");
        assert_eq!(inline_value(&1.5f64).unwrap(), "('1.5'::float8)");
        assert_eq!(
            inline_value(&vec!["a\"b".to_string(), "c".into()]).unwrap(),
            "(E'{\"a\\\\\"b\",\"c\"}'::text[])"
        );
        assert_eq!(
            inline_value(&Vec::<String>::new()).unwrap(),
            "('{}'::text[])"
        );
        let t = chrono::DateTime::parse_from_rfc3339("2024-02-03T04:05:06.789Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            inline_value(&t).unwrap(),
            "('2024-02-03 04:05:06.789000+00'::timestamptz)"
        );
        let j = serde_json::json!({"a": "x'y"});
        assert_eq!(inline_value(&j).unwrap(), "('{\"a\":\"x''y\"}'::jsonb)");
        assert!(inline_value(&"nul\0").is_err());
    }
}
