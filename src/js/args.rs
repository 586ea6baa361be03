//! Argument kinds of the method tables: `args::<kind>(env, value, "jsName")` turns one JS
//! argument into the value its core function takes. A missing argument arrives as
//! `undefined`; every failure is an `ERR_ADMIN_PG_INVALID_ARGUMENT` naming the argument.

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue};

use super::convert;
use crate::core::domains::builds::{Claim, ErrorMessage};
use crate::core::domains::fields::Fields;
use crate::core::domains::generic::{non_negative, Condition, FindOptions, Op};
use crate::core::domains::page::PageRequest;
use crate::core::domains::projects::EnvScope;
use crate::core::domains::servers::Metric;
use crate::core::pg::error::truncate;
use crate::core::pg::error::{Result, StoreError};
use crate::core::pg::value::Param;
use crate::core::tables::{table_by_name, Table, TABLE_LIST};

/// `undefined`/`null` → `None`, anything else `Some`.
fn given<'a>(env: &Env, v: Unknown<'a>) -> Option<Unknown<'a>> {
    (!convert::is_nullish(env, v.value().value)).then_some(v)
}

/// A required string.
pub fn text(env: &Env, v: Unknown, name: &str) -> Result<String> {
    convert::text(env, v, name)
}

/// An optional string (`undefined`/`null` → `None`).
pub fn opt_text(env: &Env, v: Unknown, name: &str) -> Result<Option<String>> {
    convert::opt_text(env, Some(v), name)
}

/// An optional number (`undefined`/`null` → `None`).
pub fn opt_number(env: &Env, v: Unknown, name: &str) -> Result<Option<f64>> {
    convert::opt_number(env, Some(v), name)
}

/// A required boolean.
pub fn boolean(env: &Env, v: Unknown, name: &str) -> Result<bool> {
    convert::opt_bool(env, Some(v), name)?
        .ok_or_else(|| StoreError::invalid(format!("{name} must be a boolean")))
}

/// A plain object of write data (`data`, `updates`, …).
pub fn fields(env: &Env, v: Unknown, name: &str) -> Result<Fields> {
    convert::fields(env, v, name)
}

/// `{ page?, perPage? }` of a flat list.
pub fn page(env: &Env, v: Unknown, _name: &str) -> Result<PageRequest> {
    convert::page_request(env, Some(v))
}

/// An options argument: `undefined`/`null` or a plain object.
fn options<'a>(env: &Env, v: Unknown<'a>, name: &str) -> Result<Option<Unknown<'a>>> {
    match given(env, v) {
        Some(u) if !convert::is_plain_object(env, u.value().value) => {
            Err(StoreError::invalid(format!("{name} must be an object")))
        }
        other => Ok(other),
    }
}

fn option_limit(env: &Env, o: Option<Unknown>, key: &str) -> Result<Option<i64>> {
    non_negative(
        convert::opt_number(env, convert::prop(env, o, key), key)?,
        key,
    )
}

/// `{ limit? }`: a non-negative integer, or no limit.
pub fn limit(env: &Env, v: Unknown, _name: &str) -> Result<Option<i64>> {
    option_limit(env, Some(v), "limit")
}

/// `{ limit?, offset? }`: non-negative integers.
pub fn window(env: &Env, v: Unknown, _name: &str) -> Result<(Option<i64>, Option<i64>)> {
    let o = Some(v);
    Ok((
        option_limit(env, o, "limit")?,
        option_limit(env, o, "offset")?,
    ))
}

/// A required non-negative integer (`dequeueBatch(n)`).
pub fn count(env: &Env, v: Unknown, name: &str) -> Result<i64> {
    non_negative(convert::opt_number(env, Some(v), name)?, name)?
        .ok_or_else(|| StoreError::invalid(format!("{name} must be a non-negative integer")))
}

/// Milliseconds: an integer from `min` up to 2^31 - 1 (as `setTimeout` takes), or `None`.
pub fn millis(env: &Env, v: Option<Unknown>, name: &str, min: i64) -> Result<Option<i64>> {
    match convert::opt_number(env, v, name)? {
        None => Ok(None),
        Some(n) if n.is_finite() && n.fract() == 0.0 && n >= min as f64 && n <= i32::MAX as f64 => {
            Ok(Some(n as i64))
        }
        Some(n) => Err(StoreError::invalid(format!(
            "{name} must be an integer from {min} to {}, got {n}",
            i32::MAX
        ))),
    }
}

/// A required positive number of milliseconds (`heartbeatBuild(…, extendMs)`).
pub fn positive_millis(env: &Env, v: Unknown, name: &str) -> Result<i64> {
    millis(env, Some(v), name, 1)?
        .ok_or_else(|| StoreError::invalid(format!("{name} must be a positive integer")))
}

/// The optional `errorMessage`: `undefined` keeps the stored one, a string or `null` sets it.
/// (Taken as a plain `Unknown`: napi would fold `null` into `None` for an `Option`.)
pub fn error_message(env: &Env, v: Unknown, name: &str) -> Result<ErrorMessage> {
    match convert::param(env, v.value().value, convert::Undefined::Skip)? {
        None => Ok(ErrorMessage::Keep),
        Some(Param::Null) => Ok(ErrorMessage::Set(None)),
        Some(Param::Text(s)) => Ok(ErrorMessage::Set(Some(s))),
        Some(_) => Err(StoreError::invalid(format!("{name} must be a string"))),
    }
}

/// `ClaimOptions` of an options object: `{ workerId?, leaseMs? }`.
pub fn claim_of(env: &Env, o: Option<Unknown>) -> Result<Claim> {
    let worker_id = convert::opt_text(env, convert::prop(env, o, "workerId"), "workerId")?;
    if worker_id.as_deref() == Some("") {
        return Err(StoreError::invalid("workerId must be a non-empty string"));
    }
    let lease_ms = millis(env, convert::prop(env, o, "leaseMs"), "leaseMs", 1)?;
    Ok(Claim::new(worker_id, lease_ms))
}

/// `options?: ClaimOptions`.
pub fn claim(env: &Env, v: Unknown, name: &str) -> Result<Claim> {
    claim_of(env, options(env, v, name)?)
}

/// `options?: BuildLogsOptions`: `afterOffset`, a non-negative integer (UTF-8 bytes of the
/// log), or none (the whole log).
pub fn after_offset(env: &Env, v: Unknown, name: &str) -> Result<Option<i64>> {
    option_limit(env, options(env, v, name)?, "afterOffset")
}

/// `options?: WaitForBuildOptions` as the object to read (checked to be one).
pub fn options_object<'a>(env: &Env, v: Unknown<'a>, name: &str) -> Result<Option<Unknown<'a>>> {
    options(env, v, name)
}

/// `options?: ReclaimOptions`: `maxAttempts`, a positive integer (default 3).
pub fn max_attempts(env: &Env, v: Unknown, name: &str) -> Result<i64> {
    let o = options(env, v, name)?;
    match convert::opt_number(env, convert::prop(env, o, "maxAttempts"), "maxAttempts")? {
        None => Ok(3),
        Some(n) if n.is_finite() && n.fract() == 0.0 && n >= 1.0 && n <= i32::MAX as f64 => {
            Ok(n as i64)
        }
        Some(n) => Err(StoreError::invalid(format!(
            "maxAttempts must be a positive integer, got {n}"
        ))),
    }
}

/// `deploymentType?` of `listEnvVars`: `undefined` lists all, `null` the project-wide ones, a
/// string that type's.
pub fn env_scope(env: &Env, v: Unknown, name: &str) -> Result<EnvScope> {
    match convert::param(env, v.value().value, convert::Undefined::Skip)? {
        None => Ok(EnvScope::All),
        Some(Param::Null) => Ok(EnvScope::Only(None)),
        Some(Param::Text(t)) => Ok(EnvScope::Only(Some(t))),
        Some(_) => Err(StoreError::invalid(format!(
            "{name} must be a string or null"
        ))),
    }
}

/// `metrics?: { memoryUsageMb?, cpuPercent? }`: each left alone, set, or cleared (`null`).
pub fn metrics(env: &Env, v: Unknown, name: &str) -> Result<(Metric, Metric)> {
    let Some(u) = given(env, v) else {
        return Ok((Metric::Keep, Metric::Keep));
    };
    let raw = u.value().value;
    if !convert::is_plain_object(env, raw) {
        return Err(StoreError::invalid(format!(
            "{name} must be an object {{ memoryUsageMb?, cpuPercent? }}"
        )));
    }
    let mut memory = Metric::Keep;
    let mut cpu = Metric::Keep;
    for (key, value) in convert::entries(env, raw)? {
        let slot = match key.as_str() {
            "memoryUsageMb" => &mut memory,
            "cpuPercent" => &mut cpu,
            other => {
                return Err(StoreError::invalid(format!(
                    "unknown metric `{}` (expected memoryUsageMb or cpuPercent)",
                    truncate(other)
                )))
            }
        };
        *slot = match convert::param(env, value, convert::Undefined::Skip)? {
            None => Metric::Keep,
            Some(Param::Null) => Metric::Set(None),
            Some(Param::Number(n)) if (n as f32).is_finite() => Metric::Set(Some(n as f32)),
            Some(_) => {
                return Err(StoreError::invalid(format!(
                    "metric {key} must be a finite number or null"
                )))
            }
        };
    }
    Ok((memory, cpu))
}

/// A table of `TABLES`, by name (`admin_users`) or key (`users`).
pub fn table(env: &Env, v: Unknown, _name: &str) -> Result<&'static Table> {
    let name = convert::text(env, v, "table")?;
    table_by_name(&name)
        .or_else(|| TABLE_LIST.iter().find(|t| t.key == name))
        .ok_or_else(|| {
            StoreError::invalid(format!(
                "unknown table `{}`: use a value of TABLES",
                truncate(&name)
            ))
        })
}

/// `findBy` conditions: per column a value (=), `null` (IS NULL), an array (IN) or an
/// operator object; `undefined`/`null` → none.
pub fn conditions(env: &Env, v: Unknown, _name: &str) -> Result<Vec<(String, Condition)>> {
    let raw = v.value().value;
    if convert::is_nullish(env, raw) {
        return Ok(Vec::new());
    }
    if !convert::is_plain_object(env, raw) {
        return Err(StoreError::invalid("conditions must be an object"));
    }
    let mut out = Vec::new();
    for (key, val) in convert::entries(env, raw)? {
        let cond = if convert::is_plain_object(env, val) {
            let mut ops = Vec::new();
            for (op, operand) in convert::entries(env, val)? {
                let op = Op::parse(&op)?;
                if let Some(p) = convert::param(env, operand, convert::Undefined::Skip)? {
                    ops.push((op, p));
                }
            }
            Condition::Ops(ops)
        } else {
            match convert::param(env, val, convert::Undefined::Skip)? {
                None => continue,
                Some(Param::Null) => Condition::IsNull,
                Some(Param::Array(items)) => Condition::In(items),
                Some(Param::JsonText(_)) => {
                    return Err(StoreError::invalid(format!(
                        "condition `{}` must be a value, an array or an operator object",
                        truncate(&key)
                    )))
                }
                Some(p) => Condition::Eq(p),
            }
        };
        out.push((key, cond));
    }
    Ok(out)
}

/// `findBy` options: `{ orderBy?, limit?, offset? }`.
pub fn find_options(env: &Env, v: Unknown, _name: &str) -> Result<FindOptions> {
    let v = Some(v);
    let order_by = match convert::prop(env, v, "orderBy") {
        Some(o) if !convert::is_nullish(env, o.value().value) => {
            Some(convert::text(env, o, "orderBy")?)
        }
        _ => None,
    };
    let limit = non_negative(
        convert::opt_number(env, convert::prop(env, v, "limit"), "limit")?,
        "limit",
    )?;
    let offset = non_negative(
        convert::opt_number(env, convert::prop(env, v, "offset"), "offset")?,
        "offset",
    )?;
    Ok(FindOptions {
        order_by,
        limit,
        offset,
    })
}

/// `records`: an array of plain objects, each write data.
pub fn records(env: &Env, v: Unknown, name: &str) -> Result<Vec<Fields>> {
    convert::array_items(env, v, name)?
        .into_iter()
        .enumerate()
        .map(|(i, r)| convert::fields(env, r, &format!("{name}[{i}]")))
        .collect()
}
