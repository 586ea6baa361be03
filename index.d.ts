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

/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/**
 * The seed's generic table layer: tables only from `TABLES`, columns only from that table,
 * every value bound. Rows come back camelCased.
 */
export declare class AdminPgDB {
  /**
   * `new AdminPgDB({ client: storage.db })`: works on that client's storage (and inside
   * its transaction, for a transaction client).
   */
  constructor(config: { client: DbClient; schemaName?: string; skipDefaultIndexes?: boolean })
  /** The schema all tables live in. */
  get schemaName(): string
  /** The raw client this layer runs on. */
  get db(): DbClient
  /** Raw SQL, rows camelCased (like the seed's `AdminPgDB.query`). */
  query<T = Record<string, any>>(sql: string, values?: unknown[]): Promise<T[]>
  /**
   * Run `callback(db)` in one real transaction: every call on `db` shares its connection;
   * COMMIT on resolve, ROLLBACK and rethrow on throw.
   */
  transaction<T>(callback: (db: AdminPgDB) => Promise<T> | T): Promise<T>
  /** INSERT one row, resolving to it. */
  insert<T = Record<string, any>>(table: TableName, data: Record<string, unknown>): Promise<T & { id: string }>
  /** INSERT many rows in one statement (per 60k parameters), atomically. */
  batchInsert<T = Record<string, any>>(table: TableName, records: Record<string, unknown>[]): Promise<(T & { id: string })[]>
  /** UPDATE by id; `null` when no row has it. `id`/`createdAt`/`updatedAt` are ignored. */
  update<T = Record<string, any>>(table: TableName, id: string, data: Record<string, unknown>): Promise<(T & { id: string }) | null>
  /** DELETE by id; whether a row went. */
  delete(table: TableName, id: string): Promise<boolean>
  /** SELECT by id, or `null`. */
  findById<T = Record<string, any>>(table: TableName, id: string): Promise<(T & { id: string }) | null>
  /**
   * SELECT with conditions: a value (=), `null` (IS NULL), an array (IN), or an operator
   * object `{ gte, lte, gt, lt, ne, like, ilike }`; `orderBy` is `column [ASC|DESC]`.
   */
  findBy<T = Record<string, any>>(table: TableName, conditions: Conditions, options?: FindOptions): Promise<(T & { id: string })[]>
  /** The first row matching, or `null`. */
  findOneBy<T = Record<string, any>>(table: TableName, conditions: Conditions): Promise<(T & { id: string }) | null>
  /** COUNT(*) with optional conditions. */
  count(table: TableName, conditions?: Conditions): Promise<number>
}

/** The seed's `BuildsPG` domain object (`storage.builds`), build queue included. */
export declare class BuildsPG {
  /** From `{ client: storage.db }` (or a transaction's client) or `{ pool, schemaName }`, as in the seed. */
  constructor(config: PgDomainConfig)
  /**
   * Create a build; `id` is generated when not given, `status` defaults to `queued` and
   * `queuedAt` to now (server clock).
   */
  createBuild(data: NewBuild): Promise<Build>
  /** The build with this id, or `null`. */
  getBuildById(id: string): Promise<Build | null>
  /** Update; `null` when there is no such build. `id`/`createdAt` are ignored. */
  updateBuild(id: string, data: Partial<Build>): Promise<Build | null>
  /**
   * Set the status: `building` sets `startedAt`, `succeeded`/`failed`/`cancelled` set
   * `completedAt` (server clock). `errorMessage`, when given, is stored too. `null` when
   * there is no such build.
   */
  updateBuildStatus(id: string, status: BuildStatus, errorMessage?: string | null): Promise<Build | null>
  /**
   * Append to the build's logs atomically (concurrent appenders never lose a chunk), in
   * the time of the appended text whatever the log's size (only the new text is written,
   * as a chunk). A missing build is ignored, as in the seed.
   */
  appendBuildLogs(id: string, logs: string): Promise<void>
  /**
   * The build's log after `afterOffset` (default 0: all of it), for tailing:
   * `{ logs, nextOffset }`. Offsets count UTF-8 bytes of the whole log
   * (`getBuildById(id).logs`); `nextOffset` is where the log ends now: pass it back as
   * `afterOffset` to get only what was appended since. Reads only the requested part.
   * `null` when there is no such build.
   */
  getBuildLogs(id: string, options?: BuildLogsOptions): Promise<BuildLogs | null>
  /**
   * Mark the build failed with this message, completed now; `null` when there is no such
   * build.
   */
  setBuildError(id: string, errorMessage: string): Promise<Build | null>
  /**
   * Whether a build was deleted. A build a running server points at cannot be deleted
   * (`ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`).
   */
  deleteBuild(id: string): Promise<boolean>
  /**
   * The deployment's builds, newest first (`id` breaks ties); `limit` is a non-negative
   * integer.
   */
  listBuilds(deploymentId: string, options?: { limit?: number }): Promise<Build[]>
  /** Queue a build for the deployment (status `queued`, queued now). */
  enqueue(deploymentId: string, trigger: BuildTrigger, triggeredBy: string, commitSha?: string | null, commitMessage?: string | null): Promise<Build>
  /**
   * Claim the oldest queued build (FIFO by `queuedAt`, then `id`) in one statement with
   * `FOR UPDATE SKIP LOCKED`: it comes back `building` with `startedAt` set and `attempts`
   * incremented, and no other worker receives it. With `{ workerId, leaseMs }` it also
   * carries a lease (`lockedBy`, `leaseExpiresAt`). `null` when nothing is queued.
   */
  dequeue(options?: ClaimOptions): Promise<Build | null>
  /**
   * Claim up to `n` of the oldest queued builds in one statement, same guarantees as
   * `dequeue`; returned in queue order.
   */
  dequeueBatch(n: number, options?: ClaimOptions): Promise<Build[]>
  /**
   * Extend a claimed build's lease to `extendMs` from now, only while `workerId` still
   * holds it. The build, or `null` when that worker no longer holds it (the lease was
   * reclaimed, the build finished, or it was never this worker's): stop working on it then.
   */
  heartbeatBuild(id: string, workerId: string, extendMs: number): Promise<Build | null>
  /**
   * In one statement: builds in status `building` whose lease expired (their worker died)
   * go back to `queued` (lease cleared, original `queuedAt` kept, so they keep their place),
   * or, once claimed `maxAttempts` times (default 3), to `failed` with an `errorMessage`
   * and `completedAt`. Builds claimed without a lease are never touched.
   */
  reclaimStaleBuilds(options?: ReclaimOptions): Promise<ReclaimResult>
  /** 1-based position of a queued build in dequeue order; `-1` when it is not queued. */
  getQueuePosition(buildId: string): Promise<number>
  /** How many builds are queued. */
  getQueueLength(): Promise<number>
  /**
   * Cancel the deployment's queued builds (builds already claimed or finished are left
   * alone); how many were cancelled.
   */
  cancelQueuedBuilds(deploymentId: string): Promise<number>
  /**
   * Wait for a build and claim it (as `dequeue` does, lease options included) as soon as
   * one is queued: woken by a NOTIFY from the queue, with a poll every `pollIntervalMs`
   * (default 1000) in case a notification is lost. Resolves `null` after `timeoutMs`
   * without a build, or when `signal` aborts (no error: check `signal.aborted`); rejects
   * with `ERR_ADMIN_PG_CLOSED` if the storage is closed meanwhile. Holds no connection
   * while waiting; all waiters of a storage share one LISTEN connection.
   */
  waitForBuild(options?: WaitForBuildOptions): Promise<Build | null>
}

/**
 * The raw SQL client. Methods follow pg-promise's names; values are bound like
 * node-postgres binds them (the server infers each parameter's type). Rows keep the
 * column names PostgreSQL gives (no camelCasing), as with `pg`.
 */
export declare class DbClient {
  /** Run a statement, resolve `null`. */
  none(query: string, values?: unknown[]): Promise<null>
  /** Exactly one row, else an `ERR_ADMIN_PG_QUERY` error. */
  one<T = Record<string, any>>(query: string, values?: unknown[]): Promise<T>
  /** Zero or one row (`null` for none); more is an error. */
  oneOrNone<T = Record<string, any>>(query: string, values?: unknown[]): Promise<T | null>
  /** All rows. */
  any<T = Record<string, any>>(query: string, values?: unknown[]): Promise<T[]>
  /** All rows (same as `any`). */
  manyOrNone<T = Record<string, any>>(query: string, values?: unknown[]): Promise<T[]>
  /** At least one row, else an error. */
  many<T = Record<string, any>>(query: string, values?: unknown[]): Promise<T[]>
  /** `{ rows, rowCount, command }`, like `pg`'s `QueryResult`. */
  query<T = Record<string, any>>(query: string, values?: unknown[]): Promise<{ rows: T[]; rowCount: number; command: string }>
  /**
   * Run `callback(t)` in one transaction on one connection: COMMIT when it resolves,
   * ROLLBACK (and rethrow) when it throws. Inside a transaction, runs on it.
   */
  tx<T>(callback: (t: DbClient) => Promise<T> | T): Promise<T>
  /**
   * `Promise.all` over the given promises (pg-promise's `t.batch`); anything but an array
   * rejects with `ERR_ADMIN_PG_INVALID_ARGUMENT`.
   */
  batch<T>(promises: Promise<T>[]): Promise<T[]>
  /** Resolves `undefined`; kept for pg-promise compatibility (connections are managed in Rust). */
  ping(): Promise<void>
}

/** The seed's `DeploymentsPG` domain object (`storage.deployments`). */
export declare class DeploymentsPG {
  /** From `{ client: storage.db }` (or a transaction's client) or `{ pool, schemaName }`, as in the seed. */
  constructor(config: PgDomainConfig)
  /**
   * Create a deployment; `id` is generated when not given. A second deployment with the
   * same (projectId, type, branch) → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createDeployment(data: NewDeployment): Promise<Deployment>
  /** The deployment with this id, or `null`. */
  getDeploymentById(id: string): Promise<Deployment | null>
  /** The project's deployment for (type, branch), or `null`. */
  getDeployment(projectId: string, type: DeploymentType, branch: string): Promise<Deployment | null>
  /** The project's newest production deployment, or `null`. */
  getProductionDeployment(projectId: string): Promise<Deployment | null>
  /** Update; `null` when there is no such deployment. `id`/`createdAt`/`updatedAt` are ignored. */
  updateDeployment(id: string, data: Partial<Deployment>): Promise<Deployment | null>
  /**
   * Set the status (`pending | building | running | stopped | failed`); `null` when there
   * is no such deployment.
   */
  updateDeploymentStatus(id: string, status: DeploymentStatus): Promise<Deployment | null>
  /** Point the deployment at a build; `null` when there is no such deployment. */
  setCurrentBuild(deploymentId: string, buildId: string): Promise<Deployment | null>
  /** Whether a deployment was deleted (its builds, servers and routes go with it). */
  deleteDeployment(id: string): Promise<boolean>
  /** The project's deployments, newest first (`id` breaks ties). */
  listDeployments(projectId: string): Promise<Deployment[]>
  /** The project's deployments of one type, newest first. */
  listDeploymentsByType(projectId: string, type: DeploymentType): Promise<Deployment[]>
  /** The project's pending, building and running deployments, newest first. */
  listActiveDeployments(projectId: string): Promise<Deployment[]>
  /** The project's preview deployments, newest first. */
  listPreviewDeployments(projectId: string): Promise<Deployment[]>
  /** Delete preview deployments whose `expiresAt` has passed; how many were deleted. */
  cleanupExpiredPreviews(): Promise<number>
}

/**
 * PostgreSQL storage for MastraAdmin: a drop-in replacement for `@mastra/admin-pg`'s
 * `PostgresAdminStorage`. Implements the flat `AdminStorage` interface and exposes the
 * seed's domain objects (`users`, `teams`, …), all over one connection pool.
 */
export declare class PostgresAdminStorage {
  /** The generic table layer over this storage. */
  get adminDb(): AdminPgDB
  /** The seed's `BuildsPG` domain object (`storage.builds`), build queue included. */
  get builds(): BuildsPG
  /**
   * Create a build; `id` is generated when not given, `status` defaults to `queued` and
   * `queuedAt` to now (server clock).
   */
  createBuild(data: NewBuild): Promise<Build>
  /** The build with this id, or `null`. */
  getBuild(id: string): Promise<Build | null>
  /**
   * Append to the build's logs atomically (concurrent appenders never lose a chunk), in
   * the time of the appended text whatever the log's size (only the new text is written,
   * as a chunk). A missing build is ignored, as in the seed.
   */
  appendBuildLogs(id: string, logs: string): Promise<void>
  /** `AdminStorage.listBuildsForDeployment`: one page, newest first, in one round trip. */
  listBuildsForDeployment(deploymentId: string, pagination?: PaginationParams): Promise<PaginatedResult<Build>>
  /** `AdminStorage.updateBuild`: a missing build → `ERR_ADMIN_PG_NOT_FOUND`. */
  updateBuild(id: string, updates: Partial<Build>): Promise<Build>
  /**
   * `AdminStorage.updateBuildStatus`: sets `startedAt` on `building`, `completedAt` on
   * `succeeded`/`failed`/`cancelled`, and `errorMessage` when given; a missing build →
   * `ERR_ADMIN_PG_NOT_FOUND`.
   */
  updateBuildStatus(id: string, status: BuildStatus, errorMessage?: string | null): Promise<Build>
  /** `AdminStorage.dequeueNextBuild`: the domain `dequeue()`. */
  dequeueNextBuild(): Promise<Build | null>
  /** `AdminStorage.listQueuedBuilds`: every queued build, in dequeue (FIFO) order. */
  listQueuedBuilds(): Promise<Build[]>
  /** The seed's `DeploymentsPG` domain object (`storage.deployments`). */
  get deployments(): DeploymentsPG
  /**
   * Create a deployment; `id` is generated when not given. A second deployment with the
   * same (projectId, type, branch) → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createDeployment(data: NewDeployment): Promise<Deployment>
  /** The deployment with this id, or `null`. */
  getDeployment(id: string): Promise<Deployment | null>
  /**
   * `AdminStorage.getDeploymentBySlug`: the project's deployment with this slug (the newest
   * if several), or `null`.
   */
  getDeploymentBySlug(projectId: string, slug: string): Promise<Deployment | null>
  /** `AdminStorage.listDeploymentsForProject`: one page, newest first, in one round trip. */
  listDeploymentsForProject(projectId: string, pagination?: PaginationParams): Promise<PaginatedResult<Deployment>>
  /** `AdminStorage.updateDeployment`: a missing deployment → `ERR_ADMIN_PG_NOT_FOUND`. */
  updateDeployment(id: string, updates: Partial<Deployment>): Promise<Deployment>
  /** `AdminStorage.updateDeploymentStatus`: a missing deployment → `ERR_ADMIN_PG_NOT_FOUND`. */
  updateDeploymentStatus(id: string, status: DeploymentStatus): Promise<Deployment>
  /**
   * `AdminStorage.deleteDeployment`: cascades to builds, servers and routes; a missing
   * deployment → `ERR_ADMIN_PG_NOT_FOUND`.
   */
  deleteDeployment(id: string): Promise<void>
  /** The seed's `ProjectsPG` domain object (`storage.projects`). */
  get projects(): ProjectsPG
  /**
   * Create a project; its `envVars` (if any) are stored in the same transaction, and it
   * comes back with `envVars` as stored. Duplicate slug in the team →
   * `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createProject(data: NewProject): Promise<Project>
  /** The project (with its project-wide `envVars`), or `null`. */
  getProject(id: string): Promise<Project | null>
  /** The team's project with this slug, or `null`. */
  getProjectBySlug(teamId: string, slug: string): Promise<Project | null>
  /**
   * Store an API token (hash and prefix; `scopes` a JSON array). Duplicate hash →
   * `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createProjectApiToken(data: NewProjectApiToken): Promise<ProjectApiToken>
  /** The token with this hash, or `null`. */
  getProjectApiTokenByHash(tokenHash: string): Promise<ProjectApiToken | null>
  /** A project's tokens, newest first (`id` breaks ties). */
  listProjectApiTokens(projectId: string): Promise<ProjectApiToken[]>
  /** Stamp `lastUsedAt` with the server clock (a missing token is ignored). */
  updateProjectApiTokenLastUsed(id: string): Promise<void>
  /**
   * `AdminStorage.listProjectsForTeam`: by name, paginated, `envVars` included — one
   * statement whatever the page size.
   */
  listProjectsForTeam(teamId: string, pagination?: PaginationParams): Promise<PaginatedResult<Project>>
  /**
   * `AdminStorage.updateProject`: `envVars` in the updates are ignored; a missing project →
   * `ERR_ADMIN_PG_NOT_FOUND`.
   */
  updateProject(id: string, updates: Partial<Project>): Promise<Project>
  /**
   * `AdminStorage.deleteProject`: cascades to env vars, tokens and deployments; a missing
   * project → `ERR_ADMIN_PG_NOT_FOUND`.
   */
  deleteProject(id: string): Promise<void>
  /** `AdminStorage.getProjectEnvVars`: the project-wide env vars, ordered by key. */
  getProjectEnvVars(projectId: string): Promise<ProjectEnvVar[]>
  /**
   * `AdminStorage.setProjectEnvVar`: one atomic upsert of a project-wide variable (`id`
   * and `createdAt` kept on update). Missing project → `ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`.
   */
  setProjectEnvVar(projectId: string, envVar: NewEncryptedEnvVar): Promise<ProjectEnvVar>
  /**
   * `AdminStorage.deleteProjectEnvVar`: deletes the project-wide variable `key`; none →
   * `ERR_ADMIN_PG_NOT_FOUND`.
   */
  deleteProjectEnvVar(projectId: string, key: string): Promise<void>
  /** `AdminStorage.getProjectApiToken`: the token or `null`. */
  getProjectApiToken(id: string): Promise<ProjectApiToken | null>
  /** `AdminStorage.deleteProjectApiToken`: a missing token → `ERR_ADMIN_PG_NOT_FOUND`. */
  deleteProjectApiToken(id: string): Promise<void>
  /** The seed's `RbacPG` domain object (`storage.rbac`). */
  get rbac(): RbacPG
  /**
   * `AdminStorage.getUserPermissionsForTeam`: the permissions of the user's team role
   * (`owner` also carries `'*'`); a non-member has none. One statement.
   */
  getUserPermissionsForTeam(userId: string, teamId: string): Promise<string[]>
  /**
   * `AdminStorage.userHasPermission`: whether the user's team role grants `permission`
   * (`'*'` and `'<resource>:*'` are wildcards). One statement.
   */
  userHasPermission(userId: string, teamId: string, permission: string): Promise<boolean>
  /** The seed's `RoutesPG` domain object (`storage.routes`). */
  get routes(): RoutesPG
  /** The seed's `RunningServersPG` domain object (`storage.servers`). */
  get servers(): RunningServersPG
  /**
   * Register a server; `id` is generated when not given, `healthStatus` defaults to
   * `starting` and `startedAt` to now.
   */
  createRunningServer(data: NewRunningServer): Promise<RunningServer>
  /** The server with this id, or `null`. */
  getRunningServer(id: string): Promise<RunningServer | null>
  /** The deployment's live (not stopped) server, the newest if several; or `null`. */
  getRunningServerForDeployment(deploymentId: string): Promise<RunningServer | null>
  /** `AdminStorage.listRunningServers`: every live (not stopped) server, newest first. */
  listRunningServers(): Promise<RunningServer[]>
  /** `AdminStorage.updateRunningServer`: a missing server → `ERR_ADMIN_PG_NOT_FOUND`. */
  updateRunningServer(id: string, updates: Partial<RunningServer>): Promise<RunningServer>
  /**
   * `AdminStorage.stopRunningServer`: `healthStatus: 'stopping'`, `stoppedAt` = now; a
   * missing server → `ERR_ADMIN_PG_NOT_FOUND`.
   */
  stopRunningServer(id: string): Promise<void>
  /** The seed's `TeamsPG` domain object (`storage.teams`). */
  get teams(): TeamsPG
  /**
   * Create a team; `id` is generated when not given. Duplicate slug →
   * `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createTeam(data: NewTeam): Promise<Team>
  /** The team with this id, or `null`. */
  getTeam(id: string): Promise<Team | null>
  /** The team with this slug, or `null`. */
  getTeamBySlug(slug: string): Promise<Team | null>
  /**
   * Add a member (`createdAt` in the data means `joinedAt`). Already a member →
   * `ERR_ADMIN_PG_UNIQUE_VIOLATION`; missing team or user →
   * `ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`.
   */
  addTeamMember(data: NewTeamMember): Promise<TeamMember>
  /** The membership, or `null`. */
  getTeamMember(teamId: string, userId: string): Promise<TeamMember | null>
  /** Create an invite; a random `token` is generated when none is given. */
  createTeamInvite(data: NewTeamInvite): Promise<TeamInvite>
  /** Invites neither accepted nor expired, newest first (`id` breaks ties). */
  listTeamInvites(teamId: string): Promise<TeamInvite[]>
  /** `AdminStorage.listTeamsForUser`: the user's teams by name, paginated (one statement). */
  listTeamsForUser(userId: string, pagination?: PaginationParams): Promise<PaginatedResult<Team>>
  /** `AdminStorage.updateTeam`: a missing team → `ERR_ADMIN_PG_NOT_FOUND`. */
  updateTeam(id: string, updates: Partial<Team>): Promise<Team>
  /**
   * `AdminStorage.deleteTeam`: cascades to members, invites, installations and projects;
   * a missing team → `ERR_ADMIN_PG_NOT_FOUND`.
   */
  deleteTeam(id: string): Promise<void>
  /**
   * `AdminStorage.listTeamMembers`: members in joining order, each with its `user`,
   * paginated (one statement).
   */
  listTeamMembers(teamId: string, pagination?: PaginationParams): Promise<PaginatedResult<TeamMemberWithUser>>
  /** `AdminStorage.updateTeamMemberRole`: not a member → `ERR_ADMIN_PG_NOT_FOUND`. */
  updateTeamMemberRole(teamId: string, userId: string, role: TeamRole | string): Promise<TeamMember>
  /** `AdminStorage.removeTeamMember`: not a member → `ERR_ADMIN_PG_NOT_FOUND`. */
  removeTeamMember(teamId: string, userId: string): Promise<void>
  /** `AdminStorage.getTeamInvite`: the invite or `null`. */
  getTeamInvite(id: string): Promise<TeamInvite | null>
  /**
   * `AdminStorage.getTeamInviteByEmail`: matched case-insensitively (exact case first,
   * then a pending invite, then the newest); the stored casing is kept.
   */
  getTeamInviteByEmail(teamId: string, email: string): Promise<TeamInvite | null>
  /** `AdminStorage.deleteTeamInvite`: a missing invite → `ERR_ADMIN_PG_NOT_FOUND`. */
  deleteTeamInvite(id: string): Promise<void>
  /** The seed's `UsersPG` domain object (`storage.users`). */
  get users(): UsersPG
  /**
   * Create a user; `id` is generated when not given. Duplicate email →
   * `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createUser(data: NewUser): Promise<User>
  /** The user with this id, or `null`. */
  getUser(id: string): Promise<User | null>
  /** Case-insensitive; an exact-case match wins. */
  getUserByEmail(email: string): Promise<User | null>
  /** `AdminStorage.updateUser`: a missing user → `ERR_ADMIN_PG_NOT_FOUND`. */
  updateUser(id: string, updates: Partial<User>): Promise<User>
  /** The primary pool's figures (diagnostics; `storage.stats()` includes them). */
  get poolStats(): PoolStats
  /**
   * Whether a read call now would be routed to a read replica (one is usable); the
   * tracing channel's `target` asks it for read calls on a storage with replicas.
   */
  get replicaUsable(): boolean
  /**
   * Validates the config synchronously (throws `ERR_ADMIN_PG_CONFIG` naming the field);
   * no connection is opened until the first call.
   */
  constructor(config: PostgresAdminStorageConfig)
  /**
   * This storage with every call sent to the primary (read-your-writes for one call or a
   * few: `await storage.primary.getUser(id)` right after a write). Same pools, same
   * schema; closing either closes both. Without replicas it is the storage itself.
   */
  get primary(): PostgresAdminStorage
  /**
   * Where read calls went (diagnostics): reads answered by the primary and by replicas,
   * reads a replica failed that the primary answered (`fallbacks`), and each replica's
   * state (`usable`: serving reads now; `lagMs`: measured by its last check).
   */
  get replicaStats(): ReplicaStats
  /** Always `'postgres'`. */
  get type(): 'postgres'
  /** The schema all tables live in. */
  get schemaName(): string
  /**
   * Create or upgrade the schema: versioned migrations under an advisory lock, default
   * indexes, system roles. Idempotent and safe from many processes at once.
   */
  init(): Promise<void>
  /**
   * `init()`, resolving what this call applied: one `{ version, name, durationMs }` per
   * migration, in order (`[]` when the schema was up to date). `npx admin-pg-native
   * migrate` prints it.
   */
  migrate(): Promise<AppliedMigration[]>
  /**
   * Close every connection (calls still running finish first). Later calls reject with
   * `ERR_ADMIN_PG_CLOSED`. A `pg.Pool` passed in the config is left open.
   */
  close(): Promise<void>
  /** The raw SQL client (`none, one, oneOrNone, any, manyOrNone, many, query, tx`). */
  get db(): DbClient
  /**
   * `storage.rawPool`: the `pg.Pool` given in the config (`{ pool }`); otherwise lib/rawpool.js
   * makes a `pg.Pool` on the same settings on first access (this native getter gives `null`).
   */
  get rawPool(): PgPoolLike
  /** Statements this storage has sent so far (diagnostics: proves round-trip counts). */
  get statementCount(): number
  /** Applied and pending migration versions. */
  migrationStatus(): Promise<{ applied: number[]; pending: number[] }>
}

/** The seed's `ProjectsPG` domain object (`storage.projects`). */
export declare class ProjectsPG {
  /** From `{ client: storage.db }` (or a transaction's client) or `{ pool, schemaName }`, as in the seed. */
  constructor(config: PgDomainConfig)
  /**
   * Create a project; its `envVars` (if any) are stored in the same transaction, and it
   * comes back with `envVars` as stored. Duplicate slug in the team →
   * `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createProject(data: NewProject): Promise<Project>
  /** The project (with its project-wide `envVars`), or `null`. */
  getProjectById(id: string): Promise<Project | null>
  /** The team's project with this slug, or `null`. */
  getProjectBySlug(teamId: string, slug: string): Promise<Project | null>
  /**
   * Update; `null` when there is no such project. `envVars`, `id`, `createdAt`,
   * `updatedAt` in the data are ignored.
   */
  updateProject(id: string, data: Partial<Project>): Promise<Project | null>
  /** Whether a project was deleted; its env vars, tokens and deployments go with it. */
  deleteProject(id: string): Promise<boolean>
  /** The team's projects by name (`id` breaks ties), `envVars` loaded in the same statement. */
  listProjects(teamId: string): Promise<Project[]>
  /**
   * Set an env var in one atomic upsert on (projectId, deploymentType, key) — a NULL
   * deploymentType included: an existing row keeps its `id` and `createdAt`.
   * `encryptedValue` is stored as given.
   */
  setEnvVar(data: SetEnvVarInput): Promise<ProjectEnvVar>
  /**
   * The env var with this key for this deployment type (left out or `null`: project-wide),
   * or `null`.
   */
  getEnvVar(projectId: string, key: string, deploymentType?: DeploymentType | string | null): Promise<ProjectEnvVar | null>
  /**
   * A project's env vars by key: every scope when `deploymentType` is left out, only
   * project-wide ones for `null`, else that deployment type's.
   */
  listEnvVars(projectId: string, deploymentType?: DeploymentType | string | null): Promise<ProjectEnvVar[]>
  /** Whether an env var was deleted. */
  deleteEnvVar(id: string): Promise<boolean>
  /**
   * Store an API token (hash and prefix; `scopes` a JSON array). Duplicate hash →
   * `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createApiToken(data: NewProjectApiToken): Promise<ProjectApiToken>
  /** The token with this hash, or `null`. */
  getApiTokenByHash(tokenHash: string): Promise<ProjectApiToken | null>
  /** A project's tokens, newest first (`id` breaks ties). */
  listApiTokens(projectId: string): Promise<ProjectApiToken[]>
  /** Stamp `lastUsedAt` with the server clock (a missing token is ignored). */
  updateApiTokenLastUsed(id: string): Promise<void>
  /** Whether a token was deleted. */
  deleteApiToken(id: string): Promise<boolean>
}

/** The seed's `RbacPG` domain object (`storage.rbac`). */
export declare class RbacPG {
  /** From `{ client: storage.db }` (or a transaction's client) or `{ pool, schemaName }`, as in the seed. */
  constructor(config: PgDomainConfig)
  /**
   * Create a role. The same name twice in one scope (team, or global with `teamId`
   * null) → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createRole(data: NewRole): Promise<Role>
  /** The role with this id, or `null`. */
  getRoleById(id: string): Promise<Role | null>
  /** The role with this name in the team, or among global roles when `teamId` is `null`. */
  getRoleByName(teamId: string | null, name: string): Promise<Role | null>
  /**
   * Update; `null` when there is no such role. A system role cannot be renamed, moved to
   * a team or made non-system (`ERR_ADMIN_PG_SYSTEM_ROLE`).
   */
  updateRole(id: string, data: Partial<Role>): Promise<Role | null>
  /**
   * Whether a role was deleted (its assignments go with it). A system role →
   * `ERR_ADMIN_PG_SYSTEM_ROLE`.
   */
  deleteRole(id: string): Promise<boolean>
  /**
   * With `teamId`: the team's roles and the system roles (system first, then by name);
   * without: every role by name.
   */
  listRoles(teamId?: string): Promise<Role[]>
  /** The system roles, by name. */
  listSystemRoles(): Promise<Role[]>
  /**
   * Assign a role, globally (no resource) or for one resource. The same assignment twice
   * → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  assignRole(data: NewRoleAssignment): Promise<RoleAssignment>
  /**
   * Remove the assignment with exactly this scope (no resource = the global one); whether
   * one was removed.
   */
  removeRoleAssignment(roleId: string, userId: string, resourceType?: string, resourceId?: string): Promise<boolean>
  /** The user's role assignments, oldest first. */
  getUserRoleAssignments(userId: string): Promise<RoleAssignment[]>
  /**
   * The roles applying to the user on one resource: global assignments and assignments to
   * exactly that resource; each role once, by name.
   */
  getUserRolesForResource(userId: string, resourceType: string, resourceId: string): Promise<Role[]>
  /**
   * Whether the user's roles grant `permission`: `'*'` grants everything, `'project:*'`
   * every `project:…` permission; global assignments apply everywhere, resource-scoped
   * ones only when that resource is asked about. One statement.
   */
  hasPermission(userId: string, permission: string, resourceType?: string, resourceId?: string): Promise<boolean>
  /** Create the seed's system roles where missing (idempotent, safe concurrently). */
  initializeSystemRoles(): Promise<void>
}

/** The seed's `RoutesPG` domain object (`storage.routes`). */
export declare class RoutesPG {
  /** From `{ client: storage.db }` (or a transaction's client) or `{ pool, schemaName }`, as in the seed. */
  constructor(config: PgDomainConfig)
  /**
   * Register a route (status `pending`, TLS on unless `tls: false`). A subdomain already
   * taken → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createRoute(config: RouteConfig & { publicUrl: string; id?: string }): Promise<RouteInfo>
  /** The route with this id, or `null`. */
  getRouteById(id: string): Promise<RouteInfo | null>
  /** The deployment's route (the newest if several), or `null`. */
  getRouteByDeployment(deploymentId: string): Promise<RouteInfo | null>
  /** The route for this subdomain, or `null`. */
  getRouteBySubdomain(subdomain: string): Promise<RouteInfo | null>
  /** Update route fields (`tls` stands for `tlsEnabled`); `null` when there is no such route. */
  updateRoute(id: string, data: Partial<RouteConfig> & { publicUrl?: string }): Promise<RouteInfo | null>
  /**
   * Set the status (`pending | active | unhealthy | error`); `null` when there is no such
   * route.
   */
  updateRouteStatus(id: string, status: RouteStatus): Promise<RouteInfo | null>
  /**
   * Record a health check: `active` when healthy, else `unhealthy`; `lastHealthCheck` = now.
   * `null` when there is no such route.
   */
  updateRouteHealth(id: string, healthy: boolean): Promise<RouteInfo | null>
  /** Store the edge provider's id for the route; `null` when there is no such route. */
  setProviderRouteId(id: string, providerRouteId: string): Promise<RouteInfo | null>
  /** Whether a route was deleted. */
  deleteRoute(id: string): Promise<boolean>
  /** The project's routes, newest first. */
  listRoutes(projectId: string): Promise<RouteInfo[]>
  /** Every active route, by subdomain. */
  listActiveRoutes(): Promise<RouteInfo[]>
}

/** The seed's `RunningServersPG` domain object (`storage.servers`). */
export declare class RunningServersPG {
  /** From `{ client: storage.db }` (or a transaction's client) or `{ pool, schemaName }`, as in the seed. */
  constructor(config: PgDomainConfig)
  /**
   * Register a server; `id` is generated when not given, `healthStatus` defaults to
   * `starting` and `startedAt` to now.
   */
  registerServer(data: NewRunningServer): Promise<RunningServer>
  /** The server with this id, or `null`. */
  getServerById(id: string): Promise<RunningServer | null>
  /** The deployment's live (not stopped) server, the newest if several; or `null`. */
  getServerByDeployment(deploymentId: string): Promise<RunningServer | null>
  /** Update; `null` when there is no such server. `id` is ignored. */
  updateServer(id: string, data: Partial<RunningServer>): Promise<RunningServer | null>
  /**
   * Record a health check: the status, `lastHealthCheck` = now, and the metrics given.
   * `null` when there is no such server.
   */
  updateHealthStatus(id: string, status: HealthStatus, metrics?: ServerMetrics): Promise<RunningServer | null>
  /** Mark the server `stopping` with `stoppedAt` = now; `null` when there is no such server. */
  stopServer(id: string): Promise<RunningServer | null>
  /** Live servers (of one deployment, or all), newest first. */
  listRunningServers(deploymentId?: string): Promise<RunningServer[]>
  /**
   * Every server of the deployment, stopped ones too, newest first; `limit` is a
   * non-negative integer.
   */
  listAllServers(deploymentId: string, options?: { limit?: number }): Promise<RunningServer[]>
  /**
   * Live servers reported `unhealthy`, or whose last health check is older than
   * `thresholdMinutes` (default 5; a finite non-negative number).
   */
  getUnhealthyServers(thresholdMinutes?: number): Promise<RunningServer[]>
  /**
   * Delete servers stopped more than `olderThanDays` ago (default 7; a finite non-negative
   * number); how many were deleted.
   */
  cleanupStoppedServers(olderThanDays?: number): Promise<number>
}

/** The seed's `TeamsPG` domain object (`storage.teams`). */
export declare class TeamsPG {
  /** From `{ client: storage.db }` (or a transaction's client) or `{ pool, schemaName }`, as in the seed. */
  constructor(config: PgDomainConfig)
  /**
   * Create a team; `id` is generated when not given. Duplicate slug →
   * `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createTeam(data: NewTeam): Promise<Team>
  /**
   * Create a team and its `owner` member in one transaction: when the owner does not
   * exist, nothing is created (`ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`).
   */
  createTeamWithOwner(team: NewTeam, ownerUserId: string): Promise<Team>
  /** The team with this id, or `null`. */
  getTeamById(id: string): Promise<Team | null>
  /** The team with this slug, or `null`. */
  getTeamBySlug(slug: string): Promise<Team | null>
  /** Update; `null` when there is no such team. `id`/`createdAt`/`updatedAt` are ignored. */
  updateTeam(id: string, data: Partial<Team>): Promise<Team | null>
  /** Whether a team was deleted; its members, invites, installations and projects go with it. */
  deleteTeam(id: string): Promise<boolean>
  /** The teams the user is a member of, by name (`id` breaks ties). */
  listTeamsForUser(userId: string): Promise<Team[]>
  /**
   * Add a member (`createdAt` in the data means `joinedAt`). Already a member →
   * `ERR_ADMIN_PG_UNIQUE_VIOLATION`; missing team or user →
   * `ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION`.
   */
  addTeamMember(data: NewTeamMember): Promise<TeamMember>
  /** Whether the membership was removed (one statement). */
  removeTeamMember(teamId: string, userId: string): Promise<boolean>
  /** The membership, or `null`. */
  getTeamMember(teamId: string, userId: string): Promise<TeamMember | null>
  /** The team's members in joining order (`id` breaks ties). */
  listTeamMembers(teamId: string): Promise<TeamMember[]>
  /** Change a member's role; `null` when the user is not a member (one statement). */
  updateTeamMemberRole(teamId: string, userId: string, role: TeamRole | string): Promise<TeamMember | null>
  /** Create an invite; a random `token` is generated when none is given. */
  createInvite(data: NewTeamInvite): Promise<TeamInvite>
  /** The invite with this token, or `null`. */
  getInviteByToken(token: string): Promise<TeamInvite | null>
  /**
   * Accept an invite in one transaction: sets `acceptedAt` and adds the user with the
   * invite's email (if one exists) as a member with the invite's role. Expired →
   * `ERR_ADMIN_PG_INVITE_EXPIRED`; accepted before → `ERR_ADMIN_PG_INVITE_ACCEPTED`
   * (of two concurrent accepts, exactly one succeeds); unknown token → `null`.
   */
  acceptInvite(token: string): Promise<TeamInvite | null>
  /** Invites neither accepted nor expired, newest first (`id` breaks ties). */
  listPendingInvites(teamId: string): Promise<TeamInvite[]>
  /** Whether an invite was deleted. */
  deleteInvite(id: string): Promise<boolean>
  /**
   * Register a source-provider installation; the same (team, provider, installationId)
   * twice → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createInstallation(data: NewTeamInstallation): Promise<TeamInstallation>
  /** The installation, or `null`. */
  getInstallation(teamId: string, provider: string, installationId: string): Promise<TeamInstallation | null>
  /** A team's installations, oldest first (`id` breaks ties). */
  listInstallations(teamId: string): Promise<TeamInstallation[]>
  /** Whether an installation was deleted. */
  deleteInstallation(id: string): Promise<boolean>
}

/** The seed's `UsersPG` domain object (`storage.users`). */
export declare class UsersPG {
  /** From `{ client: storage.db }` (or a transaction's client) or `{ pool, schemaName }`, as in the seed. */
  constructor(config: PgDomainConfig)
  /**
   * Create a user; `id` is generated when not given. Duplicate email →
   * `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createUser(data: NewUser): Promise<User>
  /** The user with this id, or `null`. */
  getUserById(id: string): Promise<User | null>
  /** Case-insensitive; an exact-case match wins. */
  getUserByEmail(email: string): Promise<User | null>
  /** The user with this external (identity provider) id, or `null`. */
  getUserByExternalId(externalId: string): Promise<User | null>
  /** Update; `null` when there is no such user. `id`/`createdAt`/`updatedAt` are ignored. */
  updateUser(id: string, data: Partial<User>): Promise<User | null>
  /** Whether a user was deleted. */
  deleteUser(id: string): Promise<boolean>
  /** Newest first (`id` breaks ties); `limit`/`offset` are non-negative integers. */
  listUsers(options?: { limit?: number; offset?: number }): Promise<User[]>
}

/** The seed's default index list. */
export declare const DEFAULT_INDEXES: DefaultIndexesConst

/**
 * Stable error codes (`err.code`). Both `ErrorCode.NOT_FOUND` and
 * `ErrorCode.ERR_ADMIN_PG_NOT_FOUND` work.
 */
export declare const ErrorCode: ErrorCodeConst

/** Every method of the method tables: class, JS name, table, operation and routing. */
export declare function methodCatalog(): MethodCatalogEntry[]

/** One method of the exported classes, as instrumentation sees it. */
export interface MethodCatalogEntry {
  /** The exported class: `PostgresAdminStorage`, `UsersPG`, … */
  className: string
  /** The method's JS name (`getUser`). */
  jsName: string
  /**
   * The table it works on, schema-less (`admin_users`); `null` when an argument names it
   * (`AdminPgDB`'s first argument).
   */
  table?: string
  /** The SQL operation: `SELECT`, `INSERT`, `UPDATE` or `DELETE`. */
  operation: string
  /** `read` (may run on a read replica) or `write` (always the primary). */
  route: string
}

/** The primary pool right now. */
export interface PoolStats {
  /** The most connections the pool opens (`max`). */
  max: number
  /** Connections open, idle or in use. */
  open: number
  /** Open connections waiting in the pool for a call. */
  idle: number
  /** Connections leased by a call (or a transaction) right now. */
  inUse: number
  /** Calls waiting for a connection because all `max` are in use. */
  waiting: number
}

/** Column definitions per table, as in the seed's Phase 4. */
export declare const TABLE_SCHEMAS: TableSchemasConst

/** The seed's table names, keyed as in `@mastra/admin-pg`. */
export declare const TABLES: TablesConst
