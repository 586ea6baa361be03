// Type-checked, never run (`npx tsc --noEmit -p __test__/tsconfig.json`): uses every export of
// index.d.ts and calls every method with correctly typed arguments, so the generated
// declarations are proven to match the contract. `@ts-expect-error` lines prove they are
// precise (a wrong call must NOT compile).
//
// One section per domain. A domain adds its own `async function <domain>Section(...)` below
// the last section, importing what it needs in the import list (keep it sorted).
import pg from 'pg';
import {
  __napiBindingTarget,
  type AdminPgError,
  type AdminPgLogger,
  type AdminPgQueryContext,
  type AppliedMigration,
  type AdminPgErrorCode,
  AdminPgDB,
  type Build,
  type BuildLogs,
  type BuildLogsOptions,
  type BuildStatus,
  type BuildTrigger,
  type ClaimOptions,
  type Conditions,
  type ConnectionStringConfig,
  DbClient,
  DEFAULT_INDEXES,
  type DefaultIndexesConst,
  type DeploymentStatus,
  type DeploymentType,
  ErrorCode,
  type ErrorCodeConst,
  type FindOptions,
  type HealthStatus,
  type HostConfig,
  type NewUser,
  type PaginatedResult,
  type PaginationParams,
  type PoolInstanceConfig,
  type PoolStats,
  type PgPoolLike,
  type PostgresAdminBaseConfig,
  PostgresAdminStorage,
  type PostgresAdminStorageConfig,
  type ReadReplicaConfig,
  type ReplicaStats,
  type ReclaimOptions,
  type ReclaimResult,
  type RouteStatus,
  type SslOptions,
  type StorageStats,
  TABLE_SCHEMAS,
  type TableName,
  TABLES,
  type TableSchemasConst,
  type TablesConst,
  type TeamRole,
  type User,
  UsersPG,
  type WaitForBuildOptions,
} from '../index.js';
import { AdminPgNativeInstrumentation } from '../otel.js';
import { BUCKETS_MS, collectStorageMetrics } from '../prometheus.js';

/** Compile-time equality of two types. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_proof?: T): void {}

// ---------------------------------------------------------------------------------------
// Constants and error codes
// ---------------------------------------------------------------------------------------
export function constantsSection(): void {
  const users: 'admin_users' = TABLES.users;
  const tables: TablesConst = TABLES;
  const name: TableName = TABLES.role_assignments;
  const schemas: TableSchemasConst = TABLE_SCHEMAS;
  const ddl: string = TABLE_SCHEMAS[name];
  const indexes: DefaultIndexesConst = DEFAULT_INDEXES;
  const first: { table: TableName; columns: readonly string[]; unique?: boolean } = DEFAULT_INDEXES[0];
  const codes: ErrorCodeConst = ErrorCode;
  const closed: 'ERR_ADMIN_PG_CLOSED' = ErrorCode.CLOSED;
  const full: 'ERR_ADMIN_PG_NOT_FOUND' = ErrorCode.ERR_ADMIN_PG_NOT_FOUND;
  const code: AdminPgErrorCode = ErrorCode.QUERY;
  const target: 'native' | 'wasm32-wasi' | 'wasm32-wasip1' = __napiBindingTarget;
  assertType<Equals<TableName, (typeof TABLES)[keyof typeof TABLES]>>();
  // @ts-expect-error TABLES is readonly
  TABLES.users = 'x';
  // @ts-expect-error not a table
  const notATable: TableName = 'users';
  // @ts-expect-error not a code
  const notACode: AdminPgErrorCode = 'ERR_SOMETHING';
  void [users, tables, schemas, ddl, indexes, first, codes, closed, full, code, target, notATable, notACode];
}

/** What a rejected call carries. */
export function errorSection(e: unknown): string | undefined {
  const err = e as AdminPgError;
  const code: AdminPgErrorCode = err.code;
  const details: (string | undefined)[] = [err.pgCode, err.constraint, err.table, err.column, err.detail];
  void details;
  return code === ErrorCode.UNIQUE_VIOLATION ? err.message : undefined;
}

// ---------------------------------------------------------------------------------------
// Config and storage lifecycle
// ---------------------------------------------------------------------------------------
export async function storageSection(): Promise<void> {
  const base: PostgresAdminBaseConfig = {
    id: 'admin',
    schemaName: 'mastra_admin',
    disableInit: false,
    skipDefaultIndexes: false,
    max: 20,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    statementTimeoutMillis: 10_000,
    applicationName: 'app',
    pgbouncer: false,
  };
  const ssl: SslOptions = { rejectUnauthorized: true, ca: 'pem', cert: Buffer.from('pem'), key: 'pem' };
  const byUrl: ConnectionStringConfig = { ...base, connectionString: 'postgres://localhost/db', ssl: true };
  const byHost: HostConfig = { host: 'localhost', port: 5432, database: 'db', user: 'u', password: 'p', ssl };
  const minimalHost: HostConfig = { host: 'localhost', database: 'db' };
  const pool = new pg.Pool();
  const byPool: PoolInstanceConfig = { pool, schemaName: 'x', pgbouncer: true };
  const configs: PostgresAdminStorageConfig[] = [byUrl, byHost, minimalHost, byPool];

  const storage = new PostgresAdminStorage(configs[0]);
  const kind: 'postgres' = storage.type;
  const schema: string = storage.schemaName;
  const raw: PgPoolLike | null = storage.rawPool;
  const rawSql: unknown = raw?.query("select 1");
  const count: number = storage.statementCount;
  const init: void = await storage.init();
  const status: { applied: number[]; pending: number[] } = await storage.migrationStatus();
  const db: DbClient = storage.db;
  const adminDb: AdminPgDB = storage.adminDb;
  const users: UsersPG = storage.users;
  const closed: void = await storage.close();
  void [kind, schema, raw, count, init, status, db, adminDb, users, closed];

  // @ts-expect-error a config needs a connection variant
  new PostgresAdminStorage({ schemaName: 'x' });
  // @ts-expect-error port is a number
  new PostgresAdminStorage({ host: 'h', database: 'd', port: '5432' });
  // @ts-expect-error the pool must be a pg.Pool
  new PostgresAdminStorage({ pool: {} });
}

// ---------------------------------------------------------------------------------------
// Raw SQL: DbClient
// ---------------------------------------------------------------------------------------
export async function dbClientSection(db: DbClient): Promise<void> {
  const none: null = await db.none('update t set x = $1', [1]);
  const one: { n: number } = await db.one<{ n: number }>('select $1::int + 1 as n', [41]);
  const anyRow: Record<string, any> = await db.one('select 1');
  const maybe: { n: number } | null = await db.oneOrNone<{ n: number }>('select 1 as n');
  const all: { n: number }[] = await db.any<{ n: number }>('select 1 as n');
  const allOrNone: Record<string, any>[] = await db.manyOrNone('select 1');
  const many: { n: number }[] = await db.many<{ n: number }>('select 1 as n', []);
  const result: { rows: { n: number }[]; rowCount: number; command: string } = await db.query<{ n: number }>('select 1 as n');
  const txValue: number = await db.tx(async (t: DbClient) => {
    const [a, b] = await t.batch([t.one<{ n: number }>('select 1 as n'), t.one<{ n: number }>('select 2 as n')]);
    return a.n + b.n;
  });
  const syncTx: string = await db.tx(() => 'plain value');
  const batched: number[] = await db.batch([Promise.resolve(1), Promise.resolve(2)]);
  const pinged: void = await db.ping();
  void [none, one, anyRow, maybe, all, allOrNone, many, result, txValue, syncTx, batched, pinged];
  // @ts-expect-error the query is a string
  await db.one(42);
  // @ts-expect-error values are an array
  await db.one('select $1', 'x');
}

// ---------------------------------------------------------------------------------------
// AdminPgDB
// ---------------------------------------------------------------------------------------
interface TeamRow {
  name: string;
  slug: string;
}

export async function adminPgDbSection(storage: PostgresAdminStorage): Promise<void> {
  const db = new AdminPgDB({ client: storage.db });
  const same = new AdminPgDB({ client: storage.db, schemaName: storage.schemaName, skipDefaultIndexes: true });
  const schema: string = db.schemaName;
  const client: DbClient = same.db;
  const inserted: TeamRow & { id: string } = await db.insert<TeamRow>(TABLES.teams, { name: 'T', slug: 't' });
  const loose: Record<string, any> & { id: string } = await db.insert('admin_users', { email: 'a@b.co' });
  const batch: (TeamRow & { id: string })[] = await db.batchInsert<TeamRow>('admin_teams', [{ name: 'A', slug: 'a' }]);
  const updated: (TeamRow & { id: string }) | null = await db.update<TeamRow>('admin_teams', inserted.id, { name: 'U' });
  const deleted: boolean = await db.delete('admin_teams', inserted.id);
  const found: (TeamRow & { id: string }) | null = await db.findById<TeamRow>('admin_teams', inserted.id);
  const conditions: Conditions = {
    name: 'T',
    slug: ['a', 'b'],
    settings: null,
    createdAt: { gte: new Date(), lte: new Date(), gt: new Date(), lt: new Date(), ne: new Date() },
    id: { like: '%', ilike: '%' },
  };
  const options: FindOptions = { orderBy: 'created_at DESC', limit: 10, offset: 0 };
  const list: (TeamRow & { id: string })[] = await db.findBy<TeamRow>('admin_teams', conditions, options);
  const noOptions: Record<string, any>[] = await db.findBy('admin_teams', {});
  const oneBy: (TeamRow & { id: string }) | null = await db.findOneBy<TeamRow>('admin_teams', { slug: 'a' });
  const counted: number = await db.count('admin_teams');
  const countedBy: number = await db.count('admin_teams', { slug: { like: 'a%' } });
  const rows: { teamName: string }[] = await db.query<{ teamName: string }>('select name as team_name from x where id = $1', ['1']);
  const txResult: number = await db.transaction(async (tx: AdminPgDB) => tx.count('admin_users'));
  void [schema, client, loose, batch, updated, deleted, found, list, noOptions, oneBy, counted, countedBy, rows, txResult];
  // @ts-expect-error tables only from TABLES
  await db.findBy('users', {});
  // @ts-expect-error the client must be a DbClient
  new AdminPgDB({ client: {} });
}

// ---------------------------------------------------------------------------------------
// Entity and list types shared by the domains
// ---------------------------------------------------------------------------------------
export function sharedTypesSection(): void {
  const params: PaginationParams = { page: 1, perPage: 20 };
  const page: PaginatedResult<User> = { data: [], total: 0, page: 1, perPage: 20, hasMore: false };
  const role: TeamRole = 'developer';
  const deploymentType: DeploymentType = 'preview';
  const deploymentStatus: DeploymentStatus = 'running';
  const buildStatus: BuildStatus = 'succeeded';
  const trigger: BuildTrigger = 'webhook';
  const health: HealthStatus = 'healthy';
  const route: RouteStatus = 'active';
  // @ts-expect-error not a team role
  const badRole: TeamRole = 'member';
  void [params, page, role, deploymentType, deploymentStatus, buildStatus, trigger, health, route, badRole];
}

// ---------------------------------------------------------------------------------------
// Users: flat AdminStorage methods and the UsersPG domain object
// ---------------------------------------------------------------------------------------
export async function usersSection(storage: PostgresAdminStorage): Promise<void> {
  const newUser: NewUser = { id: crypto.randomUUID(), email: 'a@b.co', name: 'A', avatarUrl: null };
  const minimal: NewUser = { email: 'b@b.co' };
  const full: NewUser = { email: 'c@b.co', externalId: 'ext', metadata: { a: 1 }, createdAt: new Date() };
  const created: User = await storage.createUser(newUser);
  const byId: User | null = await storage.getUser(created.id);
  const byEmail: User | null = await storage.getUserByEmail('A@B.CO');
  const updated: User = await storage.updateUser(created.id, { name: 'B', avatarUrl: null });
  const spread: User = await storage.updateUser(created.id, { ...created, name: 'C' });
  const createdAt: Date = updated.createdAt;
  const nullableName: string | null = updated.name;

  const users: UsersPG = storage.users;
  const d1: User = await users.createUser(minimal);
  const d2: User | null = await users.getUserById(d1.id);
  const d3: User | null = await users.getUserByEmail(d1.email);
  const d4: User | null = await users.getUserByExternalId('ext');
  const d5: User | null = await users.updateUser(d1.id, { metadata: { plan: 'pro' } });
  const d6: boolean = await users.deleteUser(d1.id);
  const d7: User[] = await users.listUsers();
  const d8: User[] = await users.listUsers({ limit: 10, offset: 20 });
  void [full, byId, byEmail, spread, createdAt, nullableName, d2, d3, d4, d5, d6, d7, d8];

  // @ts-expect-error email is required
  await storage.createUser({ name: 'no email' });
  // @ts-expect-error the id is a string
  await storage.getUser(42);
  // @ts-expect-error flat updateUser resolves a User, never null
  const never: null = await storage.updateUser(created.id, {});
  void never;
}

// ---------------------------------------------------------------------------------------
// Build queue: push-based waits and leases
// ---------------------------------------------------------------------------------------
export async function buildQueueSection(storage: PostgresAdminStorage): Promise<void> {
  const builds = storage.builds;
  const claim: ClaimOptions = { workerId: 'w1', leaseMs: 60_000 };
  const ac = new AbortController();
  const wait: WaitForBuildOptions = { ...claim, timeoutMs: 1000, signal: ac.signal, pollIntervalMs: 500 };
  const w1: Build | null = await builds.waitForBuild(wait);
  const w2: Build | null = await builds.waitForBuild();
  const d1: Build | null = await builds.dequeue();
  const d2: Build | null = await builds.dequeue(claim);
  const d3: Build[] = await builds.dequeueBatch(5, { workerId: 'w2' });
  const hb: Build | null = await builds.heartbeatBuild('id', 'w1', 30_000);
  const opts: ReclaimOptions = { maxAttempts: 5 };
  const r1: ReclaimResult = await builds.reclaimStaleBuilds(opts);
  const r2: ReclaimResult = await builds.reclaimStaleBuilds();
  const leased: [string | null, Date | null, number] = [d1!.lockedBy, d1!.leaseExpiresAt, d1!.attempts];
  void [w1, w2, d2, d3, hb, r1, r2, leased];
  // @ts-expect-error the worker id is a string
  await builds.dequeue({ workerId: 7 });
  // @ts-expect-error heartbeatBuild needs the worker and the extension
  await builds.heartbeatBuild('id');
  // @ts-expect-error the counts are numbers
  const bad: { requeued: string } = await builds.reclaimStaleBuilds();
  void bad;
}

// ---------------------------------------------------------------------------------------
// Read replicas (scaling out)
// ---------------------------------------------------------------------------------------
export async function replicasSection(): Promise<void> {
  const replicas: ReadReplicaConfig[] = [
    { connectionString: 'postgres://replica1/db' },
    { host: 'replica2', port: 5432, database: 'db', user: 'u', password: 'p', ssl: true, max: 5 },
  ];
  const storage = new PostgresAdminStorage({
    connectionString: 'postgres://primary/db',
    readReplicas: replicas,
    readYourWrites: false,
    maxReplicaLagMs: 5_000,
  });
  const primary: PostgresAdminStorage = storage.primary;
  const fresh: User | null = await storage.primary.getUser('id');
  const stats: ReplicaStats = storage.replicaStats;
  const share: number = stats.replicaReads / (stats.replicaReads + stats.primaryReads);
  const lag: number | null = stats.replicas[0].lagMs;
  void [primary, fresh, share, lag, stats.fallbacks];

  // @ts-expect-error a replica needs a connection string or a host
  new PostgresAdminStorage({ connectionString: 'postgres://p/db', readReplicas: [{ port: 5432 }] });
  // @ts-expect-error readYourWrites is a boolean
  new PostgresAdminStorage({ connectionString: 'postgres://p/db', readYourWrites: 'yes' });
}

// ---------------------------------------------------------------------------------------
// Observability (issue #12): stats(), poolStats, migrate(), options, the subpath exports
// ---------------------------------------------------------------------------------------
export async function observabilitySection(): Promise<void> {
  const logger: AdminPgLogger = console;
  const storage = new PostgresAdminStorage({ connectionString: 'postgres://p/db', slowQueryMillis: 200, logger });
  const st: StorageStats = await storage.stats();
  const pool: PoolStats = storage.poolStats;
  const waiting: number = st.pool.waiting + pool.inUse;
  const p99: number | undefined = st.calls['PostgresAdminStorage.getUser']?.p99;
  const oldest: number | null | undefined = st.queue?.oldestQueuedMs;
  const applied: AppliedMigration[] = await storage.migrate();
  const took: number = applied[0].durationMs;
  const usable: boolean = storage.replicaUsable;
  const onEnd = (ctx: AdminPgQueryContext) => [ctx.method, ctx.table, ctx.operation, ctx.rows, ctx.sqlstate, ctx.target, ctx.error?.code];
  void [waiting, p99, oldest, took, usable, onEnd];
  const otel = new AdminPgNativeInstrumentation({ statementText: false, enabled: true });
  otel.disable();
  const name: 'admin-pg-native' = otel.instrumentationName;
  const collector = collectStorageMetrics(storage, { registry: { registerMetric() {}, removeSingleMetric() {} }, labels: { storage: 'main' } });
  collector.unregister();
  const first: number = BUCKETS_MS[0];
  void [name, first];
  // @ts-expect-error slowQueryMillis is a number of milliseconds
  new PostgresAdminStorage({ connectionString: 'postgres://p/db', slowQueryMillis: '200' });
  // @ts-expect-error a logger needs warn
  new PostgresAdminStorage({ connectionString: 'postgres://p/db', logger: { info() {} } });
}

// ---------------------------------------------------------------------------------------
// Build logs: tailing by byte offset
// ---------------------------------------------------------------------------------------
export async function buildLogsSection(storage: PostgresAdminStorage): Promise<void> {
  const builds = storage.builds;
  const all: BuildLogs | null = await builds.getBuildLogs('id');
  const options: BuildLogsOptions = { afterOffset: all?.nextOffset };
  const more: BuildLogs | null = await builds.getBuildLogs('id', options);
  const text: string = more!.logs;
  const next: number = more!.nextOffset;
  void [text, next];
  // @ts-expect-error the offset is a number
  await builds.getBuildLogs('id', { afterOffset: '10' });
  // @ts-expect-error the result may be null (no such build)
  const never: BuildLogs = await builds.getBuildLogs('id');
  void never;
}

// ---------------------------------------------------------------------------------------
// Next domains: append `teamsSection`, `projectsSection`, … here.
// ---------------------------------------------------------------------------------------
