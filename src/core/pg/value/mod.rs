//! The one row converter (PostgreSQL binary value → `Value`) and the one input converter
//! (`Param` from JS → binary bound parameter of a given PostgreSQL type).
//!
//! Every domain, the generic `AdminPgDB` engine and the raw `DbClient` go through here, so a
//! timestamp, a JSONB document or a NULL looks the same whichever door it came in by.
//!
//! Five parts, each depending only on those above it:
//! - `types`: the type catalogue (`SqlType` by OID, cast names, binary-format constants);
//! - `array_text`: the array text parser (`{a,"b c",NULL}` → element texts);
//! - `decode`: binary and text results → `Row` / `Value`;
//! - `quote`: a binary value → the SQL literal that reads back as it (PgBouncer mode);
//! - `encode`: `Param` from JS → `Bound`, the binary form of a PostgreSQL type.

mod array_text;
mod decode;
mod encode;
mod quote;
mod types;

pub use decode::{decode_one, decode_rows, decode_text, to_camel, Naming, Row, Value};
pub use encode::{encode, Bound, JsonStrings, Param};
pub use quote::sql_literal;
pub use types::{type_of, SqlType};
