/* Hand-written declarations that napi-rs cannot derive (the seed's constants, entity and
 * config shapes). napi build prepends this file to the generated index.d.ts. */

/** The seed's table names, keyed as in `@mastra/admin-pg`. */
export declare const TABLES: {
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
/** Column definitions per table, as in the seed's Phase 4. */
export declare const TABLE_SCHEMAS: Readonly<Record<TableName, string>>
/** The seed's default index list. */
export declare const DEFAULT_INDEXES: ReadonlyArray<{
  readonly table: TableName
  readonly columns: readonly string[]
  readonly unique?: boolean
}>
/** Stable error codes (`err.code`). Both `ErrorCode.NOT_FOUND` and `ErrorCode.ERR_ADMIN_PG_NOT_FOUND` work. */
export declare const ErrorCode: {
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
  /** Raw SQL, rows camelCased (like the seed's `AdminPgDB.query`). */
  query<T = Record<string, any>>(sql: string, values?: unknown[]): Promise<T[]>
  /**
   * Run `callback(db)` in one real transaction: every call on `db` shares its connection;
   * COMMIT on resolve, ROLLBACK and rethrow on throw.
   */
  transaction<T>(callback: (db: AdminPgDB) => Promise<T> | T): Promise<T>
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

/**
 * PostgreSQL storage for MastraAdmin: a drop-in replacement for `@mastra/admin-pg`'s
 * `PostgresAdminStorage`. Implements the flat `AdminStorage` interface and exposes the
 * seed's domain objects (`users`, `teams`, …), all over one connection pool.
 */
export declare class PostgresAdminStorage {
  /** The generic table layer over this storage. */
  get adminDb(): AdminPgDB
  /**
   * Validates the config synchronously (throws `ERR_ADMIN_PG_CONFIG` naming the field);
   * no connection is opened until the first call.
   */
  constructor(config: PostgresAdminStorageConfig)
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
   * Close every connection (calls still running finish first). Later calls reject with
   * `ERR_ADMIN_PG_CLOSED`. A `pg.Pool` passed in the config is left open.
   */
  close(): Promise<void>
  /** The raw SQL client (`none, one, oneOrNone, any, manyOrNone, many, query, tx`). */
  get db(): DbClient
  /**
   * The `pg.Pool` given in the config (`{ pool }`), else `null`: this storage's own
   * connections live in Rust.
   */
  get rawPool(): import('pg').Pool | null
  /** Statements this storage has sent so far (diagnostics: proves round-trip counts). */
  get statementCount(): number
  /** Applied and pending migration versions. */
  migrationStatus(): Promise<{ applied: number[]; pending: number[] }>
  /** The seed's users domain object. */
  get users(): UsersPG
  /** `AdminStorage.getUser`: the user or `null`. */
  getUser(id: string): Promise<User | null>
  /** `AdminStorage.getUserByEmail`: case-insensitive, exact case first. */
  getUserByEmail(email: string): Promise<User | null>
  /**
   * `AdminStorage.createUser`: caller-supplied id (generated if missing); the email must
   * look like `name@example.com`; a duplicate → `ERR_ADMIN_PG_UNIQUE_VIOLATION`.
   */
  createUser(user: NewUser): Promise<User>
  /** `AdminStorage.updateUser`: a missing user → `ERR_ADMIN_PG_NOT_FOUND`. */
  updateUser(id: string, updates: Partial<User>): Promise<User>
}

/** The seed's `UsersPG` domain object (`storage.users`). */
export declare class UsersPG {
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
