//! Teams: the `TeamsPG` domain object and the flat `AdminStorage` team, member and invite
//! methods.
#![allow(non_snake_case)] // argument names are the JS ones: they name the argument in errors

use crate::core::domains::crud::{self, TeamInstallations, TeamInvites, Teams};
use crate::core::domains::teams;
use crate::js::error::{out_bool, out_opt_row, out_page, out_row, out_rows};
use crate::js::methods::{methods, out_void};
use crate::js::storage::PostgresAdminStorage;

methods! {
    /// The seed's `TeamsPG` domain object (`storage.teams`).
    class TeamsPG = "TeamsPG", getter teams {

    /// Create a team; `id` is generated when not given. Duplicate slug →
    /// `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    insert teams create_team(data: fields) "data: NewTeam" -> out_row "Promise<Team>" = teams::create_team, flat create_team;
    /// Create a team and its `owner` member in one transaction: when the owner does not
    /// exist, nothing is created (`ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`).
    insert teams create_team_with_owner(team: fields, ownerUserId: text) "team: NewTeam, ownerUserId: string" -> out_row "Promise<Team>" = teams::create_team_with_owner;
    /// The team with this id, or `null`.
    select teams get_team_by_id(id: text) "id: string" -> out_opt_row "Promise<Team | null>" = crud::get::<Teams>, flat get_team;
    /// The team with this slug, or `null`.
    select teams get_team_by_slug(slug: text) "slug: string" -> out_opt_row "Promise<Team | null>" = teams::get_team_by_slug, flat get_team_by_slug;
    /// Update; `null` when there is no such team. `id`/`createdAt`/`updatedAt` are ignored.
    update teams update_team(id: text, data: fields) "id: string, data: Partial<Team>" -> out_opt_row "Promise<Team | null>" = teams::update_team;
    /// Whether a team was deleted; its members, invites, installations and projects go with it.
    delete teams delete_team(id: text) "id: string" -> out_bool "Promise<boolean>" = crud::delete::<Teams>;
    /// The teams the user is a member of, by name (`id` breaks ties).
    select teams list_teams_for_user(userId: text) "userId: string" -> out_rows "Promise<Team[]>" = teams::list_teams_for_user;
    /// Add a member (`createdAt` in the data means `joinedAt`). Already a member →
    /// `ERR_ADMIN_PG_UNIQUE_VIOLATION`; missing team or user →
    /// `ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`.
    insert team_members add_team_member(data: fields) "data: NewTeamMember" -> out_row "Promise<TeamMember>" = teams::add_member, flat add_team_member;
    /// Whether the membership was removed (one statement).
    delete team_members remove_team_member(teamId: text, userId: text) "teamId: string, userId: string" -> out_bool "Promise<boolean>" = teams::remove_member;
    /// The membership, or `null`.
    select team_members get_team_member(teamId: text, userId: text) "teamId: string, userId: string" -> out_opt_row "Promise<TeamMember | null>" = teams::get_member, flat get_team_member;
    /// The team's members in joining order (`id` breaks ties).
    select team_members list_team_members(teamId: text) "teamId: string" -> out_rows "Promise<TeamMember[]>" = teams::list_members;
    /// Change a member's role; `null` when the user is not a member (one statement).
    update team_members update_team_member_role(teamId: text, userId: text, role: text) "teamId: string, userId: string, role: TeamRole | string" -> out_opt_row "Promise<TeamMember | null>" = teams::update_member_role;
    /// Create an invite; a random `token` is generated when none is given.
    insert team_invites create_invite(data: fields) "data: NewTeamInvite" -> out_row "Promise<TeamInvite>" = teams::create_invite, flat create_team_invite;
    /// The invite with this token, or `null`.
    select team_invites get_invite_by_token(token: text) "token: string" -> out_opt_row "Promise<TeamInvite | null>" = teams::get_invite_by_token;
    /// Accept an invite in one transaction: sets `acceptedAt` and adds the user with the
    /// invite's email (if one exists) as a member with the invite's role. Expired →
    /// `ERR_ADMIN_PG_INVITE_EXPIRED`; accepted before → `ERR_ADMIN_PG_INVITE_ACCEPTED`
    /// (of two concurrent accepts, exactly one succeeds); unknown token → `null`.
    update team_invites accept_invite(token: text) "token: string" -> out_opt_row "Promise<TeamInvite | null>" = teams::accept_invite;
    /// Invites neither accepted nor expired, newest first (`id` breaks ties).
    select team_invites list_pending_invites(teamId: text) "teamId: string" -> out_rows "Promise<TeamInvite[]>" = teams::list_pending_invites, flat list_team_invites;
    /// Whether an invite was deleted.
    delete team_invites delete_invite(id: text) "id: string" -> out_bool "Promise<boolean>" = crud::delete::<TeamInvites>;
    /// Register a source-provider installation; the same (team, provider, installationId)
    /// twice → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    insert team_installations create_installation(data: fields) "data: NewTeamInstallation" -> out_row "Promise<TeamInstallation>" = teams::create_installation;
    /// The installation, or `null`.
    select team_installations get_installation(teamId: text, provider: text, installationId: text) "teamId: string, provider: string, installationId: string" -> out_opt_row "Promise<TeamInstallation | null>" = teams::get_installation;
    /// A team's installations, oldest first (`id` breaks ties).
    select team_installations list_installations(teamId: text) "teamId: string" -> out_rows "Promise<TeamInstallation[]>" = teams::list_installations;
    /// Whether an installation was deleted.
    delete team_installations delete_installation(id: text) "id: string" -> out_bool "Promise<boolean>" = crud::delete::<TeamInstallations>;
    }

    flat {
        /// `AdminStorage.listTeamsForUser`: the user's teams by name, paginated (one statement).
        select teams list_teams_for_user(userId: text, pagination: page) "userId: string, pagination?: PaginationParams" -> out_page "Promise<PaginatedResult<Team>>" = teams::list_teams_for_user_page;
        /// `AdminStorage.updateTeam`: a missing team → `ERR_ADMIN_PG_NOT_FOUND`.
        update teams update_team(id: text, updates: fields) "id: string, updates: Partial<Team>" -> out_row "Promise<Team>" = teams::update_team [missing "Team", id];
        /// `AdminStorage.deleteTeam`: cascades to members, invites, installations and projects;
        /// a missing team → `ERR_ADMIN_PG_NOT_FOUND`.
        delete teams delete_team(id: text) "id: string" -> out_void "Promise<void>" = crud::delete::<Teams> [missing "Team", id];
        /// `AdminStorage.listTeamMembers`: members in joining order, each with its `user`,
        /// paginated (one statement).
        select team_members list_team_members(teamId: text, pagination: page) "teamId: string, pagination?: PaginationParams" -> out_page "Promise<PaginatedResult<TeamMemberWithUser>>" = teams::list_members_page;
        /// `AdminStorage.updateTeamMemberRole`: not a member → `ERR_ADMIN_PG_NOT_FOUND`.
        update team_members update_team_member_role(teamId: text, userId: text, role: text) "teamId: string, userId: string, role: TeamRole | string" -> out_row "Promise<TeamMember>" = teams::update_member_role [missing "Team member", format!("{userId} of team {teamId}")];
        /// `AdminStorage.removeTeamMember`: not a member → `ERR_ADMIN_PG_NOT_FOUND`.
        delete team_members remove_team_member(teamId: text, userId: text) "teamId: string, userId: string" -> out_void "Promise<void>" = teams::remove_member [missing "Team member", format!("{userId} of team {teamId}")];
        /// `AdminStorage.getTeamInvite`: the invite or `null`.
        select team_invites get_team_invite(id: text) "id: string" -> out_opt_row "Promise<TeamInvite | null>" = crud::get::<TeamInvites>;
        /// `AdminStorage.getTeamInviteByEmail`: matched case-insensitively (exact case first,
        /// then a pending invite, then the newest); the stored casing is kept.
        select team_invites get_team_invite_by_email(teamId: text, email: text) "teamId: string, email: string" -> out_opt_row "Promise<TeamInvite | null>" = teams::get_invite_by_email;
        /// `AdminStorage.deleteTeamInvite`: a missing invite → `ERR_ADMIN_PG_NOT_FOUND`.
        delete team_invites delete_team_invite(id: text) "id: string" -> out_void "Promise<void>" = crud::delete::<TeamInvites> [missing "Team invite", id];
    }
}
