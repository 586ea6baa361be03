//! Running servers: the `RunningServersPG` domain object and the flat `AdminStorage`
//! running-server methods.

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::error::{out_number, out_opt_row, out_row, out_rows, out_void, run};
use super::storage::PostgresAdminStorage;
use crate::core::error::StoreError;
use crate::core::generic::{non_negative, truncate};
use crate::core::servers::{self, Metric, DEFAULT_STOPPED_DAYS, DEFAULT_UNHEALTHY_MINUTES};
use crate::core::store::Target;
use crate::core::value::Param;

type CoreResult<T> = std::result::Result<T, StoreError>;

/// `{ memoryUsageMb?, cpuPercent? }` of `updateHealthStatus`: absent keys are left alone,
/// `null` clears the stored value.
fn metrics_arg(env: &Env, v: Option<Unknown>) -> CoreResult<(Metric, Metric)> {
    let Some(u) = v else {
        return Ok((Metric::Keep, Metric::Keep));
    };
    let raw = u.value().value;
    if convert::is_nullish(env, raw) {
        return Ok((Metric::Keep, Metric::Keep));
    }
    if !convert::is_plain_object(env, raw) {
        return Err(StoreError::invalid(
            "metrics must be an object { memoryUsageMb?, cpuPercent? }",
        ));
    }
    let mut memory = Metric::Keep;
    let mut cpu = Metric::Keep;
    for (key, value) in convert::entries(env, raw)? {
        let slot = match key.as_str() {
            "memoryUsageMb" => &mut memory,
            "cpuPercent" => &mut cpu,
            other => {
                return Err(StoreError::invalid(format!(
                    "unknown metric `{}` (expected memoryUsageMb or cpuPercent)",
                    truncate(other)
                )))
            }
        };
        *slot = match convert::param(env, value, convert::Undefined::Skip)? {
            None => Metric::Keep,
            Some(Param::Null) => Metric::Set(None),
            Some(Param::Number(n)) if (n as f32).is_finite() => Metric::Set(Some(n as f32)),
            Some(_) => {
                return Err(StoreError::invalid(format!(
                    "metric {key} must be a finite number or null"
                )))
            }
        };
    }
    Ok((memory, cpu))
}

/// The seed's `RunningServersPG` domain object (`storage.servers`).
#[napi(js_name = "RunningServersPG")]
pub struct RunningServersPG {
    pub(crate) target: Target,
}

#[napi]
impl RunningServersPG {
    /// `new RunningServersPG({ client: storage.db })` or `new RunningServersPG({ pool, schemaName })`, as in the seed.
    #[napi(constructor, ts_args_type = "config: PgDomainConfig")]
    pub fn new(
        env: napi::Env,
        config: Option<napi::bindgen_prelude::Unknown>,
    ) -> napi::Result<Self> {
        Ok(RunningServersPG {
            target: super::storage::domain_target(&env, config, "RunningServersPG")?,
        })
    }

    /// Register a server; `id` is generated when not given, `healthStatus` defaults to
    /// `starting` and `startedAt` to now.
    #[napi(
        ts_args_type = "data: NewRunningServer",
        ts_return_type = "Promise<RunningServer>"
    )]
    pub fn register_server<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| servers::register(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// The server with this id, or `null`.
    #[napi(
        ts_args_type = "id: string",
        ts_return_type = "Promise<RunningServer | null>"
    )]
    pub fn get_server_by_id<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_read_conn!(t, |ctx, conn| servers::get_by_id(ctx, conn, &id)));
        run(env, work, out_opt_row)
    }

    /// The deployment's live (not stopped) server, the newest if several; or `null`.
    #[napi(
        ts_args_type = "deploymentId: string",
        ts_return_type = "Promise<RunningServer | null>"
    )]
    pub fn get_server_by_deployment<'env>(
        &self,
        env: &'env Env,
        deployment_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, deployment_id, "deploymentId").map(|d| {
            with_read_conn!(t, |ctx, conn| servers::get_live_for_deployment(
                ctx, conn, &d
            ))
        });
        run(env, work, out_opt_row)
    }

    /// Update; `null` when there is no such server. `id` is ignored.
    #[napi(
        ts_args_type = "id: string, data: Partial<RunningServer>",
        ts_return_type = "Promise<RunningServer | null>"
    )]
    pub fn update_server<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, data, "data")?;
            Ok(with_conn!(t, |ctx, conn| servers::update(
                ctx, conn, &id, &f
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Record a health check: the status, `lastHealthCheck` = now, and the metrics given.
    /// `null` when there is no such server.
    #[napi(
        ts_args_type = "id: string, status: HealthStatus, metrics?: ServerMetrics",
        ts_return_type = "Promise<RunningServer | null>"
    )]
    pub fn update_health_status<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        status: Unknown,
        metrics: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let id = convert::text(env, id, "id")?;
            let s = convert::text(env, status, "status")?;
            let (memory, cpu) = metrics_arg(env, metrics)?;
            Ok(with_conn!(t, |ctx, conn| servers::update_health(
                ctx, conn, &id, &s, memory, cpu
            )))
        })();
        run(env, work, out_opt_row)
    }

    /// Mark the server `stopping` with `stoppedAt` = now; `null` when there is no such server.
    #[napi(
        ts_args_type = "id: string",
        ts_return_type = "Promise<RunningServer | null>"
    )]
    pub fn stop_server<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| servers::stop(ctx, conn, &id)));
        run(env, work, out_opt_row)
    }

    /// Live servers (of one deployment, or all), newest first.
    #[napi(
        ts_args_type = "deploymentId?: string",
        ts_return_type = "Promise<RunningServer[]>"
    )]
    pub fn list_running_servers<'env>(
        &self,
        env: &'env Env,
        deployment_id: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::opt_text(env, deployment_id, "deploymentId")
            .map(|d| with_read_conn!(t, |ctx, conn| servers::list_live(ctx, conn, d.as_deref())));
        run(env, work, out_rows)
    }

    /// Every server of the deployment, stopped ones too, newest first; `limit` is a
    /// non-negative integer.
    #[napi(
        ts_args_type = "deploymentId: string, options?: { limit?: number }",
        ts_return_type = "Promise<RunningServer[]>"
    )]
    pub fn list_all_servers<'env>(
        &self,
        env: &'env Env,
        deployment_id: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let d = convert::text(env, deployment_id, "deploymentId")?;
            let limit = non_negative(
                convert::opt_number(env, convert::prop(env, options, "limit"), "limit")?,
                "limit",
            )?;
            Ok(with_read_conn!(t, |ctx, conn| servers::list_all(
                ctx, conn, &d, limit
            )))
        })();
        run(env, work, out_rows)
    }

    /// Live servers reported `unhealthy`, or whose last health check is older than
    /// `thresholdMinutes` (default 5; a finite non-negative number).
    #[napi(
        ts_args_type = "thresholdMinutes?: number",
        ts_return_type = "Promise<RunningServer[]>"
    )]
    pub fn get_unhealthy_servers<'env>(
        &self,
        env: &'env Env,
        threshold_minutes: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::opt_number(env, threshold_minutes, "thresholdMinutes").map(|m| {
            let minutes = m.unwrap_or(DEFAULT_UNHEALTHY_MINUTES);
            with_read_conn!(t, |ctx, conn| servers::unhealthy(ctx, conn, minutes))
        });
        run(env, work, out_rows)
    }

    /// Delete servers stopped more than `olderThanDays` ago (default 7; a finite non-negative
    /// number); how many were deleted.
    #[napi(
        ts_args_type = "olderThanDays?: number",
        ts_return_type = "Promise<number>"
    )]
    pub fn cleanup_stopped_servers<'env>(
        &self,
        env: &'env Env,
        older_than_days: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::opt_number(env, older_than_days, "olderThanDays").map(|d| {
            let days = d.unwrap_or(DEFAULT_STOPPED_DAYS);
            with_conn!(t, |ctx, conn| servers::cleanup_stopped(ctx, conn, days))
        });
        run(env, work, out_number)
    }
}

/// Flat `AdminStorage` running-server methods.
#[napi]
impl PostgresAdminStorage {
    /// The seed's running-servers domain object.
    #[napi(getter)]
    pub fn servers(&self) -> RunningServersPG {
        RunningServersPG {
            target: self.target(),
        }
    }

    /// `AdminStorage.getRunningServer`: the server or `null`.
    #[napi(
        js_name = "getRunningServer",
        ts_args_type = "id: string",
        ts_return_type = "Promise<RunningServer | null>"
    )]
    pub fn flat_get_running_server<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.servers().get_server_by_id(env, id)
    }

    /// `AdminStorage.getRunningServerForDeployment`: the newest live server, or `null`.
    #[napi(
        js_name = "getRunningServerForDeployment",
        ts_args_type = "deploymentId: string",
        ts_return_type = "Promise<RunningServer | null>"
    )]
    pub fn flat_get_running_server_for_deployment<'env>(
        &self,
        env: &'env Env,
        deployment_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.servers().get_server_by_deployment(env, deployment_id)
    }

    /// `AdminStorage.listRunningServers`: every live (not stopped) server, newest first.
    #[napi(
        js_name = "listRunningServers",
        ts_return_type = "Promise<RunningServer[]>"
    )]
    pub fn flat_list_running_servers<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.servers().list_running_servers(env, None)
    }

    /// `AdminStorage.createRunningServer`: caller-supplied id (generated if missing).
    #[napi(
        js_name = "createRunningServer",
        ts_args_type = "server: NewRunningServer",
        ts_return_type = "Promise<RunningServer>"
    )]
    pub fn flat_create_running_server<'env>(
        &self,
        env: &'env Env,
        server: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.servers().register_server(env, server)
    }

    /// `AdminStorage.updateRunningServer`: a missing server → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "updateRunningServer",
        ts_args_type = "id: string, updates: Partial<RunningServer>",
        ts_return_type = "Promise<RunningServer>"
    )]
    pub fn flat_update_running_server<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        updates: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, updates, "updates")?;
            Ok(with_conn!(t, |ctx, conn| async {
                servers::update(ctx, conn, &id, &f)
                    .await?
                    .ok_or_else(|| StoreError::missing("Running server", &id))
            }))
        });
        run(env, work, out_row)
    }

    /// `AdminStorage.stopRunningServer`: `healthStatus: 'stopping'`, `stoppedAt` = now; a
    /// missing server → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "stopRunningServer",
        ts_args_type = "id: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn flat_stop_running_server<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").map(|id| {
            with_conn!(t, |ctx, conn| async {
                servers::stop(ctx, conn, &id)
                    .await?
                    .map(|_| ())
                    .ok_or_else(|| StoreError::missing("Running server", &id))
            })
        });
        run(env, work, out_void)
    }
}
