//! `storage.poolStats`: the primary pool's figures, read from its counters (no statement).
//! `storage.stats()` (lib/stats.js) adds per-method timings, replicas and the build queue.

use napi_derive::napi;

use super::storage::PostgresAdminStorage;

/// The primary pool right now.
#[napi(object)]
pub struct PoolStats {
    /// The most connections the pool opens (`max`).
    pub max: u32,
    /// Connections open, idle or in use.
    pub open: u32,
    /// Open connections waiting in the pool for a call.
    pub idle: u32,
    /// Connections leased by a call (or a transaction) right now.
    pub in_use: u32,
    /// Calls waiting for a connection because all `max` are in use.
    pub waiting: u32,
}

#[napi]
impl PostgresAdminStorage {
    /// The primary pool's figures (diagnostics; `storage.stats()` includes them).
    #[napi(getter)]
    pub fn pool_stats(&self) -> PoolStats {
        let pool = self.store.pool();
        PoolStats {
            max: pool.max_connections(),
            open: pool.size() as u32,
            idle: pool.num_idle() as u32,
            in_use: pool.in_use() as u32,
            waiting: pool.waiting() as u32,
        }
    }

    /// Whether a read call now would be routed to a read replica (one is usable); the
    /// tracing channel's `target` asks it for read calls on a storage with replicas.
    #[napi(getter)]
    pub fn replica_usable(&self) -> bool {
        !self.primary_only && self.store.replicas.any_usable()
    }
}
