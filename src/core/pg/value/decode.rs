//! Decoding: a result row (binary format, or text format from the simple protocol) into
//! `Row` / `Value`, column names camelCased or as given.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgRow, PgValueFormat};
use sqlx::{Row as _, ValueRef as _};

use super::array_text::{self, TextArray};
use super::types::{
    type_of, SqlType, FIRST_USER_OID, MAX_SAFE_INT, PG_EPOCH_DAYS_FROM_UNIX,
    PG_EPOCH_MICROS_FROM_UNIX,
};
use crate::core::pg::error::{Result, StoreError};

/// A value read from PostgreSQL, ready to become a JS value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Integers that fit a JS number exactly.
    Int(i64),
    Float(f64),
    Text(String),
    Json(serde_json::Value),
    Timestamp(DateTime<Utc>),
    Bytes(Vec<u8>),
    Array(Vec<Value>),
    /// A nested record (e.g. a joined row built with `to_jsonb`), keys already camelCased.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// A row serialized by PostgreSQL (`to_jsonb(t)`, `jsonb_agg(t)`) back into a record:
    /// keys camelCased, `*_at` / `last_health_check` timestamps as dates; JSONB columns inside
    /// stay plain JSON. Arrays of rows become arrays of records; JSON `null` becomes NULL.
    pub fn from_json_record(j: serde_json::Value) -> Value {
        match j {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Array(items) => {
                Value::Array(items.into_iter().map(Value::from_json_record).collect())
            }
            serde_json::Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let is_time = k.ends_with("_at") || k == "last_health_check";
                        let v = match v {
                            serde_json::Value::String(s) if is_time => parse_timestamp(&s)
                                .map(Value::Timestamp)
                                .unwrap_or(Value::Text(s)),
                            serde_json::Value::Null => Value::Null,
                            other => Value::Json(other),
                        };
                        (to_camel(&k), v)
                    })
                    .collect(),
            ),
            other => Value::Json(other),
        }
    }
}

/// One row: shared column names (already in their output spelling) and the values.
#[derive(Clone, Debug)]
pub struct Row {
    pub columns: Arc<[String]>,
    pub values: Vec<Value>,
}

impl Row {
    /// The value of a column by its output name.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.columns
            .iter()
            .position(|c| c == name)
            .map(|i| &self.values[i])
    }

    /// Replace a JSON column holding PostgreSQL-serialized rows with records
    /// (see `Value::from_json_record`). A missing column is left alone.
    pub fn records_from_json(&mut self, name: &str) {
        if let Some(i) = self.columns.iter().position(|c| c == name) {
            let v = std::mem::replace(&mut self.values[i], Value::Null);
            self.values[i] = match v {
                Value::Json(j) => Value::from_json_record(j),
                other => other,
            };
        }
    }

    /// A text column, if it is text.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Value::Text(s)) => Some(s.as_str()),
            _ => None,
        }
    }
}

/// Column-name spelling of decoded rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `created_at` → `createdAt` (domain objects, AdminPgDB).
    Camel,
    /// Names exactly as PostgreSQL gave them (raw `DbClient`, like node-postgres).
    AsIs,
}

/// `snake_case` → `camelCase` (the seed's rule: `_x` → `X`).
pub fn to_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for ch in name.chars() {
        if ch == '_' {
            if upper {
                out.push('_');
            }
            upper = true;
        } else if upper {
            if ch.is_ascii_lowercase() {
                out.push(ch.to_ascii_uppercase());
            } else {
                out.push('_');
                out.push(ch);
            }
            upper = false;
        } else {
            out.push(ch);
        }
    }
    if upper {
        out.push('_');
    }
    out
}

/// Decode every row of a result set.
pub fn decode_rows(rows: &[PgRow], naming: Naming) -> Result<Vec<Row>> {
    let Some(first) = rows.first() else {
        return Ok(Vec::new());
    };
    let (columns, types) = describe_columns(first, naming);
    rows.iter()
        .map(|r| decode_row(r, &columns, &types))
        .collect()
}

/// Decode one row (for `fetch_optional`).
pub fn decode_one(row: &PgRow, naming: Naming) -> Result<Row> {
    let (columns, types) = describe_columns(row, naming);
    decode_row(row, &columns, &types)
}

fn describe_columns(row: &PgRow, naming: Naming) -> (Arc<[String]>, Vec<SqlType>) {
    use sqlx::Column as _;
    let cols = row.columns();
    let names: Vec<String> = cols
        .iter()
        .map(|c| match naming {
            Naming::Camel => to_camel(c.name()),
            Naming::AsIs => c.name().to_string(),
        })
        .collect();
    let types = cols.iter().map(|c| type_of(c.type_info())).collect();
    (names.into(), types)
}

fn decode_row(row: &PgRow, columns: &Arc<[String]>, types: &[SqlType]) -> Result<Row> {
    let mut values = Vec::with_capacity(types.len());
    for (i, ty) in types.iter().enumerate() {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            values.push(Value::Null);
            continue;
        }
        let text_format = raw.format() == PgValueFormat::Text;
        let bytes = raw
            .as_bytes()
            .map_err(|e| StoreError::query(format!("cannot read column {}: {e}", columns[i])))?;
        values.push(if text_format {
            decode_text(ty, &String::from_utf8_lossy(bytes))
        } else {
            decode_binary(ty, bytes).map_err(|e| {
                StoreError::query(format!("cannot decode column {}: {e}", columns[i]))
            })?
        });
    }
    Ok(Row {
        columns: columns.clone(),
        values,
    })
}

/// Decode a text-format value (simple-protocol results) by its type, as node-postgres does.
pub fn decode_text(ty: &SqlType, s: &str) -> Value {
    use SqlType as T;
    match ty {
        T::Bool => Value::Bool(s == "t"),
        T::Int2 | T::Int4 | T::Oid => s
            .parse()
            .map(Value::Int)
            .unwrap_or_else(|_| Value::Text(s.into())),
        T::Int8 => match s.parse::<i64>() {
            Ok(v) if (-MAX_SAFE_INT..=MAX_SAFE_INT).contains(&v) => Value::Int(v),
            _ => Value::Text(s.into()),
        },
        // A float4 widened like its binary form is (`1.1` → 1.100000023841858).
        T::Float4 => s
            .parse::<f32>()
            .map(|f| Value::Float(f as f64))
            .unwrap_or_else(|_| Value::Text(s.into())),
        T::Float8 => s
            .parse()
            .map(Value::Float)
            .unwrap_or_else(|_| Value::Text(s.into())),
        T::Json | T::Jsonb => serde_json::from_str(s)
            .map(Value::Json)
            .unwrap_or_else(|_| Value::Text(s.into())),
        T::Timestamptz | T::Timestamp | T::Date => text_time(s)
            .map(Value::Timestamp)
            .unwrap_or_else(|| Value::Text(s.into())),
        T::Void => Value::Null,
        T::Bytea => match s.strip_prefix("\\x").map(decode_hex) {
            Some(Some(bytes)) => Value::Bytes(bytes),
            _ => Value::Text(s.into()),
        },
        T::Array(elem) => match array_text::parse(s) {
            Some(a) => from_text_array(elem, a),
            None => Value::Text(s.into()),
        },
        _ => Value::Text(s.into()),
    }
}

/// A timestamp or date as PostgreSQL prints it (ISO, `… BC` before year 1).
fn text_time(s: &str) -> Option<DateTime<Utc>> {
    use chrono::Datelike;
    if let Some(ad) = s.strip_suffix(" BC") {
        let t = text_time(ad)?;
        return t.with_year(1 - t.year());
    }
    // The usual `2024-02-03 04:05:06.789+00` directly, then the other spellings.
    DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%#z")
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| parse_timestamp(s))
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A parsed text array's elements decoded like `decode_text` does.
fn from_text_array(elem: &SqlType, a: TextArray) -> Value {
    match a {
        TextArray::Null => Value::Null,
        TextArray::Item(text) => decode_text(elem, &text),
        TextArray::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|i| from_text_array(elem, i))
                .collect(),
        ),
    }
}

pub(super) fn be<const N: usize>(b: &[u8]) -> std::result::Result<[u8; N], String> {
    b.get(..N)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| format!("expected {N} bytes, got {}", b.len()))
}

/// Decode one binary-format value of type `ty`.
pub fn decode_binary(ty: &SqlType, b: &[u8]) -> std::result::Result<Value, String> {
    use SqlType as T;
    Ok(match ty {
        T::Bool => Value::Bool(b.first().copied().unwrap_or(0) != 0),
        T::Int2 => Value::Int(i16::from_be_bytes(be(b)?) as i64),
        T::Int4 => Value::Int(i32::from_be_bytes(be(b)?) as i64),
        T::Oid => Value::Int(u32::from_be_bytes(be(b)?) as i64),
        T::Int8 => {
            let v = i64::from_be_bytes(be(b)?);
            if (-MAX_SAFE_INT..=MAX_SAFE_INT).contains(&v) {
                Value::Int(v)
            } else {
                // Beyond 2^53 a JS number would silently lose digits: give the exact text.
                Value::Text(v.to_string())
            }
        }
        T::Float4 => Value::Float(f32::from_be_bytes(be(b)?) as f64),
        T::Float8 => Value::Float(f64::from_be_bytes(be(b)?)),
        T::Numeric => Value::Text(decode_numeric(b)?),
        T::Text => Value::Text(String::from_utf8_lossy(b).into_owned()),
        T::Other(oid) if *oid >= FIRST_USER_OID => {
            Value::Text(String::from_utf8_lossy(b).into_owned())
        }
        // A built-in type we have no decoder for: its binary form, untouched.
        T::Other(_) => Value::Bytes(b.to_vec()),
        T::Interval => Value::Text(decode_interval(b)?),
        T::Time => Value::Text(format_time_of_day(i64::from_be_bytes(be(b)?))),
        T::Inet => Value::Text(decode_inet(b)?),
        T::Uuid => Value::Text(
            uuid::Uuid::from_slice(b)
                .map_err(|e| e.to_string())?
                .hyphenated()
                .to_string(),
        ),
        T::Json => Value::Json(serde_json::from_slice(b).map_err(|e| e.to_string())?),
        T::Jsonb => {
            let body = b.get(1..).ok_or("empty jsonb")?;
            Value::Json(serde_json::from_slice(body).map_err(|e| e.to_string())?)
        }
        T::Timestamptz | T::Timestamp => {
            let micros = i64::from_be_bytes(be(b)?);
            if micros == i64::MAX || micros == i64::MIN {
                Value::Text(if micros > 0 { "infinity" } else { "-infinity" }.into())
            } else {
                match DateTime::from_timestamp_micros(micros + PG_EPOCH_MICROS_FROM_UNIX) {
                    Some(t) => Value::Timestamp(t),
                    None => Value::Null,
                }
            }
        }
        T::Date => {
            let days = i32::from_be_bytes(be(b)?) as i64;
            match DateTime::from_timestamp((days + PG_EPOCH_DAYS_FROM_UNIX) * 86_400, 0) {
                Some(t) => Value::Timestamp(t),
                None => Value::Null,
            }
        }
        T::Bytea => Value::Bytes(b.to_vec()),
        T::Void => Value::Null,
        T::Array(elem) => decode_array(elem, b)?,
    })
}

fn decode_array(elem: &SqlType, b: &[u8]) -> std::result::Result<Value, String> {
    let ndim = i32::from_be_bytes(be(b)?);
    if ndim == 0 {
        return Ok(Value::Array(Vec::new()));
    }
    let mut pos = 12; // ndim, has_null flag, element oid
    let mut dims = Vec::with_capacity(ndim as usize);
    for _ in 0..ndim {
        dims.push(i32::from_be_bytes(be(&b[pos..])?) as usize);
        pos += 8; // length, lower bound
    }
    let total: usize = dims.iter().product();
    let mut flat = Vec::with_capacity(total);
    for _ in 0..total {
        let len = i32::from_be_bytes(be(&b[pos..])?);
        pos += 4;
        if len < 0 {
            flat.push(Value::Null);
        } else {
            let end = pos + len as usize;
            let body = b.get(pos..end).ok_or("array element out of bounds")?;
            flat.push(decode_binary(elem, body)?);
            pos = end;
        }
    }
    // Fold inner dimensions into nested arrays, innermost first.
    for &d in dims.iter().skip(1).rev() {
        let mut grouped = Vec::with_capacity(flat.len() / d.max(1));
        let mut it = flat.into_iter();
        loop {
            let chunk: Vec<Value> = it.by_ref().take(d).collect();
            if chunk.is_empty() {
                break;
            }
            grouped.push(Value::Array(chunk));
        }
        flat = grouped;
    }
    Ok(Value::Array(flat))
}

pub(super) fn decode_numeric(b: &[u8]) -> std::result::Result<String, String> {
    let ndigits = i16::from_be_bytes(be(b)?) as usize;
    let weight = i16::from_be_bytes(be(&b[2..])?) as i32;
    let sign = u16::from_be_bytes(be(&b[4..])?);
    let dscale = u16::from_be_bytes(be(&b[6..])?) as usize;
    match sign {
        0xC000 => return Ok("NaN".into()),
        0xD000 => return Ok("Infinity".into()),
        0xF000 => return Ok("-Infinity".into()),
        _ => {}
    }
    let mut digits = Vec::with_capacity(ndigits);
    for i in 0..ndigits {
        digits.push(i16::from_be_bytes(be(&b[8 + 2 * i..])?) as i32);
    }
    let digit = |i: i32| -> i32 {
        if i >= 0 && (i as usize) < digits.len() {
            digits[i as usize]
        } else {
            0
        }
    };
    let mut out = String::new();
    if sign == 0x4000 {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        for i in 0..=weight {
            let d = digit(i);
            if i == 0 {
                out.push_str(&d.to_string());
            } else {
                out.push_str(&format!("{d:04}"));
            }
        }
    }
    if dscale > 0 {
        out.push('.');
        let mut frac = String::new();
        let mut i = weight + 1;
        while frac.len() < dscale {
            frac.push_str(&format!("{:04}", digit(i)));
            i += 1;
        }
        frac.truncate(dscale);
        out.push_str(&frac);
    }
    Ok(out)
}

/// Parse a timestamp the way PostgreSQL's input would accept the common spellings.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let with_t = s.replacen(' ', "T", 1);
    for candidate in [with_t.clone(), format!("{with_t}:00")] {
        if let Ok(t) = DateTime::parse_from_rfc3339(&candidate) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M:%S%#z"] {
        if let Ok(t) = DateTime::parse_from_str(&with_t, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(&with_t, fmt) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

pub(super) fn format_time_of_day(micros: i64) -> String {
    let (h, rem) = (micros / 3_600_000_000, micros % 3_600_000_000);
    let (m, rem) = (rem / 60_000_000, rem % 60_000_000);
    let (sec, frac) = (rem / 1_000_000, rem % 1_000_000);
    let mut out = format!("{h:02}:{m:02}:{sec:02}");
    if frac != 0 {
        let f = format!("{frac:06}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out
}

/// PostgreSQL's own (`postgres` style) text for an interval.
pub(super) fn decode_interval(b: &[u8]) -> std::result::Result<String, String> {
    let micros = i64::from_be_bytes(be(b)?);
    let days = i32::from_be_bytes(be(&b[8..])?);
    let months = i32::from_be_bytes(be(&b[12..])?);
    let mut parts = Vec::new();
    let (years, mons) = (months / 12, months % 12);
    let unit =
        |n: i64, one: &str, many: &str| format!("{n} {}", if n.abs() == 1 { one } else { many });
    if years != 0 {
        parts.push(unit(years as i64, "year", "years"));
    }
    if mons != 0 {
        parts.push(unit(mons as i64, "mon", "mons"));
    }
    if days != 0 {
        parts.push(unit(days as i64, "day", "days"));
    }
    if micros != 0 || parts.is_empty() {
        let sign = if micros < 0 { "-" } else { "" };
        parts.push(format!("{sign}{}", format_time_of_day(micros.abs())));
    }
    Ok(parts.join(" "))
}

pub(super) fn decode_inet(b: &[u8]) -> std::result::Result<String, String> {
    let (family, bits, is_cidr, len) = (b.first(), b.get(1), b.get(2), b.get(3));
    let (Some(&family), Some(&bits), Some(&is_cidr), Some(&len)) = (family, bits, is_cidr, len)
    else {
        return Err("short inet value".into());
    };
    let addr = b.get(4..4 + len as usize).ok_or("short inet value")?;
    let (text, full) = match family {
        2 => (
            std::net::Ipv4Addr::new(addr[0], addr[1], addr[2], addr[3]).to_string(),
            32,
        ),
        _ => {
            let mut a = [0u8; 16];
            a.copy_from_slice(addr);
            (std::net::Ipv6Addr::from(a).to_string(), 128)
        }
    };
    Ok(if bits != full || is_cidr == 1 {
        format!("{text}/{bits}")
    } else {
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_records_get_dates_and_camel_keys() {
        let j = serde_json::json!([{"key": "A", "is_secret": true, "created_at": "2024-01-02T03:04:05.123456+00:00", "meta": {"x_y": 1}}]);
        let Value::Array(items) = Value::from_json_record(j) else {
            panic!()
        };
        let Value::Object(fields) = &items[0] else {
            panic!()
        };
        assert!(fields.iter().any(|(k, _)| k == "key"));
        assert!(fields
            .iter()
            .any(|(k, v)| k == "createdAt" && matches!(v, Value::Timestamp(_))));
        assert!(fields
            .iter()
            .any(|(k, v)| k == "isSecret" && *v == Value::Json(serde_json::json!(true))));
        assert!(fields
            .iter()
            .any(|(k, v)| k == "meta" && *v == Value::Json(serde_json::json!({"x_y": 1}))));
    }

    #[test]
    fn camel_case_follows_the_seed() {
        assert_eq!(to_camel("created_at"), "createdAt");
        assert_eq!(to_camel("id"), "id");
        assert_eq!(to_camel("memory_usage_mb"), "memoryUsageMb");
    }

    #[test]
    fn int8_beyond_2_53_becomes_text() {
        let b = (1i64 << 60).to_be_bytes();
        assert_eq!(
            decode_binary(&SqlType::Int8, &b).unwrap(),
            Value::Text((1i64 << 60).to_string())
        );
        let b = 42i64.to_be_bytes();
        assert_eq!(decode_binary(&SqlType::Int8, &b).unwrap(), Value::Int(42));
    }

    #[test]
    fn text_results_read_like_binary_ones() {
        let t = parse_timestamp("2024-02-03T04:05:06.789Z").unwrap();
        for s in [
            "2024-02-03 04:05:06.789+00",
            "2024-02-03 06:05:06.789+02",
            "2024-02-03 04:05:06.789+00:00",
        ] {
            assert_eq!(
                decode_text(&SqlType::Timestamptz, s),
                Value::Timestamp(t),
                "{s}"
            );
        }
        assert_eq!(
            decode_text(&SqlType::Timestamptz, "infinity"),
            Value::Text("infinity".into())
        );
        assert_eq!(
            decode_text(&SqlType::Float4, "1.1"),
            Value::Float(1.1f32 as f64)
        );
        assert_eq!(
            decode_text(&SqlType::Bytea, "\\x00ff"),
            Value::Bytes(vec![0, 255])
        );
        assert_eq!(
            decode_text(
                &SqlType::Array(Box::new(SqlType::Text)),
                r#"{a,"b c","q\"d",NULL,"NULL"}"#
            ),
            Value::Array(vec![
                Value::Text("a".into()),
                Value::Text("b c".into()),
                Value::Text("q\"d".into()),
                Value::Null,
                Value::Text("NULL".into()),
            ])
        );
        assert_eq!(
            decode_text(&SqlType::Array(Box::new(SqlType::Int4)), "{{1,2},{3,NULL}}"),
            Value::Array(vec![
                Value::Array(vec![Value::Int(1), Value::Int(2)]),
                Value::Array(vec![Value::Int(3), Value::Null]),
            ])
        );
        assert_eq!(
            decode_text(&SqlType::Array(Box::new(SqlType::Int4)), "[0:1]={5,6}"),
            Value::Array(vec![Value::Int(5), Value::Int(6)])
        );
    }
}
