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

/// The first of `names` given as text, if any (`["externalId", "external_id"]`).
pub fn text<'a>(fields: &'a Fields, names: &[&str]) -> Option<&'a str> {
    fields.iter().find_map(|(k, v)| match v {
        Param::Text(s) if names.contains(&k.as_str()) => Some(s.as_str()),
        _ => None,
    })
}

/// One field, as a single-column update gives it (`status`, `currentBuildId`, …).
pub fn one(name: &str, value: &str) -> Fields {
    vec![(name.to_string(), Param::Text(value.to_string()))]
}
