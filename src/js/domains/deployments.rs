//! Deployments: the `DeploymentsPG` domain object and the flat `AdminStorage` deployment
//! methods.
#![allow(non_snake_case)] // argument names are the JS ones: they name the argument in errors

use crate::core::domains::crud::{self, Deployments};
use crate::core::domains::deployments;
use crate::js::error::{out_bool, out_number, out_opt_row, out_page, out_row, out_rows};
use crate::js::methods::{methods, out_void};
use crate::js::storage::PostgresAdminStorage;

methods! {
    /// The seed's `DeploymentsPG` domain object (`storage.deployments`).
    class DeploymentsPG = "DeploymentsPG", getter deployments {

    /// Create a deployment; `id` is generated when not given. A second deployment with the
    /// same (projectId, type, branch) → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    insert deployments create_deployment(data: fields) "data: NewDeployment" -> out_row "Promise<Deployment>" = crud::create::<Deployments>, flat create_deployment;
    /// The deployment with this id, or `null`.
    select deployments get_deployment_by_id(id: text) "id: string" -> out_opt_row "Promise<Deployment | null>" = crud::get::<Deployments>, flat get_deployment;
    /// The project's deployment for (type, branch), or `null`.
    select deployments get_deployment(projectId: text, r#type: text, branch: text) "projectId: string, type: DeploymentType, branch: string" -> out_opt_row "Promise<Deployment | null>" = deployments::get_by_branch;
    /// The project's newest production deployment, or `null`.
    select deployments get_production_deployment(projectId: text) "projectId: string" -> out_opt_row "Promise<Deployment | null>" = deployments::get_production;
    /// Update; `null` when there is no such deployment. `id`/`createdAt`/`updatedAt` are ignored.
    update deployments update_deployment(id: text, data: fields) "id: string, data: Partial<Deployment>" -> out_opt_row "Promise<Deployment | null>" = crud::update::<Deployments>;
    /// Set the status (`pending | building | running | stopped | failed`); `null` when there
    /// is no such deployment.
    update deployments update_deployment_status(id: text, status: text) "id: string, status: DeploymentStatus" -> out_opt_row "Promise<Deployment | null>" = deployments::update_status;
    /// Point the deployment at a build; `null` when there is no such deployment.
    update deployments set_current_build(deploymentId: text, buildId: text) "deploymentId: string, buildId: string" -> out_opt_row "Promise<Deployment | null>" = deployments::set_current_build;
    /// Whether a deployment was deleted (its builds, servers and routes go with it).
    delete deployments delete_deployment(id: text) "id: string" -> out_bool "Promise<boolean>" = crud::delete::<Deployments>;
    /// The project's deployments, newest first (`id` breaks ties).
    select deployments list_deployments(projectId: text) "projectId: string" -> out_rows "Promise<Deployment[]>" = deployments::list;
    /// The project's deployments of one type, newest first.
    select deployments list_deployments_by_type(projectId: text, r#type: text) "projectId: string, type: DeploymentType" -> out_rows "Promise<Deployment[]>" = deployments::list_by_type;
    /// The project's pending, building and running deployments, newest first.
    select deployments list_active_deployments(projectId: text) "projectId: string" -> out_rows "Promise<Deployment[]>" = deployments::list_active;
    /// The project's preview deployments, newest first.
    select deployments list_preview_deployments(projectId: text) "projectId: string" -> out_rows "Promise<Deployment[]>" = deployments::list_previews;
    /// Delete preview deployments whose `expiresAt` has passed; how many were deleted.
    delete deployments cleanup_expired_previews() "" -> out_number "Promise<number>" = deployments::cleanup_expired_previews;
    }

    flat {
        /// `AdminStorage.getDeploymentBySlug`: the project's deployment with this slug (the newest
        /// if several), or `null`.
        select deployments get_deployment_by_slug(projectId: text, slug: text) "projectId: string, slug: string" -> out_opt_row "Promise<Deployment | null>" = deployments::get_by_slug;
        /// `AdminStorage.listDeploymentsForProject`: one page, newest first, in one round trip.
        select deployments list_deployments_for_project(projectId: text, pagination: page) "projectId: string, pagination?: PaginationParams" -> out_page "Promise<PaginatedResult<Deployment>>" = deployments::list_page;
        /// `AdminStorage.updateDeployment`: a missing deployment → `ERR_ADMIN_PG_NOT_FOUND`.
        update deployments update_deployment(id: text, updates: fields) "id: string, updates: Partial<Deployment>" -> out_row "Promise<Deployment>" = crud::update::<Deployments> [missing "Deployment", id];
        /// `AdminStorage.updateDeploymentStatus`: a missing deployment → `ERR_ADMIN_PG_NOT_FOUND`.
        update deployments update_deployment_status(id: text, status: text) "id: string, status: DeploymentStatus" -> out_row "Promise<Deployment>" = deployments::update_status [missing "Deployment", id];
        /// `AdminStorage.deleteDeployment`: cascades to builds, servers and routes; a missing
        /// deployment → `ERR_ADMIN_PG_NOT_FOUND`.
        delete deployments delete_deployment(id: text) "id: string" -> out_void "Promise<void>" = crud::delete::<Deployments> [missing "Deployment", id];
    }
}
