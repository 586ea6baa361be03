//! Test-only exports for bench/rows.mjs: a result held in memory, turned into JS objects by
//! each row design, so that the bench times the conversion alone (no query, no thread hop);
//! and a switch of the one converter's design, for the end-to-end comparison.
//! Not part of the typed API (`skip_typescript`).

use std::cell::RefCell;

use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::Env;
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::db_client::DbClient;
use super::error::run;
use super::rowwire::{self, Wrap};
use crate::core::pg::error::StoreError;
use crate::core::pg::raw;
use crate::core::pg::value::Row;

thread_local! {
    /// Results kept by `__rowSample`, by id (index).
    static SAMPLES: RefCell<Vec<Vec<Row>>> = const { RefCell::new(Vec::new()) };
}

fn keep(env: &Env, rows: Vec<Row>) -> napi::Result<JsOut> {
    let id = SAMPLES.with(|s| {
        let mut s = s.borrow_mut();
        s.push(rows);
        s.len() - 1
    });
    convert::number(env, id as f64)
}

/// `__rowSample(db, sql)`: run `sql` on `db` (a `DbClient`), keep its rows in memory; the
/// sample's id.
#[napi(js_name = "__rowSample", skip_typescript)]
pub fn row_sample<'env>(
    env: &'env Env,
    db: &DbClient,
    sql: Unknown,
) -> napi::Result<PromiseRaw<'env, JsOut>> {
    let target = db.target.clone();
    let work = convert::text(env, sql, "sql").map(|sql| async move {
        let mut conn = target.lease().await?;
        let r = raw::run(target.ctx(), &mut conn, &sql, &[]).await;
        conn.note(&r);
        Ok::<_, StoreError>(r?.rows)
    });
    run(env, work, keep)
}

/// `__rowConvert(id, design)`: the sample's rows as JS objects by `design`, on this thread:
/// 0 (a) per-property; 1 (b) define-properties (today's); 2 (c) `[jsonText, plan]` for
/// lib/rows.js `decodeJson`; 3 (d) the arguments of lib/rows.js `decodeColumnar`; 4 / 5 the
/// JSON / columnar encoding alone (no N-API), its size in bytes.
#[napi(js_name = "__rowConvert", skip_typescript)]
pub fn row_convert(env: &Env, id: u32, design: u32) -> napi::Result<JsOut> {
    SAMPLES.with(|s| {
        let s = s.borrow();
        let rows = s
            .get(id as usize)
            .ok_or_else(|| napi::Error::from_reason("no such sample"))?;
        let none = |what: &str| napi::Error::from_reason(format!("no {what} form"));
        match design {
            0 => convert::rows_per_property(env, rows),
            1 => convert::rows_raw(env, rows).map(JsOut),
            2 => {
                let j = rowwire::json(rows, Wrap::Rows).ok_or_else(|| none("JSON"))?;
                let text = convert::string_bytes(env, &j.text)?;
                let plan = convert::string(env, &j.plan)?.0;
                convert::array_of(env, &[text, plan]).map(JsOut)
            }
            3 => {
                let c = rowwire::columnar(rows).ok_or_else(|| none("columnar"))?;
                let args = convert::columnar_args(env, &c, 0.0, convert::null(env)?.0)?;
                convert::array_of(env, &args).map(JsOut)
            }
            4 => {
                let n = rowwire::json(rows, Wrap::Rows).map_or(0, |j| j.text.len());
                convert::number(env, n as f64)
            }
            5 => {
                let n = rowwire::columnar(rows).map_or(0, |c| {
                    c.tags.len() + c.nums.len() * 8 + c.offs.len() * 4 + c.text.len() + c.json.len()
                });
                convert::number(env, n as f64)
            }
            _ => Err(napi::Error::from_reason("design must be 0–5")),
        }
    })
}

/// `__rowDesign(many?, one?)`: switch the design of the one converter (0 per-property,
/// 1 define-properties, 2 JSON, 3 columnar) for results of many rows and of one row;
/// returns the previous `[many, one]`.
#[napi(js_name = "__rowDesign", skip_typescript)]
pub fn row_design(many: Option<u32>, one: Option<u32>) -> Vec<u32> {
    let (m, o) = convert::set_designs(many.map(|n| n as u8), one.map(|n| n as u8));
    vec![m as u32, o as u32]
}

/// `__trace(on)`: switch hand-off timestamps (src/js/error.rs `trace`) on or off; the marks
/// taken so far as flat `[call, stage, µs, …]` (bench/floor.mjs).
#[napi(js_name = "__trace", skip_typescript)]
pub fn trace(on: bool) -> Vec<f64> {
    super::error::trace::switch(on)
        .into_iter()
        .flat_map(|(call, stage, ns)| [call as f64, stage as f64, ns as f64 / 1000.0])
        .collect()
}

/// `__traceClock()`: the trace clock now, in µs.
#[napi(js_name = "__traceClock", skip_typescript)]
pub fn trace_clock() -> f64 {
    super::error::trace::now() as f64 / 1000.0
}
