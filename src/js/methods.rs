//! The method table: one row per JS method, from which both faces are generated.
//!
//! A domain file (`users.rs`, …) is one `methods!` invocation: the domain class (struct,
//! constructor, storage getter) and a row per method of it, then a `flat` block with the
//! flat `AdminStorage` methods that are not simply a domain method under another name.
//!
//! One line per method:
//!
//! ```text
//! /// The user with this id, or `null`.            ← the JSDoc of the method (both faces)
//! select users get_user_by_id(id: text) "id: string" -> out_opt_row "Promise<User | null>" = users::get_by_id, flat get_user;
//! │      │     │              │         │               │           │                        │                  └ the same method on
//! │      │     │              │         │               │           │                        │                    the flat AdminStorage
//! │      │     │              │         │               │           │                        └ the core function
//! │      │     │              │         │               │           └ the TS result
//! │      │     │              │         │               └ output kind (`error::out_*`, `out_void`)
//! │      │     │              │         └ the TS arguments
//! │      │     │              └ arguments `jsName: kind` (kinds: `args.rs`)
//! │      │     └ Rust name (the JS name is its camelCase)
//! │      └ the table (`TABLES` key; `dynamic` when an argument names it)
//! └ the operation: select / insert / update / upsert / delete / claim
//! ```
//!
//! (Doc comments in a `macro_rules!` input reach napi-derive as raw strings; `scripts/dts-docs.mjs`
//! unwraps them in `index.d.ts` after `napi build`.)
//!
//! * The operation decides the routing: `select` rows read through `with_read_conn!` (a read
//!   replica when one is usable), every other operation writes through `with_conn!`.
//! * Each argument is converted by `args::<kind>(env, value, "jsName")` and handed to the core
//!   function by `Pass` (a `String` as `&str`, …), in the order written.
//! * `[missing "Team", id]` after the core function: the flat face's not-found rule. A core
//!   result of `None` / `false` rejects with `ERR_ADMIN_PG_NOT_FOUND` ("Team not found: <id>").
//! * Every row lands in the module's `METHODS` catalogue (class, name, table, operation), which
//!   `methodCatalog()` exposes for instrumentation.

use napi::Env;

use super::convert::JsOut;
use crate::core::domains::builds::{Claim, ErrorMessage};
use crate::core::domains::fields::Fields;
use crate::core::domains::generic::{Condition, FindOptions};
use crate::core::domains::page::PageRequest;
use crate::core::domains::projects::EnvScope;
use crate::core::domains::servers::Metric;
use crate::core::pg::error::{Result as CoreResult, StoreError};
use crate::core::pg::store::Target;
use crate::core::pg::value::Row;
use crate::core::tables::Table;

/// One row of a method table, as `methodCatalog()` reports it.
#[derive(Clone, Copy, Debug)]
pub struct MethodInfo {
    pub class: &'static str,
    /// The Rust (snake_case) name; the JS name is its camelCase.
    pub name: &'static str,
    pub table: &'static str,
    /// `select`, `insert`, `update`, `upsert`, `delete`, `claim`, …
    pub operation: &'static str,
}

/// Where a class's methods run.
pub trait Targeted {
    fn target(&self) -> Target;
}

impl Targeted for super::storage::PostgresAdminStorage {
    fn target(&self) -> Target {
        super::storage::PostgresAdminStorage::target(self)
    }
}

/// How a converted argument is handed to a core function.
pub trait Pass {
    type Out<'a>
    where
        Self: 'a;
    fn pass(&self) -> Self::Out<'_>;
}

macro_rules! pass_by {
    (ref $($t:ty),*) => {$(
        impl Pass for $t {
            type Out<'a> = &'a $t;
            fn pass(&self) -> &$t {
                self
            }
        }
    )*};
    (copy $($t:ty),*) => {$(
        impl Pass for $t {
            type Out<'a> = $t;
            fn pass(&self) -> $t {
                self.clone()
            }
        }
    )*};
}

pass_by!(
    ref Fields,
    Claim,
    EnvScope,
    Vec<Fields>,
    Vec<(String, Condition)>,
    FindOptions
);
pass_by!(copy &'static Table, PageRequest, Option<i64>, Option<f64>, bool, i64, ErrorMessage, (Metric, Metric), (Option<i64>, Option<i64>));

impl Pass for String {
    type Out<'a> = &'a str;
    fn pass(&self) -> &str {
        self
    }
}

impl Pass for Option<String> {
    type Out<'a> = Option<&'a str>;
    fn pass(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// The flat face's not-found rule: `None` / `false` from the core → `ERR_ADMIN_PG_NOT_FOUND`.
pub trait Required {
    type Out;
    fn required(self, entity: &str, id: &str) -> CoreResult<Self::Out>;
}

impl Required for Option<Row> {
    type Out = Row;
    fn required(self, entity: &str, id: &str) -> CoreResult<Row> {
        self.ok_or_else(|| StoreError::missing(entity, id))
    }
}

impl Required for bool {
    type Out = ();
    fn required(self, entity: &str, id: &str) -> CoreResult<()> {
        StoreError::found(self, entity, id)
    }
}

/// Runs a method's synchronous part (argument conversion).
pub fn prep<T>(f: impl FnOnce() -> CoreResult<T>) -> CoreResult<T> {
    f()
}

/// A result the caller does not see (`Promise<void>`).
pub fn out_void<T>(env: &Env, _: T) -> napi::Result<JsOut> {
    super::convert::undefined(env)
}

/// `snake_case` → `camelCase`, as napi names methods.
pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The method-table macro; see the module docs for a row's parts.
macro_rules! methods {
    (
        $(#[doc = $cdoc:tt])*
        class $class:ident = $jsclass:literal, getter $getter:ident { $($rows:tt)* }
        flat { $($frows:tt)* }
    ) => {
        $(#[doc = $cdoc])*
        #[napi_derive::napi(js_name = $jsclass)]
        pub struct $class {
            pub(crate) target: $crate::core::pg::store::Target,
        }

        #[napi_derive::napi]
        impl $class {
            #[doc = "From `{ client: storage.db }` (or a transaction's client) or `{ pool, schemaName }`, as in the seed."]
            #[napi(constructor, ts_args_type = "config: PgDomainConfig")]
            pub fn new(
                env: napi::Env,
                config: Option<napi::bindgen_prelude::Unknown>,
            ) -> napi::Result<Self> {
                Ok($class {
                    target: $crate::js::storage::domain_target(&env, config, stringify!($class))?,
                })
            }
        }

        impl $crate::js::methods::Targeted for $class {
            fn target(&self) -> $crate::core::pg::store::Target {
                self.target.clone()
            }
        }

        #[napi_derive::napi]
        impl $crate::js::storage::PostgresAdminStorage {
            $(#[doc = $cdoc])*
            #[napi(getter)]
            pub fn $getter(&self) -> $class {
                $class { target: self.target() }
            }
        }

        $crate::js::methods::methods!(@rows $class { $($rows)* } flat { $($frows)* });
    };

    // Methods of a class of its own (`AdminPgDB`): rows only.
    (impl $class:ident { $($rows:tt)* }) => {
        $crate::js::methods::methods!(@rows $class { $($rows)* } flat {});
    };

    (@rows $class:ident {
        $(
            $(#[doc = $doc:tt])*
            $op:ident $table:ident $name:ident $(<$gen:literal>)? ( $($arg:ident : $kind:ident),* )
                $targs:tt -> $out:ident $tret:tt = $core:path $([ $($rule:tt)* ])?
                $(, flat $alias:ident)? ;
        )*
    } flat {
        $(
            $(#[doc = $fdoc:tt])*
            $fop:ident $ftable:ident $fname:ident ( $($farg:ident : $fkind:ident),* ) $ftargs:tt
                -> $fout:ident $ftret:tt = $fcore:path $([ $($frule:tt)* ])? ;
        )*
    }) => {
        $(
            $crate::js::methods::methods!(@method $class [$name] [$($gen)?] [$(#[doc = $doc])*] $op
                ($($arg : $kind),*) $targs -> $out $tret = $core [$($($rule)*)?]);
            $crate::js::methods::methods!(@method PostgresAdminStorage [$($alias)?] [$($gen)?] [$(#[doc = $doc])*] $op
                ($($arg : $kind),*) $targs -> $out $tret = $core [$($($rule)*)?]);
        )*
        $(
            $crate::js::methods::methods!(@method PostgresAdminStorage [$fname] [] [$(#[doc = $fdoc])*] $fop
                ($($farg : $fkind),*) $ftargs -> $fout $ftret = $fcore [$($($frule)*)?]);
        )*

        /// This file's rows, for `methodCatalog()`.
        pub const METHODS: &[$crate::js::methods::MethodInfo] = &[
            $(
                $crate::js::methods::MethodInfo {
                    class: stringify!($class),
                    name: stringify!($name),
                    table: stringify!($table),
                    operation: stringify!($op),
                },
                $(
                    $crate::js::methods::MethodInfo {
                        class: "PostgresAdminStorage",
                        name: stringify!($alias),
                        table: stringify!($table),
                        operation: stringify!($op),
                    },
                )?
            )*
            $(
                $crate::js::methods::MethodInfo {
                    class: "PostgresAdminStorage",
                    name: stringify!($fname),
                    table: stringify!($ftable),
                    operation: stringify!($fop),
                },
            )*
        ];
    };

    // A row without a name on this face: nothing.
    (@method $class:ident [] $($rest:tt)*) => {};

    (@method $class:ident [$name:ident] [$($gen:literal)?] [$($doc:tt)*] $op:ident ($($arg:ident : $kind:ident),*)
        $targs:tt -> $out:ident $tret:tt = $core:path [$($rule:tt)*]) => {
        #[napi_derive::napi]
        impl $class {
            $($doc)*
            #[napi($(ts_generic_types = $gen,)? ts_args_type = $targs, ts_return_type = $tret)]
            pub fn $name<'env>(
                &self,
                env: &'env napi::Env,
                $($arg: napi::bindgen_prelude::Unknown,)*
            ) -> napi::Result<napi::bindgen_prelude::PromiseRaw<'env, $crate::js::convert::JsOut>> {
                let t = $crate::js::methods::Targeted::target(self);
                let work = $crate::js::methods::prep(|| {
                    $(let $arg = $crate::js::args::$kind(env, $arg, stringify!($arg).trim_start_matches("r#"))?;)*
                    Ok($crate::js::methods::methods!(@route $op, t, |ctx, conn| $crate::js::methods::methods!(@call [$($rule)*]
                        $core(ctx, conn $(, $crate::js::methods::Pass::pass(&$arg))*))))
                });
                $crate::js::error::run(env, work, $out)
            }
        }
    };

    (@route select, $t:expr, $($body:tt)*) => { with_read_conn!($t, $($body)*) };
    (@route $op:ident, $t:expr, $($body:tt)*) => { with_conn!($t, $($body)*) };

    (@call [] $call:expr) => { $call };
    (@call [missing $entity:literal, $id:expr] $call:expr) => {
        async { $crate::js::methods::Required::required($call.await?, $entity, &$id) }
    };
}

pub(crate) use methods;

/// Every row of every method table.
pub fn catalog() -> Vec<MethodInfo> {
    [
        super::domains::users::METHODS,
        super::domains::teams::METHODS,
        super::domains::projects::METHODS,
        super::domains::deployments::METHODS,
        super::domains::builds::METHODS,
        super::domains::servers::METHODS,
        super::domains::routes::METHODS,
        super::domains::rbac::METHODS,
        super::admin_pg_db::METHODS,
    ]
    .concat()
}

/// One method of the exported classes, as instrumentation sees it.
#[napi_derive::napi(object)]
pub struct MethodCatalogEntry {
    /// The exported class: `PostgresAdminStorage`, `UsersPG`, …
    pub class_name: String,
    /// The method's JS name (`getUser`).
    pub js_name: String,
    /// The table it works on, schema-less (`admin_users`); `null` when an argument names it
    /// (`AdminPgDB`'s first argument).
    pub table: Option<String>,
    /// The SQL operation: `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
    pub operation: String,
    /// `read` (may run on a read replica) or `write` (always the primary).
    pub route: String,
}

/// Every method of the method tables: class, JS name, table, operation and routing.
#[napi_derive::napi(ts_return_type = "MethodCatalogEntry[]")]
pub fn method_catalog() -> Vec<MethodCatalogEntry> {
    catalog()
        .into_iter()
        .map(|m| MethodCatalogEntry {
            class_name: m.class.into(),
            js_name: camel(m.name),
            table: table_name(m.table).map(Into::into),
            operation: sql_operation(m.operation).into(),
            route: if m.operation == "select" {
                "read"
            } else {
                "write"
            }
            .into(),
        })
        .collect()
}

/// A row's table key (`team_members`) as the table's name (`admin_team_members`); `None`
/// for `dynamic` (the call's first argument names the table).
fn table_name(key: &str) -> Option<&'static str> {
    crate::core::tables::TABLE_LIST
        .iter()
        .find(|t| t.key == key)
        .map(|t| t.name)
}

/// A row's operation as the SQL command that carries it (an upsert is an `INSERT … ON
/// CONFLICT`, a queue claim an `UPDATE … SKIP LOCKED`).
fn sql_operation(op: &str) -> &'static str {
    match op {
        "select" => "SELECT",
        "insert" | "upsert" => "INSERT",
        "update" | "claim" => "UPDATE",
        "delete" => "DELETE",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_names_a_known_table_and_operation() {
        for m in catalog() {
            assert!(
                m.table == "dynamic" || table_name(m.table).is_some(),
                "{}.{}: table {}",
                m.class,
                m.name,
                m.table
            );
            assert!(
                !sql_operation(m.operation).is_empty(),
                "{}.{}: operation {}",
                m.class,
                m.name,
                m.operation
            );
        }
    }

    #[test]
    fn js_names_are_camel_case() {
        assert_eq!(camel("get_user_by_id"), "getUserById");
        assert_eq!(camel("dequeue"), "dequeue");
    }

    #[test]
    fn no_method_is_listed_twice() {
        let all = catalog();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(
                    a.class != b.class || a.name != b.name,
                    "{}.{} twice",
                    a.class,
                    a.name
                );
            }
        }
    }
}
