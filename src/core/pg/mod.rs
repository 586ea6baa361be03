//! The engine: everything that knows PostgreSQL but no MastraAdmin domain. Connections
//! (`pool`, `replicas`, `pooler`), the storage handle (`store`), statements (`stmt`, `sqltext`),
//! the value converter (`value`), migrations, the build queue's LISTEN line, raw SQL, config
//! and errors.

pub mod config;
pub mod ctx;
pub mod error;
pub mod migrate;
pub mod pool;
pub mod pooler;
pub mod queue_listener;
pub mod raw;
pub mod replicas;
pub mod sqltext;
pub mod stmt;
pub mod store;
pub mod value;
