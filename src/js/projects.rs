//! Projects: the `ProjectsPG` domain object and the flat `AdminStorage` project, env var and
//! API token methods.

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::error::{out_bool, out_opt_row, out_page, out_row, out_rows, out_void, run};
use super::storage::PostgresAdminStorage;
use crate::core::error::StoreError;
use crate::core::generic::Fields;
use crate::core::projects::{self, EnvScope};
use crate::core::store::Target;
use crate::core::value::Param;

/// The seed's `ProjectsPG` domain object (`storage.projects`).
#[napi(js_name = "ProjectsPG")]
pub struct ProjectsPG {
    pub(crate) target: Target,
}

/// `listEnvVars`' optional deployment type: left out → every scope, `null` → project-wide
/// only, a string → that type.
/// (An `Unknown`, not an `Option`: napi maps both `null` and `undefined` to `None`.)
fn env_scope(env: &Env, v: Unknown) -> Result<EnvScope, StoreError> {
    match convert::param(env, v.value().value, convert::Undefined::Skip)? {
        None => Ok(EnvScope::All),
        Some(Param::Null) => Ok(EnvScope::Only(None)),
        Some(Param::Text(t)) => Ok(EnvScope::Only(Some(t))),
        Some(_) => Err(StoreError::invalid(
            "deploymentType must be a string or null",
        )),
    }
}

#[napi]
impl ProjectsPG {
    /// `new ProjectsPG({ client: storage.db })` or `new ProjectsPG({ pool, schemaName })`, as in the seed.
    #[napi(constructor, ts_args_type = "config: PgDomainConfig")]
    pub fn new(
        env: napi::Env,
        config: Option<napi::bindgen_prelude::Unknown>,
    ) -> napi::Result<Self> {
        Ok(ProjectsPG {
            target: super::storage::domain_target(&env, config, "ProjectsPG")?,
        })
    }

    /// Create a project; its `envVars` (if any) are stored in the same transaction, and it
    /// comes back with `envVars` as stored. Duplicate slug in the team →
    /// `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    #[napi(ts_args_type = "data: NewProject", ts_return_type = "Promise<Project>")]
    pub fn create_project<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| projects::create_project(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// The project (with its project-wide `envVars`), or `null`.
    #[napi(
        ts_args_type = "id: string",
        ts_return_type = "Promise<Project | null>"
    )]
    pub fn get_project_by_id<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_read_conn!(t, |ctx, conn| projects::get_project(ctx, conn, &id)));
        run(env, work, out_opt_row)
    }

    /// The team's project with this slug, or `null`.
    #[napi(
        ts_args_type = "teamId: string, slug: string",
        ts_return_type = "Promise<Project | null>"
    )]
    pub fn get_project_by_slug<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        slug: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let team = convert::text(env, team_id, "teamId")?;
            let slug = convert::text(env, slug, "slug")?;
            Ok(with_read_conn!(t, |ctx, conn| {
                projects::get_project_by_slug(ctx, conn, &team, &slug)
            }))
        })();
        run(env, work, out_opt_row)
    }

    /// Update; `null` when there is no such project. `envVars`, `id`, `createdAt`,
    /// `updatedAt` in the data are ignored.
    #[napi(
        ts_args_type = "id: string, data: Partial<Project>",
        ts_return_type = "Promise<Project | null>"
    )]
    pub fn update_project<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, data, "data")?;
            Ok(with_conn!(t, |ctx, conn| projects::update_project(
                ctx, conn, &id, &f
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Whether a project was deleted; its env vars, tokens and deployments go with it.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<boolean>")]
    pub fn delete_project<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| projects::delete_project(ctx, conn, &id)));
        run(env, work, out_bool)
    }

    /// The team's projects by name (`id` breaks ties), `envVars` loaded in the same statement.
    #[napi(ts_args_type = "teamId: string", ts_return_type = "Promise<Project[]>")]
    pub fn list_projects<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, team_id, "teamId")
            .map(|team| with_read_conn!(t, |ctx, conn| projects::list_projects(ctx, conn, &team)));
        run(env, work, out_rows)
    }

    /// Set an env var in one atomic upsert on (projectId, deploymentType, key) — a NULL
    /// deploymentType included: an existing row keeps its `id` and `createdAt`.
    /// `encryptedValue` is stored as given.
    #[napi(
        ts_args_type = "data: SetEnvVarInput",
        ts_return_type = "Promise<ProjectEnvVar>"
    )]
    pub fn set_env_var<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| projects::set_env_var(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// The env var with this key for this deployment type (left out or `null`: project-wide),
    /// or `null`.
    #[napi(
        ts_args_type = "projectId: string, key: string, deploymentType?: DeploymentType | string | null",
        ts_return_type = "Promise<ProjectEnvVar | null>"
    )]
    pub fn get_env_var<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
        key: Unknown,
        deployment_type: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let project = convert::text(env, project_id, "projectId")?;
            let key = convert::text(env, key, "key")?;
            let dtype = convert::opt_text(env, deployment_type, "deploymentType")?;
            Ok(with_read_conn!(t, |ctx, conn| projects::get_env_var(
                ctx,
                conn,
                &project,
                &key,
                dtype.as_deref()
            )))
        })();
        run(env, work, out_opt_row)
    }

    /// A project's env vars by key: every scope when `deploymentType` is left out, only
    /// project-wide ones for `null`, else that deployment type's.
    #[napi(
        ts_args_type = "projectId: string, deploymentType?: DeploymentType | string | null",
        ts_return_type = "Promise<ProjectEnvVar[]>"
    )]
    pub fn list_env_vars<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
        deployment_type: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let project = convert::text(env, project_id, "projectId")?;
            let scope = env_scope(env, deployment_type)?;
            Ok(with_read_conn!(t, |ctx, conn| projects::list_env_vars(
                ctx, conn, &project, &scope
            )))
        })();
        run(env, work, out_rows)
    }

    /// Whether an env var was deleted.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<boolean>")]
    pub fn delete_env_var<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| projects::delete_env_var(ctx, conn, &id)));
        run(env, work, out_bool)
    }

    /// Store an API token (hash and prefix; `scopes` a JSON array). Duplicate hash →
    /// `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    #[napi(
        ts_args_type = "data: NewProjectApiToken",
        ts_return_type = "Promise<ProjectApiToken>"
    )]
    pub fn create_api_token<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| projects::create_api_token(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// The token with this hash, or `null`.
    #[napi(
        ts_args_type = "tokenHash: string",
        ts_return_type = "Promise<ProjectApiToken | null>"
    )]
    pub fn get_api_token_by_hash<'env>(
        &self,
        env: &'env Env,
        token_hash: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, token_hash, "tokenHash").map(|h| {
            with_read_conn!(t, |ctx, conn| projects::get_api_token_by_hash(
                ctx, conn, &h
            ))
        });
        run(env, work, out_opt_row)
    }

    /// A project's tokens, newest first (`id` breaks ties).
    #[napi(
        ts_args_type = "projectId: string",
        ts_return_type = "Promise<ProjectApiToken[]>"
    )]
    pub fn list_api_tokens<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, project_id, "projectId")
            .map(|p| with_read_conn!(t, |ctx, conn| projects::list_api_tokens(ctx, conn, &p)));
        run(env, work, out_rows)
    }

    /// Stamp `lastUsedAt` with the server clock (a missing token is ignored).
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<void>")]
    pub fn update_api_token_last_used<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").map(|id| {
            with_conn!(t, |ctx, conn| async {
                projects::touch_api_token(ctx, conn, &id).await.map(|_| ())
            })
        });
        run(env, work, out_void)
    }

    /// Whether a token was deleted.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<boolean>")]
    pub fn delete_api_token<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| projects::delete_api_token(ctx, conn, &id)));
        run(env, work, out_bool)
    }
}

/// The flat face's env var data: project-wide (no deployment type), for `projectId`.
fn flat_env_var(env: &Env, project_id: Unknown, env_var: Unknown) -> Result<Fields, StoreError> {
    let project = convert::text(env, project_id, "projectId")?;
    let mut fields = convert::fields(env, env_var, "envVar")?;
    if fields
        .iter()
        .any(|(k, v)| (k == "deploymentType" || k == "deployment_type") && *v != Param::Null)
    {
        return Err(StoreError::invalid(
            "setProjectEnvVar sets project-wide variables: use projects.setEnvVar for a deploymentType",
        ));
    }
    fields.retain(|(k, _)| {
        !matches!(
            k.as_str(),
            "projectId" | "project_id" | "deploymentType" | "deployment_type"
        )
    });
    fields.push(("projectId".into(), Param::Text(project)));
    Ok(fields)
}

/// Flat `AdminStorage` project, env var and API token methods.
#[napi]
impl PostgresAdminStorage {
    /// The seed's projects domain object.
    #[napi(getter)]
    pub fn projects(&self) -> ProjectsPG {
        ProjectsPG {
            target: self.target(),
        }
    }

    /// `AdminStorage.getProject`: the project with its `envVars`, or `null`.
    #[napi(
        ts_args_type = "id: string",
        ts_return_type = "Promise<Project | null>"
    )]
    pub fn get_project<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.projects().get_project_by_id(env, id)
    }

    /// `AdminStorage.getProjectBySlug`: the team's project with this slug, or `null`.
    #[napi(
        js_name = "getProjectBySlug",
        ts_args_type = "teamId: string, slug: string",
        ts_return_type = "Promise<Project | null>"
    )]
    pub fn flat_get_project_by_slug<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        slug: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.projects().get_project_by_slug(env, team_id, slug)
    }

    /// `AdminStorage.listProjectsForTeam`: by name, paginated, `envVars` included — one
    /// statement whatever the page size.
    #[napi(
        ts_args_type = "teamId: string, pagination?: PaginationParams",
        ts_return_type = "Promise<PaginatedResult<Project>>"
    )]
    pub fn list_projects_for_team<'env>(
        &self,
        env: &'env Env,
        team_id: Unknown,
        pagination: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = (|| {
            let team = convert::text(env, team_id, "teamId")?;
            let req = convert::page_request(env, pagination)?;
            Ok(with_read_conn!(
                t,
                |ctx, conn| projects::list_projects_page(ctx, conn, &team, req)
            ))
        })();
        run(env, work, out_page)
    }

    /// `AdminStorage.createProject`: the project and its `envVars` in one transaction.
    #[napi(
        js_name = "createProject",
        ts_args_type = "project: NewProject",
        ts_return_type = "Promise<Project>"
    )]
    pub fn flat_create_project<'env>(
        &self,
        env: &'env Env,
        project: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.projects().create_project(env, project)
    }

    /// `AdminStorage.updateProject`: `envVars` in the updates are ignored; a missing project →
    /// `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "updateProject",
        ts_args_type = "id: string, updates: Partial<Project>",
        ts_return_type = "Promise<Project>"
    )]
    pub fn flat_update_project<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        updates: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, updates, "updates")?;
            Ok(with_conn!(t, |ctx, conn| async {
                projects::update_project(ctx, conn, &id, &f)
                    .await?
                    .ok_or_else(|| StoreError::missing("Project", &id))
            }))
        });
        run(env, work, out_row)
    }

    /// `AdminStorage.deleteProject`: cascades to env vars, tokens and deployments; a missing
    /// project → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "deleteProject",
        ts_args_type = "id: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn flat_delete_project<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").map(|id| {
            with_conn!(t, |ctx, conn| async {
                StoreError::found(
                    projects::delete_project(ctx, conn, &id).await?,
                    "Project",
                    &id,
                )
            })
        });
        run(env, work, out_void)
    }

    /// `AdminStorage.getProjectEnvVars`: the project-wide env vars, ordered by key.
    #[napi(
        ts_args_type = "projectId: string",
        ts_return_type = "Promise<ProjectEnvVar[]>"
    )]
    pub fn get_project_env_vars<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, project_id, "projectId").map(|p| {
            with_read_conn!(t, |ctx, conn| projects::list_env_vars(
                ctx,
                conn,
                &p,
                &EnvScope::Only(None)
            ))
        });
        run(env, work, out_rows)
    }

    /// `AdminStorage.setProjectEnvVar`: one atomic upsert of a project-wide variable (`id`
    /// and `createdAt` kept on update). Missing project → `ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`.
    #[napi(
        ts_args_type = "projectId: string, envVar: NewEncryptedEnvVar",
        ts_return_type = "Promise<ProjectEnvVar>"
    )]
    pub fn set_project_env_var<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
        env_var: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = flat_env_var(env, project_id, env_var)
            .map(|f| with_conn!(t, |ctx, conn| projects::set_env_var(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// `AdminStorage.deleteProjectEnvVar`: deletes the project-wide variable `key`; none →
    /// `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        ts_args_type = "projectId: string, key: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn delete_project_env_var<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
        key: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = (|| {
            let project = convert::text(env, project_id, "projectId")?;
            let key = convert::text(env, key, "key")?;
            Ok(with_conn!(t, |ctx, conn| async {
                StoreError::found(
                    projects::delete_env_var_by_key(ctx, conn, &project, &key).await?,
                    "Environment variable",
                    &format!("{key} of project {project}"),
                )
            }))
        })();
        run(env, work, out_void)
    }

    /// `AdminStorage.getProjectApiToken`: the token or `null`.
    #[napi(
        ts_args_type = "id: string",
        ts_return_type = "Promise<ProjectApiToken | null>"
    )]
    pub fn get_project_api_token<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id")
            .map(|id| with_read_conn!(t, |ctx, conn| projects::get_api_token(ctx, conn, &id)));
        run(env, work, out_opt_row)
    }

    /// `AdminStorage.getProjectApiTokenByHash`: the token or `null`.
    #[napi(
        ts_args_type = "tokenHash: string",
        ts_return_type = "Promise<ProjectApiToken | null>"
    )]
    pub fn get_project_api_token_by_hash<'env>(
        &self,
        env: &'env Env,
        token_hash: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.projects().get_api_token_by_hash(env, token_hash)
    }

    /// `AdminStorage.listProjectApiTokens`: newest first.
    #[napi(
        ts_args_type = "projectId: string",
        ts_return_type = "Promise<ProjectApiToken[]>"
    )]
    pub fn list_project_api_tokens<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.projects().list_api_tokens(env, project_id)
    }

    /// `AdminStorage.createProjectApiToken`.
    #[napi(
        ts_args_type = "token: NewProjectApiToken",
        ts_return_type = "Promise<ProjectApiToken>"
    )]
    pub fn create_project_api_token<'env>(
        &self,
        env: &'env Env,
        token: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.projects().create_api_token(env, token)
    }

    /// `AdminStorage.updateProjectApiTokenLastUsed`: fire-and-forget, a missing id resolves
    /// quietly.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<void>")]
    pub fn update_project_api_token_last_used<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.projects().update_api_token_last_used(env, id)
    }

    /// `AdminStorage.deleteProjectApiToken`: a missing token → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<void>")]
    pub fn delete_project_api_token<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").map(|id| {
            with_conn!(t, |ctx, conn| async {
                StoreError::found(
                    projects::delete_api_token(ctx, conn, &id).await?,
                    "API token",
                    &id,
                )
            })
        });
        run(env, work, out_void)
    }
}
