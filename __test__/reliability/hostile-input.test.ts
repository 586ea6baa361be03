// Item 7: the hostile-input corpus (hostile/corpus.ts) through every (method, argument) of
// hostile/surface.ts. Each call gives a result or a rejected Promise whose error has an
// ERR_ADMIN_PG_* code: never a synchronous throw (constructors excepted: ERR_ADMIN_PG_CONFIG),
// never a hang, never a crash. Afterwards the schema is unchanged and holds exactly the rows
// the resolved creating calls made; a second schema and `public` are untouched.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage } from '../../index.js';
import { cleanupStorages, createStorage, databaseUrl, pgClient } from '../helpers';
import { hostileInputs } from './hostile/corpus';
import { type Fixtures, HOSTILE_SURFACE, type HostileContext, type HostileEntry } from './hostile/surface';
import { addon, codeOf, figure, settle } from './support';

const CALL_LIMIT_MS = 30_000;
const CONCURRENCY = 8;

interface Snapshot {
  structure: string[];
  counts: Record<string, number>;
  digest: Record<string, string>;
}

/** Tables, columns, indexes, constraints, triggers; row counts and a digest of every table. */
async function snapshot(schema: string): Promise<Snapshot> {
  const client = await pgClient();
  try {
    const structure = (
      await client.query(
        `select 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as s
           from information_schema.columns where table_schema = $1
         union all select 'index ' || indexname || ' ' || indexdef from pg_indexes where schemaname = $1
         union all select 'constraint ' || conname || ' ' || pg_get_constraintdef(c.oid)
           from pg_constraint c join pg_namespace n on n.oid = c.connamespace where n.nspname = $1
         union all select 'trigger ' || tgname from pg_trigger t join pg_class r on r.oid = t.tgrelid
           join pg_namespace n on n.oid = r.relnamespace where n.nspname = $1 and not tgisinternal
         order by 1`,
        [schema],
      )
    ).rows.map((r) => r.s as string);
    const tables = (
      await client.query(`select table_name from information_schema.tables where table_schema = $1 order by 1`, [schema])
    ).rows.map((r) => r.table_name as string);
    const counts: Record<string, number> = {};
    const digest: Record<string, string> = {};
    for (const t of tables) {
      const q = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(t)}`;
      const { rows } = await client.query(`select count(*)::int as n, md5(coalesce(string_agg(x::text, ',' order by x::text), '')) as d from ${q} x`);
      counts[t] = rows[0].n;
      digest[t] = rows[0].d;
    }
    return { structure, counts, digest };
  } finally {
    await client.end();
  }
}

/** Row count of every table of a schema (one round trip). */
async function counts(schema: string): Promise<Record<string, number>> {
  const client = await pgClient();
  try {
    const tables = (
      await client.query(`select table_name from information_schema.tables where table_schema = $1 order by 1`, [schema])
    ).rows.map((r) => r.table_name as string);
    const { rows } = await client.query(
      tables
        .map((t) => `select ${client.escapeLiteral(t)} as t, count(*)::int as n from ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(t)}`)
        .join(' union all '),
    );
    return Object.fromEntries(rows.map((r) => [r.t, r.n]));
  } finally {
    await client.end();
  }
}

async function publicTables(): Promise<string[]> {
  const client = await pgClient();
  try {
    return (await client.query(`select table_name from information_schema.tables where table_schema = 'public' order by 1`)).rows.map((r) => r.table_name);
  } finally {
    await client.end();
  }
}

/** A short, safe description of anything thrown (the corpus makes values that throw on String()). */
function describeThrown(e: unknown): string {
  try {
    const msg = e instanceof Error ? `${e.constructor.name}: ${e.message}` : typeof e === 'symbol' ? e.toString() : String(e);
    return `${msg.slice(0, 160)}${codeOf(e) ? ` [code ${codeOf(e)}]` : ''}`;
  } catch {
    return '<unprintable>';
  }
}

function rowsIn(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  return result && typeof result === 'object' ? 1 : 0;
}

let target: PostgresAdminStorage;
let queue: PostgresAdminStorage;
/** [table, id, row as JSON] of every fixture row: put back after each entry. */
let fixtureRows: [string, string, unknown][] = [];
let sentinel: PostgresAdminStorage;
let ctx: HostileContext;
let before: Snapshot;
let sentinelBefore: Snapshot;
let publicBefore: string[];
const created: Record<string, number> = {};
const violations: string[] = [];
const outcomes: Record<string, number> = {};
let calls = 0;

beforeAll(async () => {
  const { AdminPgDB, PostgresAdminStorage } = addon();
  target = createStorage({ max: 10, statementTimeoutMillis: 15_000 });
  await target.init();
  const user = await target.createUser({ id: randomUUID(), email: 'seed@hostile.test', name: 'seed' });
  const f = await fixtures(target, user.id);
  // The queue storage: one deployment with a pool of queued builds for waitForBuild and
  // dequeueNextBuild (each entry claims at most one per input).
  queue = createStorage({ max: 4 });
  await queue.init();
  const q = await fixtures(queue, (await queue.createUser({ email: 'q@hostile.test' } as never)).id);
  const pool = Array.from({ length: 1800 }, () => ({ deploymentId: q.deploymentId, trigger: 'manual', triggeredBy: 'pool', status: 'queued' }));
  await queue.adminDb.batchInsert('admin_builds', pool);
  sentinel = createStorage();
  await sentinel.init();
  for (let i = 0; i < 3; i++) await sentinel.createUser({ email: `sentinel${i}@hostile.test`, name: `s${i}`, metadata: { i } } as never);
  let n = 0;
  ctx = {
    storage: target,
    userId: user.id,
    email: () => `h${++n}.${randomUUID().slice(0, 8)}@hostile.test`,
    url: databaseUrl(),
    AdminPgDB,
    PostgresAdminStorage,
    classes: addon() as unknown as HostileContext['classes'],
    f,
    queue,
    queueProjectId: q.projectId,
    uniq: () => `${++n}-${randomUUID().slice(0, 8)}`,
  };
  fixtureRows = await fixtureSnapshot(target.schemaName, f);
  before = await snapshot(target.schemaName);
  sentinelBefore = await snapshot(sentinel.schemaName);
  publicBefore = await publicTables();
}, 120_000);

afterAll(cleanupStorages);

/** One row of every kind the newer domains' entries aim at, made through the storage. */
async function fixtures(s: PostgresAdminStorage, userId: string): Promise<Fixtures> {
  const team = await s.createTeam({ name: 'fixture', slug: 'fixture-team' });
  await s.addTeamMember({ teamId: team.id, userId, role: 'owner' });
  const project = await s.createProject({
    teamId: team.id, name: 'fixture', slug: 'fixture-project', sourceType: 'local', sourceConfig: {},
    envVars: [{ key: 'FIXTURE_KEY', encryptedValue: 'v' }],
  });
  const deployment = await s.createDeployment({ projectId: project.id, type: 'production', branch: 'main', slug: 'fixture' });
  const build = await s.createBuild({ deploymentId: deployment.id, trigger: 'manual', triggeredBy: userId, status: 'succeeded' });
  const server = await s.createRunningServer({ deploymentId: deployment.id, buildId: build.id, host: '127.0.0.1', port: 3000 });
  const route = await s.routes.createRoute({
    deploymentId: deployment.id, projectId: project.id, subdomain: 'fixture', targetHost: '127.0.0.1', targetPort: 3000,
    publicUrl: 'https://fixture.example.com',
  });
  const role = await s.rbac.createRole({ teamId: team.id, name: 'fixture-role', permissions: ['project:read'] });
  await s.rbac.assignRole({ roleId: role.id, userId, resourceType: 'project', resourceId: project.id });
  const invite = await s.createTeamInvite({ teamId: team.id, email: 'invitee@hostile.test', invitedBy: userId, expiresAt: new Date(Date.now() + 86_400_000) });
  const token = await s.createProjectApiToken({ projectId: project.id, name: 'fixture', tokenPrefix: 'fx', tokenHash: 'fixture-hash', createdBy: userId });
  const installation = await s.teams.createInstallation({ teamId: team.id, provider: 'github', installationId: 'fixture-installation' });
  return {
    teamId: team.id, projectId: project.id, envVarId: project.envVars[0].id, deploymentId: deployment.id, buildId: build.id,
    serverId: server.id, routeId: route.routeId, roleId: role.id, inviteId: invite.id, tokenId: token.id, installationId: installation.id,
  };
}

const FIXTURE_TABLES: [string, keyof Fixtures][] = [
  ['admin_teams', 'teamId'], ['admin_projects', 'projectId'], ['admin_project_env_vars', 'envVarId'],
  ['admin_deployments', 'deploymentId'], ['admin_builds', 'buildId'], ['admin_running_servers', 'serverId'],
  ['admin_routes', 'routeId'], ['admin_roles', 'roleId'], ['admin_team_invites', 'inviteId'],
  ['admin_project_api_tokens', 'tokenId'], ['admin_team_installations', 'installationId'],
];

async function fixtureSnapshot(schema: string, f: Fixtures): Promise<[string, string, unknown][]> {
  const client = await pgClient();
  try {
    const out: [string, string, unknown][] = [];
    for (const [table, key] of FIXTURE_TABLES) {
      const q = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
      const { rows } = await client.query(`select to_jsonb(x) as j from ${q} x where id = $1`, [f[key]]);
      out.push([table, f[key], rows[0].j]);
    }
    return out;
  } finally {
    await client.end();
  }
}

/** Puts every fixture row back as it was (an update may have left 10 MB values on it). */
async function restoreFixtures(schema: string): Promise<void> {
  const client = await pgClient();
  try {
    for (const [table, id, row] of fixtureRows) {
      const q = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(table)}`;
      const cols = Object.keys(row as object).map((k) => client.escapeIdentifier(k)).join(', ');
      await client.query(`update ${q} set (${cols}) = (select ${cols} from jsonb_populate_record(null::${q}, $1::jsonb)) where id = $2`, [row, id]);
    }
  } finally {
    await client.end();
  }
}

async function attack(entry: HostileEntry, label: string, value: unknown): Promise<void> {
  calls += 1;
  const where = `${entry.name} ← ${label}`;
  let returned: unknown;
  try {
    returned = entry.call(ctx, value);
  } catch (e) {
    if (entry.constructs && codeOf(e) === 'ERR_ADMIN_PG_CONFIG' && e instanceof Error) {
      outcomes['sync ERR_ADMIN_PG_CONFIG (constructor)'] = (outcomes['sync ERR_ADMIN_PG_CONFIG (constructor)'] ?? 0) + 1;
    } else {
      violations.push(`${where}: threw synchronously: ${describeThrown(e)}`);
    }
    return;
  }
  if (entry.constructs) {
    outcomes['constructed'] = (outcomes['constructed'] ?? 0) + 1;
    const close = (returned as { close?: () => Promise<void> } | undefined)?.close;
    if (typeof close === 'function') await close.call(returned);
    return;
  }
  if (!(returned instanceof Promise)) {
    violations.push(`${where}: returned ${typeof returned}, not a Promise`);
    return;
  }
  const o = await settle(returned, CALL_LIMIT_MS);
  if (o.status === 'pending') {
    violations.push(`${where}: no answer after ${CALL_LIMIT_MS} ms`);
  } else if (o.status === 'rejected') {
    const code = codeOf(o.error);
    if (!(o.error instanceof Error) || !code?.startsWith('ERR_ADMIN_PG_')) {
      violations.push(`${where}: rejected without an ERR_ADMIN_PG_* code: ${describeThrown(o.error)}`);
    } else {
      outcomes[code] = (outcomes[code] ?? 0) + 1;
    }
  } else {
    outcomes.resolved = (outcomes.resolved ?? 0) + 1;
    for (const table of [entry.creates ?? []].flat()) created[table] = (created[table] ?? 0) + rowsIn(o.value);
    try {
      await entry.verify?.(ctx, value, o.value);
    } catch (e) {
      violations.push(`${where}: wrong answer: ${describeThrown(e)}`);
    }
  }
}

let expectedCounts: Record<string, number>;

async function attackAll(entry: HostileEntry): Promise<string[]> {
  const start = violations.length;
  expectedCounts ??= { ...before.counts };
  const createdBefore = { ...created };
  const inputs = hostileInputs();
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const { label, value } = inputs[next++];
      await attack(entry, label, value);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  // Put the seed user back to small values: an update may have left a 10 MB name on it, which
  // every later list would then carry.
  await target.updateUser(ctx.userId, { name: 'seed', email: 'seed@hostile.test', avatarUrl: null, externalId: null, metadata: {} } as never);
  await restoreFixtures(target.schemaName);
  // Rows appear only through resolved creating calls (a rejected call leaves nothing behind).
  for (const [table, n] of Object.entries(created)) expectedCounts[table] += n - (createdBefore[table] ?? 0);
  const now = await counts(target.schemaName);
  for (const [table, n] of Object.entries(now)) {
    if (n !== expectedCounts[table]) {
      violations.push(`${entry.name}: ${table} has ${n} rows, but the resolved calls account for ${expectedCounts[table]}`);
      expectedCounts[table] = n;
    }
  }
  const mine = violations.slice(start);
  // Keep failure output readable: the first 20, and how many in all.
  return mine.length > 20 ? [...mine.slice(0, 20), `… ${mine.length} violations in all`] : mine;
}

// Reads and updates first, creates last: rows with 10 MB values then do not slow every list.
const ordered = [...HOSTILE_SURFACE.filter((e) => !e.creates), ...HOSTILE_SURFACE.filter((e) => e.creates)];

describe('hostile input', () => {
  it('the corpus has at least 200 inputs and the surface has an entry for every method with arguments: flat methods, every domain object, DbClient, AdminPgDB', () => {
    expect(hostileInputs().length).toBeGreaterThanOrEqual(200);
    const named = new Set(HOSTILE_SURFACE.map((e) => e.name.replace(/\(.*$/, '').replace(/^new /, '')));
    const methods = (proto: object) =>
      Object.getOwnPropertyNames(proto).filter((m) => m !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, m)?.value === 'function');
    const storageProto = Object.getPrototypeOf(target);
    // Domain objects are the storage's getters that return an instance of a `…PG` class.
    const domains = Object.getOwnPropertyNames(storageProto).filter((g) => {
      const get = Object.getOwnPropertyDescriptor(storageProto, g)?.get;
      const v = get?.call(target);
      return v && typeof v === 'object' && /PG$/.test(v.constructor?.name ?? '');
    });
    expect(domains).toContain('users');
    const { AdminPgDB, DbClient } = addon();
    const required = [
      ...methods(storageProto).filter((m) => !['init', 'close', 'migrationStatus'].includes(m)),
      ...domains.flatMap((g) => methods(Object.getPrototypeOf((target as unknown as Record<string, object>)[g])).map((m) => `${g}.${m}`)),
      ...methods(DbClient.prototype).filter((m) => !['tx', 'ping'].includes(m)).map((m) => `db.${m}`),
      ...methods(AdminPgDB.prototype).filter((m) => m !== 'transaction').map((m) => `adminDb.${m}`),
    ];
    expect(required).toEqual(expect.arrayContaining(['getUser', 'updateUser', 'users.listUsers', 'db.one', 'db.batch', 'adminDb.findBy']));
    // A new method without an entry in hostile/surface.ts is listed here by name.
    expect(required.filter((m) => !named.has(m))).toEqual([]);
  });

  for (const entry of ordered) {
    it(`${entry.name}: every hostile input gives a result or an ERR_ADMIN_PG_* rejection`, async () => {
      expect(await attackAll(entry)).toEqual([]);
    }, 300_000);
  }

  it('a class instance of the wrong kind is refused as a client (no type confusion)', () => {
    const { AdminPgDB } = addon();
    for (const client of [target.users, target.adminDb, target, {}, Object.create(target.db)]) {
      let error: unknown;
      try {
        new AdminPgDB({ client: client as never });
      } catch (e) {
        error = e;
      }
      expect(codeOf(error)).toBe('ERR_ADMIN_PG_CONFIG');
    }
  });

  it('afterwards: the schema is unchanged and holds exactly the rows the resolved creating calls made; another schema and public are untouched; the storage still works', async () => {
    const after = await snapshot(target.schemaName);
    expect(after.structure).toEqual(before.structure);
    const expected = { ...before.counts };
    for (const [table, n] of Object.entries(created)) expected[table] += n;
    expect(after.counts).toEqual(expected);
    expect(await snapshot(sentinel.schemaName)).toEqual(sentinelBefore);
    expect(await publicTables()).toEqual(publicBefore);
    expect(await target.getUser(ctx.userId)).toMatchObject({ id: ctx.userId });
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => target.db.one('select $1::int as i', [i])));
    expect(many).toEqual(Array.from({ length: 20 }, (_, i) => ({ i })));
    figure('hostile input', {
      inputs: hostileInputs().length,
      entries: HOSTILE_SURFACE.length,
      calls,
      outcomes,
      rowsCreated: created,
    });
  });
});
