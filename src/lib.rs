//! admin-pg-native: PostgreSQL storage for MastraAdmin as a Node.js native addon.
//!
//! `core` is the storage engine (sqlx, no napi); `js` is the napi binding over it.

pub mod core;
// The binding needs Node's N-API symbols, which only exist inside a Node process: unit
// tests (`cargo test`) cover the core alone.
#[cfg(not(test))]
mod js;
// The row wire forms are plain Rust (no N-API): their unit tests run with the core's.
#[cfg(test)]
#[path = "js/rowwire.rs"]
#[allow(dead_code)] // the binding reads what the tests do not
mod rowwire;
