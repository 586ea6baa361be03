//! Projects: the `ProjectsPG` domain object and the flat `AdminStorage` project, env var and
//! API token methods.
#![allow(non_snake_case)] // argument names are the JS ones: they name the argument in errors

use crate::core::domains::crud::{self, ProjectApiTokens, ProjectEnvVars, Projects};
use crate::core::domains::projects;
use crate::js::error::{out_bool, out_opt_row, out_page, out_row, out_rows};
use crate::js::methods::{methods, out_void};
use crate::js::storage::PostgresAdminStorage;

methods! {
    /// The seed's `ProjectsPG` domain object (`storage.projects`).
    class ProjectsPG = "ProjectsPG", getter projects {

    /// Create a project; its `envVars` (if any) are stored in the same transaction, and it
    /// comes back with `envVars` as stored. Duplicate slug in the team →
    /// `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    insert projects create_project(data: fields) "data: NewProject" -> out_row "Promise<Project>" = projects::create_project, flat create_project;
    /// The project (with its project-wide `envVars`), or `null`.
    select projects get_project_by_id(id: text) "id: string" -> out_opt_row "Promise<Project | null>" = projects::get_project, flat get_project;
    /// The team's project with this slug, or `null`.
    select projects get_project_by_slug(teamId: text, slug: text) "teamId: string, slug: string" -> out_opt_row "Promise<Project | null>" = projects::get_project_by_slug, flat get_project_by_slug;
    /// Update; `null` when there is no such project. `envVars`, `id`, `createdAt`,
    /// `updatedAt` in the data are ignored.
    update projects update_project(id: text, data: fields) "id: string, data: Partial<Project>" -> out_opt_row "Promise<Project | null>" = projects::update_project;
    /// Whether a project was deleted; its env vars, tokens and deployments go with it.
    delete projects delete_project(id: text) "id: string" -> out_bool "Promise<boolean>" = crud::delete::<Projects>;
    /// The team's projects by name (`id` breaks ties), `envVars` loaded in the same statement.
    select projects list_projects(teamId: text) "teamId: string" -> out_rows "Promise<Project[]>" = projects::list_projects;
    /// Set an env var in one atomic upsert on (projectId, deploymentType, key) — a NULL
    /// deploymentType included: an existing row keeps its `id` and `createdAt`.
    /// `encryptedValue` is stored as given.
    upsert project_env_vars set_env_var(data: fields) "data: SetEnvVarInput" -> out_row "Promise<ProjectEnvVar>" = projects::set_env_var;
    /// The env var with this key for this deployment type (left out or `null`: project-wide),
    /// or `null`.
    select project_env_vars get_env_var(projectId: text, key: text, deploymentType: opt_text) "projectId: string, key: string, deploymentType?: DeploymentType | string | null" -> out_opt_row "Promise<ProjectEnvVar | null>" = projects::get_env_var;
    /// A project's env vars by key: every scope when `deploymentType` is left out, only
    /// project-wide ones for `null`, else that deployment type's.
    select project_env_vars list_env_vars(projectId: text, deploymentType: env_scope) "projectId: string, deploymentType?: DeploymentType | string | null" -> out_rows "Promise<ProjectEnvVar[]>" = projects::list_env_vars;
    /// Whether an env var was deleted.
    delete project_env_vars delete_env_var(id: text) "id: string" -> out_bool "Promise<boolean>" = crud::delete::<ProjectEnvVars>;
    /// Store an API token (hash and prefix; `scopes` a JSON array). Duplicate hash →
    /// `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    insert project_api_tokens create_api_token(data: fields) "data: NewProjectApiToken" -> out_row "Promise<ProjectApiToken>" = projects::create_api_token, flat create_project_api_token;
    /// The token with this hash, or `null`.
    select project_api_tokens get_api_token_by_hash(tokenHash: text) "tokenHash: string" -> out_opt_row "Promise<ProjectApiToken | null>" = projects::get_api_token_by_hash, flat get_project_api_token_by_hash;
    /// A project's tokens, newest first (`id` breaks ties).
    select project_api_tokens list_api_tokens(projectId: text) "projectId: string" -> out_rows "Promise<ProjectApiToken[]>" = projects::list_api_tokens, flat list_project_api_tokens;
    /// Stamp `lastUsedAt` with the server clock (a missing token is ignored).
    update project_api_tokens update_api_token_last_used(id: text) "id: string" -> out_void "Promise<void>" = projects::touch_api_token, flat update_project_api_token_last_used;
    /// Whether a token was deleted.
    delete project_api_tokens delete_api_token(id: text) "id: string" -> out_bool "Promise<boolean>" = crud::delete::<ProjectApiTokens>;
    }

    flat {
        /// `AdminStorage.listProjectsForTeam`: by name, paginated, `envVars` included — one
        /// statement whatever the page size.
        select projects list_projects_for_team(teamId: text, pagination: page) "teamId: string, pagination?: PaginationParams" -> out_page "Promise<PaginatedResult<Project>>" = projects::list_projects_page;
        /// `AdminStorage.updateProject`: `envVars` in the updates are ignored; a missing project →
        /// `ERR_ADMIN_PG_NOT_FOUND`.
        update projects update_project(id: text, updates: fields) "id: string, updates: Partial<Project>" -> out_row "Promise<Project>" = projects::update_project [missing "Project", id];
        /// `AdminStorage.deleteProject`: cascades to env vars, tokens and deployments; a missing
        /// project → `ERR_ADMIN_PG_NOT_FOUND`.
        delete projects delete_project(id: text) "id: string" -> out_void "Promise<void>" = crud::delete::<Projects> [missing "Project", id];
        /// `AdminStorage.getProjectEnvVars`: the project-wide env vars, ordered by key.
        select project_env_vars get_project_env_vars(projectId: text) "projectId: string" -> out_rows "Promise<ProjectEnvVar[]>" = projects::list_project_env_vars;
        /// `AdminStorage.setProjectEnvVar`: one atomic upsert of a project-wide variable (`id`
        /// and `createdAt` kept on update). Missing project → `ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`.
        upsert project_env_vars set_project_env_var(projectId: text, envVar: fields) "projectId: string, envVar: NewEncryptedEnvVar" -> out_row "Promise<ProjectEnvVar>" = projects::set_project_env_var;
        /// `AdminStorage.deleteProjectEnvVar`: deletes the project-wide variable `key`; none →
        /// `ERR_ADMIN_PG_NOT_FOUND`.
        delete project_env_vars delete_project_env_var(projectId: text, key: text) "projectId: string, key: string" -> out_void "Promise<void>" = projects::delete_env_var_by_key [missing "Environment variable", format!("{key} of project {projectId}")];
        /// `AdminStorage.getProjectApiToken`: the token or `null`.
        select project_api_tokens get_project_api_token(id: text) "id: string" -> out_opt_row "Promise<ProjectApiToken | null>" = crud::get::<ProjectApiTokens>;
        /// `AdminStorage.deleteProjectApiToken`: a missing token → `ERR_ADMIN_PG_NOT_FOUND`.
        delete project_api_tokens delete_project_api_token(id: text) "id: string" -> out_void "Promise<void>" = crud::delete::<ProjectApiTokens> [missing "API token", id];
    }
}
