//! The one place a core error becomes a JS `Error` with `code`, `pgCode`, `constraint`,
//! `table`, `column`, `detail`; and the runner that turns core futures into JS Promises.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::ptr;

use futures_util::FutureExt;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::{sys, Env};

use super::convert::{self, JsOut};
use crate::core::pg::error::StoreError;

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
/// Completions come back to the JS thread through one long-lived threadsafe function per
/// JS thread (see `completions`), not one per call: the hot path creates a promise, spawns a
/// task, and later resolves the promise, nothing more.
pub fn run<'env, T, Fut>(
    env: &'env Env,
    prep: Result<Fut, StoreError>,
    out: fn(&Env, T) -> napi::Result<JsOut>,
) -> napi::Result<PromiseRaw<'env, JsOut>>
where
    T: Send + 'static,
    Fut: Future<Output = Result<T, StoreError>> + Send + 'static,
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
    let task = async move {
        let res = match prep {
            Ok(fut) => match AssertUnwindSafe(fut).catch_unwind().await {
                Ok(r) => r,
                Err(p) => Err(panic_error(p)),
            },
            Err(e) => Err(e),
        };
        sender.send(Box::new(move |env: &Env| {
            let settled = match res {
                Ok(v) => out(env, v).map_err(|e| napi_error_value(env, e)),
                Err(e) => Err(napi_error_value(env, js_error(env, &e))),
            };
            deferred.settle(env, settled);
        }));
    };
    napi::bindgen_prelude::spawn(task);
    Ok(PromiseRaw::new(raw, promise))
}

/// A napi error as the JS value to reject with (our coded error objects pass through as is).
fn napi_error_value(env: &Env, e: napi::Error) -> JsOut {
    JsOut(unsafe { napi::JsError::from(e).into_value(env.raw()) })
}

/// One threadsafe function per JS thread carries every finished call back to that thread.
/// It keeps the event loop alive only while calls are pending, so a process with nothing in
/// flight exits by itself.
pub(crate) mod completions {
    use std::cell::{Cell, RefCell};
    use std::ffi::c_void;
    use std::ptr;

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

    /// The sending side, held by a running task.
    pub struct Sender(sys::napi_threadsafe_function);
    // SAFETY: napi_call_threadsafe_function may be called from any thread.
    unsafe impl Send for Sender {}

    impl Sender {
        pub fn send(self, c: Completion) {
            let data = Box::into_raw(Box::new(c)) as *mut c_void;
            let status = unsafe {
                sys::napi_call_threadsafe_function(
                    self.0,
                    data,
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                )
            };
            if status != sys::Status::napi_ok {
                // The environment is going away: nobody is left to settle the promise.
                drop(unsafe { Box::from_raw(data as *mut Completion) });
            }
        }
    }

    thread_local! {
        static TSFN: Cell<sys::napi_threadsafe_function> = const { Cell::new(ptr::null_mut()) };
        static PENDING: Cell<usize> = const { Cell::new(0) };
        static ENV: RefCell<Option<sys::napi_env>> = const { RefCell::new(None) };
    }

    unsafe extern "C" fn call_js(
        env: sys::napi_env,
        _f: sys::napi_value,
        _ctx: *mut c_void,
        data: *mut c_void,
    ) {
        let completion = unsafe { Box::from_raw(data as *mut Completion) };
        if env.is_null() {
            return; // environment torn down
        }
        let left = PENDING.with(|p| {
            let n = p.get().saturating_sub(1);
            p.set(n);
            n
        });
        let env = Env::from_raw(env);
        completion(&env);
        if left == 0 {
            let tsfn = TSFN.with(Cell::get);
            unsafe { sys::napi_unref_threadsafe_function(env.raw(), tsfn) };
        }
    }

    /// A sender for one call; counts it as pending (keeps the loop alive until it lands).
    pub fn sender(env: &Env) -> napi::Result<Sender> {
        let raw = env.raw();
        let mut tsfn = TSFN.with(Cell::get);
        let same_env = ENV.with(|e| *e.borrow() == Some(raw));
        if tsfn.is_null() || !same_env {
            let mut name = ptr::null_mut();
            unsafe {
                sys::napi_create_string_utf8(raw, c"admin-pg-native".as_ptr(), 15, &mut name);
            }
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
            TSFN.with(|c| c.set(tsfn));
            ENV.with(|e| *e.borrow_mut() = Some(raw));
            PENDING.with(|p| p.set(0));
        }
        let was = PENDING.with(|p| {
            let n = p.get();
            p.set(n + 1);
            n
        });
        if was == 0 {
            unsafe { sys::napi_ref_threadsafe_function(raw, tsfn) };
        }
        Ok(Sender(tsfn))
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

// Output adapters for `run`.
pub fn out_row(env: &Env, r: crate::core::pg::value::Row) -> napi::Result<JsOut> {
    convert::row(env, r)
}
pub fn out_opt_row(env: &Env, r: Option<crate::core::pg::value::Row>) -> napi::Result<JsOut> {
    convert::opt_row(env, r)
}
pub fn out_rows(env: &Env, r: Vec<crate::core::pg::value::Row>) -> napi::Result<JsOut> {
    convert::rows(env, r)
}
#[allow(dead_code)] // for the paginated flat lists of the domains still to come (teams, …)
pub fn out_page(env: &Env, p: crate::core::domains::page::Page) -> napi::Result<JsOut> {
    convert::page(env, p)
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
