//! Literal quoting: a binary-format value as the SQL literal PostgreSQL reads back as the
//! same value, for statements sent with their values inline (PgBouncer mode).

use chrono::DateTime;

use super::decode::{be, decode_inet, decode_interval, decode_numeric, format_time_of_day};
use super::types::{
    cast_name, SqlType, FIRST_USER_OID, PG_EPOCH_DAYS_FROM_UNIX, PG_EPOCH_MICROS_FROM_UNIX,
};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pg::value::decode::{decode_binary, decode_text};
    use crate::core::pg::value::encode::{encode, JsonStrings, Param};

    #[test]
    fn binary_values_print_as_postgres_reads_them() {
        let lit = |ty: &SqlType, p: Param| {
            let b = encode(&p, ty, JsonStrings::AsDocument, "$1").unwrap();
            sql_literal(ty.oid(), ty.oid(), b.into_bytes().as_deref()).unwrap()
        };
        for (ty, p, literal) in [
            (SqlType::Int4, Param::Number(-7.0), "('-7'::int4)"),
            (
                SqlType::Numeric,
                Param::Text("-12.50".into()),
                "('-12.50'::numeric)",
            ),
            (
                SqlType::Float8,
                Param::Text("NaN".into()),
                "('NaN'::float8)",
            ),
            (
                SqlType::Bytea,
                Param::Bytes(vec![0, 255]),
                "(E'\\\\x00ff'::bytea)",
            ),
            (
                SqlType::Date,
                Param::Text("2024-02-29".into()),
                "('2024-02-29'::date)",
            ),
            (
                SqlType::Interval,
                Param::Text("1 day 02:03:04".into()),
                "('1 day 02:03:04'::interval)",
            ),
        ] {
            assert_eq!(lit(&ty, p), literal);
        }
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
}
