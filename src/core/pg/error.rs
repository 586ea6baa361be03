//! The one error type of the core, its stable codes, and the one mapping from `sqlx::Error`.

use std::fmt;

/// Details PostgreSQL attached to an error (SQLSTATE, constraint, table, column, detail).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PgDetails {
    pub code: Option<String>,
    pub constraint: Option<String>,
    pub table: Option<String>,
    pub column: Option<String>,
    pub detail: Option<String>,
}

/// Every way a storage call can fail. `code()` gives the stable `ERR_ADMIN_PG_*` string.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    InvalidArgument(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    UniqueViolation { message: String, pg: Box<PgDetails> },
    #[error("{message}")]
    ForeignKeyViolation { message: String, pg: Box<PgDetails> },
    #[error("{message}")]
    CheckViolation { message: String, pg: Box<PgDetails> },
    #[error("{0}")]
    NotInitialized(String),
    #[error("{message}")]
    Connection { message: String, pg: Box<PgDetails> },
    #[error("{message}")]
    Timeout { message: String, pg: Box<PgDetails> },
    #[error("storage is closed: close() was called")]
    Closed,
    #[error("{0}")]
    Migration(String),
    #[error("{0}")]
    InviteExpired(String),
    #[error("{0}")]
    InviteAccepted(String),
    #[error("{0}")]
    SystemRole(String),
    #[error("{message}")]
    Query { message: String, pg: Box<PgDetails> },
}

/// Shorthand used across the core.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The stable codes, in one list (exported to JS as `ErrorCode`).
pub const ERROR_CODES: &[(&str, &str)] = &[
    ("Config", "ERR_ADMIN_PG_CONFIG"),
    ("InvalidArgument", "ERR_ADMIN_PG_INVALID_ARGUMENT"),
    ("NotFound", "ERR_ADMIN_PG_NOT_FOUND"),
    ("UniqueViolation", "ERR_ADMIN_PG_UNIQUE_VIOLATION"),
    ("ForeignKeyViolation", "ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION"),
    ("CheckViolation", "ERR_ADMIN_PG_CHECK_VIOLATION"),
    ("NotInitialized", "ERR_ADMIN_PG_NOT_INITIALIZED"),
    ("Connection", "ERR_ADMIN_PG_CONNECTION"),
    ("Timeout", "ERR_ADMIN_PG_TIMEOUT"),
    ("Closed", "ERR_ADMIN_PG_CLOSED"),
    ("Migration", "ERR_ADMIN_PG_MIGRATION"),
    ("InviteExpired", "ERR_ADMIN_PG_INVITE_EXPIRED"),
    ("InviteAccepted", "ERR_ADMIN_PG_INVITE_ACCEPTED"),
    ("SystemRole", "ERR_ADMIN_PG_SYSTEM_ROLE"),
    ("Query", "ERR_ADMIN_PG_QUERY"),
];

/// Every entity a not-found message names (`<Entity> not found: <id>`, the TypeScript
/// adapter's wording): the one list of messages a caller may match on.
pub const NOT_FOUND_ENTITIES: &[&str] = &[
    "User",
    "Team",
    "Team member",
    "Team invite",
    "Project",
    "Environment variable",
    "API token",
    "Deployment",
    "Build",
    "Running server",
    "Route",
    "Role",
];

impl StoreError {
    /// The stable `ERR_ADMIN_PG_*` code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Config(_) => "ERR_ADMIN_PG_CONFIG",
            StoreError::InvalidArgument(_) => "ERR_ADMIN_PG_INVALID_ARGUMENT",
            StoreError::NotFound(_) => "ERR_ADMIN_PG_NOT_FOUND",
            StoreError::UniqueViolation { .. } => "ERR_ADMIN_PG_UNIQUE_VIOLATION",
            StoreError::ForeignKeyViolation { .. } => "ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION",
            StoreError::CheckViolation { .. } => "ERR_ADMIN_PG_CHECK_VIOLATION",
            StoreError::NotInitialized(_) => "ERR_ADMIN_PG_NOT_INITIALIZED",
            StoreError::Connection { .. } => "ERR_ADMIN_PG_CONNECTION",
            StoreError::Timeout { .. } => "ERR_ADMIN_PG_TIMEOUT",
            StoreError::Closed => "ERR_ADMIN_PG_CLOSED",
            StoreError::Migration(_) => "ERR_ADMIN_PG_MIGRATION",
            StoreError::InviteExpired(_) => "ERR_ADMIN_PG_INVITE_EXPIRED",
            StoreError::InviteAccepted(_) => "ERR_ADMIN_PG_INVITE_ACCEPTED",
            StoreError::SystemRole(_) => "ERR_ADMIN_PG_SYSTEM_ROLE",
            StoreError::Query { .. } => "ERR_ADMIN_PG_QUERY",
        }
    }

    /// What PostgreSQL said, where it said anything.
    pub fn pg(&self) -> Option<&PgDetails> {
        match self {
            StoreError::UniqueViolation { pg, .. }
            | StoreError::ForeignKeyViolation { pg, .. }
            | StoreError::CheckViolation { pg, .. }
            | StoreError::Connection { pg, .. }
            | StoreError::Timeout { pg, .. }
            | StoreError::Query { pg, .. } => Some(pg),
            _ => None,
        }
    }

    pub fn invalid(msg: impl fmt::Display) -> Self {
        StoreError::InvalidArgument(msg.to_string())
    }

    pub fn not_found(msg: impl fmt::Display) -> Self {
        StoreError::NotFound(msg.to_string())
    }

    /// `Ok(())` when the row was there (a flat delete/stop deleted something), else `missing`.
    pub fn found(found: bool, what: &str, id: &str) -> Result<()> {
        if found {
            Ok(())
        } else {
            Err(StoreError::missing(what, id))
        }
    }

    /// The flat face's error for a write to a missing row, in the TypeScript adapter's wording
    /// (callers match on it): `"<What> not found: <id>"` — `User not found: …`,
    /// `Team not found: …`, `Build not found: …`. Every not-found message is made here; the
    /// entity names in use are listed in `NOT_FOUND_ENTITIES`.
    pub fn missing(what: &str, id: &str) -> Self {
        debug_assert!(NOT_FOUND_ENTITIES.contains(&what), "unlisted entity {what}");
        let id: String = id.chars().take(64).collect();
        StoreError::NotFound(format!("{what} not found: {id}"))
    }

    /// A query error without PostgreSQL details (e.g. `one()` got 2 rows).
    pub fn query(msg: impl fmt::Display) -> Self {
        StoreError::Query {
            message: msg.to_string(),
            pg: Box::default(),
        }
    }

    /// A domain call met a missing schema (3F000) or table (42P01): the storage's schema has
    /// not been created, i.e. `init()` was not run or `disableInit` is set. Only for calls whose
    /// SQL names nothing but the storage's own tables (never raw SQL from JS).
    pub fn or_not_initialized(self, schema: &str) -> Self {
        match &self {
            StoreError::Query { message, pg }
                if matches!(pg.code.as_deref(), Some("3F000" | "42P01")) =>
            {
                StoreError::NotInitialized(format!(
                    "schema \"{schema}\" is not initialized ({message}): call init() first \
                     (with disableInit, create the schema from a storage without it)"
                ))
            }
            _ => self,
        }
    }

    /// A unique violation in the domain's words: `describe` gets the violated constraint's
    /// name and gives the sentence to use, or `None` to keep PostgreSQL's. Any other error
    /// comes back as it is.
    pub fn describe_unique(self, describe: impl FnOnce(&str) -> Option<String>) -> Self {
        if !matches!(self, StoreError::UniqueViolation { .. }) {
            return self;
        }
        let constraint = self
            .pg()
            .and_then(|p| p.constraint.clone())
            .unwrap_or_default();
        match describe(&constraint) {
            Some(message) => self.with_message(message),
            None => self,
        }
    }

    /// The same error with another message (used to give unique violations a domain sentence).
    pub fn with_message(self, message: String) -> Self {
        match self {
            StoreError::UniqueViolation { pg, .. } => StoreError::UniqueViolation { message, pg },
            StoreError::ForeignKeyViolation { pg, .. } => {
                StoreError::ForeignKeyViolation { message, pg }
            }
            other => other,
        }
    }
}

/// Keep user-supplied names short in messages: at most 64 characters, `…` when cut.
pub fn truncate(s: &str) -> String {
    let mut out: String = s.chars().take(64).collect();
    if s.chars().count() > 64 {
        out.push('…');
    }
    out
}

/// Appended to errors that mean "a transaction-pooling proxy is in the way".
pub const POOLER_HINT: &str = ": the connection goes through a transaction-pooling proxy \
     (PgBouncer, Supabase's or Neon's pooler), which does not keep prepared statements or \
     startup options: set `pgbouncer: true` in the storage config";

/// A prepared statement of ours missing or already present on the server: our connection's
/// statements are on another server connection, which only a pooling proxy does.
fn lost_prepared_statement(code: &str, message: &str) -> bool {
    match code {
        // invalid_sql_statement_name
        "26000" => {
            message.starts_with("prepared statement \"sqlx_s_")
                || message.starts_with("unnamed prepared statement does not exist")
        }
        // duplicate_prepared_statement
        "42P05" => message.starts_with("prepared statement \"sqlx_s_"),
        _ => false,
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        use sqlx::Error as E;
        match err {
            E::Database(db) => {
                let pg = match db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                    Some(p) => PgDetails {
                        code: Some(p.code().to_string()),
                        constraint: p.constraint().map(str::to_string),
                        table: p.table().map(str::to_string),
                        column: p.column().map(str::to_string),
                        detail: p.detail().map(str::to_string),
                    },
                    None => PgDetails {
                        code: db.code().map(|c| c.to_string()),
                        constraint: db.constraint().map(str::to_string),
                        table: db.table().map(str::to_string),
                        ..Default::default()
                    },
                };
                let pg = Box::new(pg);
                let message = db.message().to_string();
                let code = pg.code.clone().unwrap_or_default();
                if lost_prepared_statement(&code, &message) {
                    return StoreError::Config(format!(
                        "PostgresAdminStorage: the server lost a prepared statement ({message}){POOLER_HINT}"
                    ));
                }
                if message.starts_with("unsupported startup parameter") {
                    // PgBouncer refusing sqlx's startup parameters (a connection error).
                    return StoreError::Connection {
                        message: format!("{message}{POOLER_HINT}"),
                        pg,
                    };
                }
                match code.as_str() {
                    "23505" => StoreError::UniqueViolation { message, pg },
                    "23503" => StoreError::ForeignKeyViolation { message, pg },
                    "23514" => StoreError::CheckViolation { message, pg },
                    // 57014 query_canceled (statement_timeout), 55P03 lock_not_available
                    "57014" | "55P03" => StoreError::Timeout { message, pg },
                    // invalid_schema_name / undefined_table in our own schema: not initialized
                    // is decided by the caller that knows the schema; here it is a query error.
                    // protocol_violation: a malformed message (e.g. a value the server could
                    // not read), not a broken connection.
                    "08P01" => StoreError::Query { message, pg },
                    c if c.starts_with("08")
                        || c == "57P01"
                        || c == "57P02"
                        || c == "57P03"
                        || c.starts_with("28") =>
                    {
                        StoreError::Connection { message, pg }
                    }
                    "22P02" | "22007" | "22008" | "22003" | "22023" | "22021" | "22P05"
                    | "2201W" | "2201X" | "42804" => StoreError::InvalidArgument(message),
                    _ => StoreError::Query { message, pg },
                }
            }
            E::PoolTimedOut => StoreError::Timeout {
                message: "timed out waiting for a database connection (connectionTimeoutMillis)"
                    .into(),
                pg: Box::default(),
            },
            E::PoolClosed => StoreError::Closed,
            E::Io(e) => {
                let text = e.to_string();
                // rustls reports a rejected certificate as an I/O error of the handshake.
                let message = if text.contains("certificate") {
                    let hint = if text.contains("UnknownIssuer") {
                        " (the server's certificate is not signed by a CA we trust: pass ssl.ca, \
                         or ssl.rejectUnauthorized: false to skip verification)"
                    } else {
                        ""
                    };
                    format!("TLS handshake failed: {text}{hint}")
                } else if e.kind() == std::io::ErrorKind::UnexpectedEof
                    || text.contains("expected to read")
                {
                    // e.g. `expected to read 1414811696 bytes, got 103 bytes at EOF`: what
                    // answered was not a PostgreSQL server (an HTTP server, another service).
                    format!(
                        "database connection failed: the server closed the connection or did not \
                         answer in the PostgreSQL protocol (is a PostgreSQL server listening on \
                         that host and port?) ({text})"
                    )
                } else {
                    format!("database connection failed: {text}")
                };
                StoreError::Connection {
                    message,
                    pg: Box::default(),
                }
            }
            E::Tls(e) => StoreError::Connection {
                message: format!("TLS connection to the database failed: {e}"),
                pg: Box::default(),
            },
            E::Protocol(e) => StoreError::Connection {
                message: format!("database protocol error: {e}"),
                pg: Box::default(),
            },
            E::WorkerCrashed => StoreError::Connection {
                message: "database connection worker crashed".into(),
                pg: Box::default(),
            },
            E::Configuration(e) => StoreError::Config(format!("invalid connection options: {e}")),
            E::Encode(e) => StoreError::InvalidArgument(format!("cannot encode value: {e}")),
            E::Decode(e) | E::ColumnDecode { source: e, .. } => {
                StoreError::query(format!("cannot decode value: {e}"))
            }
            other => StoreError::query(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_a_listed_code() {
        let samples = [
            StoreError::Config(String::new()),
            StoreError::NotFound(String::new()),
            StoreError::Closed,
            StoreError::query("x"),
        ];
        for e in samples {
            assert!(ERROR_CODES.iter().any(|(_, c)| *c == e.code()));
        }
        assert_eq!(ERROR_CODES.len(), 15);
    }

    #[test]
    fn missing_schema_or_table_is_not_initialized() {
        for code in ["3F000", "42P01"] {
            let e = StoreError::Query {
                message: "relation does not exist".into(),
                pg: Box::new(PgDetails {
                    code: Some(code.into()),
                    ..Default::default()
                }),
            };
            let e = e.or_not_initialized("s1");
            assert_eq!(e.code(), "ERR_ADMIN_PG_NOT_INITIALIZED");
            assert!(e.to_string().contains("\"s1\""));
        }
        let other = StoreError::query("x").or_not_initialized("s1");
        assert_eq!(other.code(), "ERR_ADMIN_PG_QUERY");
    }

    #[test]
    fn pooler_symptoms_name_the_fix() {
        assert!(lost_prepared_statement(
            "26000",
            "prepared statement \"sqlx_s_3\" does not exist"
        ));
        assert!(lost_prepared_statement(
            "42P05",
            "prepared statement \"sqlx_s_1\" already exists"
        ));
        assert!(lost_prepared_statement(
            "26000",
            "unnamed prepared statement does not exist"
        ));
        // The user's own EXECUTE of a missing statement is just a query error.
        assert!(!lost_prepared_statement(
            "26000",
            "prepared statement \"mine\" does not exist"
        ));
    }

    #[test]
    fn pool_timeout_maps_to_timeout() {
        let e: StoreError = sqlx::Error::PoolTimedOut.into();
        assert_eq!(e.code(), "ERR_ADMIN_PG_TIMEOUT");
    }
}
