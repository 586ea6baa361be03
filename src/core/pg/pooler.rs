//! Without `pgbouncer: true`, statements are named prepared statements cached per connection.
//! Behind a transaction-pooling proxy that does not track them (PgBouncer before 1.21, or with
//! `max_prepared_statements = 0`), a connection's statements live on whichever server
//! connection it had when it prepared them: later ones fail ("prepared statement \"sqlx_s_3\"
//! does not exist", mapped to `ERR_ADMIN_PG_CONFIG` in `error.rs`) or, worse, execute another
//! client's statement of the same name. A default PgBouncer refuses our startup parameters
//! (`extra_float_digits`), so we never get that far; one configured to ignore them would let us.
//!
//! So a default-mode storage checks, once, in the background when it first connects (so no
//! call waits for it), whether a session is really its own: a probe connection reads its
//! backend pid, a second connection reads its own, then the first reads its pid again. PostgreSQL directly (or a session-pooling proxy) gives the second
//! connection another backend and the first the same one; a transaction pooler hands the idle
//! server connection to the next client (PgBouncer reuses the most recent one) or moves us to
//! another. If so, every call of that storage rejects with `ERR_ADMIN_PG_CONFIG` naming the fix.
//! A probe that cannot finish (no second connection; 5 s or half of connectionTimeoutMillis)
//! concludes nothing.
//!
//! A probe that finds the session its own is remembered for the process, by endpoint (host,
//! port, database, user): the next storage on the same endpoint (a second storage, one made
//! anew per request or test) starts with that verdict and opens no probe connections.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions as _, Connection as _, Executor as _, Row as _};
use tokio::sync::OnceCell;

use super::error::{StoreError, POOLER_HINT};

/// The verdict of the probe, shared by the pool's connections.
pub struct PoolerGuard {
    opts: PgConnectOptions,
    /// `endpoint(&opts)`: the key of a verdict remembered for the process.
    endpoint: String,
    /// How long the probe may take (it delays the storage's first connection).
    limit: Duration,
    verdict: OnceCell<bool>,
    started: std::sync::atomic::AtomicBool,
    done: tokio::sync::Notify,
}

impl PoolerGuard {
    /// `connection_timeout`: the storage's; the probe takes at most half of it (and 5 s).
    pub fn new(opts: PgConnectOptions, connection_timeout: Duration) -> PoolerGuard {
        let endpoint = endpoint(&opts);
        let known = known_direct()
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&endpoint);
        PoolerGuard {
            opts,
            endpoint,
            limit: (connection_timeout / 2).min(Duration::from_secs(5)),
            verdict: if known {
                OnceCell::new_with(Some(false))
            } else {
                OnceCell::new()
            },
            started: std::sync::atomic::AtomicBool::new(known),
            done: tokio::sync::Notify::new(),
        }
    }

    /// Start the probe (once), in the background on two connections of its own.
    pub fn start(self: &std::sync::Arc<Self>) {
        if self.started.swap(true, std::sync::atomic::Ordering::AcqRel) {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let me = self.clone();
        rt.spawn(async move {
            // Both connections open at once (a pooler assigns a server connection when a
            // statement runs, not at connect); they are closed after the verdict is out.
            let mut conns = None;
            let verdict = tokio::time::timeout(me.limit, async {
                let (first, other) = tokio::join!(me.opts.connect(), me.opts.connect());
                let (first, other) = conns.insert((first?, other?));
                probe(first, other).await
            })
            .await;
            if matches!(verdict, Ok(Ok(false))) {
                known_direct()
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(me.endpoint.clone());
            }
            let verdict = verdict.ok().and_then(Result::ok).unwrap_or(false);
            let _ = me.verdict.set(verdict);
            me.done.notify_waiters();
            if let Some((first, other)) = conns {
                let _ = tokio::join!(first.close(), other.close());
            }
        });
    }

    /// Wait (only until the probe's first verdict) so that no call runs on an unchecked
    /// server; afterwards this is a load of a set cell.
    pub async fn wait(&self) {
        if self.verdict.initialized() {
            return;
        }
        let notified = self.done.notified();
        if self.verdict.initialized() {
            return;
        }
        let _ = tokio::time::timeout(self.limit + Duration::from_millis(100), notified).await;
    }

    /// A transaction pooler was found: the storage must not be used without `pgbouncer: true`.
    pub fn detected(&self) -> bool {
        self.verdict.get() == Some(&true)
    }

    pub fn error() -> StoreError {
        StoreError::Config(format!(
            "PostgresAdminStorage: another client's session answered on this storage's connection{POOLER_HINT}"
        ))
    }
}

/// Endpoints whose probe found each session its own (this process).
fn known_direct() -> &'static std::sync::Mutex<std::collections::HashSet<String>> {
    static KNOWN: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<String>>> =
        std::sync::OnceLock::new();
    KNOWN.get_or_init(Default::default)
}

/// Host, port, database and user: what decides which server (or pooler) answers.
fn endpoint(opts: &PgConnectOptions) -> String {
    format!(
        "{}:{}/{}?user={}",
        opts.get_host(),
        opts.get_port(),
        opts.get_database().unwrap_or(""),
        opts.get_username()
    )
}

async fn backend_pid(conn: &mut PgConnection) -> Result<i32, sqlx::Error> {
    // Simple protocol: the probe itself prepares nothing.
    conn.fetch_one(sqlx::raw_sql("SELECT pg_backend_pid()"))
        .await?
        .try_get::<i32, _>(0)
}

async fn probe(conn: &mut PgConnection, other: &mut PgConnection) -> Result<bool, sqlx::Error> {
    let first = backend_pid(conn).await?;
    let theirs = backend_pid(other).await?;
    let again = backend_pid(conn).await?;
    Ok(theirs == first || again != first)
}
