//! Deployments: the `DeploymentsPG` domain object and the flat `AdminStorage` deployment
//! methods.

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::Env;
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::error::{out_bool, out_number, out_opt_row, out_page, out_row, out_rows, out_void, run};
use super::storage::PostgresAdminStorage;
use crate::core::deployments;
use crate::core::error::StoreError;
use crate::core::store::Target;

/// `{ page?, perPage? }` of the flat list methods (`undefined`/`null` → defaults 1 and 20).
/// The seed's `DeploymentsPG` domain object (`storage.deployments`).
#[napi(js_name = "DeploymentsPG")]
pub struct DeploymentsPG {
    pub(crate) target: Target,
}

#[napi]
impl DeploymentsPG {
    /// `new DeploymentsPG({ client: storage.db })` or `new DeploymentsPG({ pool, schemaName })`, as in the seed.
    #[napi(constructor, ts_args_type = "config: PgDomainConfig")]
    pub fn new(
        env: napi::Env,
        config: Option<napi::bindgen_prelude::Unknown>,
    ) -> napi::Result<Self> {
        Ok(DeploymentsPG {
            target: super::storage::domain_target(&env, config, "DeploymentsPG")?,
        })
    }

    /// Create a deployment; `id` is generated when not given. A second deployment with the
    /// same (projectId, type, branch) → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    #[napi(
        ts_args_type = "data: NewDeployment",
        ts_return_type = "Promise<Deployment>"
    )]
    pub fn create_deployment<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| deployments::create(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// The deployment with this id, or `null`.
    #[napi(
        ts_args_type = "id: string",
        ts_return_type = "Promise<Deployment | null>"
    )]
    pub fn get_deployment_by_id<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_read_conn!(t, |ctx, conn| deployments::get_by_id(ctx, conn, &id)));
        run(env, work, out_opt_row)
    }

    /// The project's deployment for (type, branch), or `null`.
    #[napi(
        ts_args_type = "projectId: string, type: DeploymentType, branch: string",
        ts_return_type = "Promise<Deployment | null>"
    )]
    pub fn get_deployment<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
        kind: Unknown,
        branch: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let p = convert::text(env, project_id, "projectId")?;
            let k = convert::text(env, kind, "type")?;
            let b = convert::text(env, branch, "branch")?;
            Ok(with_read_conn!(t, |ctx, conn| deployments::get_by_branch(
                ctx, conn, &p, &k, &b
            )))
        })();
        run(env, work, out_opt_row)
    }

    /// The project's newest production deployment, or `null`.
    #[napi(
        ts_args_type = "projectId: string",
        ts_return_type = "Promise<Deployment | null>"
    )]
    pub fn get_production_deployment<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, project_id, "projectId")
            .map(|p| with_read_conn!(t, |ctx, conn| deployments::get_production(ctx, conn, &p)));
        run(env, work, out_opt_row)
    }

    /// Update; `null` when there is no such deployment. `id`/`createdAt`/`updatedAt` are ignored.
    #[napi(
        ts_args_type = "id: string, data: Partial<Deployment>",
        ts_return_type = "Promise<Deployment | null>"
    )]
    pub fn update_deployment<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, data, "data")?;
            Ok(with_conn!(t, |ctx, conn| deployments::update(
                ctx, conn, &id, &f
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Set the status (`pending | building | running | stopped | failed`); `null` when there
    /// is no such deployment.
    #[napi(
        ts_args_type = "id: string, status: DeploymentStatus",
        ts_return_type = "Promise<Deployment | null>"
    )]
    pub fn update_deployment_status<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        status: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let s = convert::text(env, status, "status")?;
            Ok(with_conn!(t, |ctx, conn| deployments::update_status(
                ctx, conn, &id, &s
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Point the deployment at a build; `null` when there is no such deployment.
    #[napi(
        ts_args_type = "deploymentId: string, buildId: string",
        ts_return_type = "Promise<Deployment | null>"
    )]
    pub fn set_current_build<'env>(
        &self,
        env: &'env Env,
        deployment_id: Unknown,
        build_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, deployment_id, "deploymentId").and_then(|d| {
            let b = convert::text(env, build_id, "buildId")?;
            Ok(with_conn!(t, |ctx, conn| deployments::set_current_build(
                ctx, conn, &d, &b
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Whether a deployment was deleted (its builds, servers and routes go with it).
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<boolean>")]
    pub fn delete_deployment<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| deployments::delete(ctx, conn, &id)));
        run(env, work, out_bool)
    }

    /// The project's deployments, newest first (`id` breaks ties).
    #[napi(
        ts_args_type = "projectId: string",
        ts_return_type = "Promise<Deployment[]>"
    )]
    pub fn list_deployments<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, project_id, "projectId")
            .map(|p| with_read_conn!(t, |ctx, conn| deployments::list(ctx, conn, &p)));
        run(env, work, out_rows)
    }

    /// The project's deployments of one type, newest first.
    #[napi(
        ts_args_type = "projectId: string, type: DeploymentType",
        ts_return_type = "Promise<Deployment[]>"
    )]
    pub fn list_deployments_by_type<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
        kind: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, project_id, "projectId").and_then(|p| {
            let k = convert::text(env, kind, "type")?;
            Ok(with_read_conn!(t, |ctx, conn| deployments::list_by_type(
                ctx, conn, &p, &k
            )))
        });
        run(env, work, out_rows)
    }

    /// The project's pending, building and running deployments, newest first.
    #[napi(
        ts_args_type = "projectId: string",
        ts_return_type = "Promise<Deployment[]>"
    )]
    pub fn list_active_deployments<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, project_id, "projectId")
            .map(|p| with_read_conn!(t, |ctx, conn| deployments::list_active(ctx, conn, &p)));
        run(env, work, out_rows)
    }

    /// The project's preview deployments, newest first.
    #[napi(
        ts_args_type = "projectId: string",
        ts_return_type = "Promise<Deployment[]>"
    )]
    pub fn list_preview_deployments<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, project_id, "projectId").map(|p| {
            with_read_conn!(t, |ctx, conn| deployments::list_by_type(
                ctx, conn, &p, "preview"
            ))
        });
        run(env, work, out_rows)
    }

    /// Delete preview deployments whose `expiresAt` has passed; how many were deleted.
    #[napi(ts_return_type = "Promise<number>")]
    pub fn cleanup_expired_previews<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = Ok(with_conn!(t, |ctx, conn| {
            deployments::cleanup_expired_previews(ctx, conn)
        }));
        run(env, work, out_number)
    }
}

/// Flat `AdminStorage` deployment methods.
#[napi]
impl PostgresAdminStorage {
    /// The seed's deployments domain object.
    #[napi(getter)]
    pub fn deployments(&self) -> DeploymentsPG {
        DeploymentsPG {
            target: self.target(),
        }
    }

    /// `AdminStorage.getDeployment`: the deployment or `null`.
    #[napi(
        js_name = "getDeployment",
        ts_args_type = "id: string",
        ts_return_type = "Promise<Deployment | null>"
    )]
    pub fn flat_get_deployment<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.deployments().get_deployment_by_id(env, id)
    }

    /// `AdminStorage.getDeploymentBySlug`: the project's deployment with this slug (the newest
    /// if several), or `null`.
    #[napi(
        js_name = "getDeploymentBySlug",
        ts_args_type = "projectId: string, slug: string",
        ts_return_type = "Promise<Deployment | null>"
    )]
    pub fn flat_get_deployment_by_slug<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
        slug: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, project_id, "projectId").and_then(|p| {
            let s = convert::text(env, slug, "slug")?;
            Ok(with_read_conn!(t, |ctx, conn| deployments::get_by_slug(
                ctx, conn, &p, &s
            )))
        });
        run(env, work, out_opt_row)
    }

    /// `AdminStorage.listDeploymentsForProject`: one page, newest first, in one round trip.
    #[napi(
        js_name = "listDeploymentsForProject",
        ts_args_type = "projectId: string, pagination?: PaginationParams",
        ts_return_type = "Promise<PaginatedResult<Deployment>>"
    )]
    pub fn flat_list_deployments_for_project<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
        pagination: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, project_id, "projectId").and_then(|p| {
            let req = convert::page_request(env, pagination)?;
            Ok(with_read_conn!(t, |ctx, conn| deployments::list_page(
                ctx, conn, &p, req
            )))
        });
        run(env, work, out_page)
    }

    /// `AdminStorage.createDeployment`: caller-supplied id (generated if missing).
    #[napi(
        js_name = "createDeployment",
        ts_args_type = "deployment: NewDeployment",
        ts_return_type = "Promise<Deployment>"
    )]
    pub fn flat_create_deployment<'env>(
        &self,
        env: &'env Env,
        deployment: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.deployments().create_deployment(env, deployment)
    }

    /// `AdminStorage.updateDeployment`: a missing deployment → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "updateDeployment",
        ts_args_type = "id: string, updates: Partial<Deployment>",
        ts_return_type = "Promise<Deployment>"
    )]
    pub fn flat_update_deployment<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        updates: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, updates, "updates")?;
            Ok(with_conn!(t, |ctx, conn| async {
                deployments::update(ctx, conn, &id, &f)
                    .await?
                    .ok_or_else(|| StoreError::missing("Deployment", &id))
            }))
        });
        run(env, work, out_row)
    }

    /// `AdminStorage.updateDeploymentStatus`: a missing deployment → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "updateDeploymentStatus",
        ts_args_type = "id: string, status: DeploymentStatus",
        ts_return_type = "Promise<Deployment>"
    )]
    pub fn flat_update_deployment_status<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        status: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").and_then(|id| {
            let s = convert::text(env, status, "status")?;
            Ok(with_conn!(t, |ctx, conn| async {
                deployments::update_status(ctx, conn, &id, &s)
                    .await?
                    .ok_or_else(|| StoreError::missing("Deployment", &id))
            }))
        });
        run(env, work, out_row)
    }

    /// `AdminStorage.deleteDeployment`: cascades to builds, servers and routes; a missing
    /// deployment → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "deleteDeployment",
        ts_args_type = "id: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn flat_delete_deployment<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").map(|id| {
            with_conn!(t, |ctx, conn| async {
                StoreError::found(
                    deployments::delete(ctx, conn, &id).await?,
                    "Deployment",
                    &id,
                )
            })
        });
        run(env, work, out_void)
    }
}
