//! A domain call's input record: field name → value, as the binding layer hands it over.

use crate::core::pg::value::Param;
use crate::core::tables::Table;

/// Field name → value, in the caller's order (`undefined` fields already left out).
pub type Fields = Vec<(String, Param)>;

/// Whether `fields` gives `column` (snake_case) a non-null value.
pub fn given(fields: &Fields, table: &Table, column: &str) -> bool {
    fields
        .iter()
        .any(|(k, v)| table.column(k).map(|c| c.name) == Some(column) && !matches!(v, Param::Null))
}
