//! The storage engine. Knows PostgreSQL, never napi.
//!
//! - `pg/`: the engine (pool, statements, values, replicas, migrations, raw SQL): no domain
//!   knowledge.
//! - `domains/`: one module per MastraAdmin domain (users … rbac), the generic table engine
//!   and paging: the SQL that is the domain's own, run through `pg`.
//! - `tables.rs`: the table catalogue both read (column whitelists, default indexes).
//!
//! Dependencies point one way: `domains` uses `pg` and `tables`, `pg` only `tables`, `tables`
//! nothing; no module cycle (`layout_tests.rs` checks both).
#![forbid(unsafe_code)]

pub mod domains;
pub mod pg;
pub mod tables;

#[cfg(test)]
mod layout_tests;
#[cfg(test)]
mod typings_tests;
