//! Encoding: a `Param` from JS into the binary form of a given PostgreSQL type (`Bound`,
//! ready for sqlx), with the checks that make a wrong value an `INVALID_ARGUMENT`.

use chrono::{DateTime, Utc};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, Postgres};

use super::decode::parse_timestamp;
use super::types::{SqlType, FIRST_USER_OID, PG_EPOCH_DAYS_FROM_UNIX, PG_EPOCH_MICROS_FROM_UNIX};
use crate::core::pg::error::{truncate, Result, StoreError};

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
        Bound {
            oid: SqlType::Array(Box::new(elem.clone())).oid(),
            bytes: Some(array_bytes(elem, &items)),
        }
    }
}

/// The binary form of a one-dimensional array (lower bound 1) of encoded elements.
fn array_bytes(elem: &SqlType, items: &[Option<Vec<u8>>]) -> Vec<u8> {
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
                out.extend_from_slice(b);
            }
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        }
    }
    out
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
    let encoded = items
        .iter()
        .map(|item| match item {
            Param::Null => Ok(None),
            _ => encode_bytes(item, elem, json).map(Some),
        })
        .collect::<std::result::Result<Vec<_>, String>>()?;
    Ok(array_bytes(elem, &encoded))
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

/// `'1 year 2 months 3 days 04:05:06'`, `'90 minutes'`, `'1.5 hours'`, `'-2 days'`.
fn encode_interval(s: &str) -> std::result::Result<Vec<u8>, String> {
    let bad = || format!("cannot parse interval {:?}", truncate(s));
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
    use crate::core::pg::value::decode::{
        decode_binary, decode_inet, decode_interval, decode_numeric, format_time_of_day, Value,
    };

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
        let int4 = |n: f64| {
            encode(
                &Param::Number(n),
                &SqlType::Int4,
                JsonStrings::AsValue,
                "$1",
            )
        };
        for bad in [1.5, f64::NAN, 3e10] {
            assert!(int4(bad).is_err(), "{bad}");
        }
        assert!(int4(42.0).is_ok());
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
