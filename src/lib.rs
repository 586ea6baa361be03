//! admin-pg-native: PostgreSQL storage for MastraAdmin as a Node.js native addon.
//!
//! `core` is the storage engine (sqlx, no napi); `js` is the napi binding over it.

pub mod core;
// The binding needs Node's N-API symbols, which only exist inside a Node process: unit
// tests (`cargo test`) cover the core alone.
#[cfg(not(test))]
mod js;
