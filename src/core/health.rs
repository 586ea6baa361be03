//! What the pool does not tell us about the server's health.
//!
//! 1. **Suspect idle connections.** The pool does not ping a connection before handing it out
//!    (a round trip per call). When the server drops every connection at once (restart,
//!    `pg_terminate_backend`, failover), each dead idle connection would then fail one call.
//!    So after any connection error, idle connections that have been idle since before it are
//!    pinged once before reuse, and the dead ones are replaced.
//! 2. **Refusing server.** The pool retries a refused connection until the acquire deadline
//!    (`connectionTimeoutMillis`), then reports only "timed out". When an acquire is slow, one
//!    shared probe connection tells a busy pool (keep waiting) from a server that does not
//!    accept connections (fail now, with its reason).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _};
use tokio::sync::Mutex;

use super::error::StoreError;

/// How long a probe's answer is reused by other slow acquires.
const ACCEPTING_FOR: Duration = Duration::from_secs(2);
const REFUSED_FOR: Duration = Duration::from_millis(200);
/// The longest a probe waits for the server.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a probe found.
#[derive(Debug)]
pub enum Reachability {
    /// The server accepted a connection: the pool is just busy.
    Accepting,
    /// The server refused it (down, shutting down, wrong password, TLS error, ...).
    Refused(StoreError),
    /// No answer in time.
    Unknown,
}

#[derive(Clone)]
enum Probed {
    Accepting,
    Refused(String, Option<String>),
    Unknown,
}

/// Per-storage health state, shared with the pool's `before_acquire` hook.
pub struct Health {
    clock: Instant,
    /// Microseconds since `clock` of the last connection failure, plus one; 0 = never.
    last_failure: AtomicU64,
    /// The last probe: when, what it found, and `last_failure` at the time (an "accepting"
    /// answer is stale as soon as a connection has failed since).
    last_probe: Mutex<Option<(Instant, Probed, u64)>>,
}

impl Default for Health {
    fn default() -> Self {
        Self::new()
    }
}

impl Health {
    pub fn new() -> Health {
        Health {
            clock: Instant::now(),
            last_failure: AtomicU64::new(0),
            last_probe: Mutex::new(None),
        }
    }

    fn now_micros(&self) -> u64 {
        self.clock.elapsed().as_micros() as u64 + 1
    }

    /// A connection to the server failed or was dropped.
    pub fn record_failure(&self) {
        self.last_failure
            .fetch_max(self.now_micros(), Ordering::AcqRel);
    }

    /// Whether an idle connection, idle for `idle_for`, has been idle since a failure.
    pub fn is_suspect(&self, idle_for: Duration) -> bool {
        let failed_at = self.last_failure.load(Ordering::Acquire);
        let idle_since = self
            .now_micros()
            .saturating_sub(idle_for.as_micros() as u64);
        failed_at != 0 && failed_at >= idle_since
    }

    /// Whether the server accepts connections now (one probe at a time, answers reused briefly).
    pub async fn probe(&self, options: &PgConnectOptions, limit: Duration) -> Reachability {
        let mut last = self.last_probe.lock().await;
        let failures = self.last_failure.load(Ordering::Acquire);
        let fresh = match &*last {
            Some((at, Probed::Accepting, seen)) => {
                *seen == failures && at.elapsed() < ACCEPTING_FOR
            }
            Some((at, Probed::Refused(..), _)) => at.elapsed() < REFUSED_FOR,
            _ => false,
        };
        if !fresh {
            let outcome = connect_once(options, limit.min(PROBE_TIMEOUT)).await;
            *last = Some((
                Instant::now(),
                outcome,
                self.last_failure.load(Ordering::Acquire),
            ));
        }
        match last.as_ref().map(|(_, p, _)| p.clone()) {
            Some(Probed::Accepting) => Reachability::Accepting,
            Some(Probed::Refused(message, code)) => Reachability::Refused(StoreError::Connection {
                message,
                pg: Box::new(super::error::PgDetails {
                    code,
                    ..Default::default()
                }),
            }),
            _ => Reachability::Unknown,
        }
    }
}

async fn connect_once(options: &PgConnectOptions, limit: Duration) -> Probed {
    match tokio::time::timeout(limit, options.connect()).await {
        Ok(Ok(conn)) => {
            // Closing politely costs a round trip; the answer does not depend on it.
            let _ = tokio::time::timeout(Duration::from_millis(500), conn.close()).await;
            Probed::Accepting
        }
        // Full: the server is up, a connection will come free.
        Ok(Err(sqlx::Error::Database(e))) if e.code().as_deref() == Some("53300") => {
            Probed::Accepting
        }
        Ok(Err(e)) => {
            let err = StoreError::from(e);
            let code = err.pg().and_then(|p| p.code.clone());
            Probed::Refused(err.to_string(), code)
        }
        Err(_) => Probed::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_idle_since_a_failure_are_suspect() {
        let h = Health::new();
        assert!(!h.is_suspect(Duration::from_secs(3600)), "no failure yet");
        std::thread::sleep(Duration::from_millis(5));
        h.record_failure();
        assert!(
            h.is_suspect(Duration::from_millis(50)),
            "idle before the failure"
        );
        std::thread::sleep(Duration::from_millis(5));
        assert!(
            !h.is_suspect(Duration::from_micros(10)),
            "idle only after it"
        );
    }
}
