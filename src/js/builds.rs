//! Builds: the `BuildsPG` domain object (with the build queue) and the flat `AdminStorage`
//! build methods.

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::error::{out_bool, out_number, out_opt_row, out_page, out_row, out_rows, out_void, run};
use super::storage::PostgresAdminStorage;
use crate::core::builds::{self, ErrorMessage};
use crate::core::error::StoreError;
use crate::core::generic::non_negative;
use crate::core::store::Target;

type CoreResult<T> = std::result::Result<T, StoreError>;

/// The optional `errorMessage` argument: `undefined` keeps the stored one, a string or `null`
/// sets it.
/// (Taken as a plain `Unknown`: napi would fold `null` into `None` for an `Option`.)
fn error_message_arg(env: &Env, v: Unknown) -> CoreResult<ErrorMessage> {
    match convert::param(env, v.value().value, convert::Undefined::Skip)? {
        None => Ok(ErrorMessage::Keep),
        Some(crate::core::value::Param::Null) => Ok(ErrorMessage::Set(None)),
        Some(crate::core::value::Param::Text(s)) => Ok(ErrorMessage::Set(Some(s))),
        Some(_) => Err(StoreError::invalid("errorMessage must be a string")),
    }
}

/// The seed's `BuildsPG` domain object (`storage.builds`), build queue included.
#[napi(js_name = "BuildsPG")]
pub struct BuildsPG {
    pub(crate) target: Target,
}

#[napi]
impl BuildsPG {
    /// `new BuildsPG({ client: storage.db })` or `new BuildsPG({ pool, schemaName })`, as in the seed.
    #[napi(constructor, ts_args_type = "config: PgDomainConfig")]
    pub fn new(
        env: napi::Env,
        config: Option<napi::bindgen_prelude::Unknown>,
    ) -> napi::Result<Self> {
        Ok(BuildsPG {
            target: super::storage::domain_target(&env, config, "BuildsPG")?,
        })
    }

    /// Create a build; `id` is generated when not given, `status` defaults to `queued` and
    /// `queuedAt` to now (server clock).
    #[napi(ts_args_type = "data: NewBuild", ts_return_type = "Promise<Build>")]
    pub fn create_build<'env>(
        &self,
        env: &'env Env,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::fields(env, data, "data")
            .map(|f| with_conn!(t, |ctx, conn| builds::create(ctx, conn, &f)));
        run(env, work, out_row)
    }

    /// The build with this id, or `null`.
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<Build | null>")]
    pub fn get_build_by_id<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_read_conn!(t, |ctx, conn| builds::get_by_id(ctx, conn, &id)));
        run(env, work, out_opt_row)
    }

    /// Update; `null` when there is no such build. `id`/`createdAt` are ignored.
    #[napi(
        ts_args_type = "id: string, data: Partial<Build>",
        ts_return_type = "Promise<Build | null>"
    )]
    pub fn update_build<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, data, "data")?;
            Ok(with_conn!(t, |ctx, conn| builds::update(
                ctx, conn, &id, &f
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Set the status: `building` sets `startedAt`, `succeeded`/`failed`/`cancelled` set
    /// `completedAt` (server clock). `errorMessage`, when given, is stored too. `null` when
    /// there is no such build.
    #[napi(
        ts_args_type = "id: string, status: BuildStatus, errorMessage?: string | null",
        ts_return_type = "Promise<Build | null>"
    )]
    pub fn update_build_status<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        status: Unknown,
        error_message: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let id = convert::text(env, id, "id")?;
            let s = convert::text(env, status, "status")?;
            let m = error_message_arg(env, error_message)?;
            Ok(with_conn!(t, |ctx, conn| builds::update_status(
                ctx, conn, &id, &s, m
            )))
        })();
        run(env, work, out_opt_row)
    }

    /// Append to the build's logs atomically (concurrent appenders never lose a chunk). A
    /// missing build is ignored, as in the seed.
    #[napi(
        ts_args_type = "id: string, logs: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn append_build_logs<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        logs: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let text = convert::text(env, logs, "logs")?;
            Ok(with_conn!(t, |ctx, conn| async {
                builds::append_logs(ctx, conn, &id, &text).await.map(|_| ())
            }))
        });
        run(env, work, out_void)
    }

    /// Mark the build failed with this message, completed now; `null` when there is no such
    /// build.
    #[napi(
        ts_args_type = "id: string, errorMessage: string",
        ts_return_type = "Promise<Build | null>"
    )]
    pub fn set_build_error<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        error_message: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id").and_then(|id| {
            let m = convert::text(env, error_message, "errorMessage")?;
            Ok(with_conn!(t, |ctx, conn| builds::set_error(
                ctx, conn, &id, &m
            )))
        });
        run(env, work, out_opt_row)
    }

    /// Whether a build was deleted. A build a running server points at cannot be deleted
    /// (`ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`).
    #[napi(ts_args_type = "id: string", ts_return_type = "Promise<boolean>")]
    pub fn delete_build<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, id, "id")
            .map(|id| with_conn!(t, |ctx, conn| builds::delete(ctx, conn, &id)));
        run(env, work, out_bool)
    }

    /// The deployment's builds, newest first (`id` breaks ties); `limit` is a non-negative
    /// integer.
    #[napi(
        ts_args_type = "deploymentId: string, options?: { limit?: number }",
        ts_return_type = "Promise<Build[]>"
    )]
    pub fn list_builds<'env>(
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
            Ok(with_read_conn!(t, |ctx, conn| builds::list(
                ctx, conn, &d, limit
            )))
        })();
        run(env, work, out_rows)
    }

    /// Queue a build for the deployment (status `queued`, queued now).
    #[napi(
        ts_args_type = "deploymentId: string, trigger: BuildTrigger, triggeredBy: string, commitSha?: string | null, commitMessage?: string | null",
        ts_return_type = "Promise<Build>"
    )]
    pub fn enqueue<'env>(
        &self,
        env: &'env Env,
        deployment_id: Unknown,
        trigger: Unknown,
        triggered_by: Unknown,
        commit_sha: Option<Unknown>,
        commit_message: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let d = convert::text(env, deployment_id, "deploymentId")?;
            let tr = convert::text(env, trigger, "trigger")?;
            let by = convert::text(env, triggered_by, "triggeredBy")?;
            let sha = convert::opt_text(env, commit_sha, "commitSha")?;
            let msg = convert::opt_text(env, commit_message, "commitMessage")?;
            Ok(with_conn!(t, |ctx, conn| builds::enqueue(
                ctx,
                conn,
                &d,
                &tr,
                &by,
                sha.as_deref(),
                msg.as_deref()
            )))
        })();
        run(env, work, out_row)
    }

    /// Claim the oldest queued build (FIFO by `queuedAt`, then `id`) in one statement with
    /// `FOR UPDATE SKIP LOCKED`: it comes back `building` with `startedAt` set, and no other
    /// worker receives it. `null` when nothing is queued.
    #[napi(ts_return_type = "Promise<Build | null>")]
    pub fn dequeue<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = Ok(with_conn!(t, |ctx, conn| builds::dequeue(ctx, conn)));
        run(env, work, out_opt_row)
    }

    /// Claim up to `n` of the oldest queued builds in one statement, same guarantees as
    /// `dequeue`; returned in queue order.
    #[napi(ts_args_type = "n: number", ts_return_type = "Promise<Build[]>")]
    pub fn dequeue_batch<'env>(
        &self,
        env: &'env Env,
        n: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let n = non_negative(convert::opt_number(env, Some(n), "n")?, "n")?
                .ok_or_else(|| StoreError::invalid("n must be a non-negative integer"))?;
            Ok(with_conn!(t, |ctx, conn| builds::dequeue_batch(
                ctx, conn, n
            )))
        })();
        run(env, work, out_rows)
    }

    /// 1-based position of a queued build in dequeue order; `-1` when it is not queued.
    #[napi(ts_args_type = "buildId: string", ts_return_type = "Promise<number>")]
    pub fn get_queue_position<'env>(
        &self,
        env: &'env Env,
        build_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, build_id, "buildId")
            .map(|id| with_read_conn!(t, |ctx, conn| builds::queue_position(ctx, conn, &id)));
        run(env, work, out_number)
    }

    /// How many builds are queued.
    #[napi(ts_return_type = "Promise<number>")]
    pub fn get_queue_length<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = Ok(with_read_conn!(t, |ctx, conn| builds::queue_length(
            ctx, conn
        )));
        run(env, work, out_number)
    }

    /// Cancel the deployment's queued builds (builds already claimed or finished are left
    /// alone); how many were cancelled.
    #[napi(
        ts_args_type = "deploymentId: string",
        ts_return_type = "Promise<number>"
    )]
    pub fn cancel_queued_builds<'env>(
        &self,
        env: &'env Env,
        deployment_id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, deployment_id, "deploymentId")
            .map(|d| with_conn!(t, |ctx, conn| builds::cancel_queued(ctx, conn, &d)));
        run(env, work, out_number)
    }
}

/// Flat `AdminStorage` build methods.
#[napi]
impl PostgresAdminStorage {
    /// The seed's builds domain object (with the build queue).
    #[napi(getter)]
    pub fn builds(&self) -> BuildsPG {
        BuildsPG {
            target: self.target(),
        }
    }

    /// `AdminStorage.getBuild`: the build or `null`.
    #[napi(
        js_name = "getBuild",
        ts_args_type = "id: string",
        ts_return_type = "Promise<Build | null>"
    )]
    pub fn flat_get_build<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.builds().get_build_by_id(env, id)
    }

    /// `AdminStorage.listBuildsForDeployment`: one page, newest first, in one round trip.
    #[napi(
        js_name = "listBuildsForDeployment",
        ts_args_type = "deploymentId: string, pagination?: PaginationParams",
        ts_return_type = "Promise<PaginatedResult<Build>>"
    )]
    pub fn flat_list_builds_for_deployment<'env>(
        &self,
        env: &'env Env,
        deployment_id: Unknown,
        pagination: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, deployment_id, "deploymentId").and_then(|d| {
            let req = convert::page_request(env, pagination)?;
            Ok(with_read_conn!(t, |ctx, conn| builds::list_page(
                ctx, conn, &d, req
            )))
        });
        run(env, work, out_page)
    }

    /// `AdminStorage.createBuild`: caller-supplied id (generated if missing).
    #[napi(
        js_name = "createBuild",
        ts_args_type = "build: NewBuild",
        ts_return_type = "Promise<Build>"
    )]
    pub fn flat_create_build<'env>(
        &self,
        env: &'env Env,
        build: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.builds().create_build(env, build)
    }

    /// `AdminStorage.updateBuild`: a missing build → `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "updateBuild",
        ts_args_type = "id: string, updates: Partial<Build>",
        ts_return_type = "Promise<Build>"
    )]
    pub fn flat_update_build<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        updates: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = convert::text(env, id, "id").and_then(|id| {
            let f = convert::fields(env, updates, "updates")?;
            Ok(with_conn!(t, |ctx, conn| async {
                builds::update(ctx, conn, &id, &f)
                    .await?
                    .ok_or_else(|| StoreError::missing("Build", &id))
            }))
        });
        run(env, work, out_row)
    }

    /// `AdminStorage.updateBuildStatus`: sets `startedAt` on `building`, `completedAt` on
    /// `succeeded`/`failed`/`cancelled`, and `errorMessage` when given; a missing build →
    /// `ERR_ADMIN_PG_NOT_FOUND`.
    #[napi(
        js_name = "updateBuildStatus",
        ts_args_type = "id: string, status: BuildStatus, errorMessage?: string | null",
        ts_return_type = "Promise<Build>"
    )]
    pub fn flat_update_build_status<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        status: Unknown,
        error_message: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = (|| {
            let id = convert::text(env, id, "id")?;
            let s = convert::text(env, status, "status")?;
            let m = error_message_arg(env, error_message)?;
            Ok(with_conn!(t, |ctx, conn| async {
                builds::update_status(ctx, conn, &id, &s, m)
                    .await?
                    .ok_or_else(|| StoreError::missing("Build", &id))
            }))
        })();
        run(env, work, out_row)
    }

    /// `AdminStorage.appendBuildLogs`: atomic append; a missing build resolves quietly (the
    /// app calls it fire-and-forget).
    #[napi(
        js_name = "appendBuildLogs",
        ts_args_type = "id: string, logs: string",
        ts_return_type = "Promise<void>"
    )]
    pub fn flat_append_build_logs<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        logs: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.builds().append_build_logs(env, id, logs)
    }

    /// `AdminStorage.dequeueNextBuild`: the domain `dequeue()`.
    #[napi(js_name = "dequeueNextBuild", ts_return_type = "Promise<Build | null>")]
    pub fn flat_dequeue_next_build<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        self.builds().dequeue(env)
    }

    /// `AdminStorage.listQueuedBuilds`: every queued build, in dequeue (FIFO) order.
    #[napi(js_name = "listQueuedBuilds", ts_return_type = "Promise<Build[]>")]
    pub fn flat_list_queued_builds<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target();
        let work = Ok(with_read_conn!(t, |ctx, conn| builds::list_queued(
            ctx, conn
        )));
        run(env, work, out_rows)
    }
}
