//! The build queue's wake-up line: one LISTEN connection per storage, shared by every
//! `waitForBuild` waiter of that storage.
//!
//! A build becoming queued fires a NOTIFY on the schema's channel (a trigger, migration 0004).
//! The listener turns notifications into bumps of a generation counter that every waiter
//! watches; a woken waiter tries to claim, and waits again when another worker was faster.
//!
//! Notifications can be lost (the LISTEN connection drops, PgBouncer in transaction mode, a
//! write with triggers disabled), so waiters also poll, and the listener bumps the counter
//! whenever it (re)starts listening: a lost notification costs at most one poll interval.
//!
//! The connection is opened on the first wait and held until `close()`. It lives in a pool of
//! its own (one connection, no idle timeout), so it never takes a slot from the query pool.
//! Nothing here holds the Node process open: only pending calls do.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use md5::{Digest, Md5};
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use super::error::{Result, StoreError};

/// Prefix of the per-schema notification channel.
const CHANNEL_PREFIX: &str = "admin_pg_native_builds_";

/// PostgreSQL's identifier limit (NAMEDATALEN - 1), which channel names obey.
const MAX_IDENTIFIER: usize = 63;

/// The channel a schema's queued builds are announced on: `admin_pg_native_builds_<schema>`,
/// or `admin_pg_native_builds_<md5(schema)>` when that is longer than 63 bytes. Must agree
/// with the trigger function of `migrations/0004_build_queue_notify.sql`.
pub fn builds_channel(schema: &str) -> String {
    let plain = format!("{CHANNEL_PREFIX}{schema}");
    if plain.len() <= MAX_IDENTIFIER {
        return plain;
    }
    let digest = Md5::digest(schema.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{CHANNEL_PREFIX}{hex}")
}

/// Wakes waiters; the value only ever grows, waiters just watch for a change.
type Wakes = Arc<watch::Sender<u64>>;

fn wake_all(wakes: &Wakes) {
    wakes.send_modify(|g| *g = g.wrapping_add(1));
}

/// The running LISTEN task and its one-connection pool.
struct Running {
    task: JoinHandle<()>,
    pool: PgPool,
}

/// One storage's LISTEN connection, started by the first waiter.
pub struct QueueListener {
    options: PgConnectOptions,
    channel: String,
    connect_timeout: Duration,
    wakes: Wakes,
    running: Mutex<Option<Running>>,
    closed: AtomicBool,
}

impl QueueListener {
    /// Nothing is connected until the first `subscribe`.
    pub fn new(options: PgConnectOptions, schema: &str, connect_timeout: Duration) -> Self {
        QueueListener {
            options,
            channel: builds_channel(schema),
            connect_timeout,
            wakes: Arc::new(watch::channel(0).0),
            running: Mutex::new(None),
            closed: AtomicBool::new(false),
        }
    }

    /// The channel listened on.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    /// A receiver that changes whenever a build may have been queued. Starts the LISTEN task
    /// on first use (inside the tokio runtime). Whatever is queued before the task is actually
    /// listening is caught by the wake it sends once it is.
    pub fn subscribe(&self) -> Result<watch::Receiver<u64>> {
        if self.closed.load(Ordering::Acquire) {
            return Err(StoreError::Closed);
        }
        let rx = self.wakes.subscribe();
        let mut running = self.running.lock().unwrap();
        if running.is_none() {
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .min_connections(0)
                .idle_timeout(None)
                .max_lifetime(None)
                .acquire_timeout(self.connect_timeout)
                .connect_lazy_with(self.options.clone());
            let task = tokio::spawn(listen(
                pool.clone(),
                self.channel.clone(),
                self.wakes.clone(),
            ));
            *running = Some(Running { task, pool });
        }
        Ok(rx)
    }

    /// Stop listening, close the connection, and wake every waiter (they then find the storage
    /// closed).
    pub async fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let running = self.running.lock().unwrap().take();
        if let Some(Running { task, pool }) = running {
            // Dropping the listener hands its connection back to its pool (after an UNLISTEN),
            // which then closes; bounded, so a dead network cannot hold close() forever.
            task.abort();
            let _ = task.await;
            let _ = tokio::time::timeout(Duration::from_secs(5), pool.close()).await;
        }
        wake_all(&self.wakes);
    }
}

/// The LISTEN loop: reconnects with backoff until the pool is closed or the task aborted.
async fn listen(pool: PgPool, channel: String, wakes: Wakes) {
    const FIRST_BACKOFF: Duration = Duration::from_millis(100);
    const MAX_BACKOFF: Duration = Duration::from_secs(5);
    let mut backoff = FIRST_BACKOFF;
    while !pool.is_closed() {
        let connected = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(&channel).await?;
            Ok::<_, sqlx::Error>(listener)
        }
        .await;
        if let Ok(mut listener) = connected {
            backoff = FIRST_BACKOFF;
            // Anything queued before LISTEN took effect was never announced to us.
            wake_all(&wakes);
            loop {
                match listener.try_recv().await {
                    Ok(Some(_)) => {
                        // One wake for everything already received.
                        while listener.next_buffered().is_some() {}
                        wake_all(&wakes);
                    }
                    // The connection was lost and re-established: notifications may be lost.
                    Ok(None) => wake_all(&wakes),
                    // The pool was closed, or reconnecting failed: start over below.
                    Err(_) => break,
                }
            }
            wake_all(&wakes);
        }
        if pool.is_closed() {
            break;
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// A caller's request to stop waiting (an `AbortSignal` on the JS side), settable from any
/// thread.
#[derive(Default)]
pub struct Cancel {
    cancelled: AtomicBool,
    notify: Notify,
}

impl Cancel {
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Release);
        self.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    /// Resolves once `cancel` has been called (at once if it already was).
    pub async fn cancelled(&self) {
        let notified = self.notify.notified();
        tokio::pin!(notified);
        // Registered before the check, so a cancel in between is not missed.
        notified.as_mut().enable();
        if self.is_cancelled() {
            return;
        }
        notified.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_is_the_prefixed_schema_when_it_fits() {
        assert_eq!(
            builds_channel("mastra_admin"),
            "admin_pg_native_builds_mastra_admin"
        );
        let forty = "s".repeat(40);
        assert_eq!(builds_channel(&forty).len(), 63);
    }

    #[test]
    fn channel_of_a_long_schema_is_the_md5_of_it() {
        let long = "s".repeat(41);
        let ch = builds_channel(&long);
        assert!(ch.len() <= 63);
        assert!(ch.starts_with(CHANNEL_PREFIX));
        // md5 of the empty string, to pin the hex encoding to PostgreSQL's md5().
        let digest = Md5::digest(b"");
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "d41d8cd98f00b204e9800998ecf8427e");
        assert_ne!(builds_channel(&"t".repeat(41)), ch);
    }

    #[tokio::test]
    async fn cancel_wakes_a_waiter_and_later_waits_return_at_once() {
        let c = Arc::new(Cancel::default());
        let c2 = c.clone();
        let waiter = tokio::spawn(async move { c2.cancelled().await });
        tokio::task::yield_now().await;
        c.cancel();
        waiter.await.unwrap();
        c.cancelled().await;
        assert!(c.is_cancelled());
    }
}
