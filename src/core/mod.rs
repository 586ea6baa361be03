//! The storage engine. Knows PostgreSQL, never napi.
#![forbid(unsafe_code)]

pub mod builds;
pub mod config;
pub mod deployments;
pub mod error;
pub mod generic;
pub mod migrate;
pub mod page;
pub mod pool;
pub mod pooler;
pub mod projects;
pub mod queue_listener;
pub mod raw;
pub mod rbac;
pub mod replicas;
pub mod routes;
pub mod servers;
pub mod sqltext;
pub mod stmt;
pub mod store;
pub mod tables;
pub mod teams;
pub mod users;
pub mod validate;
pub mod value;
