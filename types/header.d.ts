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
  /**
   * The connection goes through a transaction-pooling proxy (PgBouncer `pool_mode =
   * transaction`, Supabase's or Neon's pooler): no named prepared statements, no session
   * state, one message flight per statement (values sent inline as typed literals).
   */
  pgbouncer?: boolean
  /**
   * Hot standbys of the primary that serve read-only calls (get*, list*, find*, count,
   * permission checks, queue position/length), round robin. Writes, transactions and
   * `dequeue*` always go to the primary; so do raw `db` calls. A replica that is down or
   * more than `maxReplicaLagMs` behind is skipped (reads fall back to the primary).
   */
  readReplicas?: ReadReplicaConfig[]
  /** Send every call to the primary even with replicas (default false). Per call: `storage.primary`. */
  readYourWrites?: boolean
  /** Skip a replica further behind the primary than this (default 10000). */
  maxReplicaLagMs?: number
  /**
   * Log every call slower than this many milliseconds, once, at `warn` on `logger`: its
   * method, duration, table and operation, never its values. Unset: no slow-call log.
   */
  slowQueryMillis?: number
  /** Where slow calls are logged (pino, console, …; default `console`). */
  logger?: AdminPgLogger
}
/** Any logger with pino's or console's level methods; called as `warn(fields, message)`. */
export interface AdminPgLogger {
  warn(...args: any[]): unknown
  info?(...args: any[]): unknown
  debug?(...args: any[]): unknown
}
/** One migration `storage.migrate()` applied. */
export interface AppliedMigration {
  version: number
  name: string
  /** Time its SQL took, in ms. */
  durationMs: number
}
/** One method's figures in `storage.stats().calls` (times in ms, from a fixed-size histogram). */
export interface CallStats {
  count: number
  /** Calls that rejected. */
  errors: number
  p50: number
  p90: number
  p99: number
  /** Sum of all durations. */
  totalMs: number
}
/** `storage.stats()`. */
export interface StorageStats {
  /** The primary pool right now (`storage.poolStats`). */
  pool: PoolStats
  /** Per method called so far on this storage and everything it handed out (`storage.users`, `storage.db`, …), keyed `Class.method`. */
  calls: Record<string, CallStats>
  /** Where reads went (`storage.replicaStats`). */
  replicas: ReplicaStats
  /** The build queue, read by one statement now; `null` when it cannot be read (not initialized, closed, server down). */
  queue: {
    queued: number
    building: number
    /** Age of the oldest queued build in ms (`null`: none queued). */
    oldestQueuedMs: number | null
    /** Builds still `building` whose lease has expired (their worker stopped heartbeating). */
    leasesExpired: number
  } | null
}
/**
 * The context every call publishes on the `diagnostics_channel` tracing channel
 * `admin-pg-native:query` (start, end, asyncStart, asyncEnd, error). Never a value: no
 * arguments, no rows; `statement` only when a subscriber opted in (`admin-pg-native/otel`'s
 * `statementText`).
 */
export interface AdminPgQueryContext {
  /** `PostgresAdminStorage`, `UsersPG`, `DbClient`, `AdminPgDB`, … */
  className: string
  method: string
  /** The table the call works on (`null`: none or several, e.g. raw SQL). */
  table: string | null
  /** `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `UPSERT`, …; for raw SQL its first keyword (`null`: none found). */
  operation: string | null
  serverAddress: string | null
  serverPort: number | null
  database: string | null
  schema: string | null
  /** Where it runs: `replica` is a read routed to the read replicas (the primary answers when none is usable). */
  target: 'primary' | 'replica' | 'transaction' | null
  /** Raw SQL text of `DbClient`/`AdminPgDB.query` calls, only when opted in. */
  statement?: string
  /** Set before asyncStart: rows returned or affected, when the result says. */
  rows?: number
  /** Set on error: the PostgreSQL SQLSTATE, when the server gave one. */
  sqlstate?: string
  /**
   * Set on error: a value-free copy of the rejection (same `name`, `code`, `pgCode`,
   * `constraint`; `message` is the code, since a message may quote a value). The caller gets
   * the original.
   */
  error?: Error & { code?: string; pgCode?: string; constraint?: string }
}
/** Methods added by the package's JS layer (lib/). */
export interface PostgresAdminStorage {
  /** Pool, per-method, replica and build queue figures (one statement, for the queue). */
  stats(): Promise<StorageStats>
}
/** One read replica: a connection string or host config; `ssl` defaults to the primary's, `max` (pool size) too. */
export type ReadReplicaConfig =
  | { connectionString: string; ssl?: boolean | SslOptions; max?: number }
  | {
      host: string
      port?: number
      database: string
      user?: string
      password?: string
      ssl?: boolean | SslOptions
      max?: number
    }
/** Where read calls went (`storage.replicaStats`). */
export interface ReplicaStats {
  /** Read calls answered by the primary (no usable replica, `storage.primary`, fallbacks). */
  primaryReads: number
  /** Read calls answered by a replica. */
  replicaReads: number
  /** Read calls a replica failed (down, shutting down, recovery conflict), answered by the primary. */
  fallbacks: number
  replicas: Array<{
    /** `host:port as user "…"` (never the password). */
    target: string
    /** Serving reads now (checked recently, not down, within `maxReplicaLagMs`). */
    usable: boolean
    down: boolean
    /** Lag measured by the last successful check, in ms (`null` before the first). */
    lagMs: number | null
    reads: number
    failures: number
    lastError: string | null
  }>
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
/**
 * What we use of a `pg.Pool` (typed structurally, so a project without `@types/pg` compiles;
 * a real `pg.Pool` is assignable to it): its `options` are read when it is given as `{ pool }`.
 */
export interface PgPoolLike {
  options: {
    connectionString?: unknown
    host?: unknown
    port?: unknown
    database?: unknown
    user?: unknown
    password?: unknown
    ssl?: unknown
    max?: unknown
    connectionTimeoutMillis?: unknown
    idleTimeoutMillis?: unknown
    application_name?: unknown
  }
  query(...args: any[]): any
  connect(...args: any[]): any
  end(...args: any[]): any
}
/** An existing `pg.Pool`: its connection options are read; it is returned by `rawPool` and left open by `close()`. */
export interface PoolInstanceConfig extends PostgresAdminBaseConfig {
  pool: PgPoolLike
}
export type PostgresAdminStorageConfig = PoolInstanceConfig | ConnectionStringConfig | HostConfig

/** How a domain class is built on its own (the seed's `PgDomainConfig`). */
export interface PgDomainConfig {
  /** A `DbClient` (`storage.db`): share that storage's connections. */
  client?: DbClient
  /** A `pg.Pool`: open our own connections with its options. */
  pool?: PgPoolLike
  schemaName?: string
  skipDefaultIndexes?: boolean
  /** See `PostgresAdminBaseConfig.pgbouncer` (with `pool`). */
  pgbouncer?: boolean
}

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

/** One entry of `Deployment.envVarOverrides` (stored as a JSON array). */
export interface DeploymentEnvVarOverride {
  key: string
  encryptedValue: string
  isSecret: boolean
}
export interface Deployment {
  id: string
  projectId: string
  type: DeploymentType
  branch: string
  slug: string
  status: DeploymentStatus
  currentBuildId: string | null
  publicUrl: string | null
  internalHost: string | null
  internalPort: number | null
  envVarOverrides: DeploymentEnvVarOverride[]
  autoShutdown: boolean
  expiresAt: Date | null
  createdAt: Date
  updatedAt: Date
}
/** `createDeployment` input: `id` optional (generated when missing), other columns default. */
export type NewDeployment = Pick<Deployment, 'projectId' | 'type' | 'branch' | 'slug'> &
  Partial<Omit<Deployment, 'projectId' | 'type' | 'branch' | 'slug'>>

export interface Build {
  id: string
  deploymentId: string
  trigger: BuildTrigger
  triggeredBy: string
  commitSha: string | null
  commitMessage: string | null
  status: BuildStatus
  logs: string
  logPath: string | null
  errorMessage: string | null
  queuedAt: Date
  startedAt: Date | null
  completedAt: Date | null
  createdAt: Date
  /** The worker holding the build's lease (`ClaimOptions.workerId`), or `null`. */
  lockedBy: string | null
  /** When the lease runs out; `null` when the build holds no lease. */
  leaseExpiresAt: Date | null
  /** How many times the build has been claimed. */
  attempts: number
}
/** `createBuild` input: `id` optional; `status` defaults to `queued`, `queuedAt` to now. */
export type NewBuild = Pick<Build, 'deploymentId' | 'trigger' | 'triggeredBy'> &
  Partial<Omit<Build, 'deploymentId' | 'trigger' | 'triggeredBy'>>
/**
 * Who claims a build and for how long (`dequeue`, `dequeueBatch`, `waitForBuild`). With
 * neither field the claim takes no lease, as before leases existed: `reclaimStaleBuilds`
 * never touches it.
 */
export interface ClaimOptions {
  /** Recorded as `lockedBy`; `heartbeatBuild` must name it. */
  workerId?: string
  /** Lease length in ms (an integer from 1 to 2^31 - 1); default 60000 when only `workerId` is given. */
  leaseMs?: number
}
/** `waitForBuild` options. */
export interface WaitForBuildOptions extends ClaimOptions {
  /** Resolve `null` after this many ms without a build (0: claim once; at most 2^31 - 1). Default: no limit. */
  timeoutMs?: number
  /** Resolve `null` as soon as it aborts (a build already being claimed is still returned). */
  signal?: AbortSignal | null
  /** Claim again at least this often without a notification (ms, default 1000). */
  pollIntervalMs?: number
}
/** `reclaimStaleBuilds` options. */
export interface ReclaimOptions {
  /** A build whose lease expired after this many claims is failed, not requeued (default 3). */
  maxAttempts?: number
}
/** `getBuildLogs` options. */
export interface BuildLogsOptions {
  /**
   * Read the log after this many UTF-8 bytes (an integer ≥ 0; default 0, the whole log): the
   * `nextOffset` of an earlier call, or `Buffer.byteLength(build.logs)`.
   */
  afterOffset?: number
}
/** Part of a build's log (`getBuildLogs`). */
export interface BuildLogs {
  /** The log after `afterOffset` (`''` when nothing was appended since). */
  logs: string
  /** The log's length in UTF-8 bytes now: the `afterOffset` of the next call. */
  nextOffset: number
}
/** What `reclaimStaleBuilds` did. */
export interface ReclaimResult {
  requeued: number
  failed: number
}

export interface RunningServer {
  id: string
  deploymentId: string
  buildId: string
  processId: number | null
  containerId: string | null
  host: string
  port: number
  healthStatus: HealthStatus
  lastHealthCheck: Date | null
  memoryUsageMb: number | null
  cpuPercent: number | null
  startedAt: Date
  stoppedAt: Date | null
}
/** `registerServer` / `createRunningServer` input: `id` optional; `healthStatus` defaults to `starting`, `startedAt` to now. */
export type NewRunningServer = Pick<RunningServer, 'deploymentId' | 'buildId' | 'host' | 'port'> &
  Partial<Omit<RunningServer, 'deploymentId' | 'buildId' | 'host' | 'port'>>
/** Metrics of `updateHealthStatus`: absent keys are left alone, `null` clears. */
export interface ServerMetrics {
  memoryUsageMb?: number | null
  cpuPercent?: number | null
}

/** The seed's route configuration (`createRoute` also takes `publicUrl`). */
export interface RouteConfig {
  deploymentId: string
  projectId: string
  subdomain: string
  targetHost: string
  targetPort: number
  /** Default true. */
  tls?: boolean
}
/** What the routes domain returns (the seed's `RouteInfo`). */
export interface RouteInfo {
  routeId: string
  deploymentId: string
  publicUrl: string
  status: RouteStatus
  createdAt: Date
  /** Absent until the route has been health-checked. */
  lastHealthCheck?: Date
}
export interface Team {
  id: string
  name: string
  slug: string
  settings: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}
/** `createTeam` input: `id` optional (generated when missing). */
export interface NewTeam {
  id?: string
  name: string
  slug: string
  settings?: Record<string, unknown>
  createdAt?: Date
  updatedAt?: Date
}
export interface TeamMember {
  id: string
  teamId: string
  userId: string
  role: TeamRole | string
  /** When the user joined (the stored `joined_at`, same as `joinedAt`). */
  createdAt: Date
  updatedAt: Date
  joinedAt: Date
}
/** `addTeamMember` input; `createdAt` is stored as `joinedAt`. */
export interface NewTeamMember {
  id?: string
  teamId: string
  userId: string
  role: TeamRole | string
  createdAt?: Date
  joinedAt?: Date
  updatedAt?: Date
}
/** A member as `listTeamMembers` gives it: with the member's user. */
export type TeamMemberWithUser = TeamMember & { user: User }
export interface TeamInvite {
  id: string
  teamId: string
  email: string
  role: TeamRole | string
  invitedBy: string
  token: string
  expiresAt: Date
  acceptedAt: Date | null
  createdAt: Date
}
/** `createTeamInvite` / `createInvite` input: `token` generated when missing. */
export interface NewTeamInvite {
  id?: string
  teamId: string
  email: string
  role?: TeamRole | string
  invitedBy: string
  token?: string
  expiresAt: Date | string
  acceptedAt?: Date | null
  createdAt?: Date
}
/** A source-provider installation (e.g. a GitHub App) of a team. */
export interface TeamInstallation {
  id: string
  teamId: string
  provider: string
  installationId: string
  accountName: string | null
  accountType: string | null
  permissions: Record<string, unknown>
  metadata: Record<string, unknown>
  createdAt: Date
  updatedAt: Date
}
export interface NewTeamInstallation {
  id?: string
  teamId: string
  provider: string
  installationId: string
  accountName?: string | null
  accountType?: string | null
  permissions?: Record<string, unknown>
  metadata?: Record<string, unknown>
}
/** An env var as the app sees it; `encryptedValue` is stored and returned as given. */
export interface EncryptedEnvVar {
  key: string
  encryptedValue: string
  isSecret: boolean
  createdAt: Date
  updatedAt: Date
}
/** An env var row: project-wide when `deploymentType` is null. */
export interface ProjectEnvVar extends EncryptedEnvVar {
  id: string
  projectId: string
  deploymentType: DeploymentType | string | null
}
/** An env var inside `createProject` data. */
export interface NewEncryptedEnvVar {
  key: string
  encryptedValue: string
  /** Default `true`; on update of an existing variable, left out keeps the stored flag. */
  isSecret?: boolean
  createdAt?: Date
  updatedAt?: Date
}
/** `projects.setEnvVar` input (upsert on projectId, deploymentType, key). */
export interface SetEnvVarInput {
  projectId: string
  deploymentType?: DeploymentType | string | null
  key: string
  encryptedValue: string
  isSecret?: boolean
}
export interface Project {
  id: string
  teamId: string
  name: string
  slug: string
  sourceType: string
  sourceConfig: Record<string, unknown>
  defaultBranch: string
  settings?: Record<string, unknown>
  /** The project-wide env vars (no deployment type), ordered by key. */
  envVars: ProjectEnvVar[]
  createdAt: Date
  updatedAt: Date
}
/** `createProject` input: `envVars` stored in the same transaction. */
export interface NewProject {
  id?: string
  teamId: string
  name: string
  slug: string
  sourceType: string
  sourceConfig: Record<string, unknown>
  defaultBranch?: string
  settings?: Record<string, unknown>
  envVars?: NewEncryptedEnvVar[]
  createdAt?: Date
  updatedAt?: Date
}
export interface ProjectApiToken {
  id: string
  projectId: string
  name: string
  tokenPrefix: string
  tokenHash: string
  scopes: string[]
  lastUsedAt: Date | null
  expiresAt: Date | null
  createdBy: string
  createdAt: Date
}
export interface NewProjectApiToken {
  id?: string
  projectId: string
  name: string
  tokenPrefix: string
  tokenHash: string
  scopes?: string[]
  lastUsedAt?: Date | null
  expiresAt?: Date | null
  createdBy: string
  createdAt?: Date
}
/** A role: global when `teamId` is null. Permissions are `resource:action`, `'*'` or `'<prefix>:*'`. */
export interface Role {
  id: string
  teamId: string | null
  name: string
  description: string | null
  permissions: string[]
  isSystem: boolean
  createdAt: Date
  updatedAt: Date
}
export interface NewRole {
  id?: string
  teamId?: string | null
  name: string
  description?: string | null
  permissions?: string[]
  isSystem?: boolean
}
/** A role given to a user: everywhere when `resourceType`/`resourceId` are null, else on that resource only. */
export interface RoleAssignment {
  id: string
  roleId: string
  userId: string
  resourceType: string | null
  resourceId: string | null
  createdAt: Date
}
export interface NewRoleAssignment {
  id?: string
  roleId: string
  userId: string
  resourceType?: string | null
  resourceId?: string | null
}
