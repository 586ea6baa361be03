//! admin-pg-native: PostgreSQL storage for MastraAdmin as a Node.js native addon.
//!
//! `core` is the storage engine (sqlx, no napi); `js` is the napi binding over it.

pub mod core;
mod js;
