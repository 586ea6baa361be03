//! `DbClient` (`storage.db`): raw SQL with node-postgres-style parameters, and `tx`.

use std::sync::Arc;

use napi::bindgen_prelude::{FromNapiValue, Promise, PromiseRaw, Unknown};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::UnknownRef;
use napi::{sys, Env, JsValue, Status};
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::error::{js_error, out_opt_row, out_result, out_row, out_rows, out_void, run, Output};
use crate::core::pg::error::StoreError;
use crate::core::pg::raw::{self, RawResult};
use crate::core::pg::store::{Target, TxHandle};
use crate::core::pg::value::{Param, Row};

/// The raw SQL client. Methods follow pg-promise's names; values are bound like
/// node-postgres binds them (the server infers each parameter's type). Rows keep the
/// column names PostgreSQL gives (no camelCasing), as with `pg`.
#[napi]
pub struct DbClient {
    pub(crate) target: Target,
}

/// Any JS value kept alive until the transaction settles. Node-API 9 references only hold
/// objects, so the value rides in a one-element array (a callback may resolve a string, a
/// number or `undefined`).
pub struct HeldValue(UnknownRef<false>);

impl FromNapiValue for HeldValue {
    unsafe fn from_napi_value(env: sys::napi_env, v: sys::napi_value) -> napi::Result<Self> {
        let mut boxed = std::ptr::null_mut();
        let status = unsafe {
            sys::napi_create_array_with_length(env, 1, &mut boxed);
            sys::napi_set_element(env, boxed, 0, v)
        };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason("cannot hold the callback's value"));
        }
        Ok(HeldValue(unsafe {
            UnknownRef::from_napi_value(env, boxed)?
        }))
    }
}

impl HeldValue {
    /// The held value, releasing the reference.
    fn into_value(self, env: &Env) -> napi::Result<sys::napi_value> {
        let boxed = unsafe {
            <UnknownRef<false> as napi::bindgen_prelude::ToNapiValue>::to_napi_value(
                env.raw(),
                self.0,
            )?
        };
        let mut v = std::ptr::null_mut();
        unsafe { sys::napi_get_element(env.raw(), boxed, 0, &mut v) };
        Ok(v)
    }
}

/// What a `tx` callback returned: a Promise to wait for, or a plain value.
pub enum CallbackOutcome {
    Pending(Promise<HeldValue>),
    Ready(HeldValue),
}

impl FromNapiValue for CallbackOutcome {
    unsafe fn from_napi_value(env: sys::napi_env, v: sys::napi_value) -> napi::Result<Self> {
        let mut is_promise = false;
        unsafe { sys::napi_is_promise(env, v, &mut is_promise) };
        if is_promise {
            Ok(CallbackOutcome::Pending(unsafe {
                Promise::from_napi_value(env, v)?
            }))
        } else {
            Ok(CallbackOutcome::Ready(unsafe {
                HeldValue::from_napi_value(env, v)?
            }))
        }
    }
}

/// Why a transaction callback did not commit.
pub(crate) enum TxFailure {
    /// The callback threw or rejected: rethrow its own error.
    Js(napi::Error),
    Store(StoreError),
}

impl From<StoreError> for TxFailure {
    fn from(e: StoreError) -> Self {
        TxFailure::Store(e)
    }
}

/// Run `callback(client)` inside BEGIN … COMMIT on one connection; roll back when it throws.
pub(crate) fn run_transaction<'env, C>(
    env: &'env Env,
    target: &Target,
    callback: ThreadsafeFunction<C, CallbackOutcome, C, Status, false>,
    make_client: fn(Target) -> C,
) -> napi::Result<PromiseRaw<'env, JsOut>>
where
    C: 'static + Send + napi::bindgen_prelude::ToNapiValue,
{
    let target = target.clone();
    let fut = async move {
        let outcome: Result<HeldValue, TxFailure> = async {
            // Inside a transaction already: run on it (no nesting), like pg-promise's tx in tx.
            let (client_target, handle) = match &target {
                Target::Tx(_) => (target.clone(), None),
                Target::Pool(store) | Target::Primary(store) => {
                    let h = Arc::new(TxHandle::begin(store.clone()).await?);
                    (Target::Tx(h.clone()), Some(h))
                }
            };
            let called = callback.call_async_catch(make_client(client_target)).await;
            let value = match called {
                Ok(CallbackOutcome::Pending(p)) => p.await,
                Ok(CallbackOutcome::Ready(v)) => Ok(v),
                Err(e) => Err(e),
            };
            match (value, handle) {
                (Ok(v), Some(h)) => {
                    h.commit().await?;
                    Ok(v)
                }
                (Ok(v), None) => Ok(v),
                (Err(e), Some(h)) => {
                    let _ = h.rollback().await;
                    Err(TxFailure::Js(e))
                }
                (Err(e), None) => Err(TxFailure::Js(e)),
            }
        }
        .await;
        Ok::<_, napi::Error>(outcome)
    };
    env.spawn_future_with_callback(fut, |env, outcome| match outcome {
        Ok(v) => Ok(JsOut(v.into_value(env)?)),
        Err(TxFailure::Js(e)) => Err(e),
        Err(TxFailure::Store(e)) => Err(js_error(env, &e)),
    })
}

fn expect_one(r: RawResult) -> Result<Row, StoreError> {
    let n = r.rows.len();
    match r.rows.into_iter().next() {
        Some(row) if n == 1 => Ok(row),
        _ => Err(StoreError::query(format!(
            "Expected exactly 1 row, got {n}"
        ))),
    }
}

fn expect_one_or_none(r: RawResult) -> Result<Option<Row>, StoreError> {
    let n = r.rows.len();
    if n > 1 {
        return Err(StoreError::query(format!("Expected 0 or 1 row, got {n}")));
    }
    Ok(r.rows.into_iter().next())
}

fn expect_many(r: RawResult) -> Result<Vec<Row>, StoreError> {
    if r.rows.is_empty() {
        return Err(StoreError::query("Expected at least 1 row, got 0"));
    }
    Ok(r.rows)
}

type Prep = Result<(String, Vec<Param>), StoreError>;

fn prep(env: &Env, query: Unknown, values: Option<Unknown>) -> Prep {
    let sql = convert::text(env, query, "query")?;
    let params = convert::values(env, values)?;
    Ok((sql, params))
}

impl DbClient {
    pub(crate) fn new(target: Target) -> Self {
        DbClient { target }
    }

    fn exec<'env, T: Send + 'static>(
        &self,
        env: &'env Env,
        query: Unknown,
        values: Option<Unknown>,
        shape: fn(RawResult) -> Result<T, StoreError>,
        out: impl Output<T>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let target = self.target.clone();
        let work = prep(env, query, values).map(|(sql, params)| async move {
            let mut conn = target.lease().await?;
            let r = raw::run(target.ctx(), &mut conn, &sql, &params).await;
            conn.note(&r);
            shape(target.store().observe(r)?)
        });
        run(env, work, out)
    }
}

/// The raw-SQL methods: each runs `query` with `values` and shapes the result.
macro_rules! raw_methods {
    ($(#[doc = $doc:tt])* pub none($shape:expr, $out:expr) $ret:tt;
     $($(#[doc = $gdoc:tt])* pub $name:ident<T>($gshape:expr, $gout:expr) $gret:tt;)*) => {
        #[napi]
        impl DbClient {
            $(#[doc = $doc])*
            #[napi(ts_args_type = "query: string, values?: unknown[]", ts_return_type = $ret)]
            pub fn none<'env>(
                &self,
                env: &'env Env,
                query: Unknown,
                values: Option<Unknown>,
            ) -> napi::Result<PromiseRaw<'env, JsOut>> {
                self.exec(env, query, values, $shape, $out)
            }
            $(
                $(#[doc = $gdoc])*
                #[napi(
                    ts_generic_types = "T = Record<string, any>",
                    ts_args_type = "query: string, values?: unknown[]",
                    ts_return_type = $gret
                )]
                pub fn $name<'env>(
                    &self,
                    env: &'env Env,
                    query: Unknown,
                    values: Option<Unknown>,
                ) -> napi::Result<PromiseRaw<'env, JsOut>> {
                    self.exec(env, query, values, $gshape, $gout)
                }
            )*
        }
    };
}

raw_methods! {
    /// Run a statement, resolve `null`.
    pub none(|_| Ok(()), |env: &Env, _| convert::null(env)) "Promise<null>";
    /// Exactly one row, else an `ERR_ADMIN_PG_QUERY` error.
    pub one<T>(expect_one, out_row) "Promise<T>";
    /// Zero or one row (`null` for none); more is an error.
    pub one_or_none<T>(expect_one_or_none, out_opt_row) "Promise<T | null>";
    /// All rows.
    pub any<T>(|r| Ok(r.rows), out_rows) "Promise<T[]>";
    /// All rows (same as `any`).
    pub many_or_none<T>(|r| Ok(r.rows), out_rows) "Promise<T[]>";
    /// At least one row, else an error.
    pub many<T>(expect_many, out_rows) "Promise<T[]>";
    /// `{ rows, rowCount, command }`, like `pg`'s `QueryResult`.
    pub query<T>(Ok, out_result) "Promise<{ rows: T[]; rowCount: number; command: string }>";
}

#[napi]
impl DbClient {
    /// Run `callback(t)` in one transaction on one connection: COMMIT when it resolves,
    /// ROLLBACK (and rethrow) when it throws. Inside a transaction, runs on it.
    #[napi(
        ts_generic_types = "T",
        ts_args_type = "callback: (t: DbClient) => Promise<T> | T",
        ts_return_type = "Promise<T>"
    )]
    pub fn tx<'env>(
        &self,
        env: &'env Env,
        callback: ThreadsafeFunction<DbClient, CallbackOutcome, DbClient, Status, false>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        run_transaction(env, &self.target, callback, DbClient::new)
    }

    /// `Promise.all` over the given promises (pg-promise's `t.batch`); anything but an array
    /// rejects with `ERR_ADMIN_PG_INVALID_ARGUMENT`.
    #[napi(
        ts_generic_types = "T",
        ts_args_type = "promises: Promise<T>[]",
        ts_return_type = "Promise<T[]>"
    )]
    pub fn batch(&self, env: &Env, promises: Unknown) -> napi::Result<JsOut> {
        let raw = env.raw();
        let rejected = |env: &Env, err: StoreError| -> napi::Result<JsOut> {
            let p = run(
                env,
                Err::<std::future::Ready<Result<(), StoreError>>, _>(err),
                out_void,
            )?;
            Ok(JsOut(p.value().value))
        };
        let mut is_array = false;
        unsafe { sys::napi_is_array(raw, promises.value().value, &mut is_array) };
        if !is_array {
            return rejected(env, StoreError::invalid("promises must be an array"));
        }
        // Promise.all walks `length`, holes included: a sparse 2^32-1 array would spin forever.
        let mut len = 0u32;
        unsafe { sys::napi_get_array_length(raw, promises.value().value, &mut len) };
        if len > convert::MAX_ARRAY_LENGTH {
            return rejected(
                env,
                StoreError::invalid(format!(
                    "promises has {len} elements, more than the {} allowed in one call",
                    convert::MAX_ARRAY_LENGTH
                )),
            );
        }
        let mut out = std::ptr::null_mut();
        let status = unsafe {
            let mut global = std::ptr::null_mut();
            let mut promise_ctor = std::ptr::null_mut();
            let mut all = std::ptr::null_mut();
            sys::napi_get_global(raw, &mut global);
            sys::napi_get_named_property(raw, global, c"Promise".as_ptr(), &mut promise_ctor);
            sys::napi_get_named_property(raw, promise_ctor, c"all".as_ptr(), &mut all);
            let args = [promises.value().value];
            sys::napi_call_function(raw, promise_ctor, all, 1, args.as_ptr(), &mut out)
        };
        if status != sys::Status::napi_ok || out.is_null() {
            // run() takes the pending exception and rejects with it, coded.
            return rejected(env, StoreError::invalid("promises cannot be awaited"));
        }
        Ok(JsOut(out))
    }

    /// Resolves `undefined`; kept for pg-promise compatibility (connections are managed in Rust).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn ping<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let target = self.target.clone();
        run(
            env,
            Ok(async move {
                let mut conn = target.lease().await?;
                let r = raw::run(target.ctx(), &mut conn, "SELECT 1", &[]).await;
                conn.note(&r);
                target.store().observe(r).map(|_| ())
            }),
            out_void,
        )
    }
}
