//! Teams: the `TeamsPG` domain object and the flat `AdminStorage` team, member and invite
//! methods.

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::Env;
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::error::{out_bool, out_opt_row, out_page, out_row, out_rows, out_void, run};
use super::storage::PostgresAdminStorage;
use crate::core::error::StoreError;
use crate::core::store::Target;
use crate::core::teams;

/// `{ page?, perPage? }` of a flat list (defaults 1 and 20, positive integers).
/// The seed's `TeamsPG` domain object (`storage.teams`).
#[napi(js_name = "TeamsPG")]
pub struct TeamsPG {
    pub(crate) target: Target,
}

#[napi]
impl TeamsPG {
    /// `new TeamsPG({ client: storage.db })` or `new TeamsPG({ pool, schemaName })`, as in the seed.
    #[napi(constructor, ts_args_type = "config: PgDomainConfig")]
    pub fn new(
        env: napi::Env,
        config: Option<napi::bindgen_prelude::Unknown>,
    ) -> napi::Result<Self> {
        Ok(TeamsPG {
            target: super::storage::domain_target(&env, config, "TeamsPG")?,
        })
    }

    /// Create a team; `id` is generated when not given. Duplicate slug →
    /// `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    #[napi(ts_args_type = "data: NewTeam", ts_return_type = "Promise<Team>")]
    pub fn create_team<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| teams::create_team(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// Create a team and its `owner` member in one transaction: when the owner does not
    /// exist, nothing is created (`ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`).
    #[napi(
        ts_args_type = "team: NewTeam, ownerUserId: string",
        ts_return_type = "Promise<Team>"
    )]
    pub fn create_team_with_owner<'env>(
        &self,
        env: &'env Env,
        team: Unknown,
        owner_user_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let f = convert::fields(env, team, "team")?;
            let owner = convert::text(env, owner_user_id, "ownerUserId")?;
            Ok(with_conn!(t, |ctx, conn| teams::create_team_with_owner(
                ctx, conn, &f, &owner
            )))
        })();
        run(env, work, out_row)
    }

    /// The team with this id, or `null`.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<Team | null>")]
    pub fn get_team_by_id<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_read_conn!(t, |ctx, conn| teams::get_team(ctx, conn, &id)));
        run(env, work, out_opt_row)
    }

    /// The team with this slug, or `null`.
    #[napi(ts_args_type = "slug: string", ts_return_type = "Promise<Team | null>")]
    pub fn get_team_by_slug<'env>(
        &self,
        env: &'env Env,
        slug: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, slug, "slug")
            .map(|s| with_read_conn!(t, |ctx, conn| teams::get_team_by_slug(ctx, conn, &s)));
        run(env, work, out_opt_row)
    }

    /// Update; `null` when there is no such team. `id`/`createdAt`/`updatedAt` are ignored.
    #[napi(
        ts_args_type = "id: string, data: Partial<Team>",
        ts_return_type = "Promise<Team | null>"
    )]
    pub fn update_team<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, data, "data")?;
            Ok(with_conn!(t, |ctx, conn| teams::update_team(
                ctx, conn, &id, &f
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Whether a team was deleted; its members, invites, installations and projects go with it.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<boolean>")]
    pub fn delete_team<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| teams::delete_team(ctx, conn, &id)));
        run(env, work, out_bool)
    }

    /// The teams the user is a member of, by name (`id` breaks ties).
    #[napi(ts_args_type = "userId: string", ts_return_type = "Promise<Team[]>")]
    pub fn list_teams_for_user<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, user_id, "userId")
            .map(|u| with_read_conn!(t, |ctx, conn| teams::list_teams_for_user(ctx, conn, &u)));
        run(env, work, out_rows)
    }

    /// Add a member (`createdAt` in the data means `joinedAt`). Already a member →
    /// `ERR_ADMIN_PG_UNIQUE_VIOLATION`; missing team or user →
    /// `ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`.
    #[napi(
        ts_args_type = "data: NewTeamMember",
        ts_return_type = "Promise<TeamMember>"
    )]
    pub fn add_team_member<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| teams::add_member(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// Whether the membership was removed (one statement).
    #[napi(
        ts_args_type = "teamId: string, userId: string",
        ts_return_type = "Promise<boolean>"
    )]
    pub fn remove_team_member<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        user_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let team = convert::text(env, team_id, "teamId")?;
            let user = convert::text(env, user_id, "userId")?;
            Ok(with_conn!(t, |ctx, conn| teams::remove_member(
                ctx, conn, &team, &user
            )))
        })();
        run(env, work, out_bool)
    }

    /// The membership, or `null`.
    #[napi(
        ts_args_type = "teamId: string, userId: string",
        ts_return_type = "Promise<TeamMember | null>"
    )]
    pub fn get_team_member<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        user_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let team = convert::text(env, team_id, "teamId")?;
            let user = convert::text(env, user_id, "userId")?;
            Ok(with_read_conn!(t, |ctx, conn| teams::get_member(
                ctx, conn, &team, &user
            )))
        })();
        run(env, work, out_opt_row)
    }

    /// The team's members in joining order (`id` breaks ties).
    #[napi(
        ts_args_type = "teamId: string",
        ts_return_type = "Promise<TeamMember[]>"
    )]
    pub fn list_team_members<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, team_id, "teamId")
            .map(|team| with_read_conn!(t, |ctx, conn| teams::list_members(ctx, conn, &team)));
        run(env, work, out_rows)
    }

    /// Change a member's role; `null` when the user is not a member (one statement).
    #[napi(
        ts_args_type = "teamId: string, userId: string, role: TeamRole | string",
        ts_return_type = "Promise<TeamMember | null>"
    )]
    pub fn update_team_member_role<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        user_id: Unknown,
        role: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let team = convert::text(env, team_id, "teamId")?;
            let user = convert::text(env, user_id, "userId")?;
            let role = convert::text(env, role, "role")?;
            Ok(with_conn!(t, |ctx, conn| teams::update_member_role(
                ctx, conn, &team, &user, &role
            )))
        })();
        run(env, work, out_opt_row)
    }

    /// Create an invite; a random `token` is generated when none is given.
    #[napi(
        ts_args_type = "data: NewTeamInvite",
        ts_return_type = "Promise<TeamInvite>"
    )]
    pub fn create_invite<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| teams::create_invite(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// The invite with this token, or `null`.
    #[napi(
        ts_args_type = "token: string",
        ts_return_type = "Promise<TeamInvite | null>"
    )]
    pub fn get_invite_by_token<'env>(
        &self,
        env: &'env Env,
        token: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, token, "token")
            .map(|tok| with_read_conn!(t, |ctx, conn| teams::get_invite_by_token(ctx, conn, &tok)));
        run(env, work, out_opt_row)
    }

    /// Accept an invite in one transaction: sets `acceptedAt` and adds the user with the
    /// invite's email (if one exists) as a member with the invite's role. Expired →
    /// `ERR_ADMIN_PG_INVITE_EXPIRED`; accepted before → `ERR_ADMIN_PG_INVITE_ACCEPTED`
    /// (of two concurrent accepts, exactly one succeeds); unknown token → `null`.
    #[napi(
        ts_args_type = "token: string",
        ts_return_type = "Promise<TeamInvite | null>"
    )]
    pub fn accept_invite<'env>(
        &self,
        env: &'env Env,
        token: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, token, "token")
            .map(|tok| with_conn!(t, |ctx, conn| teams::accept_invite(ctx, conn, &tok)));
        run(env, work, out_opt_row)
    }

    /// Invites neither accepted nor expired, newest first (`id` breaks ties).
    #[napi(
        ts_args_type = "teamId: string",
        ts_return_type = "Promise<TeamInvite[]>"
    )]
    pub fn list_pending_invites<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, team_id, "teamId").map(|team| {
            with_read_conn!(t, |ctx, conn| teams::list_pending_invites(ctx, conn, &team))
        });
        run(env, work, out_rows)
    }

    /// Whether an invite was deleted.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<boolean>")]
    pub fn delete_invite<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| teams::delete_invite(ctx, conn, &id)));
        run(env, work, out_bool)
    }

    /// Register a source-provider installation; the same (team, provider, installationId)
    /// twice → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    #[napi(
        ts_args_type = "data: NewTeamInstallation",
        ts_return_type = "Promise<TeamInstallation>"
    )]
    pub fn create_installation<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| teams::create_installation(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// The installation, or `null`.
    #[napi(
        ts_args_type = "teamId: string, provider: string, installationId: string",
        ts_return_type = "Promise<TeamInstallation | null>"
    )]
    pub fn get_installation<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        provider: Unknown,
        installation_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let team = convert::text(env, team_id, "teamId")?;
            let provider = convert::text(env, provider, "provider")?;
            let inst = convert::text(env, installation_id, "installationId")?;
            Ok(with_read_conn!(t, |ctx, conn| teams::get_installation(
                ctx, conn, &team, &provider, &inst
            )))
        })();
        run(env, work, out_opt_row)
    }

    /// A team's installations, oldest first (`id` breaks ties).
    #[napi(
        ts_args_type = "teamId: string",
        ts_return_type = "Promise<TeamInstallation[]>"
    )]
    pub fn list_installations<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, team_id, "teamId").map(|team| {
            with_read_conn!(t, |ctx, conn| teams::list_installations(ctx, conn, &team))
        });
        run(env, work, out_rows)
    }

    /// Whether an installation was deleted.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<boolean>")]
    pub fn delete_installation<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| teams::delete_installation(ctx, conn, &id)));
        run(env, work, out_bool)
    }
}

/// Flat `AdminStorage` team, member and invite methods.
#[napi]
impl PostgresAdminStorage {
    /// The seed's teams domain object.
    #[napi(getter)]
    pub fn teams(&self) -> TeamsPG {
        TeamsPG {
            target: self.target(),
        }
    }

    /// `AdminStorage.getTeam`: the team or `null`.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<Team | null>")]
    pub fn get_team<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.teams().get_team_by_id(env, id)
    }

    /// `AdminStorage.getTeamBySlug`: the team or `null`.
    #[napi(
        js_name = "getTeamBySlug",
        ts_args_type = "slug: string",
        ts_return_type = "Promise<Team | null>"
    )]
    pub fn flat_get_team_by_slug<'env>(
        &self,
        env: &'env Env,
        slug: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.teams().get_team_by_slug(env, slug)
    }

    /// `AdminStorage.listTeamsForUser`: the user's teams by name, paginated (one statement).
    #[napi(
        js_name = "listTeamsForUser",
        ts_args_type = "userId: string, pagination?: PaginationParams",
        ts_return_type = "Promise<PaginatedResult<Team>>"
    )]
    pub fn flat_list_teams_for_user<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown,
        pagination: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = (|| {
            let user = convert::text(env, user_id, "userId")?;
            let req = convert::page_request(env, pagination)?;
            Ok(with_read_conn!(t, |ctx, conn| {
                teams::list_teams_for_user_page(ctx, conn, &user, req)
            }))
        })();
        run(env, work, out_page)
    }

    /// `AdminStorage.createTeam`: caller-supplied id (generated if missing); a duplicate slug
    /// → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    #[napi(
        js_name = "createTeam",
        ts_args_type = "team: NewTeam",
        ts_return_type = "Promise<Team>"
    )]
    pub fn flat_create_team<'env>(
        &self,
        env: &'env Env,
        team: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.teams().create_team(env, team)
    }

    /// `AdminStorage.updateTeam`: a missing team → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "updateTeam",
        ts_args_type = "id: string, updates: Partial<Team>",
        ts_return_type = "Promise<Team>"
    )]
    pub fn flat_update_team<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        updates: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, updates, "updates")?;
            Ok(with_conn!(t, |ctx, conn| async {
                teams::update_team(ctx, conn, &id, &f)
                    .await?
                    .ok_or_else(|| StoreError::missing("Team", &id))
            }))
        });
        run(env, work, out_row)
    }

    /// `AdminStorage.deleteTeam`: cascades to members, invites, installations and projects;
    /// a missing team → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "deleteTeam",
        ts_args_type = "id: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn flat_delete_team<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").map(|id| {
            with_conn!(t, |ctx, conn| async {
                StoreError::found(teams::delete_team(ctx, conn, &id).await?, "Team", &id)
            })
        });
        run(env, work, out_void)
    }

    /// `AdminStorage.getTeamMember`: the membership or `null`.
    #[napi(
        js_name = "getTeamMember",
        ts_args_type = "teamId: string, userId: string",
        ts_return_type = "Promise<TeamMember | null>"
    )]
    pub fn flat_get_team_member<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        user_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.teams().get_team_member(env, team_id, user_id)
    }

    /// `AdminStorage.listTeamMembers`: members in joining order, each with its `user`,
    /// paginated (one statement).
    #[napi(
        js_name = "listTeamMembers",
        ts_args_type = "teamId: string, pagination?: PaginationParams",
        ts_return_type = "Promise<PaginatedResult<TeamMemberWithUser>>"
    )]
    pub fn flat_list_team_members<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        pagination: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = (|| {
            let team = convert::text(env, team_id, "teamId")?;
            let req = convert::page_request(env, pagination)?;
            Ok(with_read_conn!(t, |ctx, conn| teams::list_members_page(
                ctx, conn, &team, req
            )))
        })();
        run(env, work, out_page)
    }

    /// `AdminStorage.addTeamMember`: `createdAt` is stored as `joinedAt`.
    #[napi(
        js_name = "addTeamMember",
        ts_args_type = "member: NewTeamMember",
        ts_return_type = "Promise<TeamMember>"
    )]
    pub fn flat_add_team_member<'env>(
        &self,
        env: &'env Env,
        member: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.teams().add_team_member(env, member)
    }

    /// `AdminStorage.updateTeamMemberRole`: not a member → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "updateTeamMemberRole",
        ts_args_type = "teamId: string, userId: string, role: TeamRole | string",
        ts_return_type = "Promise<TeamMember>"
    )]
    pub fn flat_update_team_member_role<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        user_id: Unknown,
        role: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = (|| {
            let team = convert::text(env, team_id, "teamId")?;
            let user = convert::text(env, user_id, "userId")?;
            let role = convert::text(env, role, "role")?;
            Ok(with_conn!(t, |ctx, conn| async {
                teams::update_member_role(ctx, conn, &team, &user, &role)
                    .await?
                    .ok_or_else(|| {
                        StoreError::missing("Team member", &format!("{user} of team {team}"))
                    })
            }))
        })();
        run(env, work, out_row)
    }

    /// `AdminStorage.removeTeamMember`: not a member → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "removeTeamMember",
        ts_args_type = "teamId: string, userId: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn flat_remove_team_member<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        user_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = (|| {
            let team = convert::text(env, team_id, "teamId")?;
            let user = convert::text(env, user_id, "userId")?;
            Ok(with_conn!(t, |ctx, conn| async {
                StoreError::found(
                    teams::remove_member(ctx, conn, &team, &user).await?,
                    "Team member",
                    &format!("{user} of team {team}"),
                )
            }))
        })();
        run(env, work, out_void)
    }

    /// `AdminStorage.getTeamInvite`: the invite or `null`.
    #[napi(
        ts_args_type = "id: string",
        ts_return_type = "Promise<TeamInvite | null>"
    )]
    pub fn get_team_invite<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id")
            .map(|id| with_read_conn!(t, |ctx, conn| teams::get_invite(ctx, conn, &id)));
        run(env, work, out_opt_row)
    }

    /// `AdminStorage.getTeamInviteByEmail`: matched case-insensitively (exact case first,
    /// then a pending invite, then the newest); the stored casing is kept.
    #[napi(
        ts_args_type = "teamId: string, email: string",
        ts_return_type = "Promise<TeamInvite | null>"
    )]
    pub fn get_team_invite_by_email<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        email: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = (|| {
            let team = convert::text(env, team_id, "teamId")?;
            let email = convert::text(env, email, "email")?;
            Ok(with_read_conn!(t, |ctx, conn| teams::get_invite_by_email(
                ctx, conn, &team, &email
            )))
        })();
        run(env, work, out_opt_row)
    }

    /// `AdminStorage.listTeamInvites`: pending invites (not accepted, not expired), newest first.
    #[napi(
        ts_args_type = "teamId: string",
        ts_return_type = "Promise<TeamInvite[]>"
    )]
    pub fn list_team_invites<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.teams().list_pending_invites(env, team_id)
    }

    /// `AdminStorage.createTeamInvite`: a random `token` is generated when none is given.
    #[napi(
        ts_args_type = "invite: NewTeamInvite",
        ts_return_type = "Promise<TeamInvite>"
    )]
    pub fn create_team_invite<'env>(
        &self,
        env: &'env Env,
        invite: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.teams().create_invite(env, invite)
    }

    /// `AdminStorage.deleteTeamInvite`: a missing invite → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<void>")]
    pub fn delete_team_invite<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").map(|id| {
            with_conn!(t, |ctx, conn| async {
                StoreError::found(
                    teams::delete_invite(ctx, conn, &id).await?,
                    "Team invite",
                    &id,
                )
            })
        });
        run(env, work, out_void)
    }
}
