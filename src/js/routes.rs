//! Routes: the `RoutesPG` domain object. Results are the seed's `RouteInfo`, shaped in
//! `core::routes::route_info`.

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::error::{out_bool, out_opt_row, out_row, run};
use super::storage::PostgresAdminStorage;
use crate::core::routes;
use crate::core::store::Target;
use crate::core::value::Row;

/// `RouteInfo[]`. Unlike other lists, rows differ in shape (`lastHealthCheck` only once
/// checked), so each object gets its own keys.
fn out_route_infos(env: &Env, rows: Vec<Row>) -> napi::Result<JsOut> {
    let mut arr = env.create_array(rows.len() as u32)?;
    for (i, r) in rows.into_iter().enumerate() {
        arr.set(i as u32, convert::row(env, r)?)?;
    }
    Ok(JsOut(arr.raw()))
}

/// The seed's `RoutesPG` domain object (`storage.routes`).
#[napi(js_name = "RoutesPG")]
pub struct RoutesPG {
    pub(crate) target: Target,
}

#[napi]
impl RoutesPG {
    /// `new RoutesPG({ client: storage.db })` or `new RoutesPG({ pool, schemaName })`, as in the seed.
    #[napi(constructor, ts_args_type = "config: PgDomainConfig")]
    pub fn new(
        env: napi::Env,
        config: Option<napi::bindgen_prelude::Unknown>,
    ) -> napi::Result<Self> {
        Ok(RoutesPG {
            target: super::storage::domain_target(&env, config, "RoutesPG")?,
        })
    }

    /// Register a route (status `pending`, TLS on unless `tls: false`). A subdomain already
    /// taken → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
    #[napi(
        ts_args_type = "config: RouteConfig & { publicUrl: string; id?: string }",
        ts_return_type = "Promise<RouteInfo>"
    )]
    pub fn create_route<'env>(
        &self,
        env: &'env Env,
        config: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, config, "config")
            .map(|f| with_conn!(t, |ctx, conn| routes::create(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// The route with this id, or `null`.
    #[napi(
        ts_args_type = "id: string",
        ts_return_type = "Promise<RouteInfo | null>"
    )]
    pub fn get_route_by_id<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_read_conn!(t, |ctx, conn| routes::get_by_id(ctx, conn, &id)));
        run(env, work, out_opt_row)
    }

    /// The deployment's route (the newest if several), or `null`.
    #[napi(
        ts_args_type = "deploymentId: string",
        ts_return_type = "Promise<RouteInfo | null>"
    )]
    pub fn get_route_by_deployment<'env>(
        &self,
        env: &'env Env,
        deployment_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, deployment_id, "deploymentId")
            .map(|d| with_read_conn!(t, |ctx, conn| routes::get_by_deployment(ctx, conn, &d)));
        run(env, work, out_opt_row)
    }

    /// The route for this subdomain, or `null`.
    #[napi(
        ts_args_type = "subdomain: string",
        ts_return_type = "Promise<RouteInfo | null>"
    )]
    pub fn get_route_by_subdomain<'env>(
        &self,
        env: &'env Env,
        subdomain: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, subdomain, "subdomain")
            .map(|s| with_read_conn!(t, |ctx, conn| routes::get_by_subdomain(ctx, conn, &s)));
        run(env, work, out_opt_row)
    }

    /// Update route fields (`tls` stands for `tlsEnabled`); `null` when there is no such route.
    #[napi(
        ts_args_type = "id: string, data: Partial<RouteConfig> & { publicUrl?: string }",
        ts_return_type = "Promise<RouteInfo | null>"
    )]
    pub fn update_route<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, data, "data")?;
            Ok(with_conn!(t, |ctx, conn| routes::update(
                ctx, conn, &id, &f
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Set the status (`pending | active | unhealthy | error`); `null` when there is no such
    /// route.
    #[napi(
        ts_args_type = "id: string, status: RouteStatus",
        ts_return_type = "Promise<RouteInfo | null>"
    )]
    pub fn update_route_status<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        status: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let s = convert::text(env, status, "status")?;
            Ok(with_conn!(t, |ctx, conn| routes::update_status(
                ctx, conn, &id, &s
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Record a health check: `active` when healthy, else `unhealthy`; `lastHealthCheck` = now.
    /// `null` when there is no such route.
    #[napi(
        ts_args_type = "id: string, healthy: boolean",
        ts_return_type = "Promise<RouteInfo | null>"
    )]
    pub fn update_route_health<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        healthy: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let h = convert::opt_bool(env, Some(healthy), "healthy")?.ok_or_else(|| {
                crate::core::error::StoreError::invalid("healthy must be a boolean")
            })?;
            Ok(with_conn!(t, |ctx, conn| routes::update_health(
                ctx, conn, &id, h
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Store the edge provider's id for the route; `null` when there is no such route.
    #[napi(
        ts_args_type = "id: string, providerRouteId: string",
        ts_return_type = "Promise<RouteInfo | null>"
    )]
    pub fn set_provider_route_id<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        provider_route_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let p = convert::text(env, provider_route_id, "providerRouteId")?;
            Ok(with_conn!(t, |ctx, conn| routes::set_provider_route_id(
                ctx, conn, &id, &p
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Whether a route was deleted.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<boolean>")]
    pub fn delete_route<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| routes::delete(ctx, conn, &id)));
        run(env, work, out_bool)
    }

    /// The project's routes, newest first.
    #[napi(
        ts_args_type = "projectId: string",
        ts_return_type = "Promise<RouteInfo[]>"
    )]
    pub fn list_routes<'env>(
        &self,
        env: &'env Env,
        project_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, project_id, "projectId")
            .map(|p| with_read_conn!(t, |ctx, conn| routes::list(ctx, conn, &p)));
        run(env, work, out_route_infos)
    }

    /// Every active route, by subdomain.
    #[napi(ts_return_type = "Promise<RouteInfo[]>")]
    pub fn list_active_routes<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = Ok(with_read_conn!(t, |ctx, conn| routes::list_active(
            ctx, conn
        )));
        run(env, work, out_route_infos)
    }
}

#[napi]
impl PostgresAdminStorage {
    /// The seed's routes domain object.
    #[napi(getter)]
    pub fn routes(&self) -> RoutesPG {
        RoutesPG {
            target: self.target(),
        }
    }
}
