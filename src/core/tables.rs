//! The table catalogue: the seed's Phase 4 (`TABLES`, `TABLE_SCHEMAS`, `DEFAULT_INDEXES`) as
//! static data. Generic code takes table and column names only from here, so no caller-supplied
//! name ever reaches SQL. Pure data; the DDL itself lives in `migrations/`.

/// How a column is typed in PostgreSQL (VARCHAR and TEXT are both `Text`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColType {
    /// `UUID`
    Uuid,
    /// `VARCHAR(n)` or `TEXT`
    Text,
    /// `INTEGER`
    Int4,
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
}

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

const fn col(name: &'static str, camel: &'static str, ty: ColType) -> Column {
    Column { name, camel, ty }
}

/// The table with this name (`admin_users`); `None` for anything else, including the
/// `TABLES` keys and schema-qualified names.
pub fn table_by_name(name: &str) -> Option<&'static Table> {
    TABLE_LIST.iter().find(|t| t.name == name)
}

impl Table {
    /// Column by camelCase or snake_case field name; None for anything else.
    pub fn column(&self, field: &str) -> Option<&'static Column> {
        self.columns
            .iter()
            .find(|c| c.camel == field || c.name == field)
    }
}

/// The 14 tables, in the seed's `TABLES` order, columns in table order.
pub static TABLE_LIST: &[Table] = &[
    Table {
        key: "users",
        name: "admin_users",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("external_id", "externalId", ColType::Text),
            col("email", "email", ColType::Text),
            col("name", "name", ColType::Text),
            col("avatar_url", "avatarUrl", ColType::Text),
            col("metadata", "metadata", ColType::Jsonb),
            col("created_at", "createdAt", ColType::Timestamptz),
            col("updated_at", "updatedAt", ColType::Timestamptz),
        ],
    },
    Table {
        key: "teams",
        name: "admin_teams",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("name", "name", ColType::Text),
            col("slug", "slug", ColType::Text),
            col("settings", "settings", ColType::Jsonb),
            col("created_at", "createdAt", ColType::Timestamptz),
            col("updated_at", "updatedAt", ColType::Timestamptz),
        ],
    },
    Table {
        key: "team_members",
        name: "admin_team_members",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("team_id", "teamId", ColType::Uuid),
            col("user_id", "userId", ColType::Uuid),
            col("role", "role", ColType::Text),
            col("joined_at", "joinedAt", ColType::Timestamptz),
            col("updated_at", "updatedAt", ColType::Timestamptz),
        ],
    },
    Table {
        key: "team_invites",
        name: "admin_team_invites",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("team_id", "teamId", ColType::Uuid),
            col("email", "email", ColType::Text),
            col("role", "role", ColType::Text),
            col("invited_by", "invitedBy", ColType::Uuid),
            col("token", "token", ColType::Text),
            col("expires_at", "expiresAt", ColType::Timestamptz),
            col("accepted_at", "acceptedAt", ColType::Timestamptz),
            col("created_at", "createdAt", ColType::Timestamptz),
        ],
    },
    Table {
        key: "team_installations",
        name: "admin_team_installations",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("team_id", "teamId", ColType::Uuid),
            col("provider", "provider", ColType::Text),
            col("installation_id", "installationId", ColType::Text),
            col("account_name", "accountName", ColType::Text),
            col("account_type", "accountType", ColType::Text),
            col("permissions", "permissions", ColType::Jsonb),
            col("metadata", "metadata", ColType::Jsonb),
            col("created_at", "createdAt", ColType::Timestamptz),
            col("updated_at", "updatedAt", ColType::Timestamptz),
        ],
    },
    Table {
        key: "projects",
        name: "admin_projects",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("team_id", "teamId", ColType::Uuid),
            col("name", "name", ColType::Text),
            col("slug", "slug", ColType::Text),
            col("source_type", "sourceType", ColType::Text),
            col("source_config", "sourceConfig", ColType::Jsonb),
            col("default_branch", "defaultBranch", ColType::Text),
            col("settings", "settings", ColType::Jsonb),
            col("created_at", "createdAt", ColType::Timestamptz),
            col("updated_at", "updatedAt", ColType::Timestamptz),
        ],
    },
    Table {
        key: "project_env_vars",
        name: "admin_project_env_vars",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("project_id", "projectId", ColType::Uuid),
            col("deployment_type", "deploymentType", ColType::Text),
            col("key", "key", ColType::Text),
            col("encrypted_value", "encryptedValue", ColType::Text),
            col("is_secret", "isSecret", ColType::Bool),
            col("created_at", "createdAt", ColType::Timestamptz),
            col("updated_at", "updatedAt", ColType::Timestamptz),
        ],
    },
    Table {
        key: "project_api_tokens",
        name: "admin_project_api_tokens",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("project_id", "projectId", ColType::Uuid),
            col("name", "name", ColType::Text),
            col("token_hash", "tokenHash", ColType::Text),
            col("token_prefix", "tokenPrefix", ColType::Text),
            col("scopes", "scopes", ColType::Jsonb),
            col("last_used_at", "lastUsedAt", ColType::Timestamptz),
            col("expires_at", "expiresAt", ColType::Timestamptz),
            col("created_by", "createdBy", ColType::Uuid),
            col("created_at", "createdAt", ColType::Timestamptz),
        ],
    },
    Table {
        key: "deployments",
        name: "admin_deployments",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("project_id", "projectId", ColType::Uuid),
            col("type", "type", ColType::Text),
            col("branch", "branch", ColType::Text),
            col("slug", "slug", ColType::Text),
            col("status", "status", ColType::Text),
            col("current_build_id", "currentBuildId", ColType::Uuid),
            col("public_url", "publicUrl", ColType::Text),
            col("internal_host", "internalHost", ColType::Text),
            col("internal_port", "internalPort", ColType::Int4),
            col("env_var_overrides", "envVarOverrides", ColType::Jsonb),
            col("auto_shutdown", "autoShutdown", ColType::Bool),
            col("expires_at", "expiresAt", ColType::Timestamptz),
            col("created_at", "createdAt", ColType::Timestamptz),
            col("updated_at", "updatedAt", ColType::Timestamptz),
        ],
    },
    Table {
        key: "builds",
        name: "admin_builds",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("deployment_id", "deploymentId", ColType::Uuid),
            col("trigger", "trigger", ColType::Text),
            col("triggered_by", "triggeredBy", ColType::Text),
            col("commit_sha", "commitSha", ColType::Text),
            col("commit_message", "commitMessage", ColType::Text),
            col("status", "status", ColType::Text),
            col("logs", "logs", ColType::Text),
            col("log_path", "logPath", ColType::Text),
            col("error_message", "errorMessage", ColType::Text),
            col("queued_at", "queuedAt", ColType::Timestamptz),
            col("started_at", "startedAt", ColType::Timestamptz),
            col("completed_at", "completedAt", ColType::Timestamptz),
            col("created_at", "createdAt", ColType::Timestamptz),
            // Leases (migration 0003).
            col("locked_by", "lockedBy", ColType::Text),
            col("lease_expires_at", "leaseExpiresAt", ColType::Timestamptz),
            col("attempts", "attempts", ColType::Int4),
        ],
    },
    Table {
        key: "running_servers",
        name: "admin_running_servers",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("deployment_id", "deploymentId", ColType::Uuid),
            col("build_id", "buildId", ColType::Uuid),
            col("process_id", "processId", ColType::Int4),
            col("container_id", "containerId", ColType::Text),
            col("host", "host", ColType::Text),
            col("port", "port", ColType::Int4),
            col("health_status", "healthStatus", ColType::Text),
            col("last_health_check", "lastHealthCheck", ColType::Timestamptz),
            col("memory_usage_mb", "memoryUsageMb", ColType::Float4),
            col("cpu_percent", "cpuPercent", ColType::Float4),
            col("started_at", "startedAt", ColType::Timestamptz),
            col("stopped_at", "stoppedAt", ColType::Timestamptz),
        ],
    },
    Table {
        key: "routes",
        name: "admin_routes",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("deployment_id", "deploymentId", ColType::Uuid),
            col("project_id", "projectId", ColType::Uuid),
            col("subdomain", "subdomain", ColType::Text),
            col("target_host", "targetHost", ColType::Text),
            col("target_port", "targetPort", ColType::Int4),
            col("public_url", "publicUrl", ColType::Text),
            col("status", "status", ColType::Text),
            col("tls_enabled", "tlsEnabled", ColType::Bool),
            col("provider_route_id", "providerRouteId", ColType::Text),
            col("metadata", "metadata", ColType::Jsonb),
            col("created_at", "createdAt", ColType::Timestamptz),
            col("updated_at", "updatedAt", ColType::Timestamptz),
            col("last_health_check", "lastHealthCheck", ColType::Timestamptz),
        ],
    },
    Table {
        key: "roles",
        name: "admin_roles",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("team_id", "teamId", ColType::Uuid),
            col("name", "name", ColType::Text),
            col("description", "description", ColType::Text),
            col("permissions", "permissions", ColType::Jsonb),
            col("is_system", "isSystem", ColType::Bool),
            col("created_at", "createdAt", ColType::Timestamptz),
            col("updated_at", "updatedAt", ColType::Timestamptz),
        ],
    },
    Table {
        key: "role_assignments",
        name: "admin_role_assignments",
        columns: &[
            col("id", "id", ColType::Uuid),
            col("role_id", "roleId", ColType::Uuid),
            col("user_id", "userId", ColType::Uuid),
            col("resource_type", "resourceType", ColType::Text),
            col("resource_id", "resourceId", ColType::Uuid),
            col("created_at", "createdAt", ColType::Timestamptz),
        ],
    },
];

/// The seed's `TABLE_SCHEMAS`: (table name, column definitions) verbatim, `${TABLES.x}`
/// references rendered as plain table names. Without `log_path`, the build leases' columns
/// and the team members' `updated_at`: those come from the migrations.
pub static TABLE_SCHEMAS: &[(&str, &str)] = &[
    (
        "admin_users",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    external_id VARCHAR(255) UNIQUE,
    email VARCHAR(255) NOT NULL UNIQUE,
    name VARCHAR(255),
    avatar_url TEXT,
    metadata JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
  "#,
    ),
    (
        "admin_teams",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    slug VARCHAR(255) NOT NULL UNIQUE,
    settings JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
  "#,
    ),
    (
        "admin_team_members",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID NOT NULL REFERENCES admin_teams(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
    role VARCHAR(50) NOT NULL DEFAULT 'member',
    joined_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(team_id, user_id)
  "#,
    ),
    (
        "admin_team_invites",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID NOT NULL REFERENCES admin_teams(id) ON DELETE CASCADE,
    email VARCHAR(255) NOT NULL,
    role VARCHAR(50) NOT NULL DEFAULT 'member',
    invited_by UUID NOT NULL REFERENCES admin_users(id),
    token VARCHAR(255) NOT NULL UNIQUE,
    expires_at TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ DEFAULT NOW()
  "#,
    ),
    (
        "admin_team_installations",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID NOT NULL REFERENCES admin_teams(id) ON DELETE CASCADE,
    provider VARCHAR(50) NOT NULL,
    installation_id VARCHAR(255) NOT NULL,
    account_name VARCHAR(255),
    account_type VARCHAR(50),
    permissions JSONB DEFAULT '{}',
    metadata JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(team_id, provider, installation_id)
  "#,
    ),
    (
        "admin_projects",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID NOT NULL REFERENCES admin_teams(id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    slug VARCHAR(255) NOT NULL,
    source_type VARCHAR(50) NOT NULL,
    source_config JSONB NOT NULL,
    default_branch VARCHAR(255) DEFAULT 'main',
    settings JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(team_id, slug)
  "#,
    ),
    (
        "admin_project_env_vars",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES admin_projects(id) ON DELETE CASCADE,
    deployment_type VARCHAR(50),
    key VARCHAR(255) NOT NULL,
    encrypted_value TEXT NOT NULL,
    is_secret BOOLEAN DEFAULT true,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(project_id, deployment_type, key)
  "#,
    ),
    (
        "admin_project_api_tokens",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES admin_projects(id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    token_hash VARCHAR(255) NOT NULL UNIQUE,
    token_prefix VARCHAR(10) NOT NULL,
    scopes JSONB DEFAULT '[]',
    last_used_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    created_by UUID NOT NULL REFERENCES admin_users(id),
    created_at TIMESTAMPTZ DEFAULT NOW()
  "#,
    ),
    (
        "admin_deployments",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES admin_projects(id) ON DELETE CASCADE,
    type VARCHAR(50) NOT NULL,
    branch VARCHAR(255) NOT NULL,
    slug VARCHAR(255) NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'pending',
    current_build_id UUID,
    public_url TEXT,
    internal_host VARCHAR(255),
    internal_port INTEGER,
    env_var_overrides JSONB DEFAULT '[]',
    auto_shutdown BOOLEAN DEFAULT false,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(project_id, type, branch)
  "#,
    ),
    (
        "admin_builds",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    deployment_id UUID NOT NULL REFERENCES admin_deployments(id) ON DELETE CASCADE,
    trigger VARCHAR(50) NOT NULL,
    triggered_by VARCHAR(255) NOT NULL,
    commit_sha VARCHAR(255),
    commit_message TEXT,
    status VARCHAR(50) NOT NULL DEFAULT 'queued',
    logs TEXT DEFAULT '',
    error_message TEXT,
    queued_at TIMESTAMPTZ DEFAULT NOW(),
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ DEFAULT NOW()
  "#,
    ),
    (
        "admin_running_servers",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    deployment_id UUID NOT NULL REFERENCES admin_deployments(id) ON DELETE CASCADE,
    build_id UUID NOT NULL REFERENCES admin_builds(id),
    process_id INTEGER,
    container_id VARCHAR(255),
    host VARCHAR(255) NOT NULL,
    port INTEGER NOT NULL,
    health_status VARCHAR(50) NOT NULL DEFAULT 'starting',
    last_health_check TIMESTAMPTZ,
    memory_usage_mb REAL,
    cpu_percent REAL,
    started_at TIMESTAMPTZ DEFAULT NOW(),
    stopped_at TIMESTAMPTZ
  "#,
    ),
    (
        "admin_routes",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    deployment_id UUID NOT NULL REFERENCES admin_deployments(id) ON DELETE CASCADE,
    project_id UUID NOT NULL REFERENCES admin_projects(id) ON DELETE CASCADE,
    subdomain VARCHAR(255) NOT NULL,
    target_host VARCHAR(255) NOT NULL,
    target_port INTEGER NOT NULL,
    public_url TEXT NOT NULL,
    status VARCHAR(50) NOT NULL DEFAULT 'pending',
    tls_enabled BOOLEAN DEFAULT true,
    provider_route_id VARCHAR(255),
    metadata JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    last_health_check TIMESTAMPTZ,
    UNIQUE(subdomain)
  "#,
    ),
    (
        "admin_roles",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID REFERENCES admin_teams(id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    permissions JSONB NOT NULL DEFAULT '[]',
    is_system BOOLEAN DEFAULT false,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(team_id, name)
  "#,
    ),
    (
        "admin_role_assignments",
        r#"
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    role_id UUID NOT NULL REFERENCES admin_roles(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES admin_users(id) ON DELETE CASCADE,
    resource_type VARCHAR(50),
    resource_id UUID,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(role_id, user_id, resource_type, resource_id)
  "#,
    ),
];

/// The seed's `DEFAULT_INDEXES`, same order (a column entry may carry ` DESC`).
pub static DEFAULT_INDEXES: &[DefaultIndex] = &[
    DefaultIndex {
        table: "admin_users",
        columns: &["email"],
        unique: true,
    },
    DefaultIndex {
        table: "admin_users",
        columns: &["external_id"],
        unique: true,
    },
    DefaultIndex {
        table: "admin_teams",
        columns: &["slug"],
        unique: true,
    },
    DefaultIndex {
        table: "admin_team_members",
        columns: &["team_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_team_members",
        columns: &["user_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_team_members",
        columns: &["team_id", "user_id"],
        unique: true,
    },
    DefaultIndex {
        table: "admin_team_invites",
        columns: &["team_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_team_invites",
        columns: &["email"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_team_invites",
        columns: &["token"],
        unique: true,
    },
    DefaultIndex {
        table: "admin_team_installations",
        columns: &["team_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_team_installations",
        columns: &["provider", "installation_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_projects",
        columns: &["team_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_projects",
        columns: &["team_id", "slug"],
        unique: true,
    },
    DefaultIndex {
        table: "admin_project_env_vars",
        columns: &["project_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_project_env_vars",
        columns: &["project_id", "deployment_type", "key"],
        unique: true,
    },
    DefaultIndex {
        table: "admin_project_api_tokens",
        columns: &["project_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_project_api_tokens",
        columns: &["token_hash"],
        unique: true,
    },
    DefaultIndex {
        table: "admin_deployments",
        columns: &["project_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_deployments",
        columns: &["project_id", "type"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_deployments",
        columns: &["status"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_deployments",
        columns: &["project_id", "type", "branch"],
        unique: true,
    },
    DefaultIndex {
        table: "admin_builds",
        columns: &["deployment_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_builds",
        columns: &["status"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_builds",
        columns: &["status", "queued_at"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_builds",
        columns: &["deployment_id", "created_at DESC"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_running_servers",
        columns: &["deployment_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_running_servers",
        columns: &["health_status"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_running_servers",
        columns: &["deployment_id", "stopped_at"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_routes",
        columns: &["deployment_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_routes",
        columns: &["project_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_routes",
        columns: &["subdomain"],
        unique: true,
    },
    DefaultIndex {
        table: "admin_routes",
        columns: &["status"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_roles",
        columns: &["team_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_roles",
        columns: &["team_id", "name"],
        unique: true,
    },
    DefaultIndex {
        table: "admin_role_assignments",
        columns: &["role_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_role_assignments",
        columns: &["user_id"],
        unique: false,
    },
    DefaultIndex {
        table: "admin_role_assignments",
        columns: &["resource_type", "resource_id"],
        unique: false,
    },
];

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
    fn table_schemas_match_tables() {
        assert_eq!(TABLE_SCHEMAS.len(), 14);
        for ((name, sql), t) in TABLE_SCHEMAS.iter().zip(TABLE_LIST) {
            assert_eq!(*name, t.name);
            assert!(sql.starts_with('\n') && sql.ends_with("\n  "), "{name}");
            assert!(!sql.contains("${"), "{name}");
            // Every schema column is in the catalogue, in the same order.
            let cols: Vec<&str> = sql
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with("UNIQUE("))
                .map(|l| l.split_whitespace().next().unwrap())
                .collect();
            let ours: Vec<&str> = t
                .columns
                .iter()
                .map(|c| c.name)
                .filter(|n| {
                    let added = (t.name == "admin_builds"
                        && ["log_path", "locked_by", "lease_expires_at", "attempts"].contains(n))
                        || (t.name == "admin_team_members" && *n == "updated_at");
                    !added
                })
                .collect();
            assert_eq!(cols, ours, "{name}");
        }
        assert!(TABLE_SCHEMAS[2]
            .1
            .contains("REFERENCES admin_teams(id) ON DELETE CASCADE"));
    }
}
