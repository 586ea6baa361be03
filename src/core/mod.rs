//! The storage engine. Knows PostgreSQL, never napi.
#![forbid(unsafe_code)]

pub mod config;
pub mod error;
pub mod generic;
pub mod health;
pub mod migrate;
pub mod page;
pub mod raw;
pub mod store;
pub mod tables;
pub mod users;
pub mod value;
