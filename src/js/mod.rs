//! The binding layer: converts between JS and the core, never decides.
//! One file per exported class; flat `AdminStorage` methods sit beside their domain class
//! in a second `#[napi] impl PostgresAdminStorage` block.

/// `async move { lease a connection from $target; run $body with (ctx, conn) }`; the outcome
/// is shown to the store (a lost connection makes its idle siblings suspect).
macro_rules! with_conn {
    ($target:expr, |$ctx:ident, $conn:ident| $body:expr) => {{
        let target = $target;
        async move {
            let mut lease = target.lease().await?;
            let $ctx = target.ctx();
            let $conn: &mut sqlx::postgres::PgConnection = &mut lease;
            let outcome = $body.await;
            target.store().observe(outcome)
        }
    }};
}

pub mod admin_pg_db;
pub mod constants;
pub mod convert;
pub mod db_client;
pub mod error;
pub mod storage;
pub mod users;
