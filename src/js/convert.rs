//! JS value ⇄ core value. The only file that touches raw N-API values: one input converter
//! (JS → `Param`/`Fields`) and one output converter (`Row`/`Value` → JS object), used by every
//! binding.

use std::cell::RefCell;
use std::ffi::CString;
use std::ptr;
use std::sync::atomic::{AtomicU8, Ordering::Relaxed};

use napi::bindgen_prelude::{ToNapiValue, Unknown};
use napi::{sys, Env, JsValue};

use crate::core::domains::fields::Fields;
use crate::core::domains::page::PageRequest;
use crate::core::pg::error::StoreError;
use crate::core::pg::value::{Param, Row, Value};

use super::rowwire::{self, Shapes, Wrap};

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

/// Rows as a JS array of objects.
pub fn rows(env: &Env, rs: Vec<Row>) -> napi::Result<JsOut> {
    rows_raw(env, &rs).map(JsOut)
}

pub fn rows_raw(env: &Env, rs: &[Row]) -> napi::Result<sys::napi_value> {
    let raw = env.raw();
    let mut arr = ptr::null_mut();
    call!(
        sys::napi_create_array_with_length(raw, rs.len(), &mut arr),
        "array"
    );
    if let Some(first) = rs.first() {
        let mut keys = Keys::new(env, first)?;
        let mut shape = first.columns.clone();
        for (i, r) in rs.iter().enumerate() {
            // Rows of one result may differ in shape (route infos): new keys when they do.
            if !std::sync::Arc::ptr_eq(&shape, &r.columns) && *shape != *r.columns {
                keys = Keys::new(env, r)?;
                shape = r.columns.clone();
            }
            let o = object(env, &keys, r)?;
            call!(
                sys::napi_set_element(raw, arr, i as u32, o),
                "array element"
            );
        }
    }
    Ok(arr)
}

/// Rows as (a) of bench/rows.mjs builds them: every row makes its own keys and sets one
/// property per column (the baseline the other designs are measured against).
pub fn rows_per_property(env: &Env, rs: &[Row]) -> napi::Result<JsOut> {
    let raw = env.raw();
    let mut arr = ptr::null_mut();
    call!(
        sys::napi_create_array_with_length(raw, rs.len(), &mut arr),
        "array"
    );
    for (i, r) in rs.iter().enumerate() {
        let mut obj = ptr::null_mut();
        call!(sys::napi_create_object(raw, &mut obj), "object");
        for (k, v) in r.columns.iter().zip(&r.values) {
            let key = string(env, k)?.0;
            let e = value(env, v)?;
            call!(sys::napi_set_property(raw, obj, key, e), "property");
        }
        call!(
            sys::napi_set_element(raw, arr, i as u32, obj),
            "array element"
        );
    }
    Ok(JsOut(arr))
}

/// A JS string of UTF-8 bytes (a one-byte copy when they are ASCII).
pub fn string_bytes(env: &Env, b: &[u8]) -> napi::Result<sys::napi_value> {
    let mut v = ptr::null_mut();
    if b.is_ascii() {
        call!(
            sys::napi_create_string_latin1(env.raw(), b.as_ptr().cast(), b.len() as isize, &mut v),
            "string"
        );
    } else {
        call!(
            sys::napi_create_string_utf8(env.raw(), b.as_ptr().cast(), b.len() as isize, &mut v),
            "string"
        );
    }
    Ok(v)
}

/// An ArrayBuffer holding `parts` back to back.
pub fn array_buffer(env: &Env, parts: &[&[u8]]) -> napi::Result<sys::napi_value> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let mut data = ptr::null_mut();
    let mut v = ptr::null_mut();
    call!(
        sys::napi_create_arraybuffer(env.raw(), len, &mut data, &mut v),
        "ArrayBuffer"
    );
    let mut at = data as *mut u8;
    for p in parts {
        // SAFETY: `data` has room for `len` bytes, the sum of the parts' lengths.
        unsafe {
            ptr::copy_nonoverlapping(p.as_ptr(), at, p.len());
            at = at.add(p.len());
        }
    }
    Ok(v)
}

/// A JS array of the given values.
pub fn array_of(env: &Env, items: &[sys::napi_value]) -> napi::Result<sys::napi_value> {
    let raw = env.raw();
    let mut arr = ptr::null_mut();
    call!(
        sys::napi_create_array_with_length(raw, items.len(), &mut arr),
        "array"
    );
    for (i, e) in items.iter().enumerate() {
        call!(
            sys::napi_set_element(raw, arr, i as u32, *e),
            "array element"
        );
    }
    Ok(arr)
}

/// The bytes of a slice of plain numbers, as they lie in memory (for typed-array views).
pub fn bytes_of<T: Copy>(items: &[T]) -> &[u8] {
    // SAFETY: `T` is a plain number type (f64 / u32) without padding; any byte is readable.
    unsafe { std::slice::from_raw_parts(items.as_ptr().cast(), std::mem::size_of_val(items)) }
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

// ---------- rows across the boundary: the one converter of every read path ----------
//
// A result of rows is encoded on the tokio worker (`encode`, no N-API) and becomes JS objects
// on the JS thread (`decode`). How is one of the designs bench/rows.mjs compares; the default
// is the fastest it measured (BENCHMARKS.md, "Row conversion designs").

/// A row design of bench/rows.mjs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Design {
    /// (a) per-row keys, one `napi_set_property` per value.
    PerProperty = 0,
    /// (b) keys once per result, one `napi_define_properties` per row.
    DefineProperties = 1,
    /// (c) one JSON text per result, `JSON.parse` and a revive plan in lib/rows.js.
    Json = 2,
    /// (d) a columnar buffer decoded by a function generated per shape in lib/rows.js.
    Columnar = 3,
}

impl Design {
    fn from_u8(n: u8) -> Design {
        match n {
            0 => Design::PerProperty,
            1 => Design::DefineProperties,
            2 => Design::Json,
            _ => Design::Columnar,
        }
    }
}

/// The design of results with many rows (lists, pages, raw results) and of single rows.
static DESIGN_MANY: AtomicU8 = AtomicU8::new(Design::Columnar as u8);
static DESIGN_ONE: AtomicU8 = AtomicU8::new(Design::Columnar as u8);

/// Switch designs (bench/rows.mjs only): `(many, one)` as numbers 0–3; returns the old pair.
pub fn set_designs(many: Option<u8>, one: Option<u8>) -> (u8, u8) {
    let old = (DESIGN_MANY.load(Relaxed), DESIGN_ONE.load(Relaxed));
    if let Some(m) = many.filter(|m| *m <= 3) {
        DESIGN_MANY.store(m, Relaxed);
    }
    if let Some(o) = one.filter(|o| *o <= 3) {
        DESIGN_ONE.store(o, Relaxed);
    }
    old
}

/// What a result is, besides its rows.
pub enum Shape {
    /// `[row, …]`
    Rows,
    /// `row`
    One,
    /// `{ data, total, page, perPage, hasMore }`
    Page {
        total: i64,
        page: i64,
        per_page: i64,
        has_more: bool,
    },
    /// `{ rows, rowCount, command }` (`DbClient.query`)
    Raw { row_count: u64, command: String },
}

impl Shape {
    fn wrap(&self) -> Wrap<'_> {
        match self {
            Shape::Rows => Wrap::Rows,
            Shape::One => Wrap::One,
            Shape::Page {
                total,
                page,
                per_page,
                has_more,
            } => Wrap::Page {
                total: *total,
                page: *page,
                per_page: *per_page,
                has_more: *has_more,
            },
            Shape::Raw { row_count, command } => Wrap::Raw {
                row_count: *row_count,
                command,
            },
        }
    }

    /// lib/rows.js's number for it.
    fn kind(&self) -> f64 {
        match self {
            Shape::Rows => 0.0,
            Shape::One => 1.0,
            Shape::Page { .. } => 2.0,
            Shape::Raw { .. } => 3.0,
        }
    }
}

enum Wire {
    Values(Vec<Row>, Design),
    Json(rowwire::Json),
    Columnar(rowwire::Columnar),
}

/// A result encoded off the JS thread, ready to become JS objects.
pub struct Encoded {
    wire: Wire,
    shape: Shape,
}

/// Encode a result (no N-API: runs on a tokio worker). A result the chosen design cannot
/// carry exactly (a non-finite float or bytes in JSON, rows of different shapes in the
/// columnar form) goes the napi way.
pub fn encode(rows: Vec<Row>, shape: Shape) -> Encoded {
    let design = Design::from_u8(match shape {
        Shape::One => DESIGN_ONE.load(Relaxed),
        _ => DESIGN_MANY.load(Relaxed),
    });
    let wire = match design {
        Design::Json => rowwire::json(&rows, shape.wrap()).map(Wire::Json),
        Design::Columnar => rowwire::columnar(&rows).map(Wire::Columnar),
        _ => None,
    };
    let wire = wire.unwrap_or(match design {
        Design::PerProperty => Wire::Values(rows, Design::PerProperty),
        _ => Wire::Values(rows, Design::DefineProperties),
    });
    Encoded { wire, shape }
}

/// The JS value of an encoded result (on the JS thread).
pub fn decode(env: &Env, e: Encoded) -> napi::Result<JsOut> {
    match e.wire {
        Wire::Values(rows, design) => napi_objects(env, rows, design, e.shape),
        Wire::Json(j) => {
            let args = [
                string_bytes(env, &j.text)?,
                string(env, &j.plan)?.0,
                number(env, e.shape.kind())?.0,
            ];
            call_decoder(env, Decoder::Json, &args)
        }
        Wire::Columnar(c) => {
            let extra = match &e.shape {
                Shape::Page {
                    total,
                    page,
                    per_page,
                    has_more,
                } => array_of(
                    env,
                    &[
                        number(env, *total as f64)?.0,
                        number(env, *page as f64)?.0,
                        number(env, *per_page as f64)?.0,
                        boolean(env, *has_more)?.0,
                    ],
                )?,
                Shape::Raw { row_count, command } => array_of(
                    env,
                    &[number(env, *row_count as f64)?.0, string(env, command)?.0],
                )?,
                _ => null(env)?.0,
            };
            let args = columnar_args(env, &c, e.shape.kind(), extra)?;
            call_decoder(env, Decoder::Columnar, &args)
        }
    }
}

/// The napi designs (a) and (b).
fn napi_objects(env: &Env, rows: Vec<Row>, design: Design, shape: Shape) -> napi::Result<JsOut> {
    let list = |rows: &[Row]| match design {
        Design::PerProperty => rows_per_property(env, rows).map(|o| o.0),
        _ => rows_raw(env, rows),
    };
    match shape {
        Shape::One => match rows.into_iter().next() {
            Some(r) if design == Design::PerProperty => {
                let arr = rows_per_property(env, std::slice::from_ref(&r))?.0;
                let mut v = ptr::null_mut();
                call!(sys::napi_get_element(env.raw(), arr, 0, &mut v), "row");
                Ok(JsOut(v))
            }
            Some(r) => row(env, r),
            None => null(env),
        },
        Shape::Rows => list(&rows).map(JsOut),
        Shape::Page {
            total,
            page,
            per_page,
            has_more,
        } => {
            let obj = new_object(env)?;
            set(env, obj, "data", list(&rows)?)?;
            set(env, obj, "total", number(env, total as f64)?.0)?;
            set(env, obj, "page", number(env, page as f64)?.0)?;
            set(env, obj, "perPage", number(env, per_page as f64)?.0)?;
            set(env, obj, "hasMore", boolean(env, has_more)?.0)?;
            Ok(JsOut(obj))
        }
        Shape::Raw { row_count, command } => {
            let obj = new_object(env)?;
            set(env, obj, "rows", list(&rows)?)?;
            set(env, obj, "rowCount", number(env, row_count as f64)?.0)?;
            set(env, obj, "command", string(env, &command)?.0)?;
            Ok(JsOut(obj))
        }
    }
}

thread_local! {
    /// Column shapes of the columnar form this JS thread has seen (ids for lib/rows.js).
    static SHAPES: RefCell<Shapes> = RefCell::new(Shapes::default());
    /// lib/rows.js's decoders in this thread's environment.
    static DECODERS: RefCell<Option<Decoders>> = const { RefCell::new(None) };
}

/// The arguments of lib/rows.js `decodeColumnar`: `[id, shape | null, buffer, nNums, nOffs,
/// nTags, text, jsonText, count, kind, extra]`.
pub fn columnar_args(
    env: &Env,
    c: &rowwire::Columnar,
    kind: f64,
    extra: sys::napi_value,
) -> napi::Result<[sys::napi_value; 11]> {
    let (id, new) = SHAPES.with(|s| s.borrow_mut().id(&c.columns, &c.kinds));
    let shape = if new || id == 0 {
        let names = c
            .columns
            .iter()
            .map(|n| string(env, n).map(|o| o.0))
            .collect::<napi::Result<Vec<_>>>()?;
        let kinds = c
            .kinds
            .iter()
            .map(|k| number(env, *k as f64).map(|o| o.0))
            .collect::<napi::Result<Vec<_>>>()?;
        let names = array_of(env, &names)?;
        let kinds = array_of(env, &kinds)?;
        array_of(env, &[names, kinds])?
    } else {
        null(env)?.0
    };
    let buf = array_buffer(
        env,
        &[bytes_of(&c.nums), bytes_of(&c.offs), &c.tags, &c.bytes],
    )?;
    let num = |n: f64| number(env, n).map(|o| o.0);
    Ok([
        num(id as f64)?,
        shape,
        buf,
        num(c.nums.len() as f64)?,
        num(c.offs.len() as f64)?,
        num(c.tags.len() as f64)?,
        string_bytes(env, &c.text)?,
        string_bytes(env, &c.json)?,
        num(c.rows as f64)?,
        num(kind)?,
        extra,
    ])
}

/// lib/rows.js, evaluated once per JS environment by the addon itself (so that a result
/// decodes the same whether the package was loaded through index.js or binding.js).
const ROWS_JS: &str = include_str!("../../lib/rows.js");

struct Decoders {
    env: sys::napi_env,
    json: sys::napi_ref,
    columnar: sys::napi_ref,
}

#[derive(Clone, Copy)]
enum Decoder {
    Json,
    Columnar,
}

fn load_decoders(env: &Env) -> napi::Result<Decoders> {
    let raw = env.raw();
    let source =
        format!("(function (module) {{{ROWS_JS}\n;return module.exports;}})({{ exports: {{}} }})");
    let script = string(env, &source)?.0;
    let mut api = ptr::null_mut();
    call!(
        sys::napi_run_script(raw, script, &mut api),
        "load lib/rows.js"
    );
    let get = |name: &std::ffi::CStr| -> napi::Result<sys::napi_ref> {
        let mut f = ptr::null_mut();
        call!(
            sys::napi_get_named_property(raw, api, name.as_ptr(), &mut f),
            "row decoder"
        );
        let mut r = ptr::null_mut();
        call!(sys::napi_create_reference(raw, f, 1, &mut r), "row decoder");
        Ok(r)
    };
    Ok(Decoders {
        env: raw,
        json: get(c"decodeJson")?,
        columnar: get(c"decodeColumnar")?,
    })
}

fn call_decoder(env: &Env, which: Decoder, args: &[sys::napi_value]) -> napi::Result<JsOut> {
    let raw = env.raw();
    let reference = DECODERS.with(|d| -> napi::Result<sys::napi_ref> {
        let mut d = d.borrow_mut();
        if d.as_ref().map(|d| d.env) != Some(raw) {
            *d = Some(load_decoders(env)?);
        }
        let d = d.as_ref().expect("just loaded");
        Ok(match which {
            Decoder::Json => d.json,
            Decoder::Columnar => d.columnar,
        })
    })?;
    let mut f = ptr::null_mut();
    call!(
        sys::napi_get_reference_value(raw, reference, &mut f),
        "row decoder"
    );
    let recv = undefined(env)?.0;
    let mut out = ptr::null_mut();
    if unsafe { sys::napi_call_function(raw, recv, f, args.len(), args.as_ptr(), &mut out) }
        != sys::Status::napi_ok
    {
        let what = take_exception(env).unwrap_or_else(|| "unknown error".into());
        return Err(napi::Error::from_reason(format!(
            "admin-pg-native: cannot decode the rows: {what}"
        )));
    }
    Ok(JsOut(out))
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
