//! Validated storage configuration. Built from whichever config variant the caller used;
//! its `Debug` never shows the password.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgSslMode};

use super::error::{Result, StoreError};

/// TLS settings (`ssl: true` or `ssl: { rejectUnauthorized, ca, cert, key }`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SslConfig {
    /// Verify the server certificate (node-postgres' `rejectUnauthorized`).
    pub reject_unauthorized: Option<bool>,
    /// PEM of the CA that signed the server certificate.
    pub ca: Option<String>,
    /// PEM client certificate and key.
    pub cert: Option<String>,
    pub key: Option<String>,
}

impl fmt::Debug for SslConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslConfig")
            .field("reject_unauthorized", &self.reject_unauthorized)
            .field("ca", &self.ca.as_ref().map(|_| "<pem>"))
            .field("cert", &self.cert.as_ref().map(|_| "<pem>"))
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Where to connect.
#[derive(Clone, PartialEq, Eq)]
pub enum ConnectSource {
    /// `{ connectionString }` (also what a `pg.Pool` built from a connection string gives us).
    Url(String),
    /// `{ host, port, database, user, password }`.
    Host {
        host: String,
        port: u16,
        database: String,
        user: Option<String>,
        password: Option<String>,
    },
}

impl fmt::Debug for ConnectSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectSource::Url(_) => f.write_str("Url(<redacted>)"),
            ConnectSource::Host {
                host,
                port,
                database,
                user,
                password,
            } => f
                .debug_struct("Host")
                .field("host", host)
                .field("port", port)
                .field("database", database)
                .field("user", user)
                .field("password", &password.as_ref().map(|_| "<redacted>"))
                .finish(),
        }
    }
}

/// One read replica (`readReplicas[i]`): its server, and optionally its own TLS settings and
/// pool size (by default the primary's).
#[derive(Clone, Debug)]
pub struct ReplicaConfig {
    pub source: ConnectSource,
    pub ssl: Option<SslConfig>,
    pub max_connections: Option<u32>,
}

/// Everything the storage needs to know, validated.
#[derive(Clone, Debug)]
pub struct StorageConfig {
    pub source: ConnectSource,
    pub ssl: Option<SslConfig>,
    pub schema: String,
    pub disable_init: bool,
    pub skip_default_indexes: bool,
    pub max_connections: u32,
    pub idle_timeout: Duration,
    pub connection_timeout: Duration,
    pub statement_timeout: Option<Duration>,
    pub application_name: Option<String>,
    /// Servers that serve read-only calls (hot standbys of the primary), round robin.
    pub read_replicas: Vec<ReplicaConfig>,
    /// Send every call to the primary, even with replicas configured.
    pub read_your_writes: bool,
    /// A replica further behind the primary than this is skipped.
    pub max_replica_lag: Duration,
    /// Behind a transaction-pooling proxy (PgBouncer, Supabase's or Neon's pooler): no named
    /// prepared statements, no session state, no startup options the proxy would refuse.
    pub pgbouncer: bool,
}

/// The default schema name, as in the seed.
pub const DEFAULT_SCHEMA: &str = "mastra_admin";

/// The default `maxReplicaLagMs`.
pub const DEFAULT_MAX_REPLICA_LAG_MS: u64 = 10_000;

impl StorageConfig {
    /// A config with the contract's defaults for everything but the source.
    pub fn new(source: ConnectSource) -> Self {
        StorageConfig {
            source,
            ssl: None,
            schema: DEFAULT_SCHEMA.to_string(),
            disable_init: false,
            skip_default_indexes: false,
            max_connections: 20,
            idle_timeout: Duration::from_millis(30_000),
            connection_timeout: Duration::from_millis(30_000),
            statement_timeout: None,
            application_name: None,
            pgbouncer: false,
            read_replicas: Vec::new(),
            read_your_writes: false,
            max_replica_lag: Duration::from_millis(DEFAULT_MAX_REPLICA_LAG_MS),
        }
    }

    /// How to connect to one replica: its server (and TLS, when it has its own), every other
    /// setting (schema, timeouts, application name, pool size by default) from the primary's.
    pub fn for_replica(&self, replica: &ReplicaConfig) -> StorageConfig {
        StorageConfig {
            source: replica.source.clone(),
            ssl: replica.ssl.clone().or_else(|| self.ssl.clone()),
            max_connections: replica.max_connections.unwrap_or(self.max_connections),
            read_replicas: Vec::new(),
            ..self.clone()
        }
    }

    /// Check every field; the message names the field that is wrong.
    pub fn validate(&self) -> Result<()> {
        validate_identifier(&self.schema, "schemaName")?;
        self.check_no_nul()?;
        match &self.source {
            ConnectSource::Url(url) => {
                if url.trim().is_empty() {
                    return Err(StoreError::Config(
                        "PostgresAdminStorage: connectionString must be a non-empty string".into(),
                    ));
                }
                if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                    return Err(StoreError::Config(
                        "PostgresAdminStorage: connectionString must start with postgres:// or postgresql://".into(),
                    ));
                }
                // Never echo the string: it may hold a password.
                PgConnectOptions::from_str(url).map_err(|_| {
                    StoreError::Config(
                        "PostgresAdminStorage: connectionString is not a valid PostgreSQL URL"
                            .into(),
                    )
                })?;
            }
            ConnectSource::Host {
                host,
                port,
                database,
                ..
            } => {
                if host.trim().is_empty() {
                    return Err(StoreError::Config(
                        "PostgresAdminStorage: host must be a non-empty string".into(),
                    ));
                }
                if database.trim().is_empty() {
                    return Err(StoreError::Config(
                        "PostgresAdminStorage: database must be a non-empty string".into(),
                    ));
                }
                if *port == 0 {
                    return Err(StoreError::Config(
                        "PostgresAdminStorage: port must be a positive number".into(),
                    ));
                }
            }
        }
        if self.max_connections == 0 {
            return Err(StoreError::Config(
                "PostgresAdminStorage: max must be a positive integer".into(),
            ));
        }
        for (i, replica) in self.read_replicas.iter().enumerate() {
            // The same checks, the message naming the replica's field.
            self.for_replica(replica).validate().map_err(|e| match e {
                StoreError::Config(m) => StoreError::Config(m.replacen(
                    "PostgresAdminStorage: ",
                    &format!("PostgresAdminStorage: readReplicas[{i}]."),
                    1,
                )),
                other => other,
            })?;
        }
        Ok(())
    }

    /// The startup and password messages carry these as NUL-terminated strings: a NUL inside
    /// would cut them short (or shift the fields after it). `%00` in a URL decodes to one.
    fn check_no_nul(&self) -> Result<()> {
        let bad = |field: &str| {
            Err(StoreError::Config(format!(
                "PostgresAdminStorage: {field} must not contain NUL characters"
            )))
        };
        match &self.source {
            ConnectSource::Url(url) => {
                if url.contains('\0') || url.to_ascii_lowercase().contains("%00") {
                    return bad("connectionString");
                }
            }
            ConnectSource::Host {
                host,
                database,
                user,
                password,
                ..
            } => {
                for (field, value) in [
                    ("host", Some(host)),
                    ("database", Some(database)),
                    ("user", user.as_ref()),
                    ("password", password.as_ref()),
                ] {
                    if value.is_some_and(|v| v.contains('\0')) {
                        return bad(field);
                    }
                }
            }
        }
        if self
            .application_name
            .as_ref()
            .is_some_and(|n| n.contains('\0'))
        {
            return bad("applicationName");
        }
        Ok(())
    }

    /// sqlx connect options for this config.
    pub fn connect_options(&self) -> Result<PgConnectOptions> {
        let mut opts = match &self.source {
            ConnectSource::Url(url) => PgConnectOptions::from_str(url).map_err(|_| {
                StoreError::Config(
                    "PostgresAdminStorage: connectionString is not a valid PostgreSQL URL".into(),
                )
            })?,
            ConnectSource::Host {
                host,
                port,
                database,
                user,
                password,
            } => {
                let mut o = PgConnectOptions::new_without_pgpass()
                    .host(host)
                    .port(*port)
                    .database(database);
                if let Some(u) = user {
                    o = o.username(u);
                }
                if let Some(p) = password {
                    o = o.password(p);
                }
                o
            }
        };
        if let Some(ssl) = &self.ssl {
            let verify = ssl.reject_unauthorized.unwrap_or(false);
            opts = opts.ssl_mode(match (verify, ssl.ca.is_some()) {
                (true, _) => PgSslMode::VerifyFull,
                // A CA given without an explicit rejectUnauthorized: check the chain, like pg.
                (false, true) if ssl.reject_unauthorized.is_none() => PgSslMode::VerifyCa,
                _ => PgSslMode::Require,
            });
            if let Some(ca) = &ssl.ca {
                opts = opts.ssl_root_cert_from_pem(ca.as_bytes().to_vec());
            }
            if let Some(cert) = &ssl.cert {
                opts = opts.ssl_client_cert_from_pem(cert.as_bytes());
            }
            if let Some(key) = &ssl.key {
                opts = opts.ssl_client_key_from_pem(key.as_bytes());
            }
        } else if !self.url_sets_sslmode() {
            // node-postgres does not use TLS unless asked to (`ssl`, or `sslmode` in the URL);
            // sqlx would otherwise negotiate it whenever the server offers it.
            opts = opts.ssl_mode(PgSslMode::Disable);
        }
        if let Some(name) = &self.application_name {
            opts = opts.application_name(name);
        }
        if self.pgbouncer {
            // PgBouncer refuses startup parameters it does not know (`extra_float_digits`,
            // `options`): send none. Floats need no extra digits (PostgreSQL 12+ prints the
            // shortest exact text), and statement_timeout is set per statement (`Ctx`).
            opts = opts.extra_float_digits(None);
        } else if let Some(t) = self.statement_timeout {
            opts = opts.options([("statement_timeout", t.as_millis().to_string())]);
        }
        Ok(opts)
    }

    fn url_sets_sslmode(&self) -> bool {
        matches!(&self.source, ConnectSource::Url(u) if u.contains("sslmode="))
    }

    /// `host:port` and user for error messages (never the password).
    pub fn describe_target(&self) -> String {
        match self.connect_options() {
            Ok(o) => format!(
                "{}:{} as user \"{}\"",
                o.get_host(),
                o.get_port(),
                o.get_username()
            ),
            Err(_) => "the configured server".into(),
        }
    }
}

/// `^[A-Za-z_][A-Za-z0-9_]*$`, at most 63 bytes (PostgreSQL's identifier limit).
pub fn validate_identifier(value: &str, label: &str) -> Result<()> {
    let mut chars = value.chars();
    let ok_first = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !ok_first || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') || value.len() > 63 {
        return Err(StoreError::Config(format!(
            "PostgresAdminStorage: {label} contains invalid characters. Only letters, numbers, and underscores are allowed (at most 63, not starting with a digit)."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let mut c = StorageConfig::new(ConnectSource::Host {
            host: "h".into(),
            port: 5432,
            database: "d".into(),
            user: Some("u".into()),
            password: Some("hunter2".into()),
        });
        c.ssl = Some(SslConfig {
            key: Some("SECRETKEY".into()),
            ..Default::default()
        });
        let s = format!("{c:?}");
        assert!(!s.contains("hunter2") && !s.contains("SECRETKEY"), "{s}");
        let u = StorageConfig::new(ConnectSource::Url("postgres://u:hunter2@h/d".into()));
        assert!(!format!("{u:?}").contains("hunter2"));
    }

    #[test]
    fn no_tls_unless_asked_for() {
        let plain = StorageConfig::new(ConnectSource::Url("postgres://u@h/d".into()));
        assert!(matches!(
            plain.connect_options().unwrap().get_ssl_mode(),
            PgSslMode::Disable
        ));
        let asked = StorageConfig::new(ConnectSource::Url(
            "postgres://u@h/d?sslmode=require".into(),
        ));
        assert!(matches!(
            asked.connect_options().unwrap().get_ssl_mode(),
            PgSslMode::Require
        ));
        let mut ssl = StorageConfig::new(ConnectSource::Url("postgres://u@h/d".into()));
        ssl.ssl = Some(SslConfig::default());
        assert!(matches!(
            ssl.connect_options().unwrap().get_ssl_mode(),
            PgSslMode::Require
        ));
    }

    #[test]
    fn replica_errors_name_the_replica() {
        let mut c = StorageConfig::new(ConnectSource::Url("postgres://u@h/d".into()));
        c.read_replicas.push(ReplicaConfig {
            source: ConnectSource::Url("mysql://u:hunter2@r/d".into()),
            ssl: None,
            max_connections: None,
        });
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("readReplicas[0].connectionString"), "{e}");
        assert!(!e.contains("hunter2"));
    }

    #[test]
    fn replicas_inherit_the_primary_settings() {
        let mut c = StorageConfig::new(ConnectSource::Url("postgres://u@h/d".into()));
        c.schema = "s1".into();
        c.max_connections = 7;
        c.ssl = Some(SslConfig::default());
        let r = ReplicaConfig {
            source: ConnectSource::Url("postgres://u@r/d".into()),
            ssl: None,
            max_connections: Some(3),
        };
        let rc = c.for_replica(&r);
        assert_eq!(rc.schema, "s1");
        assert_eq!(rc.max_connections, 3);
        assert!(rc.ssl.is_some());
        assert_eq!(rc.source, r.source);
    }

    #[test]
    fn nul_characters_are_refused_in_startup_fields() {
        let mut c = StorageConfig::new(ConnectSource::Url("postgres://u:p%00x@h/d".into()));
        assert_eq!(c.validate().unwrap_err().code(), "ERR_ADMIN_PG_CONFIG");
        c.source = ConnectSource::Url("postgres://u@h/d".into());
        c.application_name = Some("a\0b".into());
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("applicationName"));
        let h = StorageConfig::new(ConnectSource::Host {
            host: "h".into(),
            port: 5432,
            database: "d".into(),
            user: Some("u".into()),
            password: Some("pw\0".into()),
        });
        assert!(h.validate().unwrap_err().to_string().contains("password"));
    }

    #[test]
    fn identifiers_are_checked() {
        assert!(validate_identifier("mastra_admin", "schemaName").is_ok());
        assert!(validate_identifier("_x1", "schemaName").is_ok());
        for bad in ["", "1abc", "a-b", "a\"; drop", "a b", &"x".repeat(64)] {
            assert!(validate_identifier(bad, "schemaName").is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_url_message_does_not_echo_it() {
        let c = StorageConfig::new(ConnectSource::Url("mysql://u:hunter2@h/d".into()));
        let e = c.validate().unwrap_err();
        assert_eq!(e.code(), "ERR_ADMIN_PG_CONFIG");
        assert!(!e.to_string().contains("hunter2"));
    }
}
