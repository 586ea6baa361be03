//! JS value ⇄ core value. The only file that touches raw N-API values: one input converter
//! (JS → `Param`/`Fields`) and one output converter (`Row`/`Value` → JS object), used by every
//! binding.

use std::ffi::CString;
use std::ptr;

use napi::bindgen_prelude::{ToNapiValue, Unknown};
use napi::{sys, Env, JsValue};

use crate::core::domains::fields::Fields;
use crate::core::domains::page::{Page, PageRequest};
use crate::core::pg::error::StoreError;
use crate::core::pg::value::{Param, Row, Value};

type CoreResult<T> = std::result::Result<T, StoreError>;

/// A JS value produced on the JS thread, handed back to napi as is.
pub struct JsOut(pub sys::napi_value);

impl ToNapiValue for JsOut {
    unsafe fn to_napi_value(_env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        Ok(val.0)
    }
}

fn fail(what: &str) -> napi::Error {
    napi::Error::from_reason(format!("N-API call failed: {what}"))
}

macro_rules! call {
    ($e:expr, $what:expr) => {
        if unsafe { $e } != sys::Status::napi_ok {
            return Err(fail($what));
        }
    };
}

// ---------- output ----------

/// `null`.
pub fn null(env: &Env) -> napi::Result<JsOut> {
    let mut v = ptr::null_mut();
    call!(sys::napi_get_null(env.raw(), &mut v), "null");
    Ok(JsOut(v))
}

/// `undefined`.
pub fn undefined(env: &Env) -> napi::Result<JsOut> {
    let mut v = ptr::null_mut();
    call!(sys::napi_get_undefined(env.raw(), &mut v), "undefined");
    Ok(JsOut(v))
}

pub fn boolean(env: &Env, b: bool) -> napi::Result<JsOut> {
    let mut v = ptr::null_mut();
    call!(sys::napi_get_boolean(env.raw(), b, &mut v), "boolean");
    Ok(JsOut(v))
}

pub fn number(env: &Env, n: f64) -> napi::Result<JsOut> {
    let mut v = ptr::null_mut();
    call!(sys::napi_create_double(env.raw(), n, &mut v), "number");
    Ok(JsOut(v))
}

pub fn string(env: &Env, s: &str) -> napi::Result<JsOut> {
    let mut v = ptr::null_mut();
    call!(
        sys::napi_create_string_utf8(env.raw(), s.as_ptr().cast(), s.len() as isize, &mut v),
        "string"
    );
    Ok(JsOut(v))
}

/// Any core value as a JS value (the converter rows use, for values outside a row).
pub fn value_of(env: &Env, val: &Value) -> napi::Result<sys::napi_value> {
    value(env, val)
}

fn value(env: &Env, val: &Value) -> napi::Result<sys::napi_value> {
    let raw = env.raw();
    let mut v = ptr::null_mut();
    match val {
        Value::Null => call!(sys::napi_get_null(raw, &mut v), "null"),
        Value::Bool(b) => call!(sys::napi_get_boolean(raw, *b, &mut v), "bool"),
        Value::Int(i) => call!(sys::napi_create_int64(raw, *i, &mut v), "int"),
        Value::Float(f) => call!(sys::napi_create_double(raw, *f, &mut v), "float"),
        Value::Text(s) => return string(env, s).map(|o| o.0),
        Value::Json(j) => return json(env, j),
        Value::Timestamp(t) => call!(
            sys::napi_create_date(raw, t.timestamp_micros() as f64 / 1000.0, &mut v),
            "date"
        ),
        Value::Bytes(b) => {
            let mut data = ptr::null_mut();
            call!(
                sys::napi_create_buffer_copy(raw, b.len(), b.as_ptr().cast(), &mut data, &mut v),
                "buffer"
            );
        }
        Value::Array(items) => {
            call!(
                sys::napi_create_array_with_length(raw, items.len(), &mut v),
                "array"
            );
            for (i, item) in items.iter().enumerate() {
                let e = value(env, item)?;
                call!(sys::napi_set_element(raw, v, i as u32, e), "array element");
            }
        }
        Value::Object(fields) => {
            call!(sys::napi_create_object(raw, &mut v), "object");
            for (k, item) in fields {
                let key = string(env, k)?.0;
                let e = value(env, item)?;
                call!(sys::napi_set_property(raw, v, key, e), "property");
            }
        }
    }
    Ok(v)
}

fn json(env: &Env, j: &serde_json::Value) -> napi::Result<sys::napi_value> {
    use serde_json::Value as J;
    let raw = env.raw();
    let mut v = ptr::null_mut();
    match j {
        J::Null => call!(sys::napi_get_null(raw, &mut v), "null"),
        J::Bool(b) => call!(sys::napi_get_boolean(raw, *b, &mut v), "bool"),
        J::Number(n) => call!(
            sys::napi_create_double(raw, n.as_f64().unwrap_or(f64::NAN), &mut v),
            "number"
        ),
        J::String(s) => return string(env, s).map(|o| o.0),
        J::Array(items) => {
            call!(
                sys::napi_create_array_with_length(raw, items.len(), &mut v),
                "array"
            );
            for (i, item) in items.iter().enumerate() {
                let e = json(env, item)?;
                call!(sys::napi_set_element(raw, v, i as u32, e), "array element");
            }
        }
        J::Object(map) => {
            call!(sys::napi_create_object(raw, &mut v), "object");
            for (k, item) in map {
                let key = string(env, k)?.0;
                let e = json(env, item)?;
                call!(sys::napi_set_property(raw, v, key, e), "property");
            }
        }
    }
    Ok(v)
}

/// Property keys made once per result set, reused for every row.
struct Keys(Vec<sys::napi_value>);

impl Keys {
    fn new(env: &Env, row: &Row) -> napi::Result<Keys> {
        row.columns
            .iter()
            .map(|c| string(env, c).map(|o| o.0))
            .collect::<napi::Result<Vec<_>>>()
            .map(Keys)
    }
}

const PROP: sys::napi_property_attributes = sys::PropertyAttributes::writable
    | sys::PropertyAttributes::enumerable
    | sys::PropertyAttributes::configurable;

fn object(env: &Env, keys: &Keys, row: &Row) -> napi::Result<sys::napi_value> {
    let raw = env.raw();
    let mut obj = ptr::null_mut();
    call!(sys::napi_create_object(raw, &mut obj), "object");
    let mut descs = Vec::with_capacity(row.values.len());
    for (k, v) in keys.0.iter().zip(&row.values) {
        descs.push(sys::napi_property_descriptor {
            utf8name: ptr::null(),
            name: *k,
            method: None,
            getter: None,
            setter: None,
            value: value(env, v)?,
            attributes: PROP,
            data: ptr::null_mut(),
        });
    }
    // One N-API call per row rather than one per column.
    call!(
        sys::napi_define_properties(raw, obj, descs.len(), descs.as_ptr()),
        "define properties"
    );
    Ok(obj)
}

/// A row as a plain JS object.
pub fn row(env: &Env, r: Row) -> napi::Result<JsOut> {
    let keys = Keys::new(env, &r)?;
    object(env, &keys, &r).map(JsOut)
}

/// A row or `null`.
pub fn opt_row(env: &Env, r: Option<Row>) -> napi::Result<JsOut> {
    match r {
        Some(r) => row(env, r),
        None => null(env),
    }
}

/// Rows as a JS array of objects.
pub fn rows(env: &Env, rs: Vec<Row>) -> napi::Result<JsOut> {
    rows_raw(env, &rs).map(JsOut)
}

fn rows_raw(env: &Env, rs: &[Row]) -> napi::Result<sys::napi_value> {
    let raw = env.raw();
    let mut arr = ptr::null_mut();
    call!(
        sys::napi_create_array_with_length(raw, rs.len(), &mut arr),
        "array"
    );
    if let Some(first) = rs.first() {
        let keys = Keys::new(env, first)?;
        for (i, r) in rs.iter().enumerate() {
            let o = object(env, &keys, r)?;
            call!(
                sys::napi_set_element(raw, arr, i as u32, o),
                "array element"
            );
        }
    }
    Ok(arr)
}

/// Set `obj[name] = value`.
pub fn set(env: &Env, obj: sys::napi_value, name: &str, v: sys::napi_value) -> napi::Result<()> {
    let key = CString::new(name).map_err(|_| fail("property name"))?;
    call!(
        sys::napi_set_named_property(env.raw(), obj, key.as_ptr(), v),
        "set property"
    );
    Ok(())
}

/// An empty JS object.
pub fn new_object(env: &Env) -> napi::Result<sys::napi_value> {
    let mut obj = ptr::null_mut();
    call!(sys::napi_create_object(env.raw(), &mut obj), "object");
    Ok(obj)
}

/// `{ data, total, page, perPage, hasMore }`.
#[allow(dead_code)] // for the paginated flat lists of the domains still to come (teams, …)
pub fn page(env: &Env, p: Page) -> napi::Result<JsOut> {
    let obj = new_object(env)?;
    set(env, obj, "data", rows_raw(env, &p.data)?)?;
    set(env, obj, "total", number(env, p.total as f64)?.0)?;
    set(env, obj, "page", number(env, p.page as f64)?.0)?;
    set(env, obj, "perPage", number(env, p.per_page as f64)?.0)?;
    set(env, obj, "hasMore", boolean(env, p.has_more)?.0)?;
    Ok(JsOut(obj))
}

// ---------- input ----------

fn type_of(env: &Env, v: sys::napi_value) -> CoreResult<i32> {
    let mut t = 0;
    if unsafe { sys::napi_typeof(env.raw(), v, &mut t) } != sys::Status::napi_ok {
        return Err(StoreError::invalid("cannot read argument"));
    }
    Ok(t)
}

fn bool_check(
    env: &Env,
    v: sys::napi_value,
    f: unsafe extern "C" fn(sys::napi_env, sys::napi_value, *mut bool) -> sys::napi_status,
) -> bool {
    let mut b = false;
    unsafe { f(env.raw(), v, &mut b) };
    b
}

fn get_string(env: &Env, v: sys::napi_value) -> CoreResult<String> {
    let raw = env.raw();
    let mut len = 0usize;
    if unsafe { sys::napi_get_value_string_utf8(raw, v, ptr::null_mut(), 0, &mut len) }
        != sys::Status::napi_ok
    {
        return Err(StoreError::invalid("expected a string"));
    }
    let mut buf = vec![0u8; len + 1];
    let mut written = 0usize;
    unsafe {
        sys::napi_get_value_string_utf8(raw, v, buf.as_mut_ptr().cast(), len + 1, &mut written)
    };
    buf.truncate(written);
    String::from_utf8(buf).map_err(|_| StoreError::invalid("string is not valid UTF-8"))
}

fn get_number(env: &Env, v: sys::napi_value) -> f64 {
    let mut n = 0f64;
    unsafe { sys::napi_get_value_double(env.raw(), v, &mut n) };
    n
}

/// `JSON.stringify(v)`, with JS's own semantics (toJSON, undefined dropped, cycles rejected).
fn json_stringify(env: &Env, v: sys::napi_value) -> CoreResult<String> {
    let raw = env.raw();
    let err = || StoreError::invalid("value cannot be serialized as JSON (circular or BigInt?)");
    unsafe {
        let mut global = ptr::null_mut();
        let mut json = ptr::null_mut();
        let mut stringify = ptr::null_mut();
        sys::napi_get_global(raw, &mut global);
        sys::napi_get_named_property(raw, global, c"JSON".as_ptr(), &mut json);
        sys::napi_get_named_property(raw, json, c"stringify".as_ptr(), &mut stringify);
        let mut out = ptr::null_mut();
        let args = [v];
        if sys::napi_call_function(raw, json, stringify, 1, args.as_ptr(), &mut out)
            != sys::Status::napi_ok
        {
            // Clear the pending exception: we report it as our own error.
            let mut exc = ptr::null_mut();
            sys::napi_get_and_clear_last_exception(raw, &mut exc);
            return Err(err());
        }
        if type_of(env, out)? != sys::ValueType::napi_string {
            return Err(err());
        }
        get_string(env, out)
    }
}

/// Takes a JS exception left pending while we read arguments (a throwing getter, `toJSON` or
/// Proxy trap) and describes it; `None` when there is none. The caller turns it into a coded
/// error, so it never escapes as an uncoded synchronous throw.
pub fn take_exception(env: &Env) -> Option<String> {
    let raw = env.raw();
    let mut pending = false;
    unsafe { sys::napi_is_exception_pending(raw, &mut pending) };
    if !pending {
        return None;
    }
    let mut exc = ptr::null_mut();
    unsafe { sys::napi_get_and_clear_last_exception(raw, &mut exc) };
    let mut is_error = false;
    unsafe { sys::napi_is_error(raw, exc, &mut is_error) };
    let text = if is_error {
        let mut message = ptr::null_mut();
        let ok =
            unsafe { sys::napi_get_named_property(raw, exc, c"message".as_ptr(), &mut message) }
                == sys::Status::napi_ok;
        if ok && matches!(type_of(env, message), Ok(sys::ValueType::napi_string)) {
            get_string(env, message).ok()
        } else {
            // A `message` getter may itself throw: leave nothing pending.
            let mut again = ptr::null_mut();
            unsafe { sys::napi_get_and_clear_last_exception(raw, &mut again) };
            None
        }
    } else if matches!(type_of(env, exc), Ok(sys::ValueType::napi_string)) {
        get_string(env, exc).ok()
    } else {
        None
    };
    Some(
        text.map(|t| crate::core::pg::error::truncate(&t))
            .unwrap_or_else(|| "a non-Error value".into()),
    )
}

/// What `undefined` means where a value is expected.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Undefined {
    /// Skip it (object fields: "not given").
    Skip,
    /// SQL NULL (raw parameter arrays, like node-postgres).
    Null,
}

/// A JS value as a `Param`. `None` for `undefined` when skipping.
pub fn param(env: &Env, v: sys::napi_value, undefined: Undefined) -> CoreResult<Option<Param>> {
    use sys::ValueType as T;
    Ok(Some(match type_of(env, v)? {
        T::napi_undefined => match undefined {
            Undefined::Skip => return Ok(None),
            Undefined::Null => Param::Null,
        },
        T::napi_null => Param::Null,
        T::napi_boolean => {
            let mut b = false;
            unsafe { sys::napi_get_value_bool(env.raw(), v, &mut b) };
            Param::Bool(b)
        }
        T::napi_number => Param::Number(get_number(env, v)),
        T::napi_string => Param::Text(get_string(env, v)?),
        T::napi_bigint => {
            let mut n = 0i64;
            let mut lossless = false;
            unsafe { sys::napi_get_value_bigint_int64(env.raw(), v, &mut n, &mut lossless) };
            if !lossless {
                return Err(StoreError::invalid("BigInt value does not fit in 64 bits"));
            }
            Param::BigInt(n as i128)
        }
        T::napi_object => {
            if bool_check(env, v, sys::napi_is_date) {
                let mut ms = 0f64;
                unsafe { sys::napi_get_date_value(env.raw(), v, &mut ms) };
                if !ms.is_finite() {
                    return Err(StoreError::invalid("Invalid Date"));
                }
                let micros = (ms * 1000.0).round() as i64;
                Param::Date(
                    chrono::DateTime::from_timestamp_micros(micros)
                        .ok_or_else(|| StoreError::invalid("Date out of range"))?,
                )
            } else if bool_check(env, v, sys::napi_is_buffer) {
                let mut data = ptr::null_mut();
                let mut len = 0usize;
                unsafe { sys::napi_get_buffer_info(env.raw(), v, &mut data, &mut len) };
                let bytes = if len == 0 {
                    Vec::new()
                } else {
                    unsafe { std::slice::from_raw_parts(data as *const u8, len) }.to_vec()
                };
                Param::Bytes(bytes)
            } else if bool_check(env, v, sys::napi_is_array) {
                array_param(env, v)?
            } else {
                Param::JsonText(json_stringify(env, v)?)
            }
        }
        T::napi_symbol => return Err(StoreError::invalid("a Symbol cannot be stored")),
        T::napi_function => return Err(StoreError::invalid("a function cannot be stored")),
        _ => return Err(StoreError::invalid("unsupported value")),
    }))
}

/// The most elements one array argument may have. `length` is not memory: a sparse
/// `new Array(2 ** 32 - 1)` costs JS nothing, but walking (or preallocating) it would hang or
/// abort the process.
pub const MAX_ARRAY_LENGTH: u32 = 1_000_000;

/// The length of a JS array, refused above `MAX_ARRAY_LENGTH`.
fn array_length(env: &Env, v: sys::napi_value, what: &str) -> CoreResult<u32> {
    let mut len = 0u32;
    if unsafe { sys::napi_get_array_length(env.raw(), v, &mut len) } != sys::Status::napi_ok {
        return Err(StoreError::invalid(format!("{what} must be an array")));
    }
    if len > MAX_ARRAY_LENGTH {
        return Err(StoreError::invalid(format!(
            "{what} has {len} elements, more than the {MAX_ARRAY_LENGTH} allowed in one call"
        )));
    }
    Ok(len)
}

/// Arrays of primitives stay arrays (they can bind to array types); anything deeper is JSON.
fn array_param(env: &Env, v: sys::napi_value) -> CoreResult<Param> {
    let raw = env.raw();
    let len = array_length(env, v, "an array value")?;
    let mut items = Vec::with_capacity(len as usize);
    for i in 0..len {
        let mut e = ptr::null_mut();
        unsafe { sys::napi_get_element(raw, v, i, &mut e) };
        let t = type_of(env, e)?;
        let primitive = matches!(
            t,
            sys::ValueType::napi_null
                | sys::ValueType::napi_boolean
                | sys::ValueType::napi_number
                | sys::ValueType::napi_string
        ) || (t == sys::ValueType::napi_object
            && bool_check(env, e, sys::napi_is_date));
        if !primitive {
            return Ok(Param::JsonText(json_stringify(env, v)?));
        }
        items.push(param(env, e, Undefined::Null)?.unwrap_or(Param::Null));
    }
    Ok(Param::Array(items))
}

/// Whether `v` is `undefined` or `null`.
pub fn is_nullish(env: &Env, v: sys::napi_value) -> bool {
    matches!(
        type_of(env, v),
        Ok(sys::ValueType::napi_undefined) | Ok(sys::ValueType::napi_null)
    )
}

/// Whether `v` is a plain object (not an array, Date or Buffer).
pub fn is_plain_object(env: &Env, v: sys::napi_value) -> bool {
    matches!(type_of(env, v), Ok(sys::ValueType::napi_object))
        && !bool_check(env, v, sys::napi_is_array)
        && !bool_check(env, v, sys::napi_is_date)
        && !bool_check(env, v, sys::napi_is_buffer)
}

/// Own enumerable string keys of an object, with their values.
pub fn entries(env: &Env, obj: sys::napi_value) -> CoreResult<Vec<(String, sys::napi_value)>> {
    let raw = env.raw();
    let mut names = ptr::null_mut();
    let status = unsafe {
        sys::napi_get_all_property_names(
            raw,
            obj,
            sys::KeyCollectionMode::own_only,
            sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
            sys::KeyConversion::numbers_to_strings,
            &mut names,
        )
    };
    if status != sys::Status::napi_ok {
        return Err(StoreError::invalid("expected an object"));
    }
    let mut len = 0u32;
    unsafe { sys::napi_get_array_length(raw, names, &mut len) };
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        let mut k = ptr::null_mut();
        let mut val = ptr::null_mut();
        unsafe {
            sys::napi_get_element(raw, names, i, &mut k);
            sys::napi_get_property(raw, obj, k, &mut val);
        }
        out.push((get_string(env, k)?, val));
    }
    Ok(out)
}

/// A plain JS object as write data: unknown keys are kept (the core rejects them by name),
/// `undefined` values are left out.
pub fn fields(env: &Env, v: Unknown, what: &str) -> CoreResult<Fields> {
    let obj = v.value().value;
    if !is_plain_object(env, obj) {
        return Err(StoreError::invalid(format!("{what} must be an object")));
    }
    let mut out = Vec::new();
    for (k, val) in entries(env, obj)? {
        if let Some(p) = param(env, val, Undefined::Skip).map_err(|e| prefix(e, &k))? {
            out.push((k, p));
        }
    }
    Ok(out)
}

fn prefix(e: StoreError, field: &str) -> StoreError {
    match e {
        StoreError::InvalidArgument(m) => StoreError::InvalidArgument(format!(
            "field {}: {m}",
            crate::core::pg::error::truncate(field)
        )),
        other => other,
    }
}

/// A required string argument.
pub fn text(env: &Env, v: Unknown, name: &str) -> CoreResult<String> {
    let raw = v.value().value;
    match type_of(env, raw)? {
        sys::ValueType::napi_string => get_string(env, raw),
        _ => Err(StoreError::invalid(format!("{name} must be a string"))),
    }
}

/// An optional string argument (`undefined`/`null` → `None`).
#[allow(dead_code)] // for the domains still to come
pub fn opt_text(env: &Env, v: Option<Unknown>, name: &str) -> CoreResult<Option<String>> {
    match v {
        None => Ok(None),
        Some(u) if is_nullish(env, u.value().value) => Ok(None),
        Some(u) => text(env, u, name).map(Some),
    }
}

/// An optional number argument (`undefined`/`null` → `None`); NaN stays NaN for the core to reject.
pub fn opt_number(env: &Env, v: Option<Unknown>, name: &str) -> CoreResult<Option<f64>> {
    match v {
        None => Ok(None),
        Some(u) if is_nullish(env, u.value().value) => Ok(None),
        Some(u) => {
            let raw = u.value().value;
            match type_of(env, raw)? {
                sys::ValueType::napi_number => Ok(Some(get_number(env, raw))),
                _ => Err(StoreError::invalid(format!("{name} must be a number"))),
            }
        }
    }
}

/// `Some(b)` when `v` is a boolean primitive.
pub fn as_bool(env: &Env, v: sys::napi_value) -> Option<bool> {
    if type_of(env, v).ok()? != sys::ValueType::napi_boolean {
        return None;
    }
    let mut b = false;
    unsafe { sys::napi_get_value_bool(env.raw(), v, &mut b) };
    Some(b)
}

/// An optional boolean argument.
pub fn opt_bool(env: &Env, v: Option<Unknown>, name: &str) -> CoreResult<Option<bool>> {
    match v {
        None => Ok(None),
        Some(u) if is_nullish(env, u.value().value) => Ok(None),
        Some(u) => match param(env, u.value().value, Undefined::Null)? {
            Some(Param::Bool(b)) => Ok(Some(b)),
            _ => Err(StoreError::invalid(format!("{name} must be a boolean"))),
        },
    }
}

/// A named property of an options object (`undefined` when absent or not an object).
/// Whether `obj` has an own property `name`, whatever its value (`undefined` included).
pub fn has_own(env: &Env, obj: Option<Unknown<'_>>, name: &str) -> bool {
    let Some(o) = obj else { return false };
    let raw = o.value().value;
    if type_of(env, raw).ok() != Some(sys::ValueType::napi_object) {
        return false;
    }
    let Ok(key) = CString::new(name) else {
        return false;
    };
    let mut k = ptr::null_mut();
    if unsafe { sys::napi_create_string_utf8(env.raw(), key.as_ptr(), name.len() as isize, &mut k) }
        != sys::Status::napi_ok
    {
        return false;
    }
    let mut has = false;
    let status = unsafe { sys::napi_has_own_property(env.raw(), raw, k, &mut has) };
    status == sys::Status::napi_ok && has
}

pub fn prop<'a>(env: &Env, obj: Option<Unknown<'a>>, name: &str) -> Option<Unknown<'a>> {
    let o = obj?;
    let raw = o.value().value;
    if type_of(env, raw).ok()? != sys::ValueType::napi_object {
        return None;
    }
    let key = CString::new(name).ok()?;
    let mut v = ptr::null_mut();
    if unsafe { sys::napi_get_named_property(env.raw(), raw, key.as_ptr(), &mut v) }
        != sys::Status::napi_ok
    {
        return None;
    }
    if is_nullish(env, v) && type_of(env, v).ok()? == sys::ValueType::napi_undefined {
        return None;
    }
    Some(unsafe { Unknown::from_raw_unchecked(env.raw(), v) })
}

/// Positional raw-SQL values (`undefined` → NULL, like node-postgres).
pub fn values(env: &Env, v: Option<Unknown>) -> CoreResult<Vec<Param>> {
    let Some(u) = v else { return Ok(Vec::new()) };
    let raw = u.value().value;
    if is_nullish(env, raw) {
        return Ok(Vec::new());
    }
    if !bool_check(env, raw, sys::napi_is_array) {
        return Err(StoreError::invalid("values must be an array"));
    }
    let len = array_length(env, raw, "values")?;
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        let mut e = ptr::null_mut();
        unsafe { sys::napi_get_element(env.raw(), raw, i, &mut e) };
        let p = param(env, e, Undefined::Null)
            .map_err(|err| prefix(err, &format!("${}", i + 1)))?
            .unwrap_or(Param::Null);
        out.push(p);
    }
    Ok(out)
}

/// Elements of a JS array.
pub fn array_items<'a>(env: &Env, v: Unknown<'a>, what: &str) -> CoreResult<Vec<Unknown<'a>>> {
    let raw = v.value().value;
    if !bool_check(env, raw, sys::napi_is_array) {
        return Err(StoreError::invalid(format!("{what} must be an array")));
    }
    let len = array_length(env, raw, what)?;
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        let mut e = ptr::null_mut();
        unsafe { sys::napi_get_element(env.raw(), raw, i, &mut e) };
        out.push(unsafe { Unknown::from_raw_unchecked(env.raw(), e) });
    }
    Ok(out)
}

/// `{ page?, perPage? }` of the flat list methods (`undefined`/`null` → defaults).
pub fn page_request(env: &Env, v: Option<Unknown>) -> CoreResult<PageRequest> {
    if let Some(u) = v {
        let raw = u.value().value;
        if !is_nullish(env, raw) && !is_plain_object(env, raw) {
            return Err(StoreError::invalid(
                "pagination must be an object { page?, perPage? }",
            ));
        }
    }
    let page = opt_number(env, prop(env, v, "page"), "page")?;
    let per_page = opt_number(env, prop(env, v, "perPage"), "perPage")?;
    PageRequest::new(page, per_page)
}
