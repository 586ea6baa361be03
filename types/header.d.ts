/* Hand-written declarations that napi-rs cannot derive (the shapes of the seed's constants,
 * entity and config shapes). napi build prepends this file to the generated index.d.ts,
 * which declares the constants themselves (`export declare const TABLES: TablesConst`). */

/** The shape of `TABLES`: the seed's table names, keyed as in `@mastra/admin-pg`. */
export type TablesConst = {
  readonly users: 'admin_users'
  readonly teams: 'admin_teams'
  readonly team_members: 'admin_team_members'
  readonly team_invites: 'admin_team_invites'
  readonly team_installations: 'admin_team_installations'
  readonly projects: 'admin_projects'
  readonly project_env_vars: 'admin_project_env_vars'
  readonly project_api_tokens: 'admin_project_api_tokens'
  readonly deployments: 'admin_deployments'
  readonly builds: 'admin_builds'
  readonly running_servers: 'admin_running_servers'
  readonly routes: 'admin_routes'
  readonly roles: 'admin_roles'
  readonly role_assignments: 'admin_role_assignments'
}
/** A value of `TABLES`. */
export type TableName = (typeof TABLES)[keyof typeof TABLES]
/** The shape of `TABLE_SCHEMAS`: column definitions per table, as in the seed's Phase 4. */
export type TableSchemasConst = Readonly<Record<TableName, string>>
/** The shape of `DEFAULT_INDEXES`: the seed's default index list. */
export type DefaultIndexesConst = ReadonlyArray<{
  readonly table: TableName
  readonly columns: readonly string[]
  readonly unique?: boolean
}>
/** The shape of `ErrorCode`: both `ErrorCode.NOT_FOUND` and `ErrorCode.ERR_ADMIN_PG_NOT_FOUND` work. */
export type ErrorCodeConst = {
  readonly [K in AdminPgErrorCode as K | (K extends `ERR_ADMIN_PG_${infer S}` ? S : never)]: K
}
export type AdminPgErrorCode =
  | 'ERR_ADMIN_PG_CONFIG'
  | 'ERR_ADMIN_PG_INVALID_ARGUMENT'
  | 'ERR_ADMIN_PG_NOT_FOUND'
  | 'ERR_ADMIN_PG_UNIQUE_VIOLATION'
  | 'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION'
  | 'ERR_ADMIN_PG_CHECK_VIOLATION'
  | 'ERR_ADMIN_PG_NOT_INITIALIZED'
  | 'ERR_ADMIN_PG_CONNECTION'
  | 'ERR_ADMIN_PG_TIMEOUT'
  | 'ERR_ADMIN_PG_CLOSED'
  | 'ERR_ADMIN_PG_MIGRATION'
  | 'ERR_ADMIN_PG_INVITE_EXPIRED'
  | 'ERR_ADMIN_PG_INVITE_ACCEPTED'
  | 'ERR_ADMIN_PG_SYSTEM_ROLE'
  | 'ERR_ADMIN_PG_QUERY'
/** What every rejected call carries. */
export interface AdminPgError extends Error {
  code: AdminPgErrorCode
  /** SQLSTATE, where PostgreSQL gave one. */
  pgCode?: string
  constraint?: string
  table?: string
  column?: string
  detail?: string
}

/** TLS options, as node-postgres takes them. */
export interface SslOptions {
  rejectUnauthorized?: boolean
  ca?: string | Buffer | Array<string>
  cert?: string | Buffer
  key?: string | Buffer
}
/** Options every config variant accepts. */
export interface PostgresAdminBaseConfig {
  id?: string
  /** PostgreSQL schema (default `mastra_admin`); letters, digits, `_`. */
  schemaName?: string
  /** `init()` creates nothing. */
  disableInit?: boolean
  /** Only primary keys and unique constraints are created. */
  skipDefaultIndexes?: boolean
  /** Pool size (default 20). */
  max?: number
  /** Idle connection lifetime (default 30000). */
  idleTimeoutMillis?: number
  /** How long to wait for a connection (0 = forever; default 30000). */
  connectionTimeoutMillis?: number
  /** Server-side `statement_timeout` for every statement. */
  statementTimeoutMillis?: number
  applicationName?: string
}
export interface ConnectionStringConfig extends PostgresAdminBaseConfig {
  connectionString: string
  ssl?: boolean | SslOptions
}
export interface HostConfig extends PostgresAdminBaseConfig {
  host: string
  port?: number
  database: string
  user?: string
  password?: string
  ssl?: boolean | SslOptions
}
/** An existing `pg.Pool`: its connection options are read; it is returned by `rawPool` and left open by `close()`. */
export interface PoolInstanceConfig extends PostgresAdminBaseConfig {
  pool: import('pg').Pool
}
export type PostgresAdminStorageConfig = PoolInstanceConfig | ConnectionStringConfig | HostConfig

/** `{ page, perPage }` of the flat list methods (defaults 1 and 20). */
export interface PaginationParams {
  page?: number
  perPage?: number
}
export interface PaginatedResult<T> {
  data: T[]
  total: number
  page: number
  perPage: number
  hasMore: boolean
}

/** AdminPgDB `findBy` conditions: value (=), null (IS NULL), array (IN) or operators. */
export type Conditions = Record<
  string,
  unknown | null | unknown[] | { gte?: unknown; lte?: unknown; gt?: unknown; lt?: unknown; ne?: unknown; like?: string; ilike?: string }
>
export interface FindOptions {
  /** `column [ASC|DESC]`, comma separated, columns of the table only. */
  orderBy?: string
  limit?: number
  offset?: number
}

export type TeamRole = 'owner' | 'admin' | 'developer' | 'viewer'
export type DeploymentType = 'production' | 'staging' | 'preview'
export type DeploymentStatus = 'pending' | 'building' | 'running' | 'stopped' | 'failed'
export type BuildStatus = 'queued' | 'building' | 'deploying' | 'succeeded' | 'failed' | 'cancelled'
export type BuildTrigger = 'manual' | 'webhook' | 'schedule' | 'rollback'
export type HealthStatus = 'starting' | 'healthy' | 'unhealthy' | 'stopping'
export type RouteStatus = 'pending' | 'active' | 'unhealthy' | 'error'

export interface User {
  id: string
  email: string
  name: string | null
  avatarUrl: string | null
  externalId?: string | null
  metadata?: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}
/** `createUser` input: `id` optional (generated when missing). */
export type NewUser = Omit<User, 'id' | 'createdAt' | 'updatedAt' | 'name' | 'avatarUrl'> & {
  id?: string
  name?: string | null
  avatarUrl?: string | null
  createdAt?: Date
  updatedAt?: Date
}
