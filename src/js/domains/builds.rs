//! Builds: the `BuildsPG` domain object (with the build queue) and the flat `AdminStorage`
//! build methods.
#![allow(non_snake_case)] // argument names are the JS ones: they name the argument in errors

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::Env;
use napi_derive::napi;

use crate::core::domains::builds::{self, LogTail, Reclaimed, Wait};
use crate::core::domains::crud::{self, Builds};
use crate::core::pg::error::StoreError;
use crate::core::pg::store::Target;
use crate::core::pg::value::Row;
use crate::js::abort::{self, AbortHook, Signal};
use crate::js::args;
use crate::js::convert::{self, Encoded, JsOut};
use crate::js::error::{
    js_error, out_bool, out_number, out_opt_row, out_page, out_row, out_rows, run, Output,
};
use crate::js::methods::{methods, out_void};
use crate::js::storage::PostgresAdminStorage;

type CoreResult<T> = std::result::Result<T, StoreError>;

fn out_reclaimed(env: &Env, r: Reclaimed) -> napi::Result<JsOut> {
    let obj = convert::new_object(env)?;
    let requeued = convert::number(env, r.requeued as f64)?.0;
    convert::set(env, obj, "requeued", requeued)?;
    convert::set(env, obj, "failed", convert::number(env, r.failed as f64)?.0)?;
    Ok(JsOut(obj))
}

fn out_log_tail(env: &Env, tail: Option<LogTail>) -> napi::Result<JsOut> {
    let Some(tail) = tail else {
        return convert::null(env);
    };
    let obj = convert::new_object(env)?;
    convert::set(env, obj, "logs", convert::string(env, &tail.logs)?.0)?;
    let next = convert::number(env, tail.next_offset as f64)?.0;
    convert::set(env, obj, "nextOffset", next)?;
    Ok(JsOut(obj))
}

methods! {
    /// The seed's `BuildsPG` domain object (`storage.builds`), build queue included.
    class BuildsPG = "BuildsPG", getter builds {

    /// Create a build; `id` is generated when not given, `status` defaults to `queued` and
    /// `queuedAt` to now (server clock).
    insert builds create_build(data: fields) "data: NewBuild" -> out_row "Promise<Build>" = crud::create::<Builds>, flat create_build;
    /// The build with this id, or `null`.
    select builds get_build_by_id(id: text) "id: string" -> out_opt_row "Promise<Build | null>" = crud::get::<Builds>, flat get_build;
    /// Update; `null` when there is no such build. `id`/`createdAt` are ignored.
    update builds update_build(id: text, data: fields) "id: string, data: Partial<Build>" -> out_opt_row "Promise<Build | null>" = crud::update::<Builds>;
    /// Set the status: `building` sets `startedAt`, `succeeded`/`failed`/`cancelled` set
    /// `completedAt` (server clock). `errorMessage`, when given, is stored too. `null` when
    /// there is no such build.
    update builds update_build_status(id: text, status: text, errorMessage: error_message) "id: string, status: BuildStatus, errorMessage?: string | null" -> out_opt_row "Promise<Build | null>" = builds::update_status;
    /// Append to the build's logs atomically (concurrent appenders never lose a chunk), in
    /// the time of the appended text whatever the log's size (only the new text is written,
    /// as a chunk). A missing build is ignored, as in the seed.
    update builds append_build_logs(id: text, logs: text) "id: string, logs: string" -> out_void "Promise<void>" = builds::append_logs, flat append_build_logs;
    /// The build's log after `afterOffset` (default 0: all of it), for tailing:
    /// `{ logs, nextOffset }`. Offsets count UTF-8 bytes of the whole log
    /// (`getBuildById(id).logs`); `nextOffset` is where the log ends now: pass it back as
    /// `afterOffset` to get only what was appended since. Reads only the requested part.
    /// `null` when there is no such build.
    select builds get_build_logs(id: text, options: after_offset) "id: string, options?: BuildLogsOptions" -> out_log_tail "Promise<BuildLogs | null>" = builds::get_logs;
    /// Mark the build failed with this message, completed now; `null` when there is no such
    /// build.
    update builds set_build_error(id: text, errorMessage: text) "id: string, errorMessage: string" -> out_opt_row "Promise<Build | null>" = builds::set_error;
    /// Whether a build was deleted. A build a running server points at cannot be deleted
    /// (`ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`).
    delete builds delete_build(id: text) "id: string" -> out_bool "Promise<boolean>" = crud::delete::<Builds>;
    /// The deployment's builds, newest first (`id` breaks ties); `limit` is a non-negative
    /// integer.
    select builds list_builds(deploymentId: text, options: limit) "deploymentId: string, options?: { limit?: number }" -> out_rows "Promise<Build[]>" = builds::list;
    /// Queue a build for the deployment (status `queued`, queued now).
    insert builds enqueue(deploymentId: text, trigger: text, triggeredBy: text, commitSha: opt_text, commitMessage: opt_text) "deploymentId: string, trigger: BuildTrigger, triggeredBy: string, commitSha?: string | null, commitMessage?: string | null" -> out_row "Promise<Build>" = builds::enqueue;
    /// Claim the oldest queued build (FIFO by `queuedAt`, then `id`) in one statement with
    /// `FOR UPDATE SKIP LOCKED`: it comes back `building` with `startedAt` set and `attempts`
    /// incremented, and no other worker receives it. With `{ workerId, leaseMs }` it also
    /// carries a lease (`lockedBy`, `leaseExpiresAt`). `null` when nothing is queued.
    claim builds dequeue(options: claim) "options?: ClaimOptions" -> out_opt_row "Promise<Build | null>" = builds::dequeue;
    /// Claim up to `n` of the oldest queued builds in one statement, same guarantees as
    /// `dequeue`; returned in queue order.
    claim builds dequeue_batch(n: count, options: claim) "n: number, options?: ClaimOptions" -> out_rows "Promise<Build[]>" = builds::dequeue_batch;
    /// Extend a claimed build's lease to `extendMs` from now, only while `workerId` still
    /// holds it. The build, or `null` when that worker no longer holds it (the lease was
    /// reclaimed, the build finished, or it was never this worker's): stop working on it then.
    update builds heartbeat_build(id: text, workerId: text, extendMs: positive_millis) "id: string, workerId: string, extendMs: number" -> out_opt_row "Promise<Build | null>" = builds::heartbeat;
    /// In one statement: builds in status `building` whose lease expired (their worker died)
    /// go back to `queued` (lease cleared, original `queuedAt` kept, so they keep their place),
    /// or, once claimed `maxAttempts` times (default 3), to `failed` with an `errorMessage`
    /// and `completedAt`. Builds claimed without a lease are never touched.
    update builds reclaim_stale_builds(options: max_attempts) "options?: ReclaimOptions" -> out_reclaimed "Promise<ReclaimResult>" = builds::reclaim_stale;
    /// 1-based position of a queued build in dequeue order; `-1` when it is not queued.
    select builds get_queue_position(buildId: text) "buildId: string" -> out_number "Promise<number>" = builds::queue_position;
    /// How many builds are queued.
    select builds get_queue_length() "" -> out_number "Promise<number>" = builds::queue_length;
    /// Cancel the deployment's queued builds (builds already claimed or finished are left
    /// alone); how many were cancelled.
    update builds cancel_queued_builds(deploymentId: text) "deploymentId: string" -> out_number "Promise<number>" = builds::cancel_queued;
    }

    flat {
        /// `AdminStorage.listBuildsForDeployment`: one page, newest first, in one round trip.
        select builds list_builds_for_deployment(deploymentId: text, pagination: page) "deploymentId: string, pagination?: PaginationParams" -> out_page "Promise<PaginatedResult<Build>>" = builds::list_page;
        /// `AdminStorage.updateBuild`: a missing build → `ERR_ADMIN_PG_NOT_FOUND`.
        update builds update_build(id: text, updates: fields) "id: string, updates: Partial<Build>" -> out_row "Promise<Build>" = crud::update::<Builds> [missing "Build", id];
        /// `AdminStorage.updateBuildStatus`: sets `startedAt` on `building`, `completedAt` on
        /// `succeeded`/`failed`/`cancelled`, and `errorMessage` when given; a missing build →
        /// `ERR_ADMIN_PG_NOT_FOUND`.
        update builds update_build_status(id: text, status: text, errorMessage: error_message) "id: string, status: BuildStatus, errorMessage?: string | null" -> out_row "Promise<Build>" = builds::update_status [missing "Build", id];
        /// `AdminStorage.dequeueNextBuild`: the domain `dequeue()`.
        claim builds dequeue_next_build() "" -> out_opt_row "Promise<Build | null>" = builds::dequeue_next;
        /// `AdminStorage.listQueuedBuilds`: every queued build, in dequeue (FIFO) order.
        select builds list_queued_builds() "" -> out_rows "Promise<Build[]>" = builds::list_queued;
    }
}

/// `waitForBuild`'s result, with the signal listener to remove on the JS thread.
type WaitOutcome = (CoreResult<Option<Row>>, Option<AbortHook>);

/// `waitForBuild`'s output: the build encoded on the worker like any row, the listener
/// removed on the JS thread.
#[derive(Clone, Copy)]
struct WaitOut;

impl Output<WaitOutcome> for WaitOut {
    type Ready = (CoreResult<Option<Encoded>>, Option<AbortHook>);
    fn ready(&self, (result, hook): WaitOutcome) -> Self::Ready {
        (result.map(|r| out_opt_row.ready(r)), hook)
    }
    fn finish(&self, env: &Env, (result, hook): Self::Ready) -> napi::Result<JsOut> {
        if let Some(hook) = hook {
            hook.detach(env);
        }
        match result {
            Ok(row) => out_opt_row.finish(env, row),
            Err(e) => Err(js_error(env, &e)),
        }
    }
}

/// `waitForBuild` holds no connection and listens to an `AbortSignal`: not a table row.
#[napi]
impl BuildsPG {
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
        options: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = (|| {
            let o = args::options_object(env, options, "options")?;
            let claim = args::claim_of(env, o)?;
            let ms = |key: &str, min| args::millis(env, convert::prop(env, o, key), key, min);
            let timeout = ms("timeoutMs", 0)?;
            let poll = ms("pollIntervalMs", 1)?;
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
        run(env, work, WaitOut)
    }
}
