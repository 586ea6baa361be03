//! The MastraAdmin domains: one module each (users … rbac), the SQL that is the domain's own
//! beside the function that runs it. Plain CRUD goes through `generic` (also `AdminPgDB`'s
//! engine), paging through `page`, input rules through `validate`.

pub mod builds;
pub mod crud;
pub mod deployments;
pub mod fields;
pub mod generic;
pub mod page;
pub mod projects;
pub mod rbac;
pub mod routes;
pub mod servers;
pub mod teams;
pub mod users;
pub mod validate;
