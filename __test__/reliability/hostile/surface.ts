// Every (method, argument position) the hostile corpus is sent through. Domain authors: append
// one entry per string / number / filter / data argument of each new method (and one per field
// of a data or options object worth aiming at), e.g.
//   { name: 'teams.getTeamBySlug(slug)', call: (c, v) => c.storage.teams.getTeamBySlug(v as string) },
// Mark `creates: '<table>'` when a resolved call may insert rows there (one per returned row,
// or per element of a returned array); the suite then checks that exactly those rows appeared.
import { randomUUID } from 'node:crypto';
import type { AdminPgDB as AdminPgDBClass, PostgresAdminStorage } from '../../../index.js';
import { isWellFormedString } from './corpus';

export interface HostileContext {
  /** The storage under attack, in its own schema (rows may be created there). */
  storage: PostgresAdminStorage;
  /** An existing user of that schema. */
  userId: string;
  /** A fresh, valid, unique email. */
  email: () => string;
  /** The database URL (for constructor entries). */
  url: string;
  AdminPgDB: typeof AdminPgDBClass;
  PostgresAdminStorage: typeof PostgresAdminStorage;
}

export interface HostileEntry {
  /** `method(argument)` as a reader would say it. */
  name: string;
  /** Table in which a resolved call may create rows. */
  creates?: string;
  /** A constructor: may also throw synchronously, with ERR_ADMIN_PG_CONFIG. */
  constructs?: boolean;
  /** Runs the method with the hostile value `v` at this position (valid values elsewhere). */
  call(c: HostileContext, v: unknown): unknown;
  /** Optional check of a resolved call's result (throw to report a wrong answer). */
  verify?(c: HostileContext, v: unknown, result: unknown): void | Promise<void>;
}

// Loosely typed handles: the corpus deliberately breaks the declared parameter types.
type Loose = (...args: unknown[]) => Promise<unknown>;
const users = (c: HostileContext) => c.storage.users as unknown as Record<string, Loose>;
const flat = (c: HostileContext) => c.storage as unknown as Record<string, Loose>;
const db = (c: HostileContext) => c.storage.db as unknown as Record<string, Loose>;
const adminDb = (c: HostileContext) => c.storage.adminDb as unknown as Record<string, Loose>;

/** `{ [v]: x }` when `v` is a string (a hostile field name), else `v` itself as the object. */
const keyed = (v: unknown, rest: Record<string, unknown>, x: unknown = 'x') =>
  typeof v === 'string' ? { ...rest, [v]: x } : v;

/**
 * Runs `fn(t)` inside a transaction that is always rolled back, and settles like `fn(t)` did:
 * for raw SQL text, which may do anything the caller may do.
 */
export function rolledBack(storage: PostgresAdminStorage, fn: (t: Record<string, Loose>) => unknown): Promise<unknown> {
  let inner: { ok: boolean; value: unknown } | undefined;
  const ROLLBACK = new Error('rollback');
  return storage.db
    .tx(async (t) => {
      try {
        inner = { ok: true, value: await fn(t as unknown as Record<string, Loose>) };
      } catch (e) {
        inner = { ok: false, value: e };
      }
      throw ROLLBACK;
    })
    .then(
      () => Promise.reject(new Error('transaction committed')),
      (e) => {
        if (e !== ROLLBACK || !inner) return Promise.reject(e);
        return inner.ok ? inner.value : Promise.reject(inner.value);
      },
    );
}

/** A resolved create stored a well-formed string exactly (read back from the database). */
const storesName = async (c: HostileContext, v: unknown, result: unknown) => {
  if (!isWellFormedString(v)) return;
  const rows = Array.isArray(result) ? result : [result];
  const row = rows[0] as { id: string; name: unknown };
  if (row.name !== v) throw new Error(`returned name differs from the one sent (${String(row.name).length} chars)`);
  const stored = await c.storage.getUser(row.id);
  if (stored?.name !== v) throw new Error('stored name differs from the one sent');
};

const CAST_TYPES = ['text', 'int4', 'int8', 'float8', 'numeric', 'bool', 'json', 'jsonb', 'uuid', 'timestamptz', 'date', 'bytea', 'text[]', 'int4[]'];

export const HOSTILE_SURFACE: HostileEntry[] = [
  // ---- users: domain object (storage.users / UsersPG) ----
  { name: 'users.createUser(data)', creates: 'admin_users', call: (c, v) => users(c).createUser(v) },
  { name: 'users.createUser(data.email)', creates: 'admin_users', call: (c, v) => users(c).createUser({ email: v }) },
  { name: 'users.createUser(data.name)', creates: 'admin_users', call: (c, v) => users(c).createUser({ email: c.email(), name: v }), verify: storesName },
  { name: 'users.createUser(data.id)', creates: 'admin_users', call: (c, v) => users(c).createUser({ id: v, email: c.email() }) },
  { name: 'users.createUser(data.metadata)', creates: 'admin_users', call: (c, v) => users(c).createUser({ email: c.email(), metadata: v }) },
  { name: 'users.createUser(data.externalId)', creates: 'admin_users', call: (c, v) => users(c).createUser({ email: c.email(), externalId: v }) },
  { name: 'users.createUser(data[key])', creates: 'admin_users', call: (c, v) => users(c).createUser(keyed(v, { email: c.email() })) },
  { name: 'users.getUserById(id)', call: (c, v) => users(c).getUserById(v) },
  { name: 'users.getUserByEmail(email)', call: (c, v) => users(c).getUserByEmail(v) },
  { name: 'users.getUserByExternalId(externalId)', call: (c, v) => users(c).getUserByExternalId(v) },
  { name: 'users.updateUser(id)', call: (c, v) => users(c).updateUser(v, { name: 'x' }) },
  { name: 'users.updateUser(data)', call: (c, v) => users(c).updateUser(c.userId, v) },
  { name: 'users.updateUser(data.name)', call: (c, v) => users(c).updateUser(c.userId, { name: v }) },
  { name: 'users.updateUser(data.metadata)', call: (c, v) => users(c).updateUser(c.userId, { metadata: v }) },
  { name: 'users.updateUser(data.email)', call: (c, v) => users(c).updateUser(c.userId, { email: v }) },
  { name: 'users.updateUser(data[key])', call: (c, v) => users(c).updateUser(c.userId, keyed(v, {})) },
  { name: 'users.deleteUser(id)', call: (c, v) => users(c).deleteUser(v) },
  { name: 'users.listUsers(options)', call: (c, v) => users(c).listUsers(v) },
  { name: 'users.listUsers(options.limit)', call: (c, v) => users(c).listUsers({ limit: v }) },
  { name: 'users.listUsers(options.offset)', call: (c, v) => users(c).listUsers({ limit: 1, offset: v }) },

  // ---- users: flat AdminStorage face ----
  { name: 'getUser(id)', call: (c, v) => flat(c).getUser(v) },
  { name: 'getUserByEmail(email)', call: (c, v) => flat(c).getUserByEmail(v) },
  { name: 'createUser(user)', creates: 'admin_users', call: (c, v) => flat(c).createUser(v) },
  { name: 'createUser(user.avatarUrl)', creates: 'admin_users', call: (c, v) => flat(c).createUser({ id: randomUUID(), email: c.email(), avatarUrl: v }) },
  { name: 'updateUser(id)', call: (c, v) => flat(c).updateUser(v, { name: 'x' }) },
  { name: 'updateUser(updates)', call: (c, v) => flat(c).updateUser(c.userId, v) },
  { name: 'updateUser(updates.avatarUrl)', call: (c, v) => flat(c).updateUser(c.userId, { avatarUrl: v }) },

  // ---- DbClient (storage.db): values bound like node-postgres ----
  { name: 'db.one(sql, values)', call: (c, v) => db(c).one('select $1::text as v', v) },
  { name: 'db.any(sql, [untyped])', call: (c, v) => db(c).any('select $1 as v', [v]) },
  ...CAST_TYPES.map((type) => ({
    name: `db.oneOrNone(sql, [::${type}])`,
    call: (c: HostileContext, v: unknown) => db(c).oneOrNone(`select $1::${type} as v`, [v]),
  })),
  { name: 'db.query(sql, [$1, $2])', call: (c, v) => db(c).query('select $1::text as a, $2::jsonb as b', [v, v]) },
  { name: 'db.manyOrNone(sql, values) with a LIKE', call: (c, v) => db(c).manyOrNone('select 1 as x where $1::text like $1::text', [v]) },
  { name: 'db.many(sql, values) with a comparison', call: (c, v) => db(c).many('select 1 as x where $1::text is distinct from $2', [v, v]) },
  { name: 'db.none(sql, [value]) inserting', call: (c, v) => rolledBack(c.storage, (t) => t.none(`insert into ${c.storage.schemaName}.admin_users (email, name) values ($1, $2)`, [c.email(), v])) },
  { name: 'db.query(sql)', call: (c, v) => rolledBack(c.storage, (t) => t.query(v)) },
  { name: 'db.any(sql, [])', call: (c, v) => rolledBack(c.storage, (t) => t.any(v, [])) },
  { name: 'db.batch(promises)', call: (c, v) => db(c).batch(v) },

  // ---- AdminPgDB (storage.adminDb / new AdminPgDB({ client })) ----
  { name: 'adminDb.insert(table)', creates: 'admin_users', call: (c, v) => adminDb(c).insert(v, { email: c.email() }) },
  { name: 'adminDb.insert(data)', creates: 'admin_users', call: (c, v) => adminDb(c).insert('admin_users', v) },
  { name: 'adminDb.insert(data.name)', creates: 'admin_users', call: (c, v) => adminDb(c).insert('admin_users', { email: c.email(), name: v }), verify: storesName },
  { name: 'adminDb.insert(data.metadata)', creates: 'admin_users', call: (c, v) => adminDb(c).insert('admin_users', { email: c.email(), metadata: v }) },
  { name: 'adminDb.insert(data.createdAt)', creates: 'admin_users', call: (c, v) => adminDb(c).insert('admin_users', { email: c.email(), createdAt: v }) },
  { name: 'adminDb.insert(data[key])', creates: 'admin_users', call: (c, v) => adminDb(c).insert('admin_users', keyed(v, { email: c.email() })) },
  { name: 'adminDb.batchInsert(table)', creates: 'admin_users', call: (c, v) => adminDb(c).batchInsert(v, [{ email: c.email() }]) },
  { name: 'adminDb.batchInsert(records)', creates: 'admin_users', call: (c, v) => adminDb(c).batchInsert('admin_users', v) },
  { name: 'adminDb.batchInsert(records[0])', creates: 'admin_users', call: (c, v) => adminDb(c).batchInsert('admin_users', [v]) },
  { name: 'adminDb.batchInsert(records[i].name)', creates: 'admin_users', call: (c, v) => adminDb(c).batchInsert('admin_users', [{ email: c.email(), name: v }, { email: c.email(), name: 'plain' }]), verify: storesName },
  { name: 'adminDb.batchInsert(records[i].metadata), uneven records', creates: 'admin_users', call: (c, v) => adminDb(c).batchInsert('admin_users', [{ email: c.email(), metadata: v }, { email: c.email() }]) },
  { name: 'adminDb.update(table)', call: (c, v) => adminDb(c).update(v, c.userId, { name: 'x' }) },
  { name: 'adminDb.update(id)', call: (c, v) => adminDb(c).update('admin_users', v, { name: 'x' }) },
  { name: 'adminDb.update(data)', call: (c, v) => adminDb(c).update('admin_users', c.userId, v) },
  { name: 'adminDb.update(data.name)', call: (c, v) => adminDb(c).update('admin_users', c.userId, { name: v }) },
  { name: 'adminDb.delete(table)', call: (c, v) => adminDb(c).delete(v, randomUUID()) },
  { name: 'adminDb.delete(id)', call: (c, v) => adminDb(c).delete('admin_users', v) },
  { name: 'adminDb.findById(table)', call: (c, v) => adminDb(c).findById(v, c.userId) },
  { name: 'adminDb.findById(id)', call: (c, v) => adminDb(c).findById('admin_users', v) },
  { name: 'adminDb.findBy(table)', call: (c, v) => adminDb(c).findBy(v, {}, { limit: 1 }) },
  { name: 'adminDb.findBy(conditions)', call: (c, v) => adminDb(c).findBy('admin_users', v, { limit: 3 }) },
  { name: 'adminDb.findBy(conditions.email)', call: (c, v) => adminDb(c).findBy('admin_users', { email: v }) },
  { name: 'adminDb.findBy(conditions.id)', call: (c, v) => adminDb(c).findBy('admin_users', { id: v }) },
  { name: 'adminDb.findBy(conditions.createdAt)', call: (c, v) => adminDb(c).findBy('admin_users', { createdAt: v }) },
  { name: 'adminDb.findBy(conditions.metadata)', call: (c, v) => adminDb(c).findBy('admin_users', { metadata: v }) },
  { name: 'adminDb.findBy(conditions[key])', call: (c, v) => adminDb(c).findBy('admin_users', keyed(v, {}, 1)) },
  { name: 'adminDb.findBy(conditions.email.like)', call: (c, v) => adminDb(c).findBy('admin_users', { email: { like: v } }, { limit: 3 }) },
  { name: 'adminDb.findBy(conditions.name.ilike)', call: (c, v) => adminDb(c).findBy('admin_users', { name: { ilike: v } }, { limit: 3 }) },
  { name: 'adminDb.findBy(conditions.createdAt.gte)', call: (c, v) => adminDb(c).findBy('admin_users', { createdAt: { gte: v } }, { limit: 3 }) },
  { name: 'adminDb.findBy(conditions.id.ne)', call: (c, v) => adminDb(c).findBy('admin_users', { id: { ne: v } }, { limit: 3 }) },
  { name: 'adminDb.findBy(conditions.email[operator])', call: (c, v) => adminDb(c).findBy('admin_users', { email: keyed(v, {}) }) },
  { name: 'adminDb.findBy(conditions.email in [v])', call: (c, v) => adminDb(c).findBy('admin_users', { email: [v, 'x@y.co'] }) },
  { name: 'adminDb.findBy(options)', call: (c, v) => adminDb(c).findBy('admin_users', { id: c.userId }, v) },
  { name: 'adminDb.findBy(options.orderBy)', call: (c, v) => adminDb(c).findBy('admin_users', {}, { orderBy: v, limit: 3 }) },
  { name: 'adminDb.findBy(options.limit)', call: (c, v) => adminDb(c).findBy('admin_users', { id: c.userId }, { limit: v }) },
  { name: 'adminDb.findBy(options.offset)', call: (c, v) => adminDb(c).findBy('admin_users', {}, { limit: 1, offset: v }) },
  { name: 'adminDb.findOneBy(table)', call: (c, v) => adminDb(c).findOneBy(v, { id: c.userId }) },
  { name: 'adminDb.findOneBy(conditions)', call: (c, v) => adminDb(c).findOneBy('admin_users', v) },
  { name: 'adminDb.findOneBy(conditions.email)', call: (c, v) => adminDb(c).findOneBy('admin_users', { email: v }) },
  { name: 'adminDb.count(table)', call: (c, v) => adminDb(c).count(v) },
  { name: 'adminDb.count(conditions)', call: (c, v) => adminDb(c).count('admin_users', v) },
  { name: 'adminDb.count(conditions.name)', call: (c, v) => adminDb(c).count('admin_users', { name: v }) },
  { name: 'adminDb.query(sql)', call: (c, v) => rolledBack(c.storage, (t) => new c.AdminPgDB({ client: t as never }).query(v as never)) },
  { name: 'adminDb.query(values)', call: (c, v) => adminDb(c).query('select $1::text as v', v) },
  { name: 'adminDb.query(values[0])', call: (c, v) => adminDb(c).query('select $1 as the_value', [v]) },
  {
    name: 'new AdminPgDB({ client }).findBy(conditions) inside transaction(cb)',
    call: (c, v) =>
      rolledBack(c.storage, (t) => new c.AdminPgDB({ client: t as never }).findBy('admin_users' as never, v as never)),
  },

  // ---- constructors: may throw synchronously, but only with ERR_ADMIN_PG_CONFIG ----
  { name: 'new AdminPgDB(config)', constructs: true, call: (c, v) => new c.AdminPgDB(v as never) },
  { name: 'new AdminPgDB(config.client)', constructs: true, call: (c, v) => new c.AdminPgDB({ client: v as never }) },
  { name: 'new AdminPgDB(config.schemaName)', constructs: true, call: (c, v) => new c.AdminPgDB({ client: c.storage.db, schemaName: v as never }) },
  { name: 'new PostgresAdminStorage(config)', constructs: true, call: (c, v) => new c.PostgresAdminStorage(v as never) },
  ...(['connectionString', 'schemaName', 'max', 'idleTimeoutMillis', 'connectionTimeoutMillis', 'statementTimeoutMillis', 'applicationName', 'ssl', 'disableInit'] as const).map((field) => ({
    name: `new PostgresAdminStorage(config.${field})`,
    constructs: true,
    call: (c: HostileContext, v: unknown) => new c.PostgresAdminStorage({ connectionString: c.url, [field]: v } as never),
  })),
  ...(['host', 'port', 'database', 'user', 'password'] as const).map((field) => ({
    name: `new PostgresAdminStorage(config.${field})`,
    constructs: true,
    call: (c: HostileContext, v: unknown) =>
      new c.PostgresAdminStorage({ host: '127.0.0.1', port: 5432, database: 'test', user: 'u', [field]: v } as never),
  })),
];
