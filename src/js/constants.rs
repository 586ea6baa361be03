//! Constants exported beside the classes: `TABLES`, `TABLE_SCHEMAS`, `DEFAULT_INDEXES` (the
//! seed's values) and `ErrorCode`. Plain frozen objects, built once at load. They are
//! `#[napi]` consts so that napi lists them in index.js (`module.exports.TABLES = …`, which
//! is what lets ESM `import { TABLES }` see them) and index.d.ts; each is a unit struct whose
//! conversion builds the object, its TypeScript shape spelled out in `types/header.d.ts`.

use napi::bindgen_prelude::ToNapiValue;
use napi::{sys, Env};
use napi_derive::napi;

use super::convert;
use crate::core::pg::error::ERROR_CODES;
use crate::core::tables::{self as catalog, TABLE_LIST};

fn freeze(env: &Env, v: sys::napi_value) {
    unsafe { sys::napi_object_freeze(env.raw(), v) };
}

fn string_map(
    env: &Env,
    pairs: impl Iterator<Item = (String, String)>,
) -> napi::Result<sys::napi_value> {
    let obj = convert::new_object(env)?;
    for (k, v) in pairs {
        convert::set(env, obj, &k, convert::string(env, &v)?.0)?;
    }
    freeze(env, obj);
    Ok(obj)
}

fn default_indexes(env: &Env) -> napi::Result<sys::napi_value> {
    let raw = env.raw();
    let mut arr = std::ptr::null_mut();
    unsafe { sys::napi_create_array_with_length(raw, catalog::DEFAULT_INDEXES.len(), &mut arr) };
    for (i, idx) in catalog::DEFAULT_INDEXES.iter().enumerate() {
        let obj = convert::new_object(env)?;
        convert::set(env, obj, "table", convert::string(env, idx.table)?.0)?;
        let mut cols = std::ptr::null_mut();
        unsafe { sys::napi_create_array_with_length(raw, idx.columns.len(), &mut cols) };
        for (j, c) in idx.columns.iter().enumerate() {
            let s = convert::string(env, c)?.0;
            unsafe { sys::napi_set_element(raw, cols, j as u32, s) };
        }
        freeze(env, cols);
        convert::set(env, obj, "columns", cols)?;
        if idx.unique {
            convert::set(env, obj, "unique", convert::boolean(env, true)?.0)?;
        }
        freeze(env, obj);
        unsafe { sys::napi_set_element(raw, arr, i as u32, obj) };
    }
    freeze(env, arr);
    Ok(arr)
}

/// `ErrorCode.NOT_FOUND === ErrorCode.ERR_ADMIN_PG_NOT_FOUND === 'ERR_ADMIN_PG_NOT_FOUND'`.
fn error_codes(env: &Env) -> napi::Result<sys::napi_value> {
    let pairs = ERROR_CODES.iter().flat_map(|(_, code)| {
        let short = code.trim_start_matches("ERR_ADMIN_PG_").to_string();
        [
            (code.to_string(), code.to_string()),
            (short, code.to_string()),
        ]
    });
    string_map(env, pairs)
}

/// Declares a unit struct standing for one exported constant, built by `$build`.
macro_rules! constant_type {
    ($ty:ident, $build:expr) => {
        pub struct $ty;
        impl ToNapiValue for $ty {
            unsafe fn to_napi_value(raw: sys::napi_env, _: Self) -> napi::Result<sys::napi_value> {
                let build: fn(&Env) -> napi::Result<sys::napi_value> = $build;
                build(&Env::from_raw(raw))
            }
        }
    };
}

constant_type!(TablesConst, |env| string_map(
    env,
    TABLE_LIST
        .iter()
        .map(|t| (t.key.to_string(), t.name.to_string()))
));
constant_type!(TableSchemasConst, |env| string_map(
    env,
    catalog::TABLE_SCHEMAS
        .iter()
        .map(|(t, s)| (t.to_string(), s.to_string()))
));
constant_type!(DefaultIndexesConst, default_indexes);
constant_type!(ErrorCodeConst, error_codes);

/// The seed's table names, keyed as in `@mastra/admin-pg`.
#[napi]
pub const TABLES: TablesConst = TablesConst;

/// Column definitions per table, as in the seed's Phase 4.
#[napi]
pub const TABLE_SCHEMAS: TableSchemasConst = TableSchemasConst;

/// The seed's default index list.
#[napi]
pub const DEFAULT_INDEXES: DefaultIndexesConst = DefaultIndexesConst;

/// Stable error codes (`err.code`). Both `ErrorCode.NOT_FOUND` and
/// `ErrorCode.ERR_ADMIN_PG_NOT_FOUND` work.
// Named as exported: napi registers a const under its Rust name, whatever js_name says.
#[allow(non_upper_case_globals)]
#[napi]
pub const ErrorCode: ErrorCodeConst = ErrorCodeConst;
