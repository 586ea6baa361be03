//! `AdminPgDB`: the seed's generic table layer, over the core's generic engine.

use napi::bindgen_prelude::{ClassInstance, FromNapiValue, PromiseRaw, Unknown};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{Env, JsValue, Status};
use napi_derive::napi;

use super::convert::{self, JsOut, Undefined};
use super::db_client::{run_transaction, CallbackOutcome, DbClient};
use super::error::{
    check_config_read, out_bool, out_number, out_opt_row, out_row, out_rows, run, throw,
};
use super::storage::PostgresAdminStorage;
use crate::core::domains::generic::{self, non_negative, Condition, FindOptions, Op};
use crate::core::pg::error::{truncate, StoreError};
use crate::core::pg::raw;
use crate::core::pg::store::Target;
use crate::core::pg::value::{Param, Row};
use crate::core::tables::{table_by_name, Table, TABLE_LIST};

type CoreResult<T> = std::result::Result<T, StoreError>;

fn table_arg(env: &Env, v: Unknown) -> CoreResult<&'static Table> {
    let name = convert::text(env, v, "table")?;
    table_by_name(&name)
        .or_else(|| TABLE_LIST.iter().find(|t| t.key == name))
        .ok_or_else(|| {
            StoreError::invalid(format!(
                "unknown table `{}`: use a value of TABLES",
                truncate(&name)
            ))
        })
}

fn conditions(env: &Env, v: Option<Unknown>) -> CoreResult<Vec<(String, Condition)>> {
    let Some(v) = v else { return Ok(Vec::new()) };
    let raw = v.value().value;
    if convert::is_nullish(env, raw) {
        return Ok(Vec::new());
    }
    if !convert::is_plain_object(env, raw) {
        return Err(StoreError::invalid("conditions must be an object"));
    }
    let mut out = Vec::new();
    for (key, val) in convert::entries(env, raw)? {
        let cond = if convert::is_plain_object(env, val) {
            let mut ops = Vec::new();
            for (op, operand) in convert::entries(env, val)? {
                let op = Op::parse(&op)?;
                if let Some(p) = convert::param(env, operand, Undefined::Skip)? {
                    ops.push((op, p));
                }
            }
            Condition::Ops(ops)
        } else {
            match convert::param(env, val, Undefined::Skip)? {
                None => continue,
                Some(Param::Null) => Condition::IsNull,
                Some(Param::Array(items)) => Condition::In(items),
                Some(Param::JsonText(_)) => {
                    return Err(StoreError::invalid(format!(
                        "condition `{}` must be a value, an array or an operator object",
                        truncate(&key)
                    )))
                }
                Some(p) => Condition::Eq(p),
            }
        };
        out.push((key, cond));
    }
    Ok(out)
}

fn find_options(env: &Env, v: Option<Unknown>) -> CoreResult<FindOptions> {
    let order_by = match convert::prop(env, v, "orderBy") {
        Some(o) if !convert::is_nullish(env, o.value().value) => {
            Some(convert::text(env, o, "orderBy")?)
        }
        _ => None,
    };
    let limit = non_negative(
        convert::opt_number(env, convert::prop(env, v, "limit"), "limit")?,
        "limit",
    )?;
    let offset = non_negative(
        convert::opt_number(env, convert::prop(env, v, "offset"), "offset")?,
        "offset",
    )?;
    Ok(FindOptions {
        order_by,
        limit,
        offset,
    })
}

/// The seed's generic table layer: tables only from `TABLES`, columns only from that table,
/// every value bound. Rows come back camelCased.
#[napi(js_name = "AdminPgDB")]
pub struct AdminPgDB {
    pub(crate) target: Target,
}

#[napi]
impl AdminPgDB {
    /// `new AdminPgDB({ client: storage.db })`: works on that client's storage (and inside
    /// its transaction, for a transaction client).
    #[napi(
        constructor,
        ts_args_type = "config: { client: DbClient; schemaName?: string; skipDefaultIndexes?: boolean }"
    )]
    pub fn new(env: Env, config: Option<Unknown>) -> napi::Result<Self> {
        let err = || {
            throw(
                &env,
                StoreError::Config(
                    "AdminPgDB: config.client must be a DbClient (storage.db)".into(),
                ),
            )
        };
        let client = convert::prop(&env, config, "client").ok_or_else(err)?;
        let instance =
            unsafe { ClassInstance::<DbClient>::from_napi_value(env.raw(), client.value().value) }
                .map_err(|_| err())?;
        let target = instance.target.clone();
        let schema_name = convert::prop(&env, config, "schemaName")
            .filter(|s| !convert::is_nullish(&env, s.value().value));
        if let Some(s) = schema_name {
            let s = convert::text(&env, s, "schemaName").map_err(|_| {
                throw(
                    &env,
                    StoreError::Config("AdminPgDB: config.schemaName must be a string".into()),
                )
            })?;
            if s != target.ctx().schema {
                return Err(throw(
                    &env,
                    StoreError::Config(format!(
                        "AdminPgDB: schemaName {s} differs from the client's storage schema {}",
                        target.ctx().schema
                    )),
                ));
            }
        }
        check_config_read(&env, "AdminPgDB")?;
        Ok(AdminPgDB { target })
    }

    /// The schema all tables live in.
    #[napi(getter)]
    pub fn schema_name(&self) -> String {
        self.target.ctx().schema.clone()
    }

    /// The raw client this layer runs on.
    #[napi(getter)]
    pub fn db(&self) -> DbClient {
        DbClient::new(self.target.clone())
    }

    /// INSERT one row, resolving to it.
    #[napi(
        ts_generic_types = "T = Record<string, any>",
        ts_args_type = "table: TableName, data: Record<string, unknown>",
        ts_return_type = "Promise<T & { id: string }>"
    )]
    pub fn insert<'env>(
        &self,
        env: &'env Env,
        table: Unknown,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = table_arg(env, table).and_then(|tbl| {
            let f = convert::fields(env, data, "data")?;
            Ok(with_conn!(t, |ctx, conn| generic::insert(
                ctx, conn, tbl, &f
            )))
        });
        run(env, work, out_row)
    }

    /// INSERT many rows in one statement (per 60k parameters), atomically.
    #[napi(
        ts_generic_types = "T = Record<string, any>",
        ts_args_type = "table: TableName, records: Record<string, unknown>[]",
        ts_return_type = "Promise<(T & { id: string })[]>"
    )]
    pub fn batch_insert<'env>(
        &self,
        env: &'env Env,
        table: Unknown,
        records: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = table_arg(env, table).and_then(|tbl| {
            let items = convert::array_items(env, records, "records")?;
            let recs = items
                .into_iter()
                .enumerate()
                .map(|(i, r)| convert::fields(env, r, &format!("records[{i}]")))
                .collect::<CoreResult<Vec<_>>>()?;
            Ok(with_conn!(t, |ctx, conn| async {
                // Several statements must land together.
                let mut tx = sqlx::Connection::begin(&mut *conn).await?;
                let rows = generic::batch_insert(ctx, &mut tx, tbl, &recs).await?;
                tx.commit().await?;
                Ok::<_, StoreError>(rows)
            }))
        });
        run(env, work, out_rows)
    }

    /// UPDATE by id; `null` when no row has it. `id`/`createdAt`/`updatedAt` are ignored.
    #[napi(
        ts_generic_types = "T = Record<string, any>",
        ts_args_type = "table: TableName, id: string, data: Record<string, unknown>",
        ts_return_type = "Promise<(T & { id: string }) | null>"
    )]
    pub fn update<'env>(
        &self,
        env: &'env Env,
        table: Unknown,
        id: Unknown,
        data: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = table_arg(env, table).and_then(|tbl| {
            let id = convert::text(env, id, "id")?;
            let f = convert::fields(env, data, "data")?;
            Ok(with_conn!(t, |ctx, conn| generic::update(
                ctx, conn, tbl, &id, &f
            )))
        });
        run(env, work, out_opt_row)
    }

    /// DELETE by id; whether a row went.
    #[napi(
        ts_args_type = "table: TableName, id: string",
        ts_return_type = "Promise<boolean>"
    )]
    pub fn delete<'env>(
        &self,
        env: &'env Env,
        table: Unknown,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = table_arg(env, table).and_then(|tbl| {
            let id = convert::text(env, id, "id")?;
            Ok(with_conn!(t, |ctx, conn| generic::delete(
                ctx, conn, tbl, &id
            )))
        });
        run(env, work, out_bool)
    }

    /// SELECT by id, or `null`.
    #[napi(
        ts_generic_types = "T = Record<string, any>",
        ts_args_type = "table: TableName, id: string",
        ts_return_type = "Promise<(T & { id: string }) | null>"
    )]
    pub fn find_by_id<'env>(
        &self,
        env: &'env Env,
        table: Unknown,
        id: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = table_arg(env, table).and_then(|tbl| {
            let id = convert::text(env, id, "id")?;
            Ok(with_read_conn!(t, |ctx, conn| generic::find_by_id(
                ctx, conn, tbl, &id
            )))
        });
        run(env, work, out_opt_row)
    }

    /// SELECT with conditions: a value (=), `null` (IS NULL), an array (IN), or an operator
    /// object `{ gte, lte, gt, lt, ne, like, ilike }`; `orderBy` is `column [ASC|DESC]`.
    #[napi(
        ts_generic_types = "T = Record<string, any>",
        ts_args_type = "table: TableName, conditions: Conditions, options?: FindOptions",
        ts_return_type = "Promise<(T & { id: string })[]>"
    )]
    pub fn find_by<'env>(
        &self,
        env: &'env Env,
        table: Unknown,
        conditions_arg: Unknown,
        options: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = table_arg(env, table).and_then(|tbl| {
            let c = conditions(env, Some(conditions_arg))?;
            let o = find_options(env, options)?;
            Ok(with_read_conn!(t, |ctx, conn| generic::find_by(
                ctx, conn, tbl, &c, &o
            )))
        });
        run(env, work, out_rows)
    }

    /// The first row matching, or `null`.
    #[napi(
        ts_generic_types = "T = Record<string, any>",
        ts_args_type = "table: TableName, conditions: Conditions",
        ts_return_type = "Promise<(T & { id: string }) | null>"
    )]
    pub fn find_one_by<'env>(
        &self,
        env: &'env Env,
        table: Unknown,
        conditions_arg: Unknown,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = table_arg(env, table).and_then(|tbl| {
            let c = conditions(env, Some(conditions_arg))?;
            let o = FindOptions {
                limit: Some(1),
                ..Default::default()
            };
            Ok(with_read_conn!(t, |ctx, conn| async {
                Ok::<_, StoreError>(
                    generic::find_by(ctx, conn, tbl, &c, &o)
                        .await?
                        .into_iter()
                        .next(),
                )
            }))
        });
        run(env, work, out_opt_row)
    }

    /// COUNT(*) with optional conditions.
    #[napi(
        ts_args_type = "table: TableName, conditions?: Conditions",
        ts_return_type = "Promise<number>"
    )]
    pub fn count<'env>(
        &self,
        env: &'env Env,
        table: Unknown,
        conditions_arg: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = table_arg(env, table).and_then(|tbl| {
            let c = conditions(env, conditions_arg)?;
            Ok(with_read_conn!(t, |ctx, conn| generic::count(
                ctx, conn, tbl, &c
            )))
        });
        run(env, work, out_number)
    }

    /// Raw SQL, rows camelCased (like the seed's `AdminPgDB.query`).
    #[napi(
        ts_generic_types = "T = Record<string, any>",
        ts_args_type = "sql: string, values?: unknown[]",
        ts_return_type = "Promise<T[]>"
    )]
    pub fn query<'env>(
        &self,
        env: &'env Env,
        sql: Unknown,
        values: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        let t = self.target.clone();
        let work = convert::text(env, sql, "sql").and_then(|sql| {
            let params = convert::values(env, values)?;
            // Raw SQL may name any table: a missing one is a query error, not "not initialized".
            Ok(async move {
                let mut conn = t.lease().await?;
                let r = raw::run(t.ctx(), &mut conn, &sql, &params).await?;
                Ok::<_, StoreError>(
                    r.rows
                        .into_iter()
                        .map(|row| Row {
                            columns: row
                                .columns
                                .iter()
                                .map(|c| crate::core::pg::value::to_camel(c))
                                .collect::<Vec<_>>()
                                .into(),
                            values: row.values,
                        })
                        .collect::<Vec<_>>(),
                )
            })
        });
        run(env, work, out_rows)
    }

    /// Run `callback(db)` in one real transaction: every call on `db` shares its connection;
    /// COMMIT on resolve, ROLLBACK and rethrow on throw.
    #[napi(
        ts_generic_types = "T",
        ts_args_type = "callback: (db: AdminPgDB) => Promise<T> | T",
        ts_return_type = "Promise<T>"
    )]
    pub fn transaction<'env>(
        &self,
        env: &'env Env,
        callback: ThreadsafeFunction<AdminPgDB, CallbackOutcome, AdminPgDB, Status, false>,
    ) -> napi::Result<PromiseRaw<'env, JsOut>> {
        run_transaction(env, &self.target, callback, |target| AdminPgDB { target })
    }
}

#[napi]
impl PostgresAdminStorage {
    /// The generic table layer over this storage.
    #[napi(getter)]
    pub fn admin_db(&self) -> AdminPgDB {
        AdminPgDB {
            target: self.target(),
        }
    }
}
