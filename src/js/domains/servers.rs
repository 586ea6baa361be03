//! Running servers: the `RunningServersPG` domain object and the flat `AdminStorage`
//! running-server methods.
#![allow(non_snake_case)] // argument names are the JS ones: they name the argument in errors

use crate::core::domains::crud::{self, RunningServers};
use crate::core::domains::servers;
use crate::js::error::{out_number, out_opt_row, out_row, out_rows};
use crate::js::methods::{methods, out_void};
use crate::js::storage::PostgresAdminStorage;

methods! {
    /// The seed's `RunningServersPG` domain object (`storage.servers`).
    class RunningServersPG = "RunningServersPG", getter servers {

    /// Register a server; `id` is generated when not given, `healthStatus` defaults to
    /// `starting` and `startedAt` to now.
    insert running_servers register_server(data: fields) "data: NewRunningServer" -> out_row "Promise<RunningServer>" = crud::create::<RunningServers>, flat create_running_server;
    /// The server with this id, or `null`.
    select running_servers get_server_by_id(id: text) "id: string" -> out_opt_row "Promise<RunningServer | null>" = crud::get::<RunningServers>, flat get_running_server;
    /// The deployment's live (not stopped) server, the newest if several; or `null`.
    select running_servers get_server_by_deployment(deploymentId: text) "deploymentId: string" -> out_opt_row "Promise<RunningServer | null>" = servers::get_live_for_deployment, flat get_running_server_for_deployment;
    /// Update; `null` when there is no such server. `id` is ignored.
    update running_servers update_server(id: text, data: fields) "id: string, data: Partial<RunningServer>" -> out_opt_row "Promise<RunningServer | null>" = crud::update::<RunningServers>;
    /// Record a health check: the status, `lastHealthCheck` = now, and the metrics given.
    /// `null` when there is no such server.
    update running_servers update_health_status(id: text, status: text, metrics: metrics) "id: string, status: HealthStatus, metrics?: ServerMetrics" -> out_opt_row "Promise<RunningServer | null>" = servers::update_health;
    /// Mark the server `stopping` with `stoppedAt` = now; `null` when there is no such server.
    update running_servers stop_server(id: text) "id: string" -> out_opt_row "Promise<RunningServer | null>" = servers::stop;
    /// Live servers (of one deployment, or all), newest first.
    select running_servers list_running_servers(deploymentId: opt_text) "deploymentId?: string" -> out_rows "Promise<RunningServer[]>" = servers::list_live;
    /// Every server of the deployment, stopped ones too, newest first; `limit` is a
    /// non-negative integer.
    select running_servers list_all_servers(deploymentId: text, options: limit) "deploymentId: string, options?: { limit?: number }" -> out_rows "Promise<RunningServer[]>" = servers::list_all;
    /// Live servers reported `unhealthy`, or whose last health check is older than
    /// `thresholdMinutes` (default 5; a finite non-negative number).
    select running_servers get_unhealthy_servers(thresholdMinutes: opt_number) "thresholdMinutes?: number" -> out_rows "Promise<RunningServer[]>" = servers::unhealthy;
    /// Delete servers stopped more than `olderThanDays` ago (default 7; a finite non-negative
    /// number); how many were deleted.
    delete running_servers cleanup_stopped_servers(olderThanDays: opt_number) "olderThanDays?: number" -> out_number "Promise<number>" = servers::cleanup_stopped;
    }

    flat {
        /// `AdminStorage.listRunningServers`: every live (not stopped) server, newest first.
        select running_servers list_running_servers() "" -> out_rows "Promise<RunningServer[]>" = servers::list_all_live;
        /// `AdminStorage.updateRunningServer`: a missing server → `ERR_ADMIN_PG_NOT_FOUND`.
        update running_servers update_running_server(id: text, updates: fields) "id: string, updates: Partial<RunningServer>" -> out_row "Promise<RunningServer>" = crud::update::<RunningServers> [missing "Running server", id];
        /// `AdminStorage.stopRunningServer`: `healthStatus: 'stopping'`, `stoppedAt` = now; a
        /// missing server → `ERR_ADMIN_PG_NOT_FOUND`.
        update running_servers stop_running_server(id: text) "id: string" -> out_void "Promise<void>" = servers::stop [missing "Running server", id];
    }
}
