//! The type catalogue: the PostgreSQL types we convert natively (`SqlType`, by OID), the
//! names inline literals are cast to, and the constants of the binary formats.

use sqlx::postgres::PgTypeInfo;
use sqlx::TypeInfo as _;

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
pub(super) const FIRST_USER_OID: u32 = 16_384;

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

    pub(super) fn name(&self) -> String {
        match self {
            SqlType::Array(inner) => format!("{}[]", inner.name()),
            SqlType::Other(oid) => format!("type oid {oid}"),
            other => format!("{other:?}").to_lowercase(),
        }
    }
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

/// Days and microseconds from the Unix epoch to PostgreSQL's (2000-01-01).
pub(super) const PG_EPOCH_DAYS_FROM_UNIX: i64 = 10_957;
pub(super) const PG_EPOCH_MICROS_FROM_UNIX: i64 = PG_EPOCH_DAYS_FROM_UNIX * 86_400 * 1_000_000;
/// The largest integer a JS number holds exactly (2^53 - 1).
pub(super) const MAX_SAFE_INT: i64 = 9_007_199_254_740_991;
