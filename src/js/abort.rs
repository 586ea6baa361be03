//! An `AbortSignal` passed to a call, wired to a core `Cancel`: an `abort` event listener
//! (added with `addEventListener`, never by overwriting `onabort`, which belongs to the
//! caller), removed again when the call settles so a long-lived signal collects no listeners.

use std::ffi::CString;
use std::ptr;
use std::sync::Arc;

use napi::bindgen_prelude::{Function, Unknown};
use napi::{sys, Env, JsValue};

use super::convert;
use crate::core::pg::error::StoreError;
use crate::core::pg::queue_listener::Cancel;

type CoreResult<T> = std::result::Result<T, StoreError>;

/// What the caller's `signal` option amounts to.
pub enum Signal {
    /// No signal given.
    None,
    /// The signal had already fired: don't start.
    Aborted,
    /// Listening: `cancel` fires with the signal; `detach` the hook when the call settles.
    Hooked(Arc<Cancel>, AbortHook),
}

/// The listener added to a signal, to remove on the JS thread once the call has settled.
pub struct AbortHook {
    signal: sys::napi_ref,
    listener: sys::napi_ref,
}
// SAFETY: the references are only used (in `detach`) on the JS thread that made them; other
// threads merely carry them to it.
unsafe impl Send for AbortHook {}

fn not_a_signal() -> StoreError {
    StoreError::invalid("signal must be an AbortSignal")
}

fn named(env: &Env, obj: sys::napi_value, name: &str) -> CoreResult<sys::napi_value> {
    let key = CString::new(name).map_err(|_| not_a_signal())?;
    let mut v = ptr::null_mut();
    if unsafe { sys::napi_get_named_property(env.raw(), obj, key.as_ptr(), &mut v) }
        != sys::Status::napi_ok
    {
        return Err(not_a_signal());
    }
    Ok(v)
}

fn type_of(env: &Env, v: sys::napi_value) -> sys::napi_valuetype {
    let mut t = 0;
    unsafe { sys::napi_typeof(env.raw(), v, &mut t) };
    t
}

/// `signal[method]('abort', listener, extra?)`.
fn call_method(
    env: &Env,
    signal: sys::napi_value,
    method: &str,
    listener: sys::napi_value,
    extra: Option<sys::napi_value>,
) -> CoreResult<()> {
    let f = named(env, signal, method)?;
    if type_of(env, f) != sys::ValueType::napi_function {
        return Err(not_a_signal());
    }
    let event = convert::string(env, "abort").map_err(|_| not_a_signal())?.0;
    let mut args = vec![event, listener];
    args.extend(extra);
    let mut out = ptr::null_mut();
    let status = unsafe {
        sys::napi_call_function(env.raw(), signal, f, args.len(), args.as_ptr(), &mut out)
    };
    if status != sys::Status::napi_ok {
        // A throwing addEventListener: clear the exception, report a plain argument error.
        let mut exc = ptr::null_mut();
        unsafe { sys::napi_get_and_clear_last_exception(env.raw(), &mut exc) };
        return Err(not_a_signal());
    }
    Ok(())
}

/// Reads `options.signal`: absent/`null` → `None`; already aborted → `Aborted`; otherwise an
/// `abort` listener is added that fires the returned `Cancel`.
pub fn hook(env: &Env, signal: Option<Unknown>) -> CoreResult<Signal> {
    let Some(signal) = signal else {
        return Ok(Signal::None);
    };
    let raw = signal.value().value;
    if convert::is_nullish(env, raw) {
        return Ok(Signal::None);
    }
    if type_of(env, raw) != sys::ValueType::napi_object {
        return Err(not_a_signal());
    }
    let aborted = named(env, raw, "aborted")?;
    let mut is_aborted = false;
    if type_of(env, aborted) != sys::ValueType::napi_boolean
        || unsafe { sys::napi_get_value_bool(env.raw(), aborted, &mut is_aborted) }
            != sys::Status::napi_ok
    {
        return Err(not_a_signal());
    }
    if is_aborted {
        return Ok(Signal::Aborted);
    }
    let cancel = Arc::new(Cancel::default());
    let fire = cancel.clone();
    let listener: Function<'_, (), ()> = env
        .create_function_from_closure("onAbort", move |_| {
            fire.cancel();
            Ok(())
        })
        .map_err(|_| not_a_signal())?;
    let listener = listener.value().value;
    let once = convert::new_object(env).map_err(|_| not_a_signal())?;
    let yes = convert::boolean(env, true).map_err(|_| not_a_signal())?.0;
    convert::set(env, once, "once", yes).map_err(|_| not_a_signal())?;
    call_method(env, raw, "addEventListener", listener, Some(once))?;
    let mut signal_ref = ptr::null_mut();
    let mut listener_ref = ptr::null_mut();
    unsafe {
        sys::napi_create_reference(env.raw(), raw, 1, &mut signal_ref);
        sys::napi_create_reference(env.raw(), listener, 1, &mut listener_ref);
    }
    Ok(Signal::Hooked(
        cancel,
        AbortHook {
            signal: signal_ref,
            listener: listener_ref,
        },
    ))
}

impl AbortHook {
    /// Remove the listener and release the references (on the JS thread, once).
    pub fn detach(self, env: &Env) {
        let mut signal = ptr::null_mut();
        let mut listener = ptr::null_mut();
        unsafe {
            sys::napi_get_reference_value(env.raw(), self.signal, &mut signal);
            sys::napi_get_reference_value(env.raw(), self.listener, &mut listener);
        }
        if !signal.is_null() && !listener.is_null() {
            let _ = call_method(env, signal, "removeEventListener", listener, None);
        }
        unsafe {
            sys::napi_delete_reference(env.raw(), self.signal);
            sys::napi_delete_reference(env.raw(), self.listener);
        }
    }
}
