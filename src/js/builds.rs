//! Builds: the `BuildsPG` domain object (with the build queue) and the flat `AdminStorage`
//! build methods.

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::{Env, JsValue};
use napi_derive::napi;

use super::abort::{self, AbortHook, Signal};
use super::convert::{self, JsOut};
use super::error::{
    js_error, out_bool, out_number, out_opt_row, out_page, out_row, out_rows, out_void, run,
};
use super::storage::PostgresAdminStorage;
use crate::core::builds::{self, Claim, ErrorMessage, Reclaimed, Wait};
use crate::core::error::StoreError;
use crate::core::generic::non_negative;
use crate::core::store::Target;
use crate::core::value::Row;

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

/// Milliseconds: an integer from `min` up to 2^31 - 1 (as `setTimeout` takes), or `None`.
fn millis(env: &Env, v: Option<Unknown>, name: &str, min: i64) -> CoreResult<Option<i64>> {
    match convert::opt_number(env, v, name)? {
        None => Ok(None),
        Some(n) if n.is_finite() && n.fract() == 0.0 && n >= min as f64 && n <= i32::MAX as f64 => {
            Ok(Some(n as i64))
        }
        Some(n) => Err(StoreError::invalid(format!(
            "{name} must be an integer from {min} to {}, got {n}",
            i32::MAX
        ))),
    }
}

/// An options argument: `undefined`/`null` or a plain object.
fn options_object<'a>(
    env: &Env,
    v: Option<Unknown<'a>>,
    what: &str,
) -> CoreResult<Option<Unknown<'a>>> {
    match v {
        Some(u) if convert::is_nullish(env, u.value().value) => Ok(None),
        Some(u) if !convert::is_plain_object(env, u.value().value) => {
            Err(StoreError::invalid(format!("{what} must be an object")))
        }
        other => Ok(other),
    }
}

/// `{ workerId?, leaseMs? }` (`ClaimOptions`).
fn claim_options(env: &Env, options: Option<Unknown>) -> CoreResult<Claim> {
    let worker_id = convert::opt_text(env, convert::prop(env, options, "workerId"), "workerId")?;
    if worker_id.as_deref() == Some("") {
        return Err(StoreError::invalid("workerId must be a non-empty string"));
    }
    let lease_ms = millis(env, convert::prop(env, options, "leaseMs"), "leaseMs", 1)?;
    Ok(Claim::new(worker_id, lease_ms))
}

/// `waitForBuild`'s result, with the signal listener to remove on the JS thread.
type WaitOutcome = (CoreResult<Option<Row>>, Option<AbortHook>);

fn out_wait(env: &Env, (result, hook): WaitOutcome) -> napi::Result<JsOut> {
    if let Some(hook) = hook {
        hook.detach(env);
    }
    match result {
        Ok(row) => convert::opt_row(env, row),
        Err(e) => Err(js_error(env, &e)),
    }
}

fn out_reclaimed(env: &Env, r: Reclaimed) -> napi::Result<JsOut> {
    let obj = convert::new_object(env)?;
    convert::set(
        env,
        obj,
        "requeued",
        convert::number(env, r.requeued as f64)?.0,
    )?;
    convert::set(env, obj, "failed", convert::number(env, r.failed as f64)?.0)?;
    Ok(JsOut(obj))
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
    /// `FOR UPDATE SKIP LOCKED`: it comes back `building` with `startedAt` set and `attempts`
    /// incremented, and no other worker receives it. With `{ workerId, leaseMs }` it also
    /// carries a lease (`lockedBy`, `leaseExpiresAt`). `null` when nothing is queued.
    #[napi(
        ts_args_type = "options?: ClaimOptions",
        ts_return_type = "Promise<Build | null>"
    )]
    pub fn dequeue<'env>(
        &self,
        env: &'env Env,
        options: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = options_object(env, options, "options")
            .and_then(|o| claim_options(env, o))
            .map(|claim| with_conn!(t, |ctx, conn| builds::dequeue(ctx, conn, &claim)));
        run(env, work, out_opt_row)
    }

    /// Claim up to `n` of the oldest queued builds in one statement, same guarantees as
    /// `dequeue`; returned in queue order.
    #[napi(
        ts_args_type = "n: number, options?: ClaimOptions",
        ts_return_type = "Promise<Build[]>"
    )]
    pub fn dequeue_batch<'env>(
        &self,
        env: &'env Env,
        n: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let n = non_negative(convert::opt_number(env, Some(n), "n")?, "n")?
                .ok_or_else(|| StoreError::invalid("n must be a non-negative integer"))?;
            let claim = claim_options(env, options_object(env, options, "options")?)?;
            Ok(with_conn!(t, |ctx, conn| builds::dequeue_batch(
                ctx, conn, n, &claim
            )))
        })();
        run(env, work, out_rows)
    }

    /// Wait for a build and claim it (as `dequeue` does, lease options included) as soon as
    /// one is queued: woken by a NOTIFY from the queue, with a poll every `pollIntervalMs`
    /// (default 1000) in case a notification is lost. Resolves `null` after `timeoutMs`
    /// without a build, or when `signal` aborts (no error: check `signal.aborted`); rejects
    /// with `ERR_ADMIN_PG_CLOSED` if the storage is closed meanwhile. Holds no connection
    /// while waiting; all waiters of a storage share one LISTEN connection.
    #[napi(
        ts_args_type = "options?: WaitForBuildOptions",
        ts_return_type = "Promise<Build | null>"
    )]
    pub fn wait_for_build<'env>(
        &self,
        env: &'env Env,
        options: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let o = options_object(env, options, "options")?;
            let claim = claim_options(env, o)?;
            let timeout = millis(env, convert::prop(env, o, "timeoutMs"), "timeoutMs", 0)?;
            let poll = millis(
                env,
                convert::prop(env, o, "pollIntervalMs"),
                "pollIntervalMs",
                1,
            )?;
            let wait = Wait {
                timeout: timeout.map(|ms| std::time::Duration::from_millis(ms as u64)),
                poll_interval: poll.map_or(builds::DEFAULT_POLL_INTERVAL, |ms| {
                    std::time::Duration::from_millis(ms as u64)
                }),
            };
            let store = match &t {
                Target::Pool(store) | Target::Primary(store) => store.clone(),
                Target::Tx(_) => {
                    return Err(StoreError::invalid(
                        "waitForBuild cannot wait inside a transaction: call it on the storage",
                    ))
                }
            };
            // Last: nothing may fail after the listener is added to the signal.
            let (skip, cancel, hook) = match abort::hook(env, convert::prop(env, o, "signal"))? {
                Signal::None => (false, None, None),
                Signal::Aborted => (true, None, None),
                Signal::Hooked(cancel, hook) => (false, Some(cancel), Some(hook)),
            };
            Ok(async move {
                let result = if skip {
                    Ok(None)
                } else {
                    builds::wait_for_build(&store, &claim, wait, cancel.as_deref())
                        .await
                        .map_err(|e| e.or_not_initialized(&store.ctx.schema))
                };
                Ok::<WaitOutcome, StoreError>((result, hook))
            })
        })();
        run(env, work, out_wait)
    }

    /// Extend a claimed build's lease to `extendMs` from now, only while `workerId` still
    /// holds it. The build, or `null` when that worker no longer holds it (the lease was
    /// reclaimed, the build finished, or it was never this worker's): stop working on it then.
    #[napi(
        ts_args_type = "id: string, workerId: string, extendMs: number",
        ts_return_type = "Promise<Build | null>"
    )]
    pub fn heartbeat_build<'env>(
        &self,
        env: &'env Env,
        id: Unknown,
        worker_id: Unknown,
        extend_ms: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let id = convert::text(env, id, "id")?;
            let w = convert::text(env, worker_id, "workerId")?;
            let ms = millis(env, Some(extend_ms), "extendMs", 1)?
                .ok_or_else(|| StoreError::invalid("extendMs must be a positive integer"))?;
            Ok(with_conn!(t, |ctx, conn| builds::heartbeat(
                ctx, conn, &id, &w, ms
            )))
        })();
        run(env, work, out_opt_row)
    }

    /// In one statement: builds in status `building` whose lease expired (their worker died)
    /// go back to `queued` (lease cleared, original `queuedAt` kept, so they keep their place),
    /// or, once claimed `maxAttempts` times (default 3), to `failed` with an `errorMessage`
    /// and `completedAt`. Builds claimed without a lease are never touched.
    #[napi(
        ts_args_type = "options?: ReclaimOptions",
        ts_return_type = "Promise<ReclaimResult>"
    )]
    pub fn reclaim_stale_builds<'env>(
        &self,
        env: &'env Env,
        options: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let o = options_object(env, options, "options")?;
            let max =
                convert::opt_number(env, convert::prop(env, o, "maxAttempts"), "maxAttempts")?;
            let max = match max {
                None => 3,
                Some(n)
                    if n.is_finite() && n.fract() == 0.0 && n >= 1.0 && n <= i32::MAX as f64 =>
                {
                    n as i64
                }
                Some(n) => {
                    return Err(StoreError::invalid(format!(
                        "maxAttempts must be a positive integer, got {n}"
                    )))
                }
            };
            Ok(with_conn!(t, |ctx, conn| builds::reclaim_stale(
                ctx, conn, max
            )))
        })();
        run(env, work, out_reclaimed)
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
        self.builds().dequeue(env, None)
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
