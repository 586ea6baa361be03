//! The one place a core error becomes a JS `Error` with `code`, `pgCode`, `constraint`,
//! `table`, `column`, `detail`; and the runner that turns core futures into JS Promises.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::ptr;

use futures_util::FutureExt;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::{sys, Env};

use super::convert::{self, Encoded, JsOut, Shape};
use crate::core::domains::page::Page;
use crate::core::pg::error::StoreError;
use crate::core::pg::raw::RawResult;
use crate::core::pg::value::Row;

/// Build the JS error object for a core error.
pub fn js_error(env: &Env, err: &StoreError) -> napi::Error {
    match build(env, err) {
        Ok(e) => e,
        Err(e) => e,
    }
}

fn build(env: &Env, err: &StoreError) -> napi::Result<napi::Error> {
    let raw = env.raw();
    let code = convert::string(env, err.code())?.0;
    let msg = convert::string(env, &err.to_string())?.0;
    let mut obj = ptr::null_mut();
    // napi_create_error sets `code` for us.
    if unsafe { sys::napi_create_error(raw, code, msg, &mut obj) } != sys::Status::napi_ok {
        return Ok(napi::Error::new(
            napi::Status::GenericFailure,
            err.to_string(),
        ));
    }
    if let Some(pg) = err.pg() {
        let fields = [
            ("pgCode", &pg.code),
            ("constraint", &pg.constraint),
            ("table", &pg.table),
            ("column", &pg.column),
            ("detail", &pg.detail),
        ];
        for (name, value) in fields {
            if let Some(v) = value {
                let s = convert::string(env, v)?.0;
                convert::set(env, obj, name, s)?;
            }
        }
    }
    Ok(napi::Error::from(unsafe {
        Unknown::from_raw_unchecked(raw, obj)
    }))
}

/// Turns a caught panic into a coded error: no panic ever crosses into JS.
fn panic_error(payload: Box<dyn std::any::Any + Send>) -> StoreError {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    StoreError::query(format!("internal error in admin-pg-native: {what}"))
}

/// Run core work on the tokio runtime and settle a JS Promise with it.
///
/// `prep` is the synchronous part (argument conversion): its error rejects the Promise
/// instead of throwing, so every failure reaches the caller the same way.
///
/// With few calls in flight the task is polled once right here, on the JS thread
/// (`inline::spawn`): it leases a connection and writes the statement without waking a tokio
/// worker first; tokio takes it over when the reply (or anything else it waits for) wakes it.
/// With more in flight (`INLINE_MAX_PENDING`) the JS thread is the busy one, and the task goes
/// to tokio at once: a worker leases and writes while JS goes on with the next call.
/// Completions come back through one long-lived threadsafe function per JS thread (see
/// `completions`), several at a time when they settle together.
/// Calls in flight on this JS thread (this one included) up to which the first poll is inline.
const INLINE_MAX_PENDING: usize = 4;

pub fn run<'env, T, Fut, O>(
    env: &'env Env,
    prep: Result<Fut, StoreError>,
    out: O,
) -> napi::Result<PromiseRaw<'env, JsOut>>
where
    T: Send + 'static,
    Fut: Future<Output = Result<T, StoreError>> + Send + 'static,
    O: Output<T>,
{
    // A getter or Proxy trap that threw while the arguments were read left a JS exception
    // pending: it is the cause, and it must not escape as an uncoded synchronous throw.
    let prep = match convert::take_exception(env) {
        Some(what) => Err(StoreError::invalid(format!(
            "reading an argument threw: {what}"
        ))),
        None => prep,
    };
    let raw = env.raw();
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    if unsafe { sys::napi_create_promise(raw, &mut deferred, &mut promise) } != sys::Status::napi_ok
    {
        return Err(napi::Error::from_reason("cannot create a Promise"));
    }
    let sender = completions::sender(env)?;
    let deferred = completions::Deferred(deferred);
    let call = trace::start();
    let task = async move {
        let res = match prep {
            Ok(fut) => match AssertUnwindSafe(fut).catch_unwind().await {
                // The JS-free part of the conversion runs here, on the worker.
                Ok(Ok(v)) => {
                    trace::mark(call, trace::CORE_DONE);
                    match std::panic::catch_unwind(AssertUnwindSafe(|| out.ready(v))) {
                        Ok(ready) => Ok(ready),
                        Err(p) => Err(panic_error(p)),
                    }
                }
                Ok(Err(e)) => Err(e),
                Err(p) => Err(panic_error(p)),
            },
            Err(e) => Err(e),
        };
        trace::mark(call, trace::QUEUED);
        sender.send(Box::new(move |env: &Env| {
            trace::mark(call, trace::ON_JS);
            let settled = match res {
                Ok(v) => out.finish(env, v).map_err(|e| napi_error_value(env, e)),
                Err(e) => Err(napi_error_value(env, js_error(env, &e))),
            };
            deferred.settle(env, settled);
            trace::mark(call, trace::SETTLED);
        }));
    };
    if completions::pending() <= INLINE_MAX_PENDING {
        inline::spawn(task, call);
    } else {
        napi::bindgen_prelude::spawn(task);
    }
    Ok(PromiseRaw::new(raw, promise))
}

/// A napi error as the JS value to reject with (our coded error objects pass through as is).
fn napi_error_value(env: &Env, e: napi::Error) -> JsOut {
    JsOut(unsafe { napi::JsError::from(e).into_value(env.raw()) })
}

/// Timestamps of a call's hand-offs, for bench/floor.mjs (`__trace`); off unless switched on,
/// and then one relaxed load per hand-off.
pub mod trace {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering::Relaxed};
    use std::sync::{Mutex, OnceLock};
    use std::time::Instant;

    /// `run` entered (JS thread, arguments converted).
    pub const ENTERED: u8 = 0;
    /// The first (inline) poll returned: connection leased, statement written.
    pub const SENT: u8 = 1;
    /// The reply woke the task (a tokio worker).
    pub const WOKEN: u8 = 2;
    /// The core call returned (rows read and decoded into values).
    pub const CORE_DONE: u8 = 3;
    /// The result converted for JS as far as it goes without JS, the completion queued.
    pub const QUEUED: u8 = 4;
    /// The completion runs on the JS thread.
    pub const ON_JS: u8 = 5;
    /// The Promise resolved (or rejected).
    pub const SETTLED: u8 = 6;

    pub const OFF: u32 = u32::MAX;

    static ON: AtomicBool = AtomicBool::new(false);
    static NEXT: AtomicU32 = AtomicU32::new(0);
    static LOG: Mutex<Vec<(u32, u8, u64)>> = Mutex::new(Vec::new());
    static BASE: OnceLock<Instant> = OnceLock::new();

    /// Nanoseconds since the first use of the clock.
    pub fn now() -> u64 {
        BASE.get_or_init(Instant::now).elapsed().as_nanos() as u64
    }

    /// A new call's id (marked `ENTERED`), or `OFF`.
    pub fn start() -> u32 {
        if !ON.load(Relaxed) {
            return OFF;
        }
        let id = NEXT.fetch_add(1, Relaxed);
        mark(id, ENTERED);
        id
    }

    pub fn mark(call: u32, stage: u8) {
        if call != OFF {
            let t = now();
            LOG.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((call, stage, t));
        }
    }

    /// Switch tracing; the marks so far (and forget them).
    pub fn switch(on: bool) -> Vec<(u32, u8, u64)> {
        ON.store(on, Relaxed);
        std::mem::take(&mut *LOG.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

/// Polling a task first on the calling (JS) thread.
mod inline {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex};
    use std::task::{Context, Poll, Wake, Waker};

    type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

    enum State {
        /// The first poll is running; `woken` if the waker fired meanwhile.
        Polling { woken: bool },
        /// Waiting for its first wake after the first poll.
        Parked(Task),
        /// Handed to tokio (which polls it with its own waker from then on).
        Spawned,
    }

    /// The waker of a task's first poll: the first wake hands the task to tokio. It is woken
    /// on the thread that completed what it waited for (usually a worker polling the I/O
    /// driver), so tokio runs it there, with no further hand-off.
    struct FirstPoll {
        state: Mutex<State>,
        runtime: tokio::runtime::Handle,
        /// The call's id in `super::trace`.
        call: u32,
    }

    impl Wake for FirstPoll {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            match std::mem::replace(&mut *state, State::Spawned) {
                State::Polling { .. } => *state = State::Polling { woken: true },
                State::Parked(task) => {
                    drop(state);
                    super::trace::mark(self.call, super::trace::WOKEN);
                    self.runtime.spawn(task);
                }
                State::Spawned => {}
            }
        }
    }

    /// Run `task` on the tokio runtime, polling it once here first.
    pub fn spawn<F: Future<Output = ()> + Send + 'static>(task: F, call: u32) {
        napi::bindgen_prelude::within_runtime_if_available(move || {
            let mut task: Task = Box::pin(task);
            let first = Arc::new(FirstPoll {
                state: Mutex::new(State::Polling { woken: false }),
                runtime: tokio::runtime::Handle::current(),
                call,
            });
            let waker = Waker::from(first.clone());
            if task.as_mut().poll(&mut Context::from_waker(&waker)) == Poll::Ready(()) {
                return;
            }
            super::trace::mark(call, super::trace::SENT);
            let mut state = first.state.lock().unwrap_or_else(|p| p.into_inner());
            if matches!(*state, State::Polling { woken: true }) {
                *state = State::Spawned;
                drop(state);
                first.runtime.spawn(task);
            } else {
                *state = State::Parked(task);
            }
        });
    }
}

/// One threadsafe function per JS thread carries finished calls back to that thread: a
/// finished task queues its completion and calls the function only when the queue was empty,
/// so completions that settle together are settled by one callback. The threadsafe function
/// keeps the event loop alive only while calls are pending, so a process with nothing in
/// flight exits by itself.
pub(crate) mod completions {
    use std::cell::{Cell, RefCell};
    use std::ffi::c_void;
    use std::ptr;
    use std::sync::{Arc, Mutex};

    use napi::{sys, Env};

    use super::JsOut;

    /// Work to run on the JS thread: settle one promise.
    pub type Completion = Box<dyn FnOnce(&Env) + Send>;

    /// A `napi_deferred`, settled exactly once on the JS thread that made it.
    pub struct Deferred(pub sys::napi_deferred);
    // SAFETY: the pointer is only dereferenced by N-API on the owning JS thread (in `settle`,
    // called from the threadsafe function's JS-thread callback).
    unsafe impl Send for Deferred {}

    impl Deferred {
        /// Resolve with `Ok`, reject with `Err(error object)`.
        pub fn settle(self, env: &Env, result: Result<JsOut, JsOut>) {
            unsafe {
                match result {
                    Ok(v) => sys::napi_resolve_deferred(env.raw(), self.0, v.0),
                    Err(e) => sys::napi_reject_deferred(env.raw(), self.0, e.0),
                };
            }
        }
    }

    /// A JS thread's channel: its threadsafe function and the completions waiting for it.
    struct Channel {
        tsfn: sys::napi_threadsafe_function,
        queue: Mutex<Vec<Completion>>,
    }
    // SAFETY: napi_call_threadsafe_function may be called from any thread; the queue is locked.
    unsafe impl Send for Channel {}
    unsafe impl Sync for Channel {}

    /// The sending side, held by a running task.
    pub struct Sender(Arc<Channel>);

    impl Sender {
        pub fn send(self, c: Completion) {
            let mut queue = self.0.queue.lock().unwrap_or_else(|p| p.into_inner());
            let first = queue.is_empty();
            queue.push(c);
            drop(queue);
            if !first {
                return; // a callback is already on its way and settles this one too
            }
            let status = unsafe {
                sys::napi_call_threadsafe_function(
                    self.0.tsfn,
                    ptr::null_mut(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                )
            };
            if status != sys::Status::napi_ok {
                // The environment is going away: nobody is left to settle the promises.
                self.0
                    .queue
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clear();
            }
        }
    }

    thread_local! {
        static CHANNEL: RefCell<Option<(sys::napi_env, Arc<Channel>)>> = const { RefCell::new(None) };
        static PENDING: Cell<usize> = const { Cell::new(0) };
        /// Completions taken from the queue, being settled (kept for its capacity).
        static BATCH: RefCell<Vec<Completion>> = const { RefCell::new(Vec::new()) };
    }

    unsafe extern "C" fn call_js(
        env: sys::napi_env,
        _f: sys::napi_value,
        _ctx: *mut c_void,
        _data: *mut c_void,
    ) {
        if env.is_null() {
            return; // environment torn down
        }
        let Some(channel) = CHANNEL.with(|c| c.borrow().as_ref().map(|(_, ch)| ch.clone())) else {
            return;
        };
        let env = Env::from_raw(env);
        let mut batch = BATCH.with(|b| std::mem::take(&mut *b.borrow_mut()));
        batch.append(&mut channel.queue.lock().unwrap_or_else(|p| p.into_inner()));
        PENDING.with(|p| p.set(p.get().saturating_sub(batch.len())));
        for completion in batch.drain(..) {
            completion(&env);
        }
        BATCH.with(|b| {
            let mut b = b.borrow_mut();
            if b.capacity() < batch.capacity() {
                *b = batch;
            }
        });
        if PENDING.with(Cell::get) == 0 {
            unsafe { sys::napi_unref_threadsafe_function(env.raw(), channel.tsfn) };
        }
    }

    fn open(env: &Env) -> napi::Result<Arc<Channel>> {
        let raw = env.raw();
        let mut name = ptr::null_mut();
        unsafe {
            sys::napi_create_string_utf8(raw, c"admin-pg-native".as_ptr(), 15, &mut name);
        }
        let mut tsfn = ptr::null_mut();
        let status = unsafe {
            sys::napi_create_threadsafe_function(
                raw,
                ptr::null_mut(),
                ptr::null_mut(),
                name,
                0,
                1,
                ptr::null_mut(),
                None,
                ptr::null_mut(),
                Some(call_js),
                &mut tsfn,
            )
        };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason(
                "cannot create the completion channel",
            ));
        }
        unsafe { sys::napi_unref_threadsafe_function(raw, tsfn) };
        PENDING.with(|p| p.set(0));
        Ok(Arc::new(Channel {
            tsfn,
            queue: Mutex::new(Vec::new()),
        }))
    }

    /// Calls of this JS thread not settled yet.
    pub fn pending() -> usize {
        PENDING.with(Cell::get)
    }

    /// A sender for one call; counts it as pending (keeps the loop alive until it lands).
    pub fn sender(env: &Env) -> napi::Result<Sender> {
        let raw = env.raw();
        let channel = CHANNEL.with(|c| -> napi::Result<Arc<Channel>> {
            let mut c = c.borrow_mut();
            match &*c {
                Some((e, ch)) if *e == raw => Ok(ch.clone()),
                _ => {
                    let ch = open(env)?;
                    *c = Some((raw, ch.clone()));
                    Ok(ch)
                }
            }
        })?;
        let was = PENDING.with(|p| {
            let n = p.get();
            p.set(n + 1);
            n
        });
        if was == 0 {
            unsafe { sys::napi_ref_threadsafe_function(raw, channel.tsfn) };
        }
        Ok(Sender(channel))
    }
}

/// Throw a coded error synchronously (constructors only). An exception left pending while
/// the config was read is folded into it.
pub fn throw(env: &Env, err: StoreError) -> napi::Error {
    let err = match (convert::take_exception(env), err) {
        (Some(what), StoreError::Config(m)) => {
            StoreError::Config(format!("{m} (reading the config threw: {what})"))
        }
        (_, err) => err,
    };
    js_error(env, &err)
}

/// After a constructor read its config: a getter or Proxy trap that threw (and was skipped
/// over as "not given") fails the construction with a coded error.
pub fn check_config_read(env: &Env, what: &str) -> napi::Result<()> {
    match convert::take_exception(env) {
        Some(thrown) => Err(js_error(
            env,
            &StoreError::Config(format!("{what}: reading the config threw: {thrown}")),
        )),
        None => Ok(()),
    }
}

// ---------- outputs of `run` ----------

/// How a core result becomes the JS value a Promise resolves with: `ready` runs on the tokio
/// worker as soon as the core call is done (whatever needs no JS, e.g. encoding rows),
/// `finish` on the JS thread. Any `fn(&Env, T) -> napi::Result<JsOut>` is an output that
/// does everything in `finish`.
pub trait Output<T>: Copy + Send + 'static {
    type Ready: Send + 'static;
    fn ready(&self, v: T) -> Self::Ready;
    fn finish(&self, env: &Env, r: Self::Ready) -> napi::Result<JsOut>;
}

impl<T, F> Output<T> for F
where
    T: Send + 'static,
    F: Fn(&Env, T) -> napi::Result<JsOut> + Copy + Send + 'static,
{
    type Ready = T;
    fn ready(&self, v: T) -> T {
        v
    }
    fn finish(&self, env: &Env, r: T) -> napi::Result<JsOut> {
        self(env, r)
    }
}

/// Row outputs: rows are encoded on the worker and decoded on the JS thread by the one
/// converter (`convert::encode` / `convert::decode`).
macro_rules! row_outputs {
    ($($(#[$doc:meta])* $name:ident: $ty:ident($t:ty) -> $ready:ty, |$v:ident| $enc:expr, |$env:ident, $r:ident| $fin:expr;)*) => {$(
        #[derive(Clone, Copy)]
        pub struct $ty;
        impl Output<$t> for $ty {
            type Ready = $ready;
            fn ready(&self, $v: $t) -> $ready {
                $enc
            }
            fn finish(&self, $env: &Env, $r: $ready) -> napi::Result<JsOut> {
                $fin
            }
        }
        $(#[$doc])*
        #[allow(non_upper_case_globals)]
        pub const $name: $ty = $ty;
    )*};
}

row_outputs! {
    /// One row.
    out_row: RowOut(Row) -> Encoded, |r| convert::encode(vec![r], Shape::One),
        |env, r| convert::decode(env, r);
    /// A row or `null`.
    out_opt_row: OptRowOut(Option<Row>) -> Option<Encoded>,
        |r| r.map(|r| convert::encode(vec![r], Shape::One)),
        |env, r| match r {
            Some(e) => convert::decode(env, e),
            None => convert::null(env),
        };
    /// An array of rows.
    out_rows: RowsOut(Vec<Row>) -> Encoded, |r| convert::encode(r, Shape::Rows),
        |env, r| convert::decode(env, r);
    /// `{ data, total, page, perPage, hasMore }`.
    out_page: PageOut(Page) -> Encoded,
        |p| convert::encode(p.data, Shape::Page {
            total: p.total,
            page: p.page,
            per_page: p.per_page,
            has_more: p.has_more,
        }),
        |env, r| convert::decode(env, r);
    /// `DbClient.query`'s `{ rows, rowCount, command }`.
    out_result: ResultOut(RawResult) -> Encoded,
        |r| convert::encode(r.rows, Shape::Raw { row_count: r.row_count, command: r.command }),
        |env, r| convert::decode(env, r);
}

pub fn out_bool(env: &Env, b: bool) -> napi::Result<JsOut> {
    convert::boolean(env, b)
}
pub fn out_number(env: &Env, n: i64) -> napi::Result<JsOut> {
    convert::number(env, n as f64)
}
pub fn out_void(env: &Env, _: ()) -> napi::Result<JsOut> {
    convert::undefined(env)
}
