//! Rows in the two wire forms a JS function decodes (lib/rows.js), built from core `Row`s
//! without touching N-API, so they can be built on a tokio worker before the completion
//! reaches the JS thread:
//!
//! * **JSON** (design (c) of bench/rows.mjs): one JSON text per result and a *revive plan*,
//!   the paths that hold timestamps (sent as epoch milliseconds, turned into `Date`s after
//!   `JSON.parse`). A result JSON cannot carry exactly (a non-finite float, bytes, a
//!   timestamp where another row has a plain number) has no JSON form: `None`.
//! * **Columnar** (design (d)): one tag byte per value, numbers in an `f64` run, string ends
//!   in a `u32` run over one string of all text, JSON values in one JSON array text; decoded
//!   by a function generated once per result shape (column names and kinds).

use std::collections::HashMap;

use crate::core::pg::value::{Row, Value};

// ---------- JSON ----------

/// Where timestamps sit in one column (or in one nested value), merged over every row.
#[derive(Default, Debug, Clone, PartialEq)]
pub struct Plan {
    /// A timestamp was seen exactly here.
    date: bool,
    /// A plain number (or JSON that may hold one) was seen here: never revive under it.
    opaque: bool,
    /// Elements of arrays seen here.
    items: Option<Box<Plan>>,
    /// Fields of objects seen here (record keys, in first-seen order).
    fields: Vec<(String, Plan)>,
}

impl Plan {
    fn has_date(&self) -> bool {
        self.date
            || self.items.as_ref().is_some_and(|p| p.has_date())
            || self.fields.iter().any(|(_, p)| p.has_date())
    }

    /// A plain value and a timestamp share a path: reviving would turn the plain one into a
    /// `Date`. Such a result has no JSON form.
    fn conflicted(&self) -> bool {
        (self.opaque && self.has_date())
            || self.items.as_ref().is_some_and(|p| p.conflicted())
            || self.fields.iter().any(|(_, p)| p.conflicted())
    }

    /// The plan as JSON: `1` (a date here), `["i", plan]` (array items), `["f", [[key, plan],
    /// …]]` (object fields); `0` for nothing to revive.
    fn write(&self, out: &mut Vec<u8>) {
        if self.date {
            out.push(b'1');
        } else if let Some(items) = self.items.as_ref().filter(|p| p.has_date()) {
            out.extend_from_slice(b"[\"i\",");
            items.write(out);
            out.push(b']');
        } else if self.fields.iter().any(|(_, p)| p.has_date()) {
            out.extend_from_slice(b"[\"f\",[");
            let mut first = true;
            for (k, p) in self.fields.iter().filter(|(_, p)| p.has_date()) {
                if !first {
                    out.push(b',');
                }
                first = false;
                out.push(b'[');
                json_str(out, k);
                out.push(b',');
                p.write(out);
                out.push(b']');
            }
            out.extend_from_slice(b"]]");
        } else {
            out.push(b'0');
        }
    }
}

/// The JSON form of a result.
pub struct Json {
    /// The document: an array of row objects, one row object, or a wrapper (see `Wrap`).
    pub text: Vec<u8>,
    /// The revive plan of the rows' columns, as JSON (`[[column, plan], …]`), `""` when no
    /// column holds a timestamp.
    pub plan: String,
}

/// What the JSON document is.
#[derive(Clone, Copy)]
pub enum Wrap<'a> {
    /// `[row, …]`
    Rows,
    /// `row`
    One,
    /// `{"data":[row, …],"total":…,"page":…,"perPage":…,"hasMore":…}`
    Page {
        total: i64,
        page: i64,
        per_page: i64,
        has_more: bool,
    },
    /// `{"rows":[row, …],"rowCount":…,"command":…}`
    Raw { row_count: u64, command: &'a str },
}

fn json_str(out: &mut Vec<u8>, s: &str) {
    // serde_json's escaper: `"`, `\` and control characters; UTF-8 kept as is.
    let _ = serde_json::to_writer(&mut *out, s);
}

fn millis(t: &chrono::DateTime<chrono::Utc>) -> f64 {
    // What napi_create_date / `new Date(x)` keep of `micros / 1000`: the integer part.
    (t.timestamp_micros() as f64 / 1000.0).trunc()
}

/// One value; `false` when it has no JSON form.
fn json_value(out: &mut Vec<u8>, v: &Value, plan: &mut Plan) -> bool {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(i) => {
            plan.opaque = true;
            let _ = serde_json::to_writer(&mut *out, i);
        }
        Value::Float(f) => {
            if !f.is_finite() {
                return false;
            }
            plan.opaque = true;
            let _ = serde_json::to_writer(&mut *out, f);
        }
        Value::Text(s) => json_str(out, s),
        Value::Json(j) => {
            use serde_json::Value as J;
            if matches!(j, J::Number(_) | J::Array(_) | J::Object(_)) {
                plan.opaque = true;
            }
            let _ = serde_json::to_writer(&mut *out, j);
        }
        Value::Timestamp(t) => {
            plan.date = true;
            let ms = millis(t);
            if ms.abs() > 8.64e15 {
                // Outside a Date's range (an Invalid Date today): the same through `new Date`.
                out.extend_from_slice(b"1e300");
            } else {
                let _ = serde_json::to_writer(&mut *out, &(ms as i64));
            }
        }
        Value::Bytes(_) => return false,
        Value::Array(items) => {
            let p = plan.items.get_or_insert_with(Default::default);
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                if !json_value(out, item, p) {
                    return false;
                }
            }
            out.push(b']');
        }
        Value::Object(fields) => {
            out.push(b'{');
            for (i, (k, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_str(out, k);
                out.push(b':');
                let at = match plan.fields.iter().position(|(name, _)| name == k) {
                    Some(at) => at,
                    None => {
                        plan.fields.push((k.clone(), Plan::default()));
                        plan.fields.len() - 1
                    }
                };
                if !json_value(out, item, &mut plan.fields[at].1) {
                    return false;
                }
            }
            out.push(b'}');
        }
    }
    true
}

/// The revive plans of a result's columns, by name (rows of one result may differ in shape).
#[derive(Default)]
struct Plans {
    /// The first row's columns: rows with the same columns find their plan by position.
    first: Option<std::sync::Arc<[String]>>,
    by_column: Vec<(String, Plan)>,
}

impl Plans {
    fn at<'a>(&'a mut self, same_shape: bool, i: usize, name: &str) -> &'a mut Plan {
        if same_shape {
            return &mut self.by_column[i].1;
        }
        match self.by_column.iter().position(|(n, _)| n == name) {
            Some(at) => &mut self.by_column[at].1,
            None => {
                self.by_column.push((name.to_string(), Plan::default()));
                &mut self.by_column.last_mut().expect("just pushed").1
            }
        }
    }
}

fn json_row(out: &mut Vec<u8>, r: &Row, plans: &mut Plans) -> bool {
    let same_shape = match &plans.first {
        None => {
            plans.by_column = r
                .columns
                .iter()
                .map(|c| (c.clone(), Plan::default()))
                .collect();
            plans.first = Some(r.columns.clone());
            true
        }
        Some(first) => std::sync::Arc::ptr_eq(first, &r.columns) || **first == *r.columns,
    };
    out.push(b'{');
    for (i, (k, v)) in r.columns.iter().zip(&r.values).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_str(out, k);
        out.push(b':');
        if !json_value(out, v, plans.at(same_shape, i, k)) {
            return false;
        }
    }
    out.push(b'}');
    true
}

/// The JSON form of `rows` (all of one shape), wrapped as `wrap` says; `None` when a value
/// has none.
pub fn json(rows: &[Row], wrap: Wrap) -> Option<Json> {
    let width = rows.first().map_or(0, |r| r.columns.len());
    let mut plans = Plans::default();
    let mut text = Vec::with_capacity(64 + rows.len() * 48 * width.max(1));
    match wrap {
        Wrap::One => {}
        Wrap::Rows => text.push(b'['),
        Wrap::Page { .. } => text.extend_from_slice(b"{\"data\":["),
        Wrap::Raw { .. } => text.extend_from_slice(b"{\"rows\":["),
    }
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            text.push(b',');
        }
        if !json_row(&mut text, r, &mut plans) {
            return None;
        }
    }
    match wrap {
        Wrap::One => {}
        Wrap::Rows => text.push(b']'),
        Wrap::Page {
            total,
            page,
            per_page,
            has_more,
        } => {
            text.extend_from_slice(
                format!(
                    "],\"total\":{total},\"page\":{page},\"perPage\":{per_page},\"hasMore\":{has_more}}}"
                )
                .as_bytes(),
            );
        }
        Wrap::Raw { row_count, command } => {
            text.extend_from_slice(format!("],\"rowCount\":{row_count},\"command\":").as_bytes());
            json_str(&mut text, command);
            text.push(b'}');
        }
    }
    let plans = plans.by_column;
    if plans.iter().any(|(_, p)| p.conflicted()) {
        return None;
    }
    let mut plan = Vec::new();
    if plans.iter().any(|(_, p)| p.has_date()) {
        plan.push(b'[');
        let mut first = true;
        for (k, p) in &plans {
            if !p.has_date() {
                continue;
            }
            if !first {
                plan.push(b',');
            }
            first = false;
            plan.push(b'[');
            json_str(&mut plan, k);
            plan.push(b',');
            p.write(&mut plan);
            plan.push(b']');
        }
        plan.push(b']');
    }
    Some(Json {
        text,
        plan: String::from_utf8(plan).unwrap_or_default(),
    })
}

// ---------- columnar ----------

/// Value tags of the columnar form (lib/rows.js has the same numbers).
pub mod tag {
    pub const NULL: u8 = 0;
    pub const FALSE: u8 = 1;
    pub const TRUE: u8 = 2;
    pub const NUMBER: u8 = 3;
    pub const STRING: u8 = 4;
    pub const DATE: u8 = 5;
    pub const JSON: u8 = 6;
    pub const BYTES: u8 = 7;
    pub const ARRAY: u8 = 8;
    pub const OBJECT: u8 = 9;
    /// Column kind only: booleans (`FALSE` or `TRUE`).
    pub const BOOL: u8 = 10;
}

/// The columnar form of a result.
#[derive(Default)]
pub struct Columnar {
    pub rows: u32,
    pub tags: Vec<u8>,
    pub nums: Vec<f64>,
    /// End (in UTF-16 code units) of each string in `text`; ARRAY / OBJECT lengths and BYTES
    /// ends ride here too.
    pub offs: Vec<u32>,
    /// Every string, back to back (UTF-8).
    pub text: Vec<u8>,
    /// `text`'s length in UTF-16 code units.
    pub text_units: u32,
    /// `[json, …]`: every JSON value, in order; empty when there is none.
    pub json: Vec<u8>,
    pub bytes: Vec<u8>,
    /// The shape: column names and the kind of each column's first non-null value.
    pub columns: std::sync::Arc<[String]>,
    pub kinds: Vec<u8>,
}

impl Columnar {
    fn string(&mut self, s: &str) {
        self.text.extend_from_slice(s.as_bytes());
        let units = if s.is_ascii() {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        self.text_units += units as u32;
        self.offs.push(self.text_units);
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.tags.push(tag::NULL),
            Value::Bool(b) => self.tags.push(if *b { tag::TRUE } else { tag::FALSE }),
            Value::Int(i) => {
                self.tags.push(tag::NUMBER);
                self.nums.push(*i as f64);
            }
            Value::Float(f) => {
                self.tags.push(tag::NUMBER);
                self.nums.push(*f);
            }
            Value::Text(s) => {
                self.tags.push(tag::STRING);
                self.string(s);
            }
            Value::Timestamp(t) => {
                self.tags.push(tag::DATE);
                self.nums.push(t.timestamp_micros() as f64 / 1000.0);
            }
            Value::Json(j) => {
                self.tags.push(tag::JSON);
                self.json
                    .push(if self.json.is_empty() { b'[' } else { b',' });
                let _ = serde_json::to_writer(&mut self.json, j);
            }
            Value::Bytes(b) => {
                self.tags.push(tag::BYTES);
                self.bytes.extend_from_slice(b);
                self.offs.push(self.bytes.len() as u32);
            }
            Value::Array(items) => {
                self.tags.push(tag::ARRAY);
                self.offs.push(items.len() as u32);
                for item in items {
                    self.value(item);
                }
            }
            Value::Object(fields) => {
                self.tags.push(tag::OBJECT);
                self.offs.push(fields.len() as u32);
                for (k, item) in fields {
                    self.string(k);
                    self.value(item);
                }
            }
        }
    }
}

fn kind_of(v: &Value) -> u8 {
    match v {
        Value::Null => tag::NULL,
        Value::Bool(_) => tag::BOOL,
        Value::Int(_) | Value::Float(_) => tag::NUMBER,
        Value::Text(_) => tag::STRING,
        Value::Timestamp(_) => tag::DATE,
        Value::Json(_) => tag::JSON,
        Value::Bytes(_) => tag::BYTES,
        Value::Array(_) => tag::ARRAY,
        Value::Object(_) => tag::OBJECT,
    }
}

/// The columnar form of `rows`; `None` when they differ in shape.
pub fn columnar(rows: &[Row]) -> Option<Columnar> {
    let mut c = Columnar {
        rows: rows.len() as u32,
        ..Default::default()
    };
    let Some(first) = rows.first() else {
        return Some(c);
    };
    let width = first.columns.len();
    if rows
        .iter()
        .any(|r| !std::sync::Arc::ptr_eq(&r.columns, &first.columns) && r.columns != first.columns)
    {
        return None;
    }
    c.columns = first.columns.clone();
    c.kinds = (0..width)
        .map(|i| {
            rows.iter()
                .map(|r| kind_of(&r.values[i]))
                .find(|k| *k != tag::NULL)
                .unwrap_or(tag::NULL)
        })
        .collect();
    c.tags.reserve(rows.len() * width);
    for r in rows {
        for v in &r.values {
            c.value(v);
        }
    }
    if !c.json.is_empty() {
        c.json.push(b']');
    }
    Some(c)
}

/// A remembered shape: column names, column kinds, id.
type KnownShape = (std::sync::Arc<[String]>, Vec<u8>, u32);

/// Shape ids, per JS thread: a decoder is generated once per shape and found by its id.
#[derive(Default)]
pub struct Shapes {
    /// By a hash of the shape: the shapes with that hash and their ids.
    ids: HashMap<u64, Vec<KnownShape>>,
    count: usize,
}

/// The most shapes remembered; past it results carry their shape every time (id 0).
const MAX_SHAPES: usize = 4096;

impl Shapes {
    /// `(id, new)`: the shape's id, and whether this is its first appearance. Id 0: not
    /// remembered (decode it from the columns sent along). Allocates nothing for a known shape.
    pub fn id(&mut self, columns: &std::sync::Arc<[String]>, kinds: &[u8]) -> (u32, bool) {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        columns.hash(&mut h);
        kinds.hash(&mut h);
        let bucket = self.ids.entry(h.finish()).or_default();
        if let Some((_, _, id)) = bucket
            .iter()
            .find(|(c, k, _)| (std::sync::Arc::ptr_eq(c, columns) || c == columns) && k == kinds)
        {
            return (*id, false);
        }
        if self.count >= MAX_SHAPES {
            return (0, true);
        }
        self.count += 1;
        let id = self.count as u32;
        bucket.push((columns.clone(), kinds.to_vec(), id));
        (id, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cols: &[&str], values: Vec<Value>) -> Row {
        Row {
            columns: cols
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .into(),
            values,
        }
    }

    #[test]
    fn json_rows_and_plan() {
        let t = chrono::DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
        let rows = vec![
            row(
                &["id", "at", "n", "meta"],
                vec![
                    Value::Text("a\"b".into()),
                    Value::Timestamp(t),
                    Value::Int(3),
                    Value::Json(serde_json::json!({"x": [1, null]})),
                ],
            ),
            row(
                &["id", "at", "n", "meta"],
                vec![Value::Null, Value::Null, Value::Float(1.5), Value::Null],
            ),
        ];
        let j = json(&rows, Wrap::Rows).unwrap();
        assert_eq!(
            String::from_utf8(j.text).unwrap(),
            r#"[{"id":"a\"b","at":1700000000123,"n":3,"meta":{"x":[1,null]}},{"id":null,"at":null,"n":1.5,"meta":null}]"#
        );
        assert_eq!(j.plan, r#"[["at",1]]"#);
    }

    #[test]
    fn nested_records_get_a_nested_plan_and_conflicts_have_no_json_form() {
        let t = chrono::DateTime::from_timestamp_micros(0).unwrap();
        let rec = Value::Array(vec![Value::Object(vec![
            ("key".into(), Value::Json(serde_json::json!("K"))),
            ("createdAt".into(), Value::Timestamp(t)),
        ])]);
        let rows = vec![row(&["envVars"], vec![rec])];
        let j = json(&rows, Wrap::One).unwrap();
        assert_eq!(j.plan, r#"[["envVars",["i",["f",[["createdAt",1]]]]]]"#);
        let clash = vec![
            row(&["x"], vec![Value::Timestamp(t)]),
            row(&["x"], vec![Value::Int(1)]),
        ];
        assert!(json(&clash, Wrap::Rows).is_none());
        assert!(json(&[row(&["f"], vec![Value::Float(f64::NAN)])], Wrap::Rows).is_none());
        assert!(json(&[row(&["b"], vec![Value::Bytes(vec![1])])], Wrap::Rows).is_none());
    }

    #[test]
    fn rows_of_different_shapes() {
        let t = chrono::DateTime::from_timestamp_micros(0).unwrap();
        let rows = vec![
            row(&["a"], vec![Value::Int(1)]),
            row(&["a", "at"], vec![Value::Int(2), Value::Timestamp(t)]),
        ];
        let j = json(&rows, Wrap::Rows).unwrap();
        assert_eq!(
            String::from_utf8(j.text).unwrap(),
            r#"[{"a":1},{"a":2,"at":0}]"#
        );
        assert_eq!(j.plan, r#"[["at",1]]"#);
        assert!(columnar(&rows).is_none());
    }

    #[test]
    fn page_and_raw_wrappers() {
        let rows = vec![row(&["a"], vec![Value::Bool(true)])];
        let p = json(
            &rows,
            Wrap::Page {
                total: 7,
                page: 2,
                per_page: 1,
                has_more: true,
            },
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(p.text).unwrap(),
            r#"{"data":[{"a":true}],"total":7,"page":2,"perPage":1,"hasMore":true}"#
        );
        let r = json(
            &[],
            Wrap::Raw {
                row_count: 0,
                command: "DELETE",
            },
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(r.text).unwrap(),
            r#"{"rows":[],"rowCount":0,"command":"DELETE"}"#
        );
    }

    #[test]
    fn columnar_shape_and_strings_in_utf16_units() {
        let rows = vec![
            row(&["s", "b"], vec![Value::Text("hé".into()), Value::Null]),
            row(
                &["s", "b"],
                vec![Value::Text("x".into()), Value::Bool(true)],
            ),
        ];
        let c = columnar(&rows).unwrap();
        assert_eq!(c.kinds, vec![tag::STRING, tag::BOOL]);
        assert_eq!(c.tags, vec![tag::STRING, tag::NULL, tag::STRING, tag::TRUE]);
        assert_eq!(c.offs, vec![2, 3]);
        assert_eq!(c.text_units, 3);
        let mut shapes = Shapes::default();
        assert_eq!(shapes.id(&c.columns, &c.kinds), (1, true));
        assert_eq!(shapes.id(&c.columns, &c.kinds), (1, false));
    }
}
