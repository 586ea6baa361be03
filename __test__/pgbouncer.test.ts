// Proves `pgbouncer: true` (PgBouncer in transaction pooling mode, as Supabase's and Neon's
// poolers run it): everything works through a PgBouncer 1.18 started here, with no prepared
// statement and no session setting left on its server connections, under many concurrent
// calls; and that a storage without the flag gets a coded error naming the fix, never a wrong
// answer or a hang. (The whole suite also runs through PgBouncer with ADMIN_PG_TEST_PGBOUNCER=1.)
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage } from '../index.js';
// @ts-ignore -- plain .mjs shared with the global setup and CI; typed just below
import { startPgBouncer as startUntyped } from '../scripts/pgbouncer.mjs';
import { cleanupStorages, createStorage, databaseUrl, native, rejection, thrown } from './helpers';

type Bouncer = { url: string; port: number; stop: () => Promise<void>; log: () => string };
const startPgBouncer: (
  url: string,
  options?: { poolSize?: number; poolMode?: 'transaction' | 'session'; ignoreStartupParameters?: string },
) => Promise<Bouncer> = startUntyped;

/** Server connections PgBouncer may open: fewer than the storage's 20, so they are shared. */
const POOL = 5;
let bouncer: Bouncer; // PgBouncer's defaults (it refuses unknown startup parameters)
let lenient: Bouncer; // told to ignore `extra_float_digits`, as many hosted PgBouncers are
let sessionMode: Bouncer;

beforeAll(async () => {
  [bouncer, lenient, sessionMode] = await Promise.all([
    startPgBouncer(databaseUrl(), { poolSize: POOL }),
    startPgBouncer(databaseUrl(), { poolSize: POOL, ignoreStartupParameters: 'extra_float_digits' }),
    startPgBouncer(databaseUrl(), { poolSize: POOL, poolMode: 'session', ignoreStartupParameters: 'extra_float_digits' }),
  ]);
});
afterAll(async () => {
  await cleanupStorages();
  await Promise.all([bouncer?.stop(), lenient?.stop(), sessionMode?.stop()]);
});

/** Runs `fn` on `POOL` clients of `url` at once, each inside its own transaction: together they
 * hold every server connection PgBouncer has, so each server connection is looked at. */
async function onEveryServerConnection<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T[]> {
  const clients = Array.from({ length: POOL }, () => new pg.Client({ connectionString: url }));
  await Promise.all(clients.map((c) => c.connect()));
  try {
    await Promise.all(clients.map((c) => c.query('BEGIN')));
    const out = await Promise.all(clients.map(fn));
    const pids = await Promise.all(clients.map(async (c) => (await c.query('select pg_backend_pid() as p')).rows[0].p));
    expect(new Set(pids).size).toBe(POOL);
    await Promise.all(clients.map((c) => c.query('COMMIT')));
    return out;
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

let n = 0;
const email = (tag = 'b') => `${tag}.${Date.now().toString(36)}.${++n}@example.com`;

describe('pgbouncer: true through PgBouncer (pool_mode = transaction)', () => {
  let s: PostgresAdminStorage;
  let direct: PostgresAdminStorage; // the same schema, default mode, straight to PostgreSQL
  beforeAll(async () => {
    s = createStorage({ connectionString: bouncer.url, pgbouncer: true, max: 20 });
    await s.init();
    direct = createStorage({ connectionString: databaseUrl(), pgbouncer: false, schemaName: s.schemaName });
  });

  it('init() creates the schema, and again takes the fast path', async () => {
    await s.init();
    const again = createStorage({ connectionString: bouncer.url, pgbouncer: true, schemaName: s.schemaName });
    await again.init();
    expect(await again.getUser(randomUUID())).toBeNull();
  });

  it('CRUD on the domains: users, teams with owner, members, projects', async () => {
    const e = email("o'brien");
    const u = await s.createUser({ email: e, name: "O'Brien \\ 😀", metadata: { k: [1, 'two', null] } });
    expect(await s.getUser(u.id)).toEqual(u);
    expect(await s.getUserByEmail(e)).toEqual(u);
    const updated = await s.updateUser(u.id, { name: 'Renamed' });
    expect(updated.name).toBe('Renamed');
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(u.updatedAt.getTime());
    const team = await s.teams.createTeamWithOwner({ name: 'T', slug: `t-${randomUUID().slice(0, 8)}` }, u.id);
    expect(await s.teams.getTeamMember(team.id, u.id)).toMatchObject({ role: 'owner' });
    expect((await s.listTeamsForUser(u.id)).data.map((t) => t.id)).toEqual([team.id]);
    // What PostgreSQL sent back as text reads exactly as the binary form does.
    expect(await direct.getUser(u.id)).toEqual(await s.getUser(u.id));
    expect(await direct.getTeam(team.id)).toEqual(await s.getTeam(team.id));
  });

  it('raw db: parameter types inferred by the server, values of every kind, results as without PgBouncer', async () => {
    const T = `"${s.schemaName}".kinds`;
    await s.db.none(
      `create table ${T} (id int primary key, at timestamptz, d date, tags text[], doc jsonb, amount numeric,
        code char(4), flag boolean, blob bytea, f4 real, f8 double precision, big bigint, u uuid, span interval, ip inet)`,
    );
    const values = [
      1,
      new Date('2024-02-03T04:05:06.789Z'),
      '2024-02-29',
      ['a', 'b c', 'quote"d', 'back\\slash', null],
      { nested: { list: [1, 2.5, 'x'], "it's": true } },
      '12345678901234567890.0100',
      'ab',
      true,
      Buffer.from([0, 1, 2, 254, 255]),
      1.1,
      0.1 + 0.2,
      '9007199254740993',
      randomUUID(),
      '1 day 02:03:04',
      '10.0.0.1',
    ];
    const marks = values.map((_, i) => `$${i + 1}`).join(', ');
    const inserted = await s.db.one(`insert into ${T} values (${marks}) returning *`, values);
    const read = await direct.db.one(`select * from ${T} where id = $1`, [1]);
    expect(inserted).toEqual(read);
    expect(await s.db.one(`select * from ${T} where id = $1`, [1])).toEqual(read);
    // char(4) compares as bpchar (trailing blanks ignored), as the inferred parameter type says.
    expect(await s.db.any(`select id from ${T} where code = $1`, ['ab'])).toEqual([{ id: 1 }]);
    // Strings that look like SQL stay data.
    const tricky = ["'); drop table x; --", '$1', '\\', "E'\\''", '$$', '/*', '--', 'é\u00a0€'];
    for (const t of tricky) {
      expect(await s.db.one('select $1::text as t, $2 as n', [t, 5])).toEqual({ t, n: '5' });
      expect(await s.db.one('select $1::text as t, $2 as n', [t, 5])).toEqual(
        await direct.db.one('select $1::text as t, $2 as n', [t, 5]),
      );
    }
    // Mistakes are reported as they are without PgBouncer.
    expect((await rejection(s.db.one('select $1::int as x', ['nope']))).code).toBe(
      (await rejection(direct.db.one('select $1::int as x', ['nope']))).code,
    );
    expect((await rejection(s.db.one('select $1::int as x', []))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect((await rejection(s.db.any('select 1; select $1', [1]))).pgCode).toBe('42601');
    expect(await s.db.any('select 1 as a; select 2 as a')).toEqual(await direct.db.any('select 1 as a; select 2 as a'));
  });

  it("raw db: '$1' inside a string is text, also where standard_conforming_strings = off makes \\' an escape", async () => {
    const sql = "select 'it\\'s $1' as a, $1::int as b";
    const run = (db: PostgresAdminStorage['db']) =>
      db.tx(async (t) => {
        await t.none('set local standard_conforming_strings = off');
        return t.one(sql, [5]);
      });
    expect(await run(s.db)).toEqual({ a: "it's $1", b: 5 });
    expect(await run(s.db)).toEqual(await run(direct.db));
    // With the setting on (the default) PostgreSQL reads the same text differently: a syntax error.
    expect((await rejection(s.db.one(sql, [5]))).pgCode).toBe('42601');
  });

  it('tx: one server connection for the whole callback; commit and rollback', async () => {
    const T = `"${s.schemaName}".txs`;
    await s.db.none(`create table ${T} (v text)`);
    const pids = await s.db.tx(async (t) => {
      await t.none(`insert into ${T} values ($1)`, ['kept']);
      const a = await t.one('select pg_backend_pid() as p, txid_current() as x');
      await new Promise((r) => setTimeout(r, 20));
      const b = await t.one('select pg_backend_pid() as p, txid_current() as x');
      return [a, b];
    });
    expect(pids[0]).toEqual(pids[1]);
    await expect(
      s.db.tx(async (t) => {
        await t.none(`insert into ${T} values ($1)`, ['gone']);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await direct.db.any(`select v from ${T} order by v`)).toEqual([{ v: 'kept' }]);
  });

  it('200 concurrent calls with max 20 over 5 server connections all succeed with the right answers', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, () => s.createUser({ email: email('c') })));
    const calls = Array.from({ length: 200 }, async (_, i) => {
      const u = users[i % users.length];
      switch (i % 4) {
        case 0:
          return expect((await s.getUser(u.id))?.email).toBe(u.email);
        case 1:
          return expect((await s.getUserByEmail(u.email))?.id).toBe(u.id);
        case 2:
          return expect(await s.db.one('select $1::uuid as id, $2 as n', [u.id, i])).toEqual({ id: u.id, n: String(i) });
        default:
          return expect(
            await s.db.tx(async (t) => (await t.one('select email from "' + s.schemaName + '".admin_users where id = $1', [u.id])).email),
          ).toBe(u.email);
      }
    });
    const settled = await Promise.allSettled(calls);
    expect(settled.filter((r) => r.status === 'rejected')).toEqual([]);
  });

  it('leaves no prepared statement and no session setting on any server connection', async () => {
    const slow = createStorage({ connectionString: bouncer.url, pgbouncer: true, schemaName: s.schemaName, statementTimeoutMillis: 250 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => slow.db.one('select $1::int as i', [i])));
    const seen = await onEveryServerConnection(bouncer.url, async (c) => {
      const { rows } = await c.query(
        "select (select count(*) from pg_prepared_statements)::int as prepared, current_setting('statement_timeout') as timeout",
      );
      return rows[0];
    });
    expect(seen).toEqual(Array.from({ length: POOL }, () => ({ prepared: 0, timeout: '0' })));
  });

  it('statementTimeoutMillis applies to every statement (SET LOCAL in the same flight)', async () => {
    const slow = createStorage({ connectionString: bouncer.url, pgbouncer: true, schemaName: s.schemaName, statementTimeoutMillis: 250 });
    expect(await slow.db.one("select current_setting('statement_timeout') as t")).toEqual({ t: '250ms' });
    const started = Date.now();
    expect((await rejection(slow.db.one('select pg_sleep(3)'))).code).toBe('ERR_ADMIN_PG_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2500);
    expect(await slow.db.tx(async (t) => (await t.one("select current_setting('statement_timeout') as t")).t)).toBe('250ms');
    // Statements that refuse a transaction block still run (without the timeout).
    await slow.db.none(`create table "${s.schemaName}".vac (n int)`);
    await expect(slow.db.none(`vacuum "${s.schemaName}".vac`)).resolves.toBeNull();
  });
});

describe('the option', () => {
  it('must be a boolean (ERR_ADMIN_PG_CONFIG naming it)', () => {
    const err = thrown(() => createStorage({ connectionString: bouncer.url, pgbouncer: 'yes' }));
    expect(err.code).toBe('ERR_ADMIN_PG_CONFIG');
    expect(err.message).toMatch(/pgbouncer must be a boolean/);
  });

  it('a domain object built from { pool, pgbouncer: true } (a pg.Pool pointed at PgBouncer) works through it', async () => {
    const s = createStorage({ connectionString: bouncer.url, pgbouncer: true });
    await s.init();
    const pool = new pg.Pool({ connectionString: bouncer.url, max: 2 });
    try {
      const users = new (native().UsersPG)({ pool, schemaName: s.schemaName, pgbouncer: true });
      const u = await users.createUser({ email: email('pool') });
      expect((await users.getUserById(u.id))?.email).toBe(u.email);
    } finally {
      await pool.end();
    }
  });
});

describe('without pgbouncer: true', () => {
  it('PgBouncer with its defaults refuses the connection: ERR_ADMIN_PG_CONNECTION naming the fix, at once', async () => {
    const s = createStorage({ connectionString: bouncer.url, pgbouncer: false, connectionTimeoutMillis: 10_000 });
    const started = Date.now();
    const err = await rejection(s.init());
    expect(err.code).toBe('ERR_ADMIN_PG_CONNECTION');
    expect(err.message).toMatch(/unsupported startup parameter/);
    expect(err.message).toMatch(/pgbouncer: true/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a PgBouncer that lets it connect is detected: every call rejects with ERR_ADMIN_PG_CONFIG, none answers wrongly or hangs', async () => {
    // Without the check, statements prepared on one server connection would be run by name on
    // another (where that name may be another client's statement): errors, or wrong rows.
    const s = createStorage({ connectionString: lenient.url, pgbouncer: false, max: 20 });
    const started = Date.now();
    const err = await rejection(s.init());
    expect(err.code).toBe('ERR_ADMIN_PG_CONFIG');
    expect(err.message).toMatch(/pgbouncer: true/);
    const id = randomUUID();
    const settled = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? s.getUser(id) : s.db.one('select $1::int as i', [i]))),
    );
    const codes = new Set(settled.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : 'resolved')));
    expect([...codes]).toEqual(['ERR_ADMIN_PG_CONFIG']);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a session-pooling PgBouncer is not mistaken for a transaction pooler (named statements are safe there)', async () => {
    const s = createStorage({ connectionString: sessionMode.url, pgbouncer: false, max: 4 });
    await s.init();
    const u = await s.createUser({ email: email('sess') });
    const got = await Promise.all(Array.from({ length: 40 }, () => s.getUser(u.id)));
    expect(got.every((g) => g?.email === u.email)).toBe(true);
  });

  it('straight to PostgreSQL, the check finds nothing (the rest of the suite relies on it too)', async () => {
    const s = createStorage({ connectionString: databaseUrl(), pgbouncer: false });
    await s.init();
    expect(await s.db.one('select 1 as x')).toEqual({ x: 1 });
  });
});
