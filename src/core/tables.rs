//! The table catalogue, the one description of every table: per column its SQL and JS names,
//! its type, and its definition as the schema writes it. Generic code takes table and column
//! names only from here, so no caller-supplied name ever reaches SQL. The seed's Phase 4
//! constants (`TABLES`, `TABLE_SCHEMAS`, `DEFAULT_INDEXES`) are made from it; the DDL that runs
//! is `migrations/`, which tests check against it, as they check the TypeScript copies
//! (`types/header.d.ts`, `__test__/fixtures/seed-schema.ts`: see `typings_tests.rs`).

use std::sync::LazyLock;

/// How a column is typed in PostgreSQL (VARCHAR and TEXT are both `Text`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    /// `UUID`
    Uuid,
    /// `VARCHAR(n)` or `TEXT`
    Text,
    /// `INTEGER`
    Int4,
    /// `BIGINT`
    Int8,
    /// `REAL`
    Float4,
    /// `BOOLEAN`
    Bool,
    /// `JSONB`
    Jsonb,
    /// `TIMESTAMPTZ`
    Timestamptz,
}

/// One column of a table.
#[derive(Debug)]
pub struct Column {
    /// snake_case SQL name, e.g. `avatar_url`.
    pub name: &'static str,
    /// camelCase JavaScript name, e.g. `avatarUrl`.
    pub camel: &'static str,
    /// PostgreSQL type.
    pub ty: ColType,
    /// The definition after the name, as the schema writes it (`VARCHAR(255) NOT NULL UNIQUE`;
    /// references name the table without its schema).
    pub ddl: &'static str,
    /// 0: the TypeScript adapter's column (its `TABLE_SCHEMAS`); n: added by our migration n
    /// (1: `0001_initial.sql` has it beyond the adapter's `TABLE_SCHEMAS`).
    pub since: u32,
    /// Why the column is the storage's own bookkeeping, when it is: such a column is never
    /// returned (`Table::select_list`), written or filtered on by callers (the engine knows no
    /// such field), and is not in the TypeScript types. `None` for a column of the rows.
    pub internal: Option<&'static str>,
}

impl Column {
    /// Whether a row may hold NULL here, as the TypeScript types say it: neither `NOT NULL`, a
    /// primary key, nor a default (a defaulted column is only NULL when a caller writes NULL).
    pub fn nullable(&self) -> bool {
        !["NOT NULL", "PRIMARY KEY", "DEFAULT"]
            .iter()
            .any(|w| self.ddl.contains(w))
    }

    /// Whether a domain create must give it: `NOT NULL` without a default.
    pub fn required(&self) -> bool {
        self.ddl.contains("NOT NULL") && !self.ddl.contains("DEFAULT")
    }

    /// Whether the column is the storage's own (`internal`), not a field of the rows.
    pub fn is_internal(&self) -> bool {
        self.internal.is_some()
    }
}

/// `internal` of a `table!` column: its reason, if one was given.
const fn internal(reason: &[&'static str]) -> Option<&'static str> {
    match reason {
        [why] => Some(why),
        _ => None,
    }
}

/// One table of the schema.
#[derive(Debug)]
pub struct Table {
    /// The seed's `TABLES` key, e.g. `team_members`.
    pub key: &'static str,
    /// The table name without schema, e.g. `admin_team_members`.
    pub name: &'static str,
    /// Every column, in table order.
    pub columns: &'static [Column],
    /// Table constraints, after the columns (`UNIQUE(team_id, user_id)`).
    pub constraints: &'static [&'static str],
}

impl Table {
    /// Column by camelCase or snake_case field name; None for anything else.
    pub fn column(&self, field: &str) -> Option<&'static Column> {
        self.columns
            .iter()
            .find(|c| c.camel == field || c.name == field)
    }

    /// The body of `CREATE TABLE … (<body>)` in the seed's layout: the columns `keep` keeps,
    /// then the constraints; referenced tables prefixed with `schema` (`""`, `{{schema}}.`).
    pub fn definition(&self, keep: impl Fn(&Column) -> bool, schema: &str) -> String {
        let references = format!("REFERENCES {schema}");
        let lines: Vec<String> = (self.columns.iter().filter(|c| keep(c)))
            .map(|c| format!("{} {}", c.name, c.ddl.replace("REFERENCES ", &references)))
            .chain(self.constraints.iter().map(|c| c.to_string()))
            .collect();
        format!("\n    {}\n  ", lines.join(",\n    "))
    }

    /// How a column of this table is read when it is not read as stored: an SQL expression
    /// in which `{t}` stands for the row's reference (table name or alias) and `{s}` for the
    /// quoted schema. `None` for a plain column.
    pub fn read_expr(&self, column: &str) -> Option<&'static str> {
        READ_EXPRESSIONS
            .iter()
            .find(|(t, c, _)| *t == self.name && *c == column)
            .map(|(_, _, e)| *e)
    }

    /// Whether `SELECT *` reads this table's rows as the storage returns them: no computed
    /// column (`READ_EXPRESSIONS`), no internal one.
    pub fn reads_as_stored(&self) -> bool {
        !READ_EXPRESSIONS
            .iter()
            .any(|(name, _, _)| *name == self.name)
            && !self.columns.iter().any(Column::is_internal)
    }

    /// What `SELECT *` / `RETURNING *` means for this table's rows as the storage returns
    /// them, for a row referenced as `t`: `*` when the table `reads_as_stored`; otherwise
    /// every column of the rows in order, the computed ones through their expression, the
    /// internal ones (`admin_builds.log_chunk_bytes`) left out. `schema` replaces `{s}` (pass
    /// `"{s}"` for a template `Ctx::query` resolves).
    pub fn select_list(&self, t: &str, schema: &str) -> String {
        if self.reads_as_stored() {
            return "*".into();
        }
        self.columns
            .iter()
            .filter(|c| !c.is_internal())
            .map(|c| match self.read_expr(c.name) {
                Some(e) => format!(
                    "{} AS {}",
                    e.replace("{t}", t).replace("{s}", schema),
                    c.name
                ),
                None => format!("{t}.{}", c.name),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The expression a filter or an ORDER BY on `col` uses, for an unaliased row.
    pub fn filter_expr(&self, col: &Column, schema: &str) -> String {
        match self.read_expr(col.name) {
            Some(e) => format!("({})", e.replace("{t}", self.name).replace("{s}", schema)),
            None => col.name.to_string(),
        }
    }
}

/// A build's log as read (migration 0005): the `logs` column (the base) followed by the
/// build's appended chunks in offset order; the column alone when it has none
/// (`log_chunk_bytes = 0`, which costs a row nothing more than reading the column).
///
/// The chunks come in order from a subquery with ORDER BY (an index scan of the primary key):
/// PostgreSQL never flattens such a subquery, and a plain aggregate consumes its input in
/// order. `string_agg(chunk, '' ORDER BY end_offset)` would sort them again, spilling to disk
/// past `work_mem` (PostgreSQL < 16): ~35 ms instead of ~23 ms for 8 MiB in 1 KiB chunks.
pub const BUILD_LOGS_READ: &str = "CASE WHEN {t}.log_chunk_bytes = 0 THEN {t}.logs \
     ELSE COALESCE({t}.logs, '') || COALESCE((SELECT string_agg(c.chunk, '') FROM \
     (SELECT chunk FROM {s}.admin_build_log_chunks WHERE build_id = {t}.id ORDER BY end_offset) c), \
     '') END";

/// Columns read through an expression: `(table, column, expression)`.
pub static READ_EXPRESSIONS: &[(&str, &str, &str)] = &[("admin_builds", "logs", BUILD_LOGS_READ)];

/// A default index of the seed's `DEFAULT_INDEXES`.
#[derive(Debug)]
pub struct DefaultIndex {
    /// Table name, e.g. `admin_builds`.
    pub table: &'static str,
    /// Column entries in index order; an entry may end in ` DESC` (`created_at DESC`).
    pub columns: &'static [&'static str],
    /// Whether the seed creates it as a unique index.
    pub unique: bool,
}

/// The table with this name (`admin_users`); `None` for anything else, including the
/// `TABLES` keys and schema-qualified names.
pub fn table_by_name(name: &str) -> Option<&'static Table> {
    TABLE_LIST.iter().find(|t| t.name == name)
}

/// `table! { key => name { column… } constraint… }`, a column a line:
/// `"sql_name" "jsName" ColType "definition"`, `since n` after a column the TypeScript
/// adapter's schema lacks, and `internal "why"` after one of the storage's own
/// (`Column::internal`).
macro_rules! table {
    ($key:literal => $name:literal {
        $($col:literal $camel:literal $ty:ident $ddl:literal $(since $since:literal)?
          $(internal $why:literal)?,)*
    } $($constraint:literal)*) => {
        Table {
            key: $key,
            name: $name,
            columns: &[$(Column {
                name: $col,
                camel: $camel,
                ty: ColType::$ty,
                ddl: $ddl,
                since: 0 $(+ $since)?,
                internal: internal(&[$($why),*]),
            }),*],
            constraints: &[$($constraint),*],
        }
    };
}

/// The 14 tables, in the seed's `TABLES` order, columns in table order.
pub static TABLE_LIST: &[Table] = &[
    table! { "users" => "admin_users" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "external_id" "externalId" Text "VARCHAR(255) UNIQUE",
        "email" "email" Text "VARCHAR(255) NOT NULL UNIQUE",
        "name" "name" Text "VARCHAR(255)",
        "avatar_url" "avatarUrl" Text "TEXT",
        "metadata" "metadata" Jsonb "JSONB DEFAULT '{}'",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "updated_at" "updatedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
    } },
    table! { "teams" => "admin_teams" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "name" "name" Text "VARCHAR(255) NOT NULL",
        "slug" "slug" Text "VARCHAR(255) NOT NULL UNIQUE",
        "settings" "settings" Jsonb "JSONB DEFAULT '{}'",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "updated_at" "updatedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
    } },
    table! { "team_members" => "admin_team_members" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "team_id" "teamId" Uuid "UUID NOT NULL REFERENCES admin_teams(id) ON DELETE CASCADE",
        "user_id" "userId" Uuid "UUID NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE",
        "role" "role" Text "VARCHAR(50) NOT NULL DEFAULT 'member'",
        "joined_at" "joinedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "updated_at" "updatedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()" since 2,
    } "UNIQUE(team_id, user_id)" },
    table! { "team_invites" => "admin_team_invites" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "team_id" "teamId" Uuid "UUID NOT NULL REFERENCES admin_teams(id) ON DELETE CASCADE",
        "email" "email" Text "VARCHAR(255) NOT NULL",
        "role" "role" Text "VARCHAR(50) NOT NULL DEFAULT 'member'",
        "invited_by" "invitedBy" Uuid "UUID NOT NULL REFERENCES admin_users(id)",
        "token" "token" Text "VARCHAR(255) NOT NULL UNIQUE",
        "expires_at" "expiresAt" Timestamptz "TIMESTAMPTZ NOT NULL",
        "accepted_at" "acceptedAt" Timestamptz "TIMESTAMPTZ",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
    } },
    table! { "team_installations" => "admin_team_installations" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "team_id" "teamId" Uuid "UUID NOT NULL REFERENCES admin_teams(id) ON DELETE CASCADE",
        "provider" "provider" Text "VARCHAR(50) NOT NULL",
        "installation_id" "installationId" Text "VARCHAR(255) NOT NULL",
        "account_name" "accountName" Text "VARCHAR(255)",
        "account_type" "accountType" Text "VARCHAR(50)",
        "permissions" "permissions" Jsonb "JSONB DEFAULT '{}'",
        "metadata" "metadata" Jsonb "JSONB DEFAULT '{}'",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "updated_at" "updatedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
    } "UNIQUE(team_id, provider, installation_id)" },
    table! { "projects" => "admin_projects" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "team_id" "teamId" Uuid "UUID NOT NULL REFERENCES admin_teams(id) ON DELETE CASCADE",
        "name" "name" Text "VARCHAR(255) NOT NULL",
        "slug" "slug" Text "VARCHAR(255) NOT NULL",
        "source_type" "sourceType" Text "VARCHAR(50) NOT NULL",
        "source_config" "sourceConfig" Jsonb "JSONB NOT NULL",
        "default_branch" "defaultBranch" Text "VARCHAR(255) DEFAULT 'main'",
        "settings" "settings" Jsonb "JSONB DEFAULT '{}'",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "updated_at" "updatedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
    } "UNIQUE(team_id, slug)" },
    table! { "project_env_vars" => "admin_project_env_vars" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "project_id" "projectId" Uuid "UUID NOT NULL REFERENCES admin_projects(id) ON DELETE CASCADE",
        "deployment_type" "deploymentType" Text "VARCHAR(50)",
        "key" "key" Text "VARCHAR(255) NOT NULL",
        "encrypted_value" "encryptedValue" Text "TEXT NOT NULL",
        "is_secret" "isSecret" Bool "BOOLEAN DEFAULT true",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "updated_at" "updatedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
    } "UNIQUE(project_id, deployment_type, key)" },
    table! { "project_api_tokens" => "admin_project_api_tokens" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "project_id" "projectId" Uuid "UUID NOT NULL REFERENCES admin_projects(id) ON DELETE CASCADE",
        "name" "name" Text "VARCHAR(255) NOT NULL",
        "token_hash" "tokenHash" Text "VARCHAR(255) NOT NULL UNIQUE",
        "token_prefix" "tokenPrefix" Text "VARCHAR(10) NOT NULL",
        "scopes" "scopes" Jsonb "JSONB DEFAULT '[]'",
        "last_used_at" "lastUsedAt" Timestamptz "TIMESTAMPTZ",
        "expires_at" "expiresAt" Timestamptz "TIMESTAMPTZ",
        "created_by" "createdBy" Uuid "UUID NOT NULL REFERENCES admin_users(id)",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
    } },
    table! { "deployments" => "admin_deployments" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "project_id" "projectId" Uuid "UUID NOT NULL REFERENCES admin_projects(id) ON DELETE CASCADE",
        "type" "type" Text "VARCHAR(50) NOT NULL",
        "branch" "branch" Text "VARCHAR(255) NOT NULL",
        "slug" "slug" Text "VARCHAR(255) NOT NULL",
        "status" "status" Text "VARCHAR(50) NOT NULL DEFAULT 'pending'",
        "current_build_id" "currentBuildId" Uuid "UUID",
        "public_url" "publicUrl" Text "TEXT",
        "internal_host" "internalHost" Text "VARCHAR(255)",
        "internal_port" "internalPort" Int4 "INTEGER",
        "env_var_overrides" "envVarOverrides" Jsonb "JSONB DEFAULT '[]'",
        "auto_shutdown" "autoShutdown" Bool "BOOLEAN DEFAULT false",
        "expires_at" "expiresAt" Timestamptz "TIMESTAMPTZ",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "updated_at" "updatedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
    } "UNIQUE(project_id, type, branch)" },
    table! { "builds" => "admin_builds" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "deployment_id" "deploymentId" Uuid "UUID NOT NULL REFERENCES admin_deployments(id) ON DELETE CASCADE",
        "trigger" "trigger" Text "VARCHAR(50) NOT NULL",
        "triggered_by" "triggeredBy" Text "VARCHAR(255) NOT NULL",
        "commit_sha" "commitSha" Text "VARCHAR(255)",
        "commit_message" "commitMessage" Text "TEXT",
        "status" "status" Text "VARCHAR(50) NOT NULL DEFAULT 'queued'",
        "logs" "logs" Text "TEXT DEFAULT ''",
        "log_path" "logPath" Text "TEXT" since 1,
        "error_message" "errorMessage" Text "TEXT",
        "queued_at" "queuedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "started_at" "startedAt" Timestamptz "TIMESTAMPTZ",
        "completed_at" "completedAt" Timestamptz "TIMESTAMPTZ",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "locked_by" "lockedBy" Text "TEXT" since 3,
        "lease_expires_at" "leaseExpiresAt" Timestamptz "TIMESTAMPTZ" since 3,
        "attempts" "attempts" Int4 "INTEGER NOT NULL DEFAULT 0" since 3,
        "log_chunk_bytes" "logChunkBytes" Int8 "BIGINT NOT NULL DEFAULT 0" since 5
            internal "the bytes of the build's appended log chunks (domains/builds.rs)",
    } },
    table! { "running_servers" => "admin_running_servers" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "deployment_id" "deploymentId" Uuid "UUID NOT NULL REFERENCES admin_deployments(id) ON DELETE CASCADE",
        "build_id" "buildId" Uuid "UUID NOT NULL REFERENCES admin_builds(id)",
        "process_id" "processId" Int4 "INTEGER",
        "container_id" "containerId" Text "VARCHAR(255)",
        "host" "host" Text "VARCHAR(255) NOT NULL",
        "port" "port" Int4 "INTEGER NOT NULL",
        "health_status" "healthStatus" Text "VARCHAR(50) NOT NULL DEFAULT 'starting'",
        "last_health_check" "lastHealthCheck" Timestamptz "TIMESTAMPTZ",
        "memory_usage_mb" "memoryUsageMb" Float4 "REAL",
        "cpu_percent" "cpuPercent" Float4 "REAL",
        "started_at" "startedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "stopped_at" "stoppedAt" Timestamptz "TIMESTAMPTZ",
    } },
    table! { "routes" => "admin_routes" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "deployment_id" "deploymentId" Uuid "UUID NOT NULL REFERENCES admin_deployments(id) ON DELETE CASCADE",
        "project_id" "projectId" Uuid "UUID NOT NULL REFERENCES admin_projects(id) ON DELETE CASCADE",
        "subdomain" "subdomain" Text "VARCHAR(255) NOT NULL",
        "target_host" "targetHost" Text "VARCHAR(255) NOT NULL",
        "target_port" "targetPort" Int4 "INTEGER NOT NULL",
        "public_url" "publicUrl" Text "TEXT NOT NULL",
        "status" "status" Text "VARCHAR(50) NOT NULL DEFAULT 'pending'",
        "tls_enabled" "tlsEnabled" Bool "BOOLEAN DEFAULT true",
        "provider_route_id" "providerRouteId" Text "VARCHAR(255)",
        "metadata" "metadata" Jsonb "JSONB DEFAULT '{}'",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "updated_at" "updatedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "last_health_check" "lastHealthCheck" Timestamptz "TIMESTAMPTZ",
    } "UNIQUE(subdomain)" },
    table! { "roles" => "admin_roles" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "team_id" "teamId" Uuid "UUID REFERENCES admin_teams(id) ON DELETE CASCADE",
        "name" "name" Text "VARCHAR(255) NOT NULL",
        "description" "description" Text "TEXT",
        "permissions" "permissions" Jsonb "JSONB NOT NULL DEFAULT '[]'",
        "is_system" "isSystem" Bool "BOOLEAN DEFAULT false",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
        "updated_at" "updatedAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
    } "UNIQUE(team_id, name)" },
    table! { "role_assignments" => "admin_role_assignments" {
        "id" "id" Uuid "UUID PRIMARY KEY DEFAULT gen_random_uuid()",
        "role_id" "roleId" Uuid "UUID NOT NULL REFERENCES admin_roles(id) ON DELETE CASCADE",
        "user_id" "userId" Uuid "UUID NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE",
        "resource_type" "resourceType" Text "VARCHAR(50)",
        "resource_id" "resourceId" Uuid "UUID",
        "created_at" "createdAt" Timestamptz "TIMESTAMPTZ DEFAULT NOW()",
    } "UNIQUE(role_id, user_id, resource_type, resource_id)" },
];

/// The seed's `TABLE_SCHEMAS` (what `@mastra/admin-pg` exports, byte for byte): per table the
/// definitions of the TypeScript adapter's columns (`since` 0), then the constraints.
pub static TABLE_SCHEMAS: LazyLock<Vec<(&'static str, String)>> = LazyLock::new(|| {
    TABLE_LIST
        .iter()
        .map(|t| (t.name, t.definition(|c| c.since == 0, "")))
        .collect()
});

/// `"table" [columns…]`, `unique` after a unique one.
macro_rules! indexes {
    ($($table:literal [$($col:literal),*] $($unique:ident)?,)*) => {
        &[$(DefaultIndex {
            table: $table,
            columns: &[$($col),*],
            unique: indexes!(@unique $($unique)?),
        }),*]
    };
    (@unique unique) => { true };
    (@unique) => { false };
}

/// The seed's `DEFAULT_INDEXES`, same order (a column entry may carry ` DESC`).
pub static DEFAULT_INDEXES: &[DefaultIndex] = indexes! {
    "admin_users" ["email"] unique,
    "admin_users" ["external_id"] unique,
    "admin_teams" ["slug"] unique,
    "admin_team_members" ["team_id"],
    "admin_team_members" ["user_id"],
    "admin_team_members" ["team_id", "user_id"] unique,
    "admin_team_invites" ["team_id"],
    "admin_team_invites" ["email"],
    "admin_team_invites" ["token"] unique,
    "admin_team_installations" ["team_id"],
    "admin_team_installations" ["provider", "installation_id"],
    "admin_projects" ["team_id"],
    "admin_projects" ["team_id", "slug"] unique,
    "admin_project_env_vars" ["project_id"],
    "admin_project_env_vars" ["project_id", "deployment_type", "key"] unique,
    "admin_project_api_tokens" ["project_id"],
    "admin_project_api_tokens" ["token_hash"] unique,
    "admin_deployments" ["project_id"],
    "admin_deployments" ["project_id", "type"],
    "admin_deployments" ["status"],
    "admin_deployments" ["project_id", "type", "branch"] unique,
    "admin_builds" ["deployment_id"],
    "admin_builds" ["status"],
    "admin_builds" ["status", "queued_at"],
    "admin_builds" ["deployment_id", "created_at DESC"],
    "admin_running_servers" ["deployment_id"],
    "admin_running_servers" ["health_status"],
    "admin_running_servers" ["deployment_id", "stopped_at"],
    "admin_routes" ["deployment_id"],
    "admin_routes" ["project_id"],
    "admin_routes" ["subdomain"] unique,
    "admin_routes" ["status"],
    "admin_roles" ["team_id"],
    "admin_roles" ["team_id", "name"] unique,
    "admin_role_assignments" ["role_id"],
    "admin_role_assignments" ["user_id"],
    "admin_role_assignments" ["resource_type", "resource_id"],
};

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn camel_of(snake: &str) -> String {
        let mut out = String::new();
        let mut upper = false;
        for ch in snake.chars() {
            if ch == '_' {
                upper = true;
            } else if upper {
                out.extend(ch.to_uppercase());
                upper = false;
            } else {
                out.push(ch);
            }
        }
        out
    }

    #[test]
    fn fourteen_tables_with_unique_names() {
        assert_eq!(TABLE_LIST.len(), 14);
        let names: HashSet<_> = TABLE_LIST.iter().map(|t| t.name).collect();
        assert_eq!(names.len(), 14);
        for t in TABLE_LIST {
            assert_eq!(t.name, format!("admin_{}", t.key));
            assert!(std::ptr::eq(table_by_name(t.name).unwrap(), t));
        }
        assert!(table_by_name("users").is_none());
        assert!(table_by_name("mastra_admin.admin_users").is_none());
    }

    #[test]
    fn columns_are_unique_and_camel_matches() {
        for t in TABLE_LIST {
            let mut seen = HashSet::new();
            for c in t.columns {
                assert!(seen.insert(c.name), "{}.{} twice", t.name, c.name);
                assert_eq!(c.camel, camel_of(c.name), "{}.{}", t.name, c.name);
                assert!(std::ptr::eq(t.column(c.name).unwrap(), c));
                assert!(std::ptr::eq(t.column(c.camel).unwrap(), c));
            }
            assert_eq!(t.columns[0].name, "id");
            assert_eq!(t.columns[0].ty, ColType::Uuid);
        }
    }

    #[test]
    fn column_lookup() {
        let users = table_by_name("admin_users").unwrap();
        let a = users.column("avatarUrl").unwrap();
        let b = users.column("avatar_url").unwrap();
        assert!(std::ptr::eq(a, b));
        assert_eq!(a.ty, ColType::Text);
        assert!(users.column("nope").is_none());
        assert!(users.column("").is_none());
        assert!(users.column("AvatarUrl").is_none());
        assert!(users.column("\"email\"").is_none());
    }

    #[test]
    fn added_columns_are_present() {
        let builds = table_by_name("admin_builds").unwrap();
        assert_eq!(builds.column("logPath").unwrap().ty, ColType::Text);
        assert_eq!(builds.column("lockedBy").unwrap().ty, ColType::Text);
        assert_eq!(
            builds.column("leaseExpiresAt").unwrap().ty,
            ColType::Timestamptz
        );
        assert_eq!(builds.column("attempts").unwrap().ty, ColType::Int4);
        let members = table_by_name("admin_team_members").unwrap();
        let pos = |n: &str| members.columns.iter().position(|c| c.name == n).unwrap();
        assert_eq!(pos("updated_at"), pos("joined_at") + 1);
        let servers = table_by_name("admin_running_servers").unwrap();
        assert_eq!(servers.column("cpuPercent").unwrap().ty, ColType::Float4);
        assert_eq!(servers.column("port").unwrap().ty, ColType::Int4);
    }

    #[test]
    fn build_rows_read_the_whole_log_and_other_tables_read_as_stored() {
        let builds = table_by_name("admin_builds").unwrap();
        assert!(!builds.reads_as_stored());
        let list = builds.select_list("b", "\"s\"");
        assert!(list.starts_with("b.id, b.deployment_id, "), "{list}");
        assert!(list
            .contains("CASE WHEN b.log_chunk_bytes = 0 THEN b.logs ELSE COALESCE(b.logs, '') || "));
        assert!(list.contains(
            "FROM \"s\".admin_build_log_chunks WHERE build_id = b.id ORDER BY end_offset"
        ));
        assert!(list.contains(" END AS logs, b.log_path, "));
        assert!(list.ends_with("b.attempts"));
        assert!(!list.contains("{t}") && !list.contains("{s}"));
        // Every column of the rows once; the internal counter is not returned.
        assert!(builds.column("logChunkBytes").unwrap().is_internal());
        assert!(!list.contains("b.log_chunk_bytes,") && !list.ends_with("log_chunk_bytes"));
        for c in builds.columns.iter().filter(|c| !c.is_internal()) {
            let plain = format!("b.{}, ", c.name);
            let computed = format!(" AS {}, ", c.name);
            assert!(
                format!("{list}, ").contains(&plain) || list.contains(&computed),
                "{}",
                c.name
            );
        }
        let logs = builds.column("logs").unwrap();
        assert!(builds
            .filter_expr(logs, "q")
            .starts_with("(CASE WHEN admin_builds."));
        assert_eq!(
            builds.filter_expr(builds.column("status").unwrap(), "q"),
            "status"
        );
        for t in TABLE_LIST.iter().filter(|t| t.name != "admin_builds") {
            assert!(t.reads_as_stored(), "{}", t.name);
            assert_eq!(t.select_list(t.name, "q"), "*", "{}", t.name);
            assert!(!t.columns.iter().any(Column::is_internal), "{}", t.name);
        }
    }

    #[test]
    fn default_indexes_name_real_columns() {
        assert_eq!(DEFAULT_INDEXES.len(), 37);
        for ix in DEFAULT_INDEXES {
            let t = table_by_name(ix.table).unwrap_or_else(|| panic!("{}", ix.table));
            assert!(!ix.columns.is_empty());
            for c in ix.columns {
                let bare = c.strip_suffix(" DESC").unwrap_or(c);
                assert!(
                    t.column(bare).is_some_and(|col| col.name == bare),
                    "{}.{c}",
                    ix.table
                );
            }
        }
        assert!(DEFAULT_INDEXES
            .iter()
            .any(|ix| ix.columns == ["deployment_id", "created_at DESC"]));
    }

    #[test]
    fn table_schemas_have_the_seeds_layout() {
        assert_eq!(TABLE_SCHEMAS.len(), 14);
        for ((name, sql), t) in TABLE_SCHEMAS.iter().zip(TABLE_LIST) {
            assert_eq!(*name, t.name);
            assert!(sql.starts_with("\n    id UUID PRIMARY KEY") && sql.ends_with("\n  "));
            assert!(!sql.contains("${") && !sql.contains("{{"), "{name}");
        }
        let members = &TABLE_SCHEMAS[2].1;
        assert!(members.contains("REFERENCES admin_teams(id) ON DELETE CASCADE"));
        assert!(members.ends_with(",\n    UNIQUE(team_id, user_id)\n  "));
        // Our migrations' columns are not the seed's.
        assert!(!members.contains("updated_at"));
        assert!(!TABLE_SCHEMAS[9].1.contains("log_path"));
    }

    /// The definition's type word is the column's type.
    #[test]
    fn definitions_match_types() {
        for t in TABLE_LIST {
            for c in t.columns {
                let word = c.ddl.split([' ', '(']).next().unwrap();
                let ty = match word {
                    "UUID" => ColType::Uuid,
                    "VARCHAR" | "TEXT" => ColType::Text,
                    "INTEGER" => ColType::Int4,
                    "BIGINT" => ColType::Int8,
                    "REAL" => ColType::Float4,
                    "BOOLEAN" => ColType::Bool,
                    "JSONB" => ColType::Jsonb,
                    "TIMESTAMPTZ" => ColType::Timestamptz,
                    other => panic!("{}.{}: unknown type {other}", t.name, c.name),
                };
                assert_eq!(c.ty, ty, "{}.{}", t.name, c.name);
            }
        }
    }

    #[test]
    fn nullable_and_required_follow_the_definitions() {
        let users = table_by_name("admin_users").unwrap();
        let c = |n: &str| users.column(n).unwrap();
        assert!(!c("id").nullable() && !c("id").required());
        assert!(!c("email").nullable() && c("email").required());
        assert!(c("name").nullable() && !c("name").required());
        // A default: never NULL unless written so, and never required.
        assert!(!c("metadata").nullable() && !c("metadata").required());
        let builds = table_by_name("admin_builds").unwrap();
        let attempts = builds.column("attempts").unwrap();
        assert!(!attempts.nullable() && !attempts.required());
    }

    fn migration(version: u32) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let prefix = format!("{version:04}_");
        let entry = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&prefix)
            })
            .unwrap_or_else(|| panic!("no migration {prefix}*"));
        std::fs::read_to_string(entry).unwrap()
    }

    /// `0001_initial.sql` creates every table with exactly the columns (`since` 0 and 1) and
    /// constraints described here.
    #[test]
    fn the_first_migration_creates_these_tables() {
        let sql = migration(1);
        for t in TABLE_LIST {
            let head = format!("CREATE TABLE IF NOT EXISTS {{{{schema}}}}.{} (", t.name);
            let start = sql
                .find(&head)
                .unwrap_or_else(|| panic!("{} not created", t.name));
            let body = &sql[start + head.len()..];
            let body = &body[..body.find("\n);").unwrap()];
            let lines = |text: &str| -> Vec<String> {
                text.lines()
                    .map(|l| l.trim().trim_end_matches(',').to_string())
                    .filter(|l| !l.is_empty())
                    .collect()
            };
            let ours = t.definition(|c| c.since <= 1, "{{schema}}.");
            assert_eq!(lines(body), lines(&ours), "{}", t.name);
        }
        assert_eq!(sql.matches("CREATE TABLE").count(), TABLE_LIST.len());
    }

    /// A column added later is added by its migration with its definition; every column a
    /// migration adds is described here.
    #[test]
    fn later_migrations_add_the_later_columns() {
        for t in TABLE_LIST {
            for c in t.columns.iter().filter(|c| c.since >= 2) {
                let added = format!("ADD COLUMN IF NOT EXISTS {} {}", c.name, c.ddl);
                assert!(migration(c.since).contains(&added), "{}.{}", t.name, c.name);
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let versions = std::fs::read_dir(dir).unwrap().filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.get(..4).and_then(|v| v.parse::<u32>().ok())
        });
        for version in versions.filter(|v| *v >= 2) {
            let sql = migration(version);
            for (i, _) in sql.match_indices("ADD COLUMN IF NOT EXISTS ") {
                let name = sql[i + 25..].split_whitespace().next().unwrap();
                assert!(
                    TABLE_LIST.iter().any(|t| t.column(name).is_some()),
                    "migration {version} adds {name}"
                );
            }
        }
    }
}
