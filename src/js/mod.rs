//! The binding layer: converts between JS and the core, never decides.
//! One file per exported class; flat `AdminStorage` methods sit beside their domain class
//! in a second `#[napi] impl PostgresAdminStorage` block.

/// `async move { lease a connection from $target; run $body with (ctx, conn) }`, for calls
/// whose SQL names only the storage's own tables: a missing schema or table there means
/// `init()` has not created them, so it rejects with `ERR_ADMIN_PG_NOT_INITIALIZED`.
macro_rules! with_conn {
    ($target:expr, |$ctx:ident, $conn:ident| $body:expr) => {{
        let target = $target;
        async move {
            let mut lease = target.lease().await?;
            let $ctx = target.ctx();
            let result: Result<_, crate::core::pg::error::StoreError> = {
                let $conn: &mut sqlx::postgres::PgConnection = &mut lease;
                $body.await
            };
            // A connection-level failure retires the connection (and its older idle peers).
            lease.note(&result);
            result.map_err(|e| e.or_not_initialized(&$ctx.schema))
        }
    }};
}

/// `with_conn!` for read-only calls: the connection comes from a usable read replica (round
/// robin) when the target is the storage's pool, else from the primary (or the transaction).
/// A read that a replica fails (connection lost, replica shutting down, recovery conflict) is
/// run once more on the primary, so stopping a replica loses no call. `$body` must only read.
macro_rules! with_read_conn {
    ($target:expr, |$ctx:ident, $conn:ident| $body:expr) => {{
        let target = $target;
        async move {
            let mut lease = target.lease_read().await?;
            let $ctx = target.ctx();
            let first: Result<_, crate::core::pg::error::StoreError> = {
                let $conn: &mut sqlx::postgres::PgConnection = &mut lease;
                $body.await
            };
            let result = if lease.settle(&first) {
                let mut lease = lease.retry_on_primary().await?;
                let again: Result<_, crate::core::pg::error::StoreError> = {
                    let $conn: &mut sqlx::postgres::PgConnection = &mut lease;
                    $body.await
                };
                lease.settle(&again);
                again
            } else {
                first
            };
            result.map_err(|e| e.or_not_initialized(&$ctx.schema))
        }
    }};
}

pub mod abort;
pub mod admin_pg_db;
pub mod args;
pub mod constants;
pub mod convert;
pub mod db_client;
pub mod domains;
pub mod error;
pub mod methods;
pub mod row_designs;
pub mod rowwire;
pub mod stats;
pub mod storage;
