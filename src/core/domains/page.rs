//! `{ page, perPage }` → `{ data, total, page, perPage, hasMore }`, in one round trip.
//!
//! Every paged list is one statement of one shape (`paged_sql!`):
//! `SELECT p.*, c.total FROM (SELECT count(*) AS total FROM <from>) c
//!  LEFT JOIN LATERAL (SELECT <select> FROM <from> ORDER BY <order> LIMIT $2 OFFSET $3) p
//!  ON true ORDER BY <order>`.
//! The filter is repeated rather than shared through a CTE: a CTE used twice is materialised
//! whole (every build of a deployment, logs included), while repeated, the count is an
//! index-only scan and the page an index scan with LIMIT. The total is the last column, and a
//! page past the end is one row whose `id` is NULL. Expensive page columns (a joined user,
//! env vars) are computed for the rows of the page only.

use std::sync::Arc;

use sqlx::postgres::PgConnection;

use crate::core::pg::ctx::Ctx;
use crate::core::pg::error::{Result, StoreError};
use crate::core::pg::value::{Row, Value};

/// The paged statement over `from` (the rows to page through, filtered by `$1`), each row as
/// `select`, in `order`. `order` names output columns (`created_at DESC, id`): the same text
/// orders the page and the joined result. All three are string literals (or macros giving
/// one), so the statement is one `{s}` template.
macro_rules! paged_sql {
    (select $select:expr, from $from:expr, order by $order:expr) => {
        concat!(
            "SELECT p.*, c.total FROM (SELECT count(*) AS total FROM ",
            $from,
            ") c LEFT JOIN LATERAL (SELECT ",
            $select,
            " FROM ",
            $from,
            " ORDER BY ",
            $order,
            " LIMIT $2 OFFSET $3) p ON true ORDER BY ",
            $order
        )
    };
}
pub(crate) use paged_sql;

/// One page of a `paged_sql!` statement, its `$1` the id of the rows' parent (a project, a
/// team, …). An id that cannot be a UUID has no rows: an empty page, nothing sent.
pub async fn fetch(
    ctx: &Ctx,
    conn: &mut PgConnection,
    sql: &'static str,
    parent_id: &str,
    req: PageRequest,
) -> Result<Page> {
    let rows = ctx
        .query(sql)
        .bind_id(parent_id)
        .bind(req.per_page)
        .bind(req.offset())
        .fetch_rows(conn)
        .await?;
    Ok(Page::from_rows(rows, req))
}

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
    fn one_statement_shape() {
        assert_eq!(
            paged_sql!(select "*", from "{s}.t WHERE a = $1", order by "b DESC, id"),
            "SELECT p.*, c.total FROM (SELECT count(*) AS total FROM {s}.t WHERE a = $1) c \
             LEFT JOIN LATERAL (SELECT * FROM {s}.t WHERE a = $1 ORDER BY b DESC, id \
             LIMIT $2 OFFSET $3) p ON true ORDER BY b DESC, id"
        );
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
