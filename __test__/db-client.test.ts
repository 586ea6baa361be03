// Proves CONTRACT §6 (raw access): every DbClient method (`storage.db`), node-postgres-style
// parameter binding, coded errors, and `tx` as one real transaction on one connection.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbClient, PostgresAdminStorage } from '../index.js';
import { cleanupStorages, createStorage, native, rejection, sideQuery } from './helpers';

let s: PostgresAdminStorage;
let db: DbClient;
let T: string; // a scratch table of this file's schema
beforeAll(async () => {
  s = createStorage();
  await s.init();
  db = s.db;
  T = `"${s.schemaName}".scratch`;
  await db.none(`create table ${T} (id serial primary key, name text unique, n int)`);
});
afterAll(cleanupStorages);

let k = 0;
const name = (tag = 'r') => `${tag}-${++k}`;

describe('result-shape methods', () => {
  it('storage.db is a DbClient', () => {
    expect(db).toBeInstanceOf(native().DbClient);
  });

  it('none resolves null (and runs the statement)', async () => {
    const nm = name();
    expect(await db.none(`insert into ${T} (name) values ($1)`, [nm])).toBeNull();
    expect(await sideQuery(`select name from ${T} where name = $1`, [nm])).toEqual([{ name: nm }]);
  });

  it("one('select $1::int + 1 as n', [41]) resolves { n: 42 }", async () => {
    expect(await db.one('select $1::int + 1 as n', [41])).toEqual({ n: 42 });
  });

  it('one rejects with a coded error on 0 rows and on 2 rows', async () => {
    const zero = await rejection(db.one('select 1 as x where false'));
    expect(zero.code).toBe('ERR_ADMIN_PG_QUERY');
    expect(zero.message).toMatch(/got 0/);
    const two = await rejection(db.one('select * from (values (1), (2)) v(x)'));
    expect(two.code).toBe('ERR_ADMIN_PG_QUERY');
    expect(two.message).toMatch(/got 2/);
  });

  it('oneOrNone: null for 0 rows, the row for 1, a coded error for 2', async () => {
    expect(await db.oneOrNone('select 1 as x where false')).toBeNull();
    expect(await db.oneOrNone('select 1 as x')).toEqual({ x: 1 });
    expect((await rejection(db.oneOrNone('select * from (values (1), (2)) v(x)'))).code).toBe('ERR_ADMIN_PG_QUERY');
  });

  it('any and manyOrNone: every row, [] for none', async () => {
    const sql = 'select x from generate_series(1, $1::int) x order by x';
    expect(await db.any(sql, [3])).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
    expect(await db.manyOrNone(sql, [2])).toEqual([{ x: 1 }, { x: 2 }]);
    expect(await db.any(sql, [0])).toEqual([]);
    expect(await db.manyOrNone(sql, [0])).toEqual([]);
  });

  it('many: the rows, or a coded error for 0 rows', async () => {
    expect(await db.many('select x from generate_series(1, 2) x')).toEqual([{ x: 1 }, { x: 2 }]);
    const err = await rejection(db.many('select 1 as x where false'));
    expect(err.code).toBe('ERR_ADMIN_PG_QUERY');
    expect(err.message).toMatch(/got 0/);
  });

  it('query gives { rows, rowCount, command } like pg', async () => {
    const a = name('q');
    const b = name('q');
    const ins = await db.query(`insert into ${T} (name, n) values ($1, 1), ($2, 1) returning name`, [a, b]);
    expect(ins).toEqual({ rows: [{ name: a }, { name: b }], rowCount: 2, command: 'INSERT' });
    const upd = await db.query(`update ${T} set n = 2 where name = any($1)`, [[a, b]]);
    expect(upd).toEqual({ rows: [], rowCount: 2, command: 'UPDATE' });
    const sel = await db.query(`select n from ${T} where name = $1`, [a]);
    expect(sel).toEqual({ rows: [{ n: 2 }], rowCount: 1, command: 'SELECT' });
    const del = await db.query(`delete from ${T} where name = any($1)`, [[a, b, 'nobody']]);
    expect(del).toMatchObject({ rowCount: 2, command: 'DELETE' });
  });

  it('column names are kept as PostgreSQL gives them (no camelCasing)', async () => {
    expect(await db.one('select 1 as snake_case_name, 2 as "MixedCase"')).toEqual({ snake_case_name: 1, MixedCase: 2 });
  });

  it('several statements without parameters run (simple protocol)', async () => {
    const a = name('multi');
    await db.none(`insert into ${T} (name) values ('${a}'); update ${T} set n = 7 where name = '${a}'`);
    expect(await db.one(`select n from ${T} where name = $1`, [a])).toEqual({ n: 7 });
  });

  it('ping resolves', async () => {
    await expect(db.ping()).resolves.toBeUndefined();
  });
});

describe('parameters are bound, never interpolated', () => {
  it("'1; drop table x' bound as $1 is just a string", async () => {
    expect(await db.one('select $1 as v', ['1; drop table x'])).toEqual({ v: '1; drop table x' });
    const evil = `x'); drop table ${T}; --`;
    await db.none(`insert into ${T} (name) values ($1)`, [evil]);
    expect(await db.one(`select name from ${T} where name = $1`, [evil])).toEqual({ name: evil });
    expect((await sideQuery(`select to_regclass($1) as t`, [`${s.schemaName}.scratch`]))[0].t).not.toBeNull();
  });

  it('binds text, int, bool, jsonb, timestamptz, uuid and text[] (explicit casts)', async () => {
    const at = new Date('2024-02-03T04:05:06.789Z');
    const id = randomUUID();
    const row = await db.one(
      'select $1::text as t, $2::int as i, $3::bool as b, $4::jsonb as j, $5::timestamptz as ts, $6::uuid as u, $7::text[] as arr',
      ['hello', 7, true, { a: [1, 'x'] }, at, id, ['a', 'b']],
    );
    expect(row).toEqual({ t: 'hello', i: 7, b: true, j: { a: [1, 'x'] }, ts: at, u: id, arr: ['a', 'b'] });
  });

  it('binds by the server-inferred type (no casts): uuid, int, timestamptz, text[] columns', async () => {
    const u = await s.createUser({ email: `infer.${++k}@example.com` });
    expect((await db.one(`select email from "${s.schemaName}".admin_users where id = $1`, [u.id])).email).toBe(u.email);
    expect(await db.one('select pg_typeof($1::int + $2) as t', [1, '2'])).toEqual({ t: 'integer' });
    expect((await db.one(`select count(*) as c from "${s.schemaName}".admin_users where created_at <= $1`, [new Date()])).c).toBeGreaterThan(0);
    expect(await db.one('select array_length($1::text[], 1) as n, $2 = any($1::text[]) as has', [['x', 'y', 'z'], 'y'])).toEqual({
      n: 3,
      has: true,
    });
  });

  it('types without a native decoder (interval, regtype, inet, time, composite, enum) come back as PostgreSQL prints them', async () => {
    await db.none(`create type "${s.schemaName}".mood as enum ('happy', 'sad')`);
    const row = await db.one(
      `select interval '1 day 02:03:04' as i, pg_typeof($1::int) as t, '10.1.2.3/32'::inet as ip, '12:34:56'::time as tm,
              row(1, 'x') as r, 'happy'::"${s.schemaName}".mood as m, $2::int as n`,
      [1, 7],
    );
    expect(row).toEqual({ i: '1 day 02:03:04', t: 'integer', ip: '10.1.2.3', tm: '12:34:56', r: '(1,x)', m: 'happy', n: 7 });
    const ret = await db.one(`insert into ${T} (name) values ($1) returning name, now() - now() as age`, [name('ret')]);
    expect(ret.age).toBe('00:00:00');
    // Duplicate and odd column names survive.
    expect(await db.one(`select interval '1 hour' as "we""ird", 1 as "we""ird2"`)).toEqual({ 'we"ird': '01:00:00', 'we"ird2': 1 });
  });

  it('a string bound to a jsonb parameter is a JSON document (node-postgres semantics)', async () => {
    expect(await db.one('select $1::jsonb as j', ['{"a":1}'])).toEqual({ j: { a: 1 } });
  });

  it('a value that does not fit the inferred type rejects with INVALID_ARGUMENT naming the parameter', async () => {
    const err = await rejection(db.one('select $1::int as i', ['abc']));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toMatch(/\$1/);
    expect((await rejection(db.one('select $1::uuid as u', ['not-a-uuid']))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('a wrong number of values rejects with INVALID_ARGUMENT', async () => {
    expect((await rejection(db.one('select $1::int as a, $2::int as b', [1]))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect((await rejection(db.one('select 1 as a', [1]))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('values that are not an array, or a query that is not a string, reject (never throw)', async () => {
    const call = db.one as (q: unknown, v?: unknown) => Promise<unknown>;
    expect((await rejection(call.call(db, 'select 1', 'x'))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect((await rejection(call.call(db, 42))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
  });
});

describe('server errors carry a code and PostgreSQL details', () => {
  it('a syntax error → ERR_ADMIN_PG_QUERY with pgCode 42601', async () => {
    const err = await rejection(db.any('selec 1'));
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('ERR_ADMIN_PG_QUERY');
    expect(err.pgCode).toBe('42601');
  });

  it('a unique violation → ERR_ADMIN_PG_UNIQUE_VIOLATION with constraint, table and detail', async () => {
    const nm = name('uniq');
    await db.none(`insert into ${T} (name) values ($1)`, [nm]);
    const err = await rejection(db.none(`insert into ${T} (name) values ($1)`, [nm]));
    expect(err).toMatchObject({ code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION', pgCode: '23505', constraint: 'scratch_name_key', table: 'scratch' });
    expect(err.detail).toContain(nm);
  });

  it('a foreign key violation → ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION', async () => {
    const err = await rejection(
      db.none(`insert into "${s.schemaName}".admin_team_members (team_id, user_id) values ($1, $2)`, [randomUUID(), randomUUID()]),
    );
    expect(err).toMatchObject({ code: 'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION', pgCode: '23503', table: 'admin_team_members' });
  });

  it('a check violation → ERR_ADMIN_PG_CHECK_VIOLATION', async () => {
    await db.none(`create table if not exists "${s.schemaName}".checked (n int check (n > 0))`);
    const err = await rejection(db.none(`insert into "${s.schemaName}".checked values ($1)`, [-1]));
    expect(err).toMatchObject({ code: 'ERR_ADMIN_PG_CHECK_VIOLATION', pgCode: '23514' });
  });
});

describe('tx', () => {
  it('commits when the callback resolves, and resolves its value', async () => {
    const nm = name('commit');
    const out = await db.tx(async (t) => {
      await t.none(`insert into ${T} (name) values ($1)`, [nm]);
      return 'done';
    });
    expect(out).toBe('done');
    expect(await sideQuery(`select name from ${T} where name = $1`, [nm])).toHaveLength(1);
  });

  it('rolls back when the callback throws, and rethrows the very same error', async () => {
    const nm = name('rollback');
    const mine = new Error('callback failed');
    const err = await rejection(
      db.tx(async (t) => {
        await t.none(`insert into ${T} (name) values ($1)`, [nm]);
        throw mine;
      }),
    );
    expect(err).toBe(mine);
    expect(await sideQuery(`select name from ${T} where name = $1`, [nm])).toEqual([]);
  });

  it('rolls back when a statement inside fails, rethrowing its coded error', async () => {
    const nm = name('stmtfail');
    const err = await rejection(
      db.tx(async (t) => {
        await t.none(`insert into ${T} (name) values ($1)`, [nm]);
        await t.none(`insert into ${T} (name) values ($1)`, [nm]);
      }),
    );
    expect(err.code).toBe('ERR_ADMIN_PG_UNIQUE_VIOLATION');
    expect(await sideQuery(`select name from ${T} where name = $1`, [nm])).toEqual([]);
  });

  it('rolls back when a synchronous callback throws', async () => {
    const mine = new Error('sync throw');
    expect(
      await rejection(
        db.tx(() => {
          throw mine;
        }),
      ),
    ).toBe(mine);
  });

  it('accepts a callback returning a plain value', async () => {
    expect(await db.tx(() => 5)).toBe(5);
  });

  it.each([undefined, null, 'text', 0, 42.5, true, false, { a: 1 }, [1, 2]])(
    'resolves whatever the callback resolves (%j), and commits',
    async (value) => {
      const nm = name('value');
      const out = await db.tx(async (t) => {
        await t.none(`insert into ${T} (name) values ($1)`, [nm]);
        return value;
      });
      expect(out).toEqual(value);
      expect(await sideQuery(`select name from ${T} where name = $1`, [nm])).toHaveLength(1);
    },
  );

  it.each(['a string', 42, undefined])('rethrows a non-Error thrown value (%j) after rolling back', async (thrownValue) => {
    const nm = name('throwprim');
    let caught: unknown = 'nothing caught';
    try {
      await db.tx(async (t) => {
        await t.none(`insert into ${T} (name) values ($1)`, [nm]);
        throw thrownValue;
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(thrownValue);
    expect(await sideQuery(`select name from ${T} where name = $1`, [nm])).toEqual([]);
  });

  it('every call inside runs on one connection, in one transaction (same txid, same backend pid)', async () => {
    const seen = await db.tx(async (t) => {
      const a = await t.one('select txid_current() as x, pg_backend_pid() as pid');
      const b = await t.one('select txid_current() as x, pg_backend_pid() as pid');
      const [c, d] = await Promise.all([
        t.one('select txid_current() as x, pg_backend_pid() as pid'),
        t.one('select txid_current() as x, pg_backend_pid() as pid'),
      ]);
      return [a, b, c, d];
    });
    expect(new Set(seen.map((r) => String(r.x))).size).toBe(1);
    expect(new Set(seen.map((r) => r.pid)).size).toBe(1);
    const outside = await db.one('select txid_current() as x');
    expect(String(outside.x)).not.toBe(String(seen[0].x));
  });

  it('uncommitted writes are visible inside and invisible outside until commit', async () => {
    const nm = name('iso');
    await db.tx(async (t) => {
      await t.none(`insert into ${T} (name) values ($1)`, [nm]);
      expect(await t.oneOrNone(`select name from ${T} where name = $1`, [nm])).toEqual({ name: nm });
      expect(await db.oneOrNone(`select name from ${T} where name = $1`, [nm])).toBeNull();
    });
    expect(await db.oneOrNone(`select name from ${T} where name = $1`, [nm])).toEqual({ name: nm });
  });

  it('t.tx inside a transaction runs on the same transaction (a later throw rolls everything back)', async () => {
    const nm = name('nested');
    const err = await rejection(
      db.tx(async (t) => {
        const inner = await t.tx(async (t2) => {
          await t2.none(`insert into ${T} (name) values ($1)`, [nm]);
          return t2.one('select txid_current() as x');
        });
        const outer = await t.one('select txid_current() as x');
        expect(String(inner.x)).toBe(String(outer.x));
        throw new Error('undo all');
      }),
    );
    expect(err.message).toBe('undo all');
    expect(await db.oneOrNone(`select name from ${T} where name = $1`, [nm])).toBeNull();
  });

  it('the transaction client cannot be used after the transaction ended', async () => {
    let leaked: DbClient | undefined;
    await db.tx(async (t) => {
      leaked = t;
    });
    const err = await rejection(leaked!.one('select 1 as x'));
    expect(err.code).toBe('ERR_ADMIN_PG_QUERY');
    expect(err.message).toMatch(/transaction/);
  });

  it('t.batch resolves every promise, in order; a rejection rejects the batch', async () => {
    const out = await db.tx((t) => t.batch([t.one('select 1 as x'), t.one('select 2 as x'), t.any('select 3 as x')]));
    expect(out).toEqual([{ x: 1 }, { x: 2 }, [{ x: 3 }]]);
    const err = await rejection(db.tx((t) => t.batch([t.one('select 1 as x'), t.one('select 1 as x where false')])));
    expect(err.code).toBe('ERR_ADMIN_PG_QUERY');
  });

  it('db.batch works outside a transaction too', async () => {
    expect(await db.batch<unknown>([db.one('select 1 as x'), Promise.resolve(2)])).toEqual([{ x: 1 }, 2]);
  });

  it('a tx callback that is not a function rejects or throws without running anything', async () => {
    const tx = db.tx as (cb: unknown) => Promise<unknown>;
    let failed = false;
    try {
      await tx.call(db, 42);
    } catch {
      failed = true;
    }
    expect(failed).toBe(true);
  });
});
