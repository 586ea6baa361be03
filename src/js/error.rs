//! The one place a core error becomes a JS `Error` with `code`, `pgCode`, `constraint`,
//! `table`, `column`, `detail`; and the runner that turns core futures into JS Promises.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::ptr;

use futures_util::FutureExt;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::{sys, Env};

use super::convert::{self, JsOut};
use crate::core::error::StoreError;

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
    let fut = async move {
        let res = match prep {
            Ok(fut) => match AssertUnwindSafe(fut).catch_unwind().await {
                Ok(r) => r,
                Err(p) => Err(panic_error(p)),
            },
            Err(e) => Err(e),
        };
        Ok::<_, napi::Error>(res)
    };
    env.spawn_future_with_callback(fut, move |env, res| match res {
        Ok(v) => out(env, v),
        Err(e) => Err(js_error(env, &e)),
    })
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
pub fn out_row(env: &Env, r: crate::core::value::Row) -> napi::Result<JsOut> {
    convert::row(env, r)
}
pub fn out_opt_row(env: &Env, r: Option<crate::core::value::Row>) -> napi::Result<JsOut> {
    convert::opt_row(env, r)
}
pub fn out_rows(env: &Env, r: Vec<crate::core::value::Row>) -> napi::Result<JsOut> {
    convert::rows(env, r)
}
pub fn out_page(env: &Env, p: crate::core::page::Page) -> napi::Result<JsOut> {
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
