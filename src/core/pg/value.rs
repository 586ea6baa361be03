//! The one row converter (PostgreSQL binary value → `Value`) and the one input converter
//! (`Param` from JS → binary bound parameter of a given PostgreSQL type).
//!
//! Every domain, the generic `AdminPgDB` engine and the raw `DbClient` go through here, so a
//! timestamp, a JSONB document or a NULL looks the same whichever door it came in by.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgRow, PgTypeInfo, PgValueFormat, Postgres};
use sqlx::{Row as _, TypeInfo as _, ValueRef as _};

use super::error::{Result, StoreError};

/// The PostgreSQL types we convert natively. Anything else is `Other(oid)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqlType {
    Bool,
    Int2,
    Int4,
    Int8,
    Oid,
    Float4,
    Float8,
    Numeric,
    Text,
    Uuid,
    Json,
    Jsonb,
    Timestamptz,
    Timestamp,
    Date,
    Bytea,
    Void,
    Interval,
    Time,
    Inet,
    Array(Box<SqlType>),
    Other(u32),
}

/// OIDs from here on are user-defined types (enums, domains, extension types such as citext),
/// whose binary form is their text for the types people bind from JS.
const FIRST_USER_OID: u32 = 16_384;

impl SqlType {
    /// The type for a PostgreSQL type OID.
    pub fn from_oid(oid: u32) -> SqlType {
        use SqlType::*;
        match oid {
            16 => Bool,
            21 => Int2,
            23 => Int4,
            20 => Int8,
            26 => Oid,
            700 => Float4,
            701 => Float8,
            1700 => Numeric,
            // text, varchar, bpchar, name, unknown, char
            25 | 1043 | 1042 | 19 | 705 | 18 => Text,
            2950 => Uuid,
            114 => Json,
            3802 => Jsonb,
            1184 => Timestamptz,
            1114 => Timestamp,
            1082 => Date,
            17 => Bytea,
            2278 => Void,
            1000 => Array(Box::new(Bool)),
            1005 => Array(Box::new(Int2)),
            1007 => Array(Box::new(Int4)),
            1016 => Array(Box::new(Int8)),
            1021 => Array(Box::new(Float4)),
            1022 => Array(Box::new(Float8)),
            1231 => Array(Box::new(Numeric)),
            1009 | 1015 | 1014 | 1003 => Array(Box::new(Text)),
            2951 => Array(Box::new(Uuid)),
            199 => Array(Box::new(Json)),
            3807 => Array(Box::new(Jsonb)),
            1185 => Array(Box::new(Timestamptz)),
            1115 => Array(Box::new(Timestamp)),
            1182 => Array(Box::new(Date)),
            1001 => Array(Box::new(Bytea)),
            1186 => Interval,
            1083 => Time,
            869 | 650 => Inet,
            1187 => Array(Box::new(Interval)),
            other => Other(other),
        }
    }

    /// The OID we declare when binding a value of this type.
    pub fn oid(&self) -> u32 {
        use SqlType::*;
        match self {
            Bool => 16,
            Int2 => 21,
            Int4 => 23,
            Int8 => 20,
            Oid => 26,
            Float4 => 700,
            Float8 => 701,
            Numeric => 1700,
            Text => 25,
            Uuid => 2950,
            Json => 114,
            Jsonb => 3802,
            Timestamptz => 1184,
            Timestamp => 1114,
            Date => 1082,
            Bytea => 17,
            Void => 2278,
            Interval => 1186,
            Time => 1083,
            Inet => 869,
            Array(inner) => match **inner {
                Bool => 1000,
                Int2 => 1005,
                Int4 => 1007,
                Int8 => 1016,
                Float4 => 1021,
                Float8 => 1022,
                Numeric => 1231,
                Uuid => 2951,
                Json => 199,
                Jsonb => 3807,
                Timestamptz => 1185,
                Timestamp => 1115,
                Date => 1182,
                Bytea => 1001,
                _ => 1009,
            },
            Other(oid) => *oid,
        }
    }

    fn name(&self) -> String {
        match self {
            SqlType::Array(inner) => format!("{}[]", inner.name()),
            SqlType::Other(oid) => format!("type oid {oid}"),
            other => format!("{other:?}").to_lowercase(),
        }
    }
}

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

/// Our type for a column's `PgTypeInfo`.
pub fn type_of(info: &PgTypeInfo) -> SqlType {
    match info.oid() {
        Some(oid) => SqlType::from_oid(oid.0),
        None => match info.name() {
            "TEXT" | "VARCHAR" => SqlType::Text,
            _ => SqlType::Other(0),
        },
    }
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
        T::Array(elem) => parse_text_array(elem, s).unwrap_or_else(|| Value::Text(s.into())),
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

/// A PostgreSQL array in its text form (`{1,2}`, `{{"a b",NULL},{c,d}}`, `[0:1]={x,y}`),
/// elements decoded like `decode_text` does; `None` when it is not one.
fn parse_text_array(elem: &SqlType, s: &str) -> Option<Value> {
    let s = match s.strip_prefix('[') {
        // Explicit bounds: the elements are what follows `=`.
        Some(_) => s.split_once('=')?.1,
        None => s,
    };
    let b = s.as_bytes();
    let mut i = 0;
    let v = parse_array_level(elem, s, b, &mut i)?;
    (i == b.len()).then_some(v)
}

fn parse_array_level(elem: &SqlType, s: &str, b: &[u8], i: &mut usize) -> Option<Value> {
    if b.get(*i) != Some(&b'{') {
        return None;
    }
    *i += 1;
    let mut items = Vec::new();
    if b.get(*i) == Some(&b'}') {
        *i += 1;
        return Some(Value::Array(items));
    }
    loop {
        match b.get(*i)? {
            b'{' => items.push(parse_array_level(elem, s, b, i)?),
            b'"' => {
                *i += 1;
                let mut text = Vec::new();
                loop {
                    match *b.get(*i)? {
                        b'\\' => {
                            text.push(*b.get(*i + 1)?);
                            *i += 2;
                        }
                        b'"' => {
                            *i += 1;
                            break;
                        }
                        c => {
                            text.push(c);
                            *i += 1;
                        }
                    }
                }
                items.push(decode_text(elem, &String::from_utf8(text).ok()?));
            }
            _ => {
                let start = *i;
                while !matches!(b.get(*i)?, b',' | b'}') {
                    *i += 1;
                }
                let raw = s[start..*i].trim();
                items.push(if raw.eq_ignore_ascii_case("NULL") {
                    Value::Null
                } else {
                    decode_text(elem, raw)
                });
            }
        }
        match b.get(*i)? {
            b',' => *i += 1,
            b'}' => {
                *i += 1;
                return Some(Value::Array(items));
            }
            _ => return None,
        }
    }
}

/// The name to cast an inline literal of this type OID to; `None` leaves the literal untyped
/// (the server then infers its type from the context, as it would for a parameter).
pub fn cast_name(oid: u32) -> Option<&'static str> {
    Some(match oid {
        16 => "bool",
        17 => "bytea",
        18 => "\"char\"",
        19 => "name",
        20 => "int8",
        21 => "int2",
        23 => "int4",
        25 => "text",
        26 => "oid",
        114 => "json",
        650 => "cidr",
        700 => "float4",
        701 => "float8",
        869 => "inet",
        1042 => "bpchar",
        1043 => "varchar",
        1082 => "date",
        1083 => "time",
        1114 => "timestamp",
        1184 => "timestamptz",
        1186 => "interval",
        1700 => "numeric",
        2950 => "uuid",
        3802 => "jsonb",
        199 => "json[]",
        651 => "cidr[]",
        1000 => "bool[]",
        1001 => "bytea[]",
        1003 => "name[]",
        1005 => "int2[]",
        1007 => "int4[]",
        1009 => "text[]",
        1014 => "bpchar[]",
        1015 => "varchar[]",
        1016 => "int8[]",
        1021 => "float4[]",
        1022 => "float8[]",
        1028 => "oid[]",
        1041 => "inet[]",
        1115 => "timestamp[]",
        1182 => "date[]",
        1183 => "time[]",
        1185 => "timestamptz[]",
        1187 => "interval[]",
        1231 => "numeric[]",
        2951 => "uuid[]",
        3807 => "jsonb[]",
        _ => return None,
    })
}

/// A bound value as a self-delimiting SQL expression, for statements sent with their
/// parameters inline (PgBouncer mode): `('text'::type)`, `(E'it''s a \\ path'::text)`,
/// `(NULL::int8)`. `oid` is the type `bytes` (binary format) are in; `cast` the type to name.
/// Strings are quoted so that they read the same whatever `standard_conforming_strings` is.
pub fn sql_literal(
    oid: u32,
    cast: u32,
    bytes: Option<&[u8]>,
) -> std::result::Result<String, String> {
    let body = match bytes {
        None => "NULL".to_string(),
        Some(b) => quote_literal(&sql_text_of(oid, b)?)?,
    };
    Ok(match cast_name(cast) {
        Some(t) => format!("({body}::{t})"),
        None => format!("({body})"),
    })
}

fn quote_literal(s: &str) -> std::result::Result<String, String> {
    if s.contains('\0') {
        return Err("a string cannot contain a NUL character (0x00)".into());
    }
    let escaped = s.replace('\'', "''");
    Ok(if s.contains('\\') {
        format!("E'{}'", escaped.replace('\\', "\\\\"))
    } else {
        format!("'{escaped}'")
    })
}

/// The PostgreSQL input text of a binary-format value of type `oid` (what the server would
/// parse back into the same value).
pub fn sql_text_of(oid: u32, b: &[u8]) -> std::result::Result<String, String> {
    let utf8 =
        |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| "text is not valid UTF-8".to_string());
    let float = |f: f64, s: String| {
        if f.is_nan() {
            "NaN".to_string()
        } else if f.is_infinite() {
            if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
        } else {
            s
        }
    };
    Ok(match oid {
        16 => if b.first().copied().unwrap_or(0) != 0 {
            "t"
        } else {
            "f"
        }
        .into(),
        21 => i16::from_be_bytes(be(b)?).to_string(),
        23 => i32::from_be_bytes(be(b)?).to_string(),
        20 => i64::from_be_bytes(be(b)?).to_string(),
        26 => u32::from_be_bytes(be(b)?).to_string(),
        700 => {
            let f = f32::from_be_bytes(be(b)?);
            float(f as f64, f.to_string())
        }
        701 => {
            let f = f64::from_be_bytes(be(b)?);
            float(f, f.to_string())
        }
        1700 => decode_numeric(b)?,
        25 | 1043 | 1042 | 19 | 18 | 705 | 114 => utf8(b)?,
        3802 => match b.split_first() {
            Some((1, body)) => utf8(body)?,
            _ => return Err("unknown jsonb format".into()),
        },
        2950 => uuid::Uuid::from_slice(b)
            .map_err(|e| e.to_string())?
            .hyphenated()
            .to_string(),
        1184 | 1114 => {
            let micros = i64::from_be_bytes(be(b)?);
            if micros == i64::MAX || micros == i64::MIN {
                if micros > 0 { "infinity" } else { "-infinity" }.into()
            } else {
                let t = DateTime::from_timestamp_micros(micros + PG_EPOCH_MICROS_FROM_UNIX)
                    .ok_or("timestamp out of range")?;
                let zone = if oid == 1184 { "+00" } else { "" };
                with_era(t.naive_utc(), "%m-%d %H:%M:%S%.6f", zone)
            }
        }
        1082 => {
            let days = i32::from_be_bytes(be(b)?);
            if days == i32::MAX || days == i32::MIN {
                if days > 0 { "infinity" } else { "-infinity" }.into()
            } else {
                let t =
                    DateTime::from_timestamp((days as i64 + PG_EPOCH_DAYS_FROM_UNIX) * 86_400, 0)
                        .ok_or("date out of range")?;
                with_era(t.naive_utc(), "%m-%d", "")
            }
        }
        17 => {
            let mut s = String::with_capacity(2 + b.len() * 2);
            s.push_str("\\x");
            for byte in b {
                s.push_str(&format!("{byte:02x}"));
            }
            s
        }
        1186 => decode_interval(b)?,
        1083 => format_time_of_day(i64::from_be_bytes(be(b)?)),
        869 | 650 => decode_inet(b)?,
        o if matches!(SqlType::from_oid(o), SqlType::Array(_)) => array_text_of(b)?,
        o if o >= FIRST_USER_OID => utf8(b)?,
        o => return Err(format!("cannot send a value of type oid {o} inline")),
    })
}

/// `YYYY-<rest><zone>`, with PostgreSQL's ` BC` after it for years before 1.
fn with_era(t: chrono::NaiveDateTime, rest: &str, zone: &str) -> String {
    use chrono::Datelike;
    let year = t.year();
    let body = t.format(rest);
    if year <= 0 {
        format!("{:04}-{body}{zone} BC", 1 - year)
    } else {
        format!("{year:04}-{body}{zone}")
    }
}

/// The text form (`{"a","b"}`, `[0:1]={…}`) of a binary array, elements always quoted.
fn array_text_of(b: &[u8]) -> std::result::Result<String, String> {
    let ndim = i32::from_be_bytes(be(b)?);
    if ndim == 0 {
        return Ok("{}".into());
    }
    let elem_oid = u32::from_be_bytes(be(b.get(8..).ok_or("short array")?)?);
    let mut pos = 12;
    let mut dims = Vec::new();
    let mut bounds = String::new();
    let mut plain_bounds = true;
    for _ in 0..ndim {
        let len = i32::from_be_bytes(be(b.get(pos..).ok_or("short array")?)?);
        let lower = i32::from_be_bytes(be(b.get(pos + 4..).ok_or("short array")?)?);
        plain_bounds &= lower == 1;
        bounds.push_str(&format!("[{lower}:{}]", lower + len - 1));
        dims.push(len.max(0) as usize);
        pos += 8;
    }
    let total: usize = dims.iter().product();
    let mut items = Vec::with_capacity(total);
    for _ in 0..total {
        let len = i32::from_be_bytes(be(b.get(pos..).ok_or("short array")?)?);
        pos += 4;
        if len < 0 {
            items.push("NULL".to_string());
        } else {
            let end = pos + len as usize;
            let text = sql_text_of(elem_oid, b.get(pos..end).ok_or("short array")?)?;
            items.push(format!(
                "\"{}\"",
                text.replace('\\', "\\\\").replace('"', "\\\"")
            ));
            pos = end;
        }
    }
    // Group innermost dimension first.
    for &d in dims.iter().skip(1).rev() {
        items = items
            .chunks(d.max(1))
            .map(|c| format!("{{{}}}", c.join(",")))
            .collect();
    }
    let body = format!("{{{}}}", items.join(","));
    Ok(if plain_bounds {
        body
    } else {
        format!("{bounds}={body}")
    })
}

const PG_EPOCH_DAYS_FROM_UNIX: i64 = 10_957;
const PG_EPOCH_MICROS_FROM_UNIX: i64 = PG_EPOCH_DAYS_FROM_UNIX * 86_400 * 1_000_000;
const MAX_SAFE_INT: i64 = 9_007_199_254_740_991;

fn be<const N: usize>(b: &[u8]) -> std::result::Result<[u8; N], String> {
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

fn decode_numeric(b: &[u8]) -> std::result::Result<String, String> {
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

/// A value coming from JS, before we know the PostgreSQL type it is bound to.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    Null,
    Bool(bool),
    Number(f64),
    BigInt(i128),
    Text(String),
    /// A plain object (or non-primitive array) already serialized with `JSON.stringify`.
    JsonText(String),
    Date(DateTime<Utc>),
    Bytes(Vec<u8>),
    /// An array of primitives (binds to an array type or a JSON column).
    Array(Vec<Param>),
}

/// How a JS string meets a JSON column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonStrings {
    /// The string is a JSON document (node-postgres semantics, raw SQL).
    AsDocument,
    /// The string is a JSON string value (domain objects: `settings: "x"` stores `"x"`).
    AsValue,
}

/// A parameter encoded for one PostgreSQL type, ready for sqlx.
#[derive(Clone, Debug)]
pub struct Bound {
    oid: u32,
    bytes: Option<Vec<u8>>,
}

impl Bound {
    /// SQL NULL of the given type.
    pub fn null(ty: &SqlType) -> Bound {
        Bound {
            oid: ty.oid(),
            bytes: None,
        }
    }

    /// An `int8` value (limits, offsets).
    pub fn int8(v: i64) -> Bound {
        Bound {
            oid: 20,
            bytes: Some(v.to_be_bytes().to_vec()),
        }
    }

    /// The encoded bytes (`None` for NULL).
    pub fn into_bytes(self) -> Option<Vec<u8>> {
        self.bytes
    }

    /// A one-dimensional array of already-encoded elements of type `elem`.
    pub fn array(elem: &SqlType, items: Vec<Option<Vec<u8>>>) -> Bound {
        let has_null = items.iter().any(Option::is_none);
        let size: usize = items
            .iter()
            .map(|i| 4 + i.as_ref().map_or(0, Vec::len))
            .sum();
        let mut out = Vec::with_capacity(20 + size);
        out.extend_from_slice(&1i32.to_be_bytes());
        out.extend_from_slice(&(has_null as i32).to_be_bytes());
        out.extend_from_slice(&elem.oid().to_be_bytes());
        out.extend_from_slice(&(items.len() as i32).to_be_bytes());
        out.extend_from_slice(&1i32.to_be_bytes());
        for item in items {
            match item {
                Some(b) => {
                    out.extend_from_slice(&(b.len() as i32).to_be_bytes());
                    out.extend_from_slice(&b);
                }
                None => out.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        Bound {
            oid: SqlType::Array(Box::new(elem.clone())).oid(),
            bytes: Some(out),
        }
    }
}

impl sqlx::Type<Postgres> for Bound {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(sqlx::postgres::types::Oid(25))
    }
    fn compatible(_: &PgTypeInfo) -> bool {
        true
    }
}

impl sqlx::Encode<'_, Postgres> for Bound {
    fn encode_by_ref(
        &self,
        buf: &mut PgArgumentBuffer,
    ) -> std::result::Result<IsNull, BoxDynError> {
        match &self.bytes {
            Some(b) => {
                buf.extend_from_slice(b);
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }
    fn produces(&self) -> Option<PgTypeInfo> {
        Some(PgTypeInfo::with_oid(sqlx::postgres::types::Oid(self.oid)))
    }
    fn size_hint(&self) -> usize {
        self.bytes.as_ref().map_or(0, Vec::len)
    }
}

fn kind(p: &Param) -> &'static str {
    match p {
        Param::Null => "null",
        Param::Bool(_) => "boolean",
        Param::Number(_) => "number",
        Param::BigInt(_) => "bigint",
        Param::Text(_) => "string",
        Param::JsonText(_) => "object",
        Param::Date(_) => "Date",
        Param::Bytes(_) => "Buffer",
        Param::Array(_) => "array",
    }
}

/// Encode `p` for a parameter of type `ty`. `what` names the parameter in errors
/// (`"$2"`, `"field email"`).
pub fn encode(p: &Param, ty: &SqlType, json: JsonStrings, what: &str) -> Result<Bound> {
    if matches!(p, Param::Null) {
        return Ok(Bound::null(ty));
    }
    let bytes = encode_bytes(p, ty, json).map_err(|why| {
        StoreError::invalid(format!(
            "invalid value for {what}: cannot use a {} as {} ({why})",
            kind(p),
            ty.name()
        ))
    })?;
    Ok(Bound {
        oid: ty.oid(),
        bytes: Some(bytes),
    })
}

fn int_of(p: &Param, min: i128, max: i128) -> std::result::Result<i128, String> {
    let v: i128 = match p {
        Param::Number(n) => {
            if !n.is_finite() || n.fract() != 0.0 {
                return Err(format!("{n} is not an integer"));
            }
            *n as i128
        }
        Param::BigInt(b) => *b,
        Param::Text(s) => s
            .trim()
            .parse::<i128>()
            .map_err(|_| "not an integer".to_string())?,
        Param::Bool(b) => *b as i128,
        _ => return Err("expected an integer".into()),
    };
    if v < min || v > max {
        return Err(format!("{v} is out of range"));
    }
    Ok(v)
}

fn float_of(p: &Param) -> std::result::Result<f64, String> {
    match p {
        Param::Number(n) => Ok(*n),
        Param::BigInt(b) => Ok(*b as f64),
        Param::Text(s) => match s.trim() {
            "NaN" => Ok(f64::NAN),
            "Infinity" | "infinity" => Ok(f64::INFINITY),
            "-Infinity" | "-infinity" => Ok(f64::NEG_INFINITY),
            t => t.parse::<f64>().map_err(|_| "not a number".to_string()),
        },
        _ => Err("expected a number".into()),
    }
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

fn time_of(p: &Param) -> std::result::Result<DateTime<Utc>, String> {
    match p {
        Param::Date(d) => Ok(*d),
        Param::Text(s) => parse_timestamp(s).ok_or_else(|| "not a valid date/time".into()),
        _ => Err("expected a Date or an ISO 8601 string".into()),
    }
}

/// Serialize a primitive-array or scalar param as JSON text.
fn json_text_of(p: &Param, json: JsonStrings) -> std::result::Result<String, String> {
    Ok(match p {
        Param::JsonText(s) => s.clone(),
        Param::Text(s) => match json {
            JsonStrings::AsDocument => s.clone(),
            JsonStrings::AsValue => serde_json::to_string(s).map_err(|e| e.to_string())?,
        },
        Param::Null => "null".into(),
        Param::Bool(b) => b.to_string(),
        Param::Number(n) => {
            if !n.is_finite() {
                return Err(format!("{n} is not valid JSON"));
            }
            serde_json::Number::from_f64(*n)
                .map(|n| n.to_string())
                .unwrap_or_else(|| "null".into())
        }
        Param::BigInt(b) => b.to_string(),
        Param::Date(d) => format!(
            "\"{}\"",
            d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        ),
        Param::Bytes(_) => return Err("a Buffer is not JSON".into()),
        Param::Array(items) => {
            let parts: std::result::Result<Vec<String>, String> = items
                .iter()
                .map(|i| json_text_of(i, JsonStrings::AsValue))
                .collect();
            format!("[{}]", parts?.join(","))
        }
    })
}

/// The deepest JSON document we write. Reading one back goes through serde_json, which stops
/// at 128 levels (deeper recursion could overflow a worker thread's stack); a row or a
/// `jsonb_agg` around the document adds levels. Refusing deeper input keeps every stored
/// document readable: otherwise an insert could succeed and its `RETURNING` fail.
pub const MAX_JSON_DEPTH: usize = 100;

/// `text` if its arrays/objects nest at most `MAX_JSON_DEPTH` deep (one pass, no recursion;
/// brackets inside strings do not count).
fn checked_json(text: String) -> std::result::Result<String, String> {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_JSON_DEPTH {
        return Err(format!(
            "JSON nested {deepest} levels deep; at most {MAX_JSON_DEPTH} are supported"
        ));
    }
    Ok(text)
}

/// Format a float like JS `String(n)` does for the common cases.
pub fn js_number_text(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        format!("{n}")
    }
}

fn encode_bytes(
    p: &Param,
    ty: &SqlType,
    json: JsonStrings,
) -> std::result::Result<Vec<u8>, String> {
    use SqlType as T;
    Ok(match ty {
        T::Bool => match p {
            Param::Bool(b) => vec![*b as u8],
            Param::Text(s) => match s.trim().to_ascii_lowercase().as_str() {
                "t" | "true" | "yes" | "y" | "on" | "1" => vec![1],
                "f" | "false" | "no" | "n" | "off" | "0" => vec![0],
                _ => return Err("not a boolean".into()),
            },
            Param::Number(n) if *n == 0.0 || *n == 1.0 => vec![(*n == 1.0) as u8],
            _ => return Err("expected a boolean".into()),
        },
        T::Int2 => (int_of(p, i16::MIN as i128, i16::MAX as i128)? as i16)
            .to_be_bytes()
            .to_vec(),
        T::Int4 => (int_of(p, i32::MIN as i128, i32::MAX as i128)? as i32)
            .to_be_bytes()
            .to_vec(),
        T::Oid => (int_of(p, 0, u32::MAX as i128)? as u32)
            .to_be_bytes()
            .to_vec(),
        T::Int8 => (int_of(p, i64::MIN as i128, i64::MAX as i128)? as i64)
            .to_be_bytes()
            .to_vec(),
        T::Float4 => (float_of(p)? as f32).to_be_bytes().to_vec(),
        T::Float8 => float_of(p)?.to_be_bytes().to_vec(),
        T::Numeric => {
            let text = match p {
                Param::Number(n) => js_number_text(*n),
                Param::BigInt(b) => b.to_string(),
                Param::Text(s) => s.trim().to_string(),
                _ => return Err("expected a number or numeric string".into()),
            };
            encode_numeric(&text)?
        }
        T::Other(oid) if *oid < FIRST_USER_OID => {
            return Err(
                "no binary encoder for this type: cast the parameter from text in the SQL (e.g. $1::text::mytype)"
                    .into(),
            )
        }
        T::Interval => match p {
            Param::Text(s) => encode_interval(s)?,
            Param::Number(n) if n.is_finite() => {
                // Seconds, like `make_interval(secs => n)`.
                let mut out = ((n * 1e6).round() as i64).to_be_bytes().to_vec();
                out.extend_from_slice(&0i32.to_be_bytes());
                out.extend_from_slice(&0i32.to_be_bytes());
                out
            }
            _ => return Err("expected an interval string such as '1 hour 30 minutes'".into()),
        },
        T::Time => match p {
            Param::Text(s) => parse_time_of_day(s)
                .ok_or("expected a time of day such as 13:45:00")?
                .to_be_bytes()
                .to_vec(),
            _ => return Err("expected a time of day string".into()),
        },
        T::Inet => match p {
            Param::Text(s) => encode_inet(s)?,
            _ => return Err("expected an IP address string".into()),
        },
        T::Text | T::Other(_) => match p {
            Param::Text(s) => s.as_bytes().to_vec(),
            Param::Number(n) => js_number_text(*n).into_bytes(),
            Param::BigInt(b) => b.to_string().into_bytes(),
            Param::Bool(b) => b.to_string().into_bytes(),
            Param::Date(d) => d
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                .into_bytes(),
            Param::JsonText(s) => s.as_bytes().to_vec(),
            Param::Array(_) => json_text_of(p, JsonStrings::AsValue)?.into_bytes(),
            Param::Bytes(b) => b.clone(),
            Param::Null => unreachable!("NULL handled by encode"),
        },
        T::Uuid => match p {
            Param::Text(s) => uuid::Uuid::parse_str(s.trim())
                .map_err(|_| "not a valid UUID".to_string())?
                .as_bytes()
                .to_vec(),
            _ => return Err("expected a UUID string".into()),
        },
        T::Json => checked_json(json_text_of(p, json)?)?.into_bytes(),
        T::Jsonb => {
            let mut out = vec![1u8];
            out.extend_from_slice(checked_json(json_text_of(p, json)?)?.as_bytes());
            out
        }
        T::Timestamptz | T::Timestamp => {
            let t = time_of(p)?;
            (t.timestamp_micros() - PG_EPOCH_MICROS_FROM_UNIX)
                .to_be_bytes()
                .to_vec()
        }
        T::Date => {
            let t = time_of(p)?;
            ((t.timestamp().div_euclid(86_400) - PG_EPOCH_DAYS_FROM_UNIX) as i32)
                .to_be_bytes()
                .to_vec()
        }
        T::Bytea => match p {
            Param::Bytes(b) => b.clone(),
            Param::Text(s) => s.as_bytes().to_vec(),
            _ => return Err("expected a Buffer".into()),
        },
        T::Void => Vec::new(),
        T::Array(elem) => match p {
            Param::Array(items) => encode_array(items, elem, json)?,
            _ => return Err("expected an array".into()),
        },
    })
}

fn encode_array(
    items: &[Param],
    elem: &SqlType,
    json: JsonStrings,
) -> std::result::Result<Vec<u8>, String> {
    let has_null = items.iter().any(|i| matches!(i, Param::Null));
    let mut out = Vec::with_capacity(20 + items.len() * 8);
    out.extend_from_slice(&1i32.to_be_bytes());
    out.extend_from_slice(&(has_null as i32).to_be_bytes());
    out.extend_from_slice(&elem.oid().to_be_bytes());
    out.extend_from_slice(&(items.len() as i32).to_be_bytes());
    out.extend_from_slice(&1i32.to_be_bytes());
    for item in items {
        if matches!(item, Param::Null) {
            out.extend_from_slice(&(-1i32).to_be_bytes());
        } else {
            let b = encode_bytes(item, elem, json)?;
            out.extend_from_slice(&(b.len() as i32).to_be_bytes());
            out.extend_from_slice(&b);
        }
    }
    Ok(out)
}

/// Encode a decimal string (`-12.5`, `1e3`) as PostgreSQL binary numeric.
fn encode_numeric(text: &str) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let special = match text {
        "NaN" => Some(0xC000u16),
        "Infinity" => Some(0xD000),
        "-Infinity" => Some(0xF000),
        _ => None,
    };
    if let Some(sign) = special {
        for v in [0u16, 0, sign, 0] {
            out.extend_from_slice(&v.to_be_bytes());
        }
        return Ok(out);
    }
    // Normalise exponent notation through a plain digit string.
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (
            &text[..i],
            text[i + 1..]
                .parse::<i32>()
                .map_err(|_| "not a number".to_string())?,
        ),
        None => (text, 0),
    };
    let (neg, body) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((a, b)) => (a, b),
        None => (body, ""),
    };
    if (int_part.is_empty() && frac_part.is_empty())
        || !int_part
            .chars()
            .chain(frac_part.chars())
            .all(|c| c.is_ascii_digit())
    {
        return Err("not a number".into());
    }
    let mut digits: String = format!("{int_part}{frac_part}");
    let mut point = int_part.len() as i32 + exp; // position of the decimal point in `digits`
    if point < 0 {
        digits = format!("{}{}", "0".repeat((-point) as usize), digits);
        point = 0;
    }
    while (digits.len() as i32) < point {
        digits.push('0');
    }
    let dscale = (digits.len() as i32 - point).max(0) as u16;
    let int_digits = &digits[..point as usize];
    let frac_digits = &digits[point as usize..];
    // Pad to base-10000 groups aligned on the decimal point.
    let int_pad = (4 - int_digits.len() % 4) % 4;
    let frac_pad = (4 - frac_digits.len() % 4) % 4;
    let all = format!(
        "{}{}{}{}",
        "0".repeat(int_pad),
        int_digits,
        frac_digits,
        "0".repeat(frac_pad)
    );
    let mut groups: Vec<i16> = all
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap().parse::<i16>().unwrap())
        .collect();
    let mut weight = ((int_pad + int_digits.len()) / 4) as i32 - 1;
    while groups.first() == Some(&0) && !groups.is_empty() {
        groups.remove(0);
        weight -= 1;
    }
    while groups.last() == Some(&0) {
        groups.pop();
    }
    if groups.is_empty() {
        weight = 0;
    }
    out.extend_from_slice(&(groups.len() as i16).to_be_bytes());
    out.extend_from_slice(&(weight as i16).to_be_bytes());
    out.extend_from_slice(
        &(if neg && !groups.is_empty() {
            0x4000u16
        } else {
            0
        })
        .to_be_bytes(),
    );
    out.extend_from_slice(&dscale.to_be_bytes());
    for g in groups {
        out.extend_from_slice(&g.to_be_bytes());
    }
    Ok(out)
}

fn format_time_of_day(micros: i64) -> String {
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

fn parse_time_of_day(s: &str) -> Option<i64> {
    let mut parts = s.trim().split(':');
    let h: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let sec: f64 = parts.next().map_or(Some(0.0), |p| p.parse().ok())?;
    if parts.next().is_some()
        || !(0..=24).contains(&h)
        || !(0..60).contains(&m)
        || !(0.0..61.0).contains(&sec)
    {
        return None;
    }
    Some(h * 3_600_000_000 + m * 60_000_000 + (sec * 1e6).round() as i64)
}

/// PostgreSQL's own (`postgres` style) text for an interval.
fn decode_interval(b: &[u8]) -> std::result::Result<String, String> {
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

/// `'1 year 2 months 3 days 04:05:06'`, `'90 minutes'`, `'1.5 hours'`, `'-2 days'`.
fn encode_interval(s: &str) -> std::result::Result<Vec<u8>, String> {
    let bad = || format!("cannot parse interval {:?}", generic_truncate(s));
    let (mut months, mut days, mut micros) = (0i64, 0i64, 0i64);
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let w = words[i].trim_start_matches('@');
        if w.contains(':') {
            let neg = w.starts_with('-');
            let t = parse_time_of_day(w.trim_start_matches(['-', '+'])).ok_or_else(bad)?;
            micros += if neg { -t } else { t };
            i += 1;
            continue;
        }
        let n: f64 = w.parse().map_err(|_| bad())?;
        let unit = words.get(i + 1).ok_or_else(bad)?.to_ascii_lowercase();
        let unit = unit.trim_end_matches(',');
        let per_micro = |m: f64| (n * m).round() as i64;
        match unit.trim_end_matches('s') {
            "microsecond" | "usec" | "u" => micros += per_micro(1.0),
            "millisecond" | "msec" | "m" if unit.starts_with("ms") || unit.starts_with("milli") => {
                micros += per_micro(1e3)
            }
            "second" | "sec" => micros += per_micro(1e6),
            "minute" | "min" => micros += per_micro(60e6),
            "hour" | "hr" | "h" => micros += per_micro(3600e6),
            "day" | "d" => days += n as i64,
            "week" | "w" => days += (n * 7.0) as i64,
            "month" | "mon" => months += n as i64,
            "year" | "yr" | "y" => months += (n * 12.0) as i64,
            _ => return Err(bad()),
        }
        i += 2;
    }
    let mut out = micros.to_be_bytes().to_vec();
    out.extend_from_slice(&(days as i32).to_be_bytes());
    out.extend_from_slice(&(months as i32).to_be_bytes());
    Ok(out)
}

fn generic_truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

fn decode_inet(b: &[u8]) -> std::result::Result<String, String> {
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

fn encode_inet(s: &str) -> std::result::Result<Vec<u8>, String> {
    let (addr, bits) = match s.trim().split_once('/') {
        Some((a, b)) => (a, Some(b.parse::<u8>().map_err(|_| "bad prefix length")?)),
        None => (s.trim(), None),
    };
    let ip: std::net::IpAddr = addr.parse().map_err(|_| "not an IP address")?;
    Ok(match ip {
        std::net::IpAddr::V4(v4) => {
            let mut out = vec![2, bits.unwrap_or(32), 0, 4];
            out.extend_from_slice(&v4.octets());
            out
        }
        std::net::IpAddr::V6(v6) => {
            let mut out = vec![3, bits.unwrap_or(128), 0, 16];
            out.extend_from_slice(&v6.octets());
            out
        }
    })
}

#[cfg(test)]
mod json_depth_tests {
    use super::*;

    #[test]
    fn json_deeper_than_the_limit_is_refused_brackets_in_strings_do_not_count() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(checked_json(deep(MAX_JSON_DEPTH)).is_ok());
        assert!(checked_json(deep(MAX_JSON_DEPTH + 1)).is_err());
        assert!(checked_json(deep(10_000)).is_err());
        let in_string = format!("[\"{}\\\"{}\"]", "[".repeat(500), "{".repeat(500));
        assert!(checked_json(in_string).is_ok());
        let err = encode(
            &Param::JsonText(deep(200)),
            &SqlType::Jsonb,
            JsonStrings::AsValue,
            "field metadata",
        )
        .unwrap_err();
        assert_eq!(err.code(), "ERR_ADMIN_PG_INVALID_ARGUMENT");
    }
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
    fn intervals_times_and_addresses_round_trip() {
        let enc = encode_interval("1 year 2 mons 3 days 04:05:06").unwrap();
        assert_eq!(
            decode_interval(&enc).unwrap(),
            "1 year 2 mons 3 days 04:05:06"
        );
        assert_eq!(
            decode_interval(&encode_interval("90 minutes").unwrap()).unwrap(),
            "01:30:00"
        );
        assert!(encode_interval("soon").is_err());
        assert_eq!(
            format_time_of_day(parse_time_of_day("13:45:00.5").unwrap()),
            "13:45:00.5"
        );
        assert_eq!(
            decode_inet(&encode_inet("10.0.0.1").unwrap()).unwrap(),
            "10.0.0.1"
        );
        assert_eq!(
            decode_inet(&encode_inet("10.0.0.0/8").unwrap()).unwrap(),
            "10.0.0.0/8"
        );
        assert_eq!(decode_inet(&encode_inet("::1").unwrap()).unwrap(), "::1");
    }

    #[test]
    fn camel_case_follows_the_seed() {
        assert_eq!(to_camel("created_at"), "createdAt");
        assert_eq!(to_camel("id"), "id");
        assert_eq!(to_camel("memory_usage_mb"), "memoryUsageMb");
    }

    #[test]
    fn numeric_round_trips() {
        for s in [
            "0",
            "1",
            "-12.5",
            "12345.6789",
            "0.001",
            "100000000",
            "-0.5",
            "3.14159",
        ] {
            let enc = encode_numeric(s).unwrap();
            assert_eq!(decode_numeric(&enc).unwrap(), s, "{s}");
        }
        assert_eq!(
            decode_numeric(&encode_numeric("1e3").unwrap()).unwrap(),
            "1000"
        );
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
    fn timestamps_round_trip() {
        let t = parse_timestamp("2024-05-06T07:08:09.123Z").unwrap();
        let b = encode(
            &Param::Date(t),
            &SqlType::Timestamptz,
            JsonStrings::AsValue,
            "x",
        )
        .unwrap();
        let v = decode_binary(&SqlType::Timestamptz, b.bytes.as_ref().unwrap()).unwrap();
        assert_eq!(v, Value::Timestamp(t));
        assert!(parse_timestamp("2024-05-06 07:08:09+00").is_some());
        assert!(parse_timestamp("2024-05-06").is_some());
        assert!(parse_timestamp("yesterday-ish").is_none());
    }

    #[test]
    fn integers_are_checked() {
        assert!(encode(
            &Param::Number(1.5),
            &SqlType::Int4,
            JsonStrings::AsValue,
            "$1"
        )
        .is_err());
        assert!(encode(
            &Param::Number(f64::NAN),
            &SqlType::Int4,
            JsonStrings::AsValue,
            "$1"
        )
        .is_err());
        assert!(encode(
            &Param::Number(3e10),
            &SqlType::Int4,
            JsonStrings::AsValue,
            "$1"
        )
        .is_err());
        assert!(encode(
            &Param::Number(42.0),
            &SqlType::Int4,
            JsonStrings::AsValue,
            "$1"
        )
        .is_ok());
    }

    #[test]
    fn json_strings_follow_the_mode() {
        let p = Param::Text("hi".into());
        let v = encode(&p, &SqlType::Json, JsonStrings::AsValue, "x").unwrap();
        assert_eq!(v.bytes.unwrap(), b"\"hi\"");
        let v = encode(&p, &SqlType::Json, JsonStrings::AsDocument, "x").unwrap();
        assert_eq!(v.bytes.unwrap(), b"hi");
    }

    #[test]
    fn malformed_uuid_is_invalid_argument() {
        let e = encode(
            &Param::Text("nope".into()),
            &SqlType::Uuid,
            JsonStrings::AsValue,
            "field teamId",
        )
        .unwrap_err();
        assert_eq!(e.code(), "ERR_ADMIN_PG_INVALID_ARGUMENT");
        assert!(e.to_string().contains("teamId"));
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

    #[test]
    fn binary_values_print_as_postgres_reads_them() {
        let lit = |ty: &SqlType, p: Param| {
            let b = encode(&p, ty, JsonStrings::AsDocument, "$1").unwrap();
            sql_literal(ty.oid(), ty.oid(), b.into_bytes().as_deref()).unwrap()
        };
        assert_eq!(lit(&SqlType::Int4, Param::Number(-7.0)), "('-7'::int4)");
        assert_eq!(
            lit(&SqlType::Numeric, Param::Text("-12.50".into())),
            "('-12.50'::numeric)"
        );
        assert_eq!(
            lit(&SqlType::Float8, Param::Text("NaN".into())),
            "('NaN'::float8)"
        );
        assert_eq!(
            lit(&SqlType::Bytea, Param::Bytes(vec![0, 255])),
            "(E'\\\\x00ff'::bytea)"
        );
        assert_eq!(
            lit(&SqlType::Date, Param::Text("2024-02-29".into())),
            "('2024-02-29'::date)"
        );
        assert_eq!(
            lit(&SqlType::Interval, Param::Text("1 day 02:03:04".into())),
            "('1 day 02:03:04'::interval)"
        );
        assert_eq!(
            lit(
                &SqlType::Array(Box::new(SqlType::Int4)),
                Param::Array(vec![Param::Number(1.0), Param::Null])
            ),
            "('{\"1\",NULL}'::int4[])"
        );
        assert_eq!(sql_literal(25, 705, Some(b"x")).unwrap(), "('x')");
        assert_eq!(sql_literal(16, 16, None).unwrap(), "(NULL::bool)");
        // Years before 1 are written the way PostgreSQL reads them.
        let micros = (-63_200_000_000i64 - 946_684_800) * 1_000_000;
        let bc = sql_text_of(1184, &micros.to_be_bytes()).unwrap();
        assert!(bc.ends_with("+00 BC"), "{bc}");
        assert_eq!(
            decode_text(&SqlType::Timestamptz, &bc.replace(".000000", "")),
            decode_binary(&SqlType::Timestamptz, &micros.to_be_bytes()).unwrap()
        );
    }

    #[test]
    fn arrays_decode() {
        let enc = encode_array(
            &[Param::Text("a".into()), Param::Null],
            &SqlType::Text,
            JsonStrings::AsValue,
        )
        .unwrap();
        assert_eq!(
            decode_binary(&SqlType::Array(Box::new(SqlType::Text)), &enc).unwrap(),
            Value::Array(vec![Value::Text("a".into()), Value::Null])
        );
    }
}
