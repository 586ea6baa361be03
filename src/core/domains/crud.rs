//! Get, create, update and delete by id, written once for every table: a domain row whose
//! only SQL is that names `crud::get::<Users>` (and friends) instead of a forwarder of its own.
//! Create and update pass the domain input rules of `validate` first (`generic::create` /
//! `generic::modify`).

use sqlx::postgres::PgConnection;

use super::fields::Fields;
use super::generic;
use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::Result;
use crate::core::pg::value::Row;
use crate::core::tables::{table_by_name, Table};

/// A table of the schema, as a type.
pub trait Entity {
    /// The table's name (`admin_users`).
    const NAME: &'static str;

    fn table() -> &'static Table {
        table_by_name(Self::NAME).expect("an Entity names a known table")
    }
}

macro_rules! entities {
    ($($entity:ident = $name:literal),* $(,)?) => {$(
        #[doc = concat!("`", $name, "`.")]
        pub struct $entity;
        impl Entity for $entity {
            const NAME: &'static str = $name;
        }
    )*};
}

entities! {
    Users = "admin_users",
    Teams = "admin_teams",
    TeamMembers = "admin_team_members",
    TeamInvites = "admin_team_invites",
    TeamInstallations = "admin_team_installations",
    Projects = "admin_projects",
    ProjectEnvVars = "admin_project_env_vars",
    ProjectApiTokens = "admin_project_api_tokens",
    Deployments = "admin_deployments",
    Builds = "admin_builds",
    RunningServers = "admin_running_servers",
    Routes = "admin_routes",
    Roles = "admin_roles",
    RoleAssignments = "admin_role_assignments",
}

/// The row with this id, or `None` (also for an id that is not a UUID).
pub async fn get<E: Entity>(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<Option<Row>> {
    generic::find_by_id(ctx, conn, E::table(), id).await
}

/// Insert a row after the table's input rules; `id` is generated when not given.
pub async fn create<E: Entity>(ctx: &Ctx, conn: &mut PgConnection, fields: &Fields) -> Result<Row> {
    generic::create(ctx, conn, E::table(), fields).await
}

/// Update by id after the table's input rules; `None` when no row has the id.
pub async fn update<E: Entity>(
    ctx: &Ctx,
    conn: &mut PgConnection,
    id: &str,
    fields: &Fields,
) -> Result<Option<Row>> {
    generic::modify(ctx, conn, E::table(), id, fields).await
}

/// Delete by id; whether a row went.
pub async fn delete<E: Entity>(ctx: &Ctx, conn: &mut PgConnection, id: &str) -> Result<bool> {
    generic::delete(ctx, conn, E::table(), id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_names_a_table() {
        fn check<E: Entity>() {
            assert_eq!(E::table().name, E::NAME);
        }
        check::<Users>();
        check::<Teams>();
        check::<TeamInvites>();
        check::<TeamInstallations>();
        check::<Projects>();
        check::<ProjectEnvVars>();
        check::<ProjectApiTokens>();
        check::<Deployments>();
        check::<Builds>();
        check::<RunningServers>();
        check::<Routes>();
        check::<Roles>();
        check::<RoleAssignments>();
        check::<TeamMembers>();
    }
}
