-- Version 1: exactly the schema the TypeScript adapter (@mastra/admin-pg, seed Phase 4 and 5)
-- creates, plus admin_builds.log_path (which the TypeScript adapter also has), so that a schema
-- it created can be adopted as this version. Changes on top of it belong in later migrations.
--
-- {{schema}} is replaced by the quoted schema identifier before this file runs. Default
-- (non-unique) indexes are created by code, not here.

CREATE TABLE IF NOT EXISTS {{schema}}.admin_users (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    external_id VARCHAR(255) UNIQUE,
    email VARCHAR(255) NOT NULL UNIQUE,
    name VARCHAR(255),
    avatar_url TEXT,
    metadata JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_teams (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(255) NOT NULL,
    slug VARCHAR(255) NOT NULL UNIQUE,
    settings JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_team_members (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID NOT NULL REFERENCES {{schema}}.admin_teams(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES {{schema}}.admin_users(id) ON DELETE CASCADE,
    role VARCHAR(50) NOT NULL DEFAULT 'member',
    joined_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(team_id, user_id)
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_team_invites (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID NOT NULL REFERENCES {{schema}}.admin_teams(id) ON DELETE CASCADE,
    email VARCHAR(255) NOT NULL,
    role VARCHAR(50) NOT NULL DEFAULT 'member',
    invited_by UUID NOT NULL REFERENCES {{schema}}.admin_users(id),
    token VARCHAR(255) NOT NULL UNIQUE,
    expires_at TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_team_installations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID NOT NULL REFERENCES {{schema}}.admin_teams(id) ON DELETE CASCADE,
    provider VARCHAR(50) NOT NULL,
    installation_id VARCHAR(255) NOT NULL,
    account_name VARCHAR(255),
    account_type VARCHAR(50),
    permissions JSONB DEFAULT '{}',
    metadata JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(team_id, provider, installation_id)
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_projects (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID NOT NULL REFERENCES {{schema}}.admin_teams(id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    slug VARCHAR(255) NOT NULL,
    source_type VARCHAR(50) NOT NULL,
    source_config JSONB NOT NULL,
    default_branch VARCHAR(255) DEFAULT 'main',
    settings JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(team_id, slug)
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_project_env_vars (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES {{schema}}.admin_projects(id) ON DELETE CASCADE,
    deployment_type VARCHAR(50),
    key VARCHAR(255) NOT NULL,
    encrypted_value TEXT NOT NULL,
    is_secret BOOLEAN DEFAULT true,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(project_id, deployment_type, key)
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_project_api_tokens (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES {{schema}}.admin_projects(id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    token_hash VARCHAR(255) NOT NULL UNIQUE,
    token_prefix VARCHAR(10) NOT NULL,
    scopes JSONB DEFAULT '[]',
    last_used_at TIMESTAMPTZ,
    expires_at TIMESTAMPTZ,
    created_by UUID NOT NULL REFERENCES {{schema}}.admin_users(id),
    created_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_deployments (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id UUID NOT NULL REFERENCES {{schema}}.admin_projects(id) ON DELETE CASCADE,
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
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_builds (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    deployment_id UUID NOT NULL REFERENCES {{schema}}.admin_deployments(id) ON DELETE CASCADE,
    trigger VARCHAR(50) NOT NULL,
    triggered_by VARCHAR(255) NOT NULL,
    commit_sha VARCHAR(255),
    commit_message TEXT,
    status VARCHAR(50) NOT NULL DEFAULT 'queued',
    logs TEXT DEFAULT '',
    log_path TEXT,
    error_message TEXT,
    queued_at TIMESTAMPTZ DEFAULT NOW(),
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ DEFAULT NOW()
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_running_servers (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    deployment_id UUID NOT NULL REFERENCES {{schema}}.admin_deployments(id) ON DELETE CASCADE,
    build_id UUID NOT NULL REFERENCES {{schema}}.admin_builds(id),
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
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_routes (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    deployment_id UUID NOT NULL REFERENCES {{schema}}.admin_deployments(id) ON DELETE CASCADE,
    project_id UUID NOT NULL REFERENCES {{schema}}.admin_projects(id) ON DELETE CASCADE,
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
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_roles (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID REFERENCES {{schema}}.admin_teams(id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    permissions JSONB NOT NULL DEFAULT '[]',
    is_system BOOLEAN DEFAULT false,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    updated_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(team_id, name)
);

CREATE TABLE IF NOT EXISTS {{schema}}.admin_role_assignments (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    role_id UUID NOT NULL REFERENCES {{schema}}.admin_roles(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES {{schema}}.admin_users(id) ON DELETE CASCADE,
    resource_type VARCHAR(50),
    resource_id UUID,
    created_at TIMESTAMPTZ DEFAULT NOW(),
    UNIQUE(role_id, user_id, resource_type, resource_id)
);

-- updated_at maintenance (seed Phase 5, setupUpdatedAtTriggers).
CREATE OR REPLACE FUNCTION {{schema}}.update_updated_at_column()
RETURNS TRIGGER AS $$
BEGIN
  NEW.updated_at = NOW();
  RETURN NEW;
END;
$$ language 'plpgsql';

DROP TRIGGER IF EXISTS admin_users_updated_at_trigger ON {{schema}}.admin_users;
CREATE TRIGGER admin_users_updated_at_trigger
BEFORE UPDATE ON {{schema}}.admin_users
FOR EACH ROW
EXECUTE FUNCTION {{schema}}.update_updated_at_column();

DROP TRIGGER IF EXISTS admin_teams_updated_at_trigger ON {{schema}}.admin_teams;
CREATE TRIGGER admin_teams_updated_at_trigger
BEFORE UPDATE ON {{schema}}.admin_teams
FOR EACH ROW
EXECUTE FUNCTION {{schema}}.update_updated_at_column();

DROP TRIGGER IF EXISTS admin_team_installations_updated_at_trigger ON {{schema}}.admin_team_installations;
CREATE TRIGGER admin_team_installations_updated_at_trigger
BEFORE UPDATE ON {{schema}}.admin_team_installations
FOR EACH ROW
EXECUTE FUNCTION {{schema}}.update_updated_at_column();

DROP TRIGGER IF EXISTS admin_projects_updated_at_trigger ON {{schema}}.admin_projects;
CREATE TRIGGER admin_projects_updated_at_trigger
BEFORE UPDATE ON {{schema}}.admin_projects
FOR EACH ROW
EXECUTE FUNCTION {{schema}}.update_updated_at_column();

DROP TRIGGER IF EXISTS admin_project_env_vars_updated_at_trigger ON {{schema}}.admin_project_env_vars;
CREATE TRIGGER admin_project_env_vars_updated_at_trigger
BEFORE UPDATE ON {{schema}}.admin_project_env_vars
FOR EACH ROW
EXECUTE FUNCTION {{schema}}.update_updated_at_column();

DROP TRIGGER IF EXISTS admin_deployments_updated_at_trigger ON {{schema}}.admin_deployments;
CREATE TRIGGER admin_deployments_updated_at_trigger
BEFORE UPDATE ON {{schema}}.admin_deployments
FOR EACH ROW
EXECUTE FUNCTION {{schema}}.update_updated_at_column();

DROP TRIGGER IF EXISTS admin_routes_updated_at_trigger ON {{schema}}.admin_routes;
CREATE TRIGGER admin_routes_updated_at_trigger
BEFORE UPDATE ON {{schema}}.admin_routes
FOR EACH ROW
EXECUTE FUNCTION {{schema}}.update_updated_at_column();

DROP TRIGGER IF EXISTS admin_roles_updated_at_trigger ON {{schema}}.admin_roles;
CREATE TRIGGER admin_roles_updated_at_trigger
BEFORE UPDATE ON {{schema}}.admin_roles
FOR EACH ROW
EXECUTE FUNCTION {{schema}}.update_updated_at_column();
