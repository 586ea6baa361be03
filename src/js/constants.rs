//! Constants exported beside the classes: `TABLES`, `TABLE_SCHEMAS`, `DEFAULT_INDEXES` (the
//! seed's values) and `ErrorCode`. Plain frozen objects, set on the module's exports once at
//! load; their types are declared in `types/header.d.ts`.

use napi::{sys, Env};

use super::convert;
use crate::core::error::ERROR_CODES;
use crate::core::tables::{DEFAULT_INDEXES, TABLE_LIST, TABLE_SCHEMAS};

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
    unsafe { sys::napi_create_array_with_length(raw, DEFAULT_INDEXES.len(), &mut arr) };
    for (i, idx) in DEFAULT_INDEXES.iter().enumerate() {
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

unsafe fn tables(raw_env: sys::napi_env) -> napi::Result<sys::napi_value> {
    let env = Env::from_raw(raw_env);
    string_map(
        &env,
        TABLE_LIST
            .iter()
            .map(|t| (t.key.to_string(), t.name.to_string())),
    )
}

unsafe fn table_schemas(raw_env: sys::napi_env) -> napi::Result<sys::napi_value> {
    let env = Env::from_raw(raw_env);
    string_map(
        &env,
        TABLE_SCHEMAS
            .iter()
            .map(|(t, s)| (t.to_string(), s.to_string())),
    )
}

unsafe fn default_indexes_export(raw_env: sys::napi_env) -> napi::Result<sys::napi_value> {
    default_indexes(&Env::from_raw(raw_env))
}

unsafe fn error_code_export(raw_env: sys::napi_env) -> napi::Result<sys::napi_value> {
    error_codes(&Env::from_raw(raw_env))
}

napi::ctor::declarative::ctor! {
    #[ctor(unsafe)]
    fn register_constants() {
        use napi::bindgen_prelude::register_module_export as export;
        export(None, "TABLES\0", tables);
        export(None, "TABLE_SCHEMAS\0", table_schemas);
        export(None, "DEFAULT_INDEXES\0", default_indexes_export);
        export(None, "ErrorCode\0", error_code_export);
    }
}
