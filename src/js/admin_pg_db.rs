//! `AdminPgDB`: the seed's generic table layer, over the core's generic engine.
#![allow(non_snake_case)] // argument names are the JS ones: they name the argument in errors

use napi::bindgen_prelude::{ClassInstance, FromNapiValue, PromiseRaw, Unknown};
use napi::threadsafe_function::ThreadsafeFunction;
use napi::{Env, JsValue, Status};
use napi_derive::napi;

use super::convert::{self, JsOut};
use super::db_client::{run_transaction, CallbackOutcome, DbClient};
use super::error::{
    check_config_read, out_bool, out_number, out_opt_row, out_row, out_rows, run, throw,
};
use super::methods::methods;
use super::storage::PostgresAdminStorage;
use crate::core::domains::generic;
use crate::core::pg::error::StoreError;
use crate::core::pg::raw;
use crate::core::pg::store::Target;
use crate::core::pg::value::Row;

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

methods! {
    impl AdminPgDB {
    /// INSERT one row, resolving to it.
    insert dynamic insert<"T = Record<string, any>">(table: table, data: fields) "table: TableName, data: Record<string, unknown>" -> out_row "Promise<T & { id: string }>" = generic::insert;
    /// INSERT many rows in one statement (per 60k parameters), atomically.
    insert dynamic batch_insert<"T = Record<string, any>">(table: table, records: records) "table: TableName, records: Record<string, unknown>[]" -> out_rows "Promise<(T & { id: string })[]>" = generic::batch_insert_atomic;
    /// UPDATE by id; `null` when no row has it. `id`/`createdAt`/`updatedAt` are ignored.
    update dynamic update<"T = Record<string, any>">(table: table, id: text, data: fields) "table: TableName, id: string, data: Record<string, unknown>" -> out_opt_row "Promise<(T & { id: string }) | null>" = generic::update;
    /// DELETE by id; whether a row went.
    delete dynamic delete(table: table, id: text) "table: TableName, id: string" -> out_bool "Promise<boolean>" = generic::delete;
    /// SELECT by id, or `null`.
    select dynamic find_by_id<"T = Record<string, any>">(table: table, id: text) "table: TableName, id: string" -> out_opt_row "Promise<(T & { id: string }) | null>" = generic::find_by_id;
    /// SELECT with conditions: a value (=), `null` (IS NULL), an array (IN), or an operator
    /// object `{ gte, lte, gt, lt, ne, like, ilike }`; `orderBy` is `column [ASC|DESC]`.
    select dynamic find_by<"T = Record<string, any>">(table: table, conditions: conditions, options: find_options) "table: TableName, conditions: Conditions, options?: FindOptions" -> out_rows "Promise<(T & { id: string })[]>" = generic::find_by;
    /// The first row matching, or `null`.
    select dynamic find_one_by<"T = Record<string, any>">(table: table, conditions: conditions) "table: TableName, conditions: Conditions" -> out_opt_row "Promise<(T & { id: string }) | null>" = generic::find_one_by;
    /// COUNT(*) with optional conditions.
    select dynamic count(table: table, conditions: conditions) "table: TableName, conditions?: Conditions" -> out_number "Promise<number>" = generic::count;
    }
}

impl super::methods::Targeted for AdminPgDB {
    fn target(&self) -> Target {
        self.target.clone()
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
