//! `{ page, perPage }` → `{ data, total, page, perPage, hasMore }`, in one round trip.
//!
//! A paged query is written as
//! `SELECT p.*, c.total FROM (SELECT count(*) AS total FROM t WHERE …) c
//!  LEFT JOIN LATERAL (SELECT * FROM t WHERE … ORDER BY … LIMIT $n OFFSET $m) p ON true`
//! (repeat the filter rather than share a CTE: a CTE used twice is materialised whole):
//! the total is the last column, and a page past the end is one row whose `id` is NULL.

use std::sync::Arc;

use crate::core::pg::error::{Result, StoreError};
use crate::core::pg::value::{Row, Value};

/// A validated page request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub page: i64,
    pub per_page: i64,
}

/// The largest page we hand out in one call.
pub const MAX_PER_PAGE: i64 = 10_000;

impl PageRequest {
    /// Defaults `page = 1`, `perPage = 20`; both positive integers.
    pub fn new(page: Option<f64>, per_page: Option<f64>) -> Result<PageRequest> {
        let check = |v: Option<f64>, default: i64, name: &str| -> Result<i64> {
            match v {
                None => Ok(default),
                Some(n)
                    if n.is_finite() && n.fract() == 0.0 && n >= 1.0 && n <= i32::MAX as f64 =>
                {
                    Ok(n as i64)
                }
                Some(n) => Err(StoreError::invalid(format!(
                    "{name} must be a positive integer, got {n}"
                ))),
            }
        };
        let page = check(page, 1, "page")?;
        let per_page = check(per_page, 20, "perPage")?;
        if per_page > MAX_PER_PAGE {
            return Err(StoreError::invalid(format!(
                "perPage must be at most {MAX_PER_PAGE}, got {per_page}"
            )));
        }
        Ok(PageRequest { page, per_page })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// One page of rows.
#[derive(Debug)]
pub struct Page {
    pub data: Vec<Row>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub has_more: bool,
}

impl Page {
    /// Split the trailing total column off rows shaped as described above.
    pub fn from_rows(rows: Vec<Row>, req: PageRequest) -> Page {
        let total = rows
            .first()
            .and_then(|r| match r.values.last() {
                Some(Value::Int(n)) => Some(*n),
                _ => None,
            })
            .unwrap_or(0);
        let data: Vec<Row> = match rows.first() {
            None => Vec::new(),
            Some(first) if matches!(first.get("id"), Some(Value::Null)) => Vec::new(),
            Some(first) => {
                let n = first.columns.len() - 1;
                let columns: Arc<[String]> = first.columns[..n].to_vec().into();
                rows.into_iter()
                    .map(|mut r| {
                        r.values.truncate(n);
                        Row {
                            columns: columns.clone(),
                            values: r.values,
                        }
                    })
                    .collect()
            }
        };
        let has_more = req.offset() + (data.len() as i64) < total;
        Page {
            data,
            total,
            page: req.page,
            per_page: req.per_page,
            has_more,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_validated() {
        assert_eq!(
            PageRequest::new(None, None).unwrap(),
            PageRequest {
                page: 1,
                per_page: 20
            }
        );
        assert_eq!(
            PageRequest::new(Some(3.0), Some(10.0)).unwrap().offset(),
            20
        );
        for bad in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY] {
            assert!(PageRequest::new(Some(bad), None).is_err());
            assert!(PageRequest::new(None, Some(bad)).is_err());
        }
    }

    #[test]
    fn empty_page_keeps_the_total() {
        let cols: Arc<[String]> = vec!["id".to_string(), "total".to_string()].into();
        let rows = vec![Row {
            columns: cols,
            values: vec![Value::Null, Value::Int(7)],
        }];
        let p = Page::from_rows(
            rows,
            PageRequest {
                page: 9,
                per_page: 5,
            },
        );
        assert!(p.data.is_empty());
        assert_eq!(p.total, 7);
        assert!(!p.has_more);
    }
}
