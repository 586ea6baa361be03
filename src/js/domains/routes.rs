//! Routes: the `RoutesPG` domain object. Results are the seed's `RouteInfo`, shaped in
//! `core::routes::route_info`.
#![allow(non_snake_case)] // argument names are the JS ones: they name the argument in errors

use crate::core::domains::crud::{self, Routes};
use crate::core::domains::routes;
use crate::js::error::{out_bool, out_opt_row, out_row, out_rows};
use crate::js::methods::methods;
use crate::js::storage::PostgresAdminStorage;

methods! {
    /// The seed's `RoutesPG` domain object (`storage.routes`).
    class RoutesPG = "RoutesPG", getter routes {

    /// Register a route (status `pending`, TLS on unless `tls: false`). A subdomain already
    /// taken → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    insert routes create_route(config: fields) "config: RouteConfig & { publicUrl: string; id?: string }" -> out_row "Promise<RouteInfo>" = routes::create;
    /// The route with this id, or `null`.
    select routes get_route_by_id(id: text) "id: string" -> out_opt_row "Promise<RouteInfo | null>" = routes::get_by_id;
    /// The deployment's route (the newest if several), or `null`.
    select routes get_route_by_deployment(deploymentId: text) "deploymentId: string" -> out_opt_row "Promise<RouteInfo | null>" = routes::get_by_deployment;
    /// The route for this subdomain, or `null`.
    select routes get_route_by_subdomain(subdomain: text) "subdomain: string" -> out_opt_row "Promise<RouteInfo | null>" = routes::get_by_subdomain;
    /// Update route fields (`tls` stands for `tlsEnabled`); `null` when there is no such route.
    update routes update_route(id: text, data: fields) "id: string, data: Partial<RouteConfig> & { publicUrl?: string }" -> out_opt_row "Promise<RouteInfo | null>" = routes::update;
    /// Set the status (`pending | active | unhealthy | error`); `null` when there is no such
    /// route.
    update routes update_route_status(id: text, status: text) "id: string, status: RouteStatus" -> out_opt_row "Promise<RouteInfo | null>" = routes::update_status;
    /// Record a health check: `active` when healthy, else `unhealthy`; `lastHealthCheck` = now.
    /// `null` when there is no such route.
    update routes update_route_health(id: text, healthy: boolean) "id: string, healthy: boolean" -> out_opt_row "Promise<RouteInfo | null>" = routes::update_health;
    /// Store the edge provider's id for the route; `null` when there is no such route.
    update routes set_provider_route_id(id: text, providerRouteId: text) "id: string, providerRouteId: string" -> out_opt_row "Promise<RouteInfo | null>" = routes::set_provider_route_id;
    /// Whether a route was deleted.
    delete routes delete_route(id: text) "id: string" -> out_bool "Promise<boolean>" = crud::delete::<Routes>;
    /// The project's routes, newest first.
    select routes list_routes(projectId: text) "projectId: string" -> out_rows "Promise<RouteInfo[]>" = routes::list;
    /// Every active route, by subdomain.
    select routes list_active_routes() "" -> out_rows "Promise<RouteInfo[]>" = routes::list_active;
    }

    flat {}
}
