// Proves CONTRACT §2 (values across the boundary): timestamps, JSONB, NULL, undefined,
// numbers, booleans and UUIDs, in and out, through the domain face, AdminPgDB and raw SQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage } from '../index.js';
import { cleanupStorages, createStorage, rejection, sideQuery } from './helpers';

let s: PostgresAdminStorage;
beforeAll(async () => {
  s = createStorage();
  await s.init();
});
afterAll(cleanupStorages);

let n = 0;
const email = () => `values.${++n}@example.com`;

/** Creates team → project → deployment → build, returning their ids (for tables with more types). */
async function chain() {
  const db = s.adminDb;
  const team = await db.insert('admin_teams', { name: 'T', slug: `t-${++n}` });
  const project = await db.insert('admin_projects', {
    teamId: team.id,
    name: 'P',
    slug: 'p',
    sourceType: 'local',
    sourceConfig: { path: '/srv/app' },
  });
  const deployment = await db.insert('admin_deployments', {
    projectId: project.id,
    type: 'production',
    branch: 'main',
    slug: `d-${n}`,
  });
  const build = await db.insert('admin_builds', { deploymentId: deployment.id, trigger: 'manual', triggeredBy: 'me' });
  return { team, project, deployment, build };
}

describe('timestamps', () => {
  it('a Date goes in and the same instant comes out as a Date (millisecond precision)', async () => {
    const at = new Date('2021-03-04T05:06:07.891Z');
    const u = await s.createUser({ email: email(), createdAt: at });
    expect(u.createdAt).toBeInstanceOf(Date);
    expect(u.createdAt.toISOString()).toBe(at.toISOString());
    expect((await s.getUser(u.id))?.createdAt).toEqual(at);
  });

  it('an ISO 8601 string goes in and a Date comes out (offsets honoured)', async () => {
    const u = await s.createUser({ email: email(), createdAt: '2022-07-08T11:12:13.456+02:00' as unknown as Date });
    expect(u.createdAt).toBeInstanceOf(Date);
    expect(u.createdAt.toISOString()).toBe('2022-07-08T09:12:13.456Z');
    const v = await s.createUser({ email: email(), createdAt: '2022-07-08T09:12:13Z' as unknown as Date });
    expect(v.createdAt.toISOString()).toBe('2022-07-08T09:12:13.000Z');
  });

  it('a server default (NOW()) comes out as a Date close to now', async () => {
    const u = await s.createUser({ email: email() });
    expect(Math.abs(u.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('an unparsable timestamp string or an Invalid Date rejects with INVALID_ARGUMENT', async () => {
    const bad = await rejection(s.createUser({ email: email(), createdAt: 'yesterday-ish' as unknown as Date }));
    expect(bad.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(bad.message).toMatch(/createdAt/);
    expect((await rejection(s.createUser({ email: email(), createdAt: new Date('nope') }))).code).toBe(
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
  });

  it('timestamps round trip through AdminPgDB and raw SQL as Dates', async () => {
    const { build } = await chain();
    const started = new Date('2024-01-01T00:00:00.001Z');
    const updated = await s.adminDb.update('admin_builds', build.id, { startedAt: started, completedAt: '2024-01-01T00:01:00Z' });
    expect(updated?.startedAt).toEqual(started);
    expect(updated?.completedAt).toEqual(new Date('2024-01-01T00:01:00Z'));
    expect(updated?.queuedAt).toBeInstanceOf(Date);
    const raw = await s.db.one('select $1::timestamptz as t, now() as n', [started]);
    expect(raw.t).toEqual(started);
    expect(raw.n).toBeInstanceOf(Date);
  });
});

describe('JSONB', () => {
  const cases: [string, unknown][] = [
    ['an object', { plan: 'pro', nested: { list: [1, 'two', null, true] }, n: 1.5 }],
    ['an empty object', {}],
    ['an array of primitives', [1, 2, 3]],
    ['an array of objects', [{ a: 1 }, { b: [2] }]],
    ['an empty array', []],
    ['a string', 'hello'],
    ['a string that looks like JSON', '{"not":"parsed"}'],
    ['a number', 42],
    ['a float', 3.25],
    ['a boolean', false],
  ];

  it.each(cases)('%s round trips as the parsed value (create and read)', async (_label, value) => {
    const u = await s.users.createUser({ email: email(), metadata: value as Record<string, unknown> });
    expect(u.metadata).toEqual(value);
    expect((await s.users.getUserById(u.id))?.metadata).toEqual(value);
  });

  it.each(cases)('%s round trips through updateUser and AdminPgDB', async (_label, value) => {
    const u = await s.createUser({ email: email() });
    const updated = await s.users.updateUser(u.id, { metadata: value as Record<string, unknown> });
    expect(updated?.metadata).toEqual(value);
    expect((await s.adminDb.findById('admin_users', u.id))?.metadata).toEqual(value);
  });

  it('a string is stored as a JSON string (jsonb_typeof = string), never parsed', async () => {
    const u = await s.users.createUser({ email: email(), metadata: '[1,2]' as unknown as Record<string, unknown> });
    const [row] = await sideQuery(`select jsonb_typeof(metadata) as t from "${s.schemaName}".admin_users where id = $1`, [u.id]);
    expect(row.t).toBe('string');
    expect(u.metadata).toBe('[1,2]');
  });

  it('an object is stored as a JSON object, not as text', async () => {
    const u = await s.users.createUser({ email: email(), metadata: { k: 'v' } });
    const [row] = await sideQuery(
      `select jsonb_typeof(metadata) as t, metadata->>'k' as k from "${s.schemaName}".admin_users where id = $1`,
      [u.id],
    );
    expect(row).toEqual({ t: 'object', k: 'v' });
  });

  it('raw SQL returns jsonb columns parsed, and binds objects to jsonb parameters', async () => {
    const row = await s.db.one(`select $1::jsonb as j, '[1,{"a":null}]'::jsonb as k, 'null'::jsonb as jn`, [{ x: [1, 2] }]);
    expect(row).toEqual({ j: { x: [1, 2] }, k: [1, { a: null }], jn: null });
  });

  it('a circular object rejects with INVALID_ARGUMENT', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect((await rejection(s.users.createUser({ email: email(), metadata: circular }))).code).toBe(
      'ERR_ADMIN_PG_INVALID_ARGUMENT',
    );
  });
});

describe('NULL and undefined', () => {
  it('SQL NULL comes out as null, present as a key', async () => {
    const u = await s.createUser({ email: email() });
    expect('name' in u && 'avatarUrl' in u && 'externalId' in u).toBe(true);
    expect(u.name).toBeNull();
    expect(u.avatarUrl).toBeNull();
    expect(u.externalId).toBeNull();
  });

  it('null going in is SQL NULL (even for a JSONB column with a default)', async () => {
    const u = await s.createUser({ email: email(), name: null, metadata: null as unknown as Record<string, unknown> });
    expect(u.metadata).toBeNull();
    const [row] = await sideQuery(`select metadata is null as isnull from "${s.schemaName}".admin_users where id = $1`, [u.id]);
    expect(row.isnull).toBe(true);
  });

  it('undefined means "not given": the column default applies on insert', async () => {
    const u = await s.createUser({ email: email(), name: undefined, metadata: undefined, createdAt: undefined });
    expect(u.metadata).toEqual({});
    expect(u.name).toBeNull();
    expect(u.createdAt).toBeInstanceOf(Date);
  });

  it('undefined in an update leaves the column unchanged', async () => {
    const u = await s.createUser({ email: email(), name: 'Keep', metadata: { keep: true } });
    const updated = await s.updateUser(u.id, { name: undefined, metadata: undefined, avatarUrl: 'x' });
    expect(updated).toMatchObject({ name: 'Keep', metadata: { keep: true }, avatarUrl: 'x' });
  });

  it('raw SQL: undefined in the values array binds NULL (like node-postgres)', async () => {
    expect(await s.db.one('select $1::text as a, $2::int as b', [undefined, null])).toEqual({ a: null, b: null });
  });
});

describe('numbers, booleans, UUIDs', () => {
  it('INTEGER and REAL columns come out as numbers, BOOLEAN as booleans', async () => {
    const { deployment, build } = await chain();
    const server = await s.adminDb.insert('admin_running_servers', {
      deploymentId: deployment.id,
      buildId: build.id,
      host: 'localhost',
      port: 4111,
      processId: 1234,
      memoryUsageMb: 12.5,
      cpuPercent: 0.25,
    });
    expect(server).toMatchObject({ port: 4111, processId: 1234, memoryUsageMb: 12.5, cpuPercent: 0.25 });
    const dep = await s.adminDb.update('admin_deployments', deployment.id, { autoShutdown: true, internalPort: 8080 });
    expect(dep).toMatchObject({ autoShutdown: true, internalPort: 8080 });
    expect(typeof dep?.autoShutdown).toBe('boolean');
  });

  it('a fractional number for an INTEGER column rejects with INVALID_ARGUMENT naming the field', async () => {
    const { deployment } = await chain();
    const err = await rejection(s.adminDb.update('admin_deployments', deployment.id, { internalPort: 80.5 }));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toMatch(/internalPort/);
  });

  it('UUIDs come out lowercase, even when given in uppercase', async () => {
    const id = randomUUID().toUpperCase();
    const u = await s.createUser({ id, email: email() });
    expect(u.id).toBe(id.toLowerCase());
    expect((await s.getUser(id))?.id).toBe(id.toLowerCase());
  });

  it('a malformed UUID in written data (teamId) rejects with INVALID_ARGUMENT', async () => {
    const u = await s.createUser({ email: email() });
    const err = await rejection(s.adminDb.insert('admin_team_members', { teamId: 'abc', userId: u.id, role: 'owner' }));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toMatch(/teamId/);
  });

  it('raw SQL: int4/int8/float8/numeric/bool/uuid/text[] decode like the contract says', async () => {
    const id = randomUUID();
    const row = await s.db.one(
      `select 1::int4 as i4, 2::int8 as i8, 9007199254740993::int8 as big, 1.5::float8 as f8,
              12.34::numeric as num, true as b, $1::uuid as u, array['a', null, 'c']::text[] as arr,
              count(*) as cnt from (values (1), (2)) v(x)`,
      [id],
    );
    expect(row).toEqual({
      i4: 1,
      i8: 2,
      big: '9007199254740993', // beyond 2^53: exact text instead of a rounded number
      f8: 1.5,
      num: '12.34', // numeric stays text, like node-postgres
      b: true,
      u: id,
      arr: ['a', null, 'c'],
      cnt: 2,
    });
  });
});
