// Proves CONTRACT §6 (AdminPgDB): every method and findBy operator, whitelisted tables,
// columns and orderBy, bound values, one-statement batchInsert, and a real `transaction`.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminPgDB, PostgresAdminStorage } from '../index.js';
import { cleanupStorages, createStorage, native, rejection, sideQuery, tablesIn, thrown } from './helpers';

let s: PostgresAdminStorage;
let db: AdminPgDB;
beforeAll(async () => {
  s = createStorage();
  await s.init();
  db = new (native().AdminPgDB)({ client: s.db });
});
afterAll(cleanupStorages);

let n = 0;
const email = (tag = 'a') => `${tag}.${++n}@example.com`;

describe('construction', () => {
  it('new AdminPgDB({ client: storage.db }) works on the storage schema; storage.adminDb is the same layer', async () => {
    const { AdminPgDB: Cls, DbClient } = native();
    expect(db).toBeInstanceOf(Cls);
    expect(s.adminDb).toBeInstanceOf(Cls);
    expect(db.schemaName).toBe(s.schemaName);
    expect(db.db).toBeInstanceOf(DbClient);
    const u = await db.insert('admin_users', { email: email() });
    expect(await s.adminDb.findById('admin_users', u.id)).toEqual(u);
  });

  it('accepts schemaName equal to the client storage schema, rejects another with ERR_ADMIN_PG_CONFIG', () => {
    const { AdminPgDB: Cls } = native();
    expect(new Cls({ client: s.db, schemaName: s.schemaName }).schemaName).toBe(s.schemaName);
    expect(thrown(() => new Cls({ client: s.db, schemaName: 'other_schema' })).code).toBe('ERR_ADMIN_PG_CONFIG');
  });

  it('a client that is not a DbClient throws ERR_ADMIN_PG_CONFIG', () => {
    const { AdminPgDB: Cls } = native();
    for (const bad of [undefined, {}, { client: 42 }, { client: {} }]) {
      expect(thrown(() => new Cls(bad as never)).code).toBe('ERR_ADMIN_PG_CONFIG');
    }
  });
});

describe('insert / update / delete / findById', () => {
  it('insert returns the whole row camelCased, with defaults filled in', async () => {
    const e = email();
    const u = await db.insert('admin_users', { email: e, avatarUrl: 'a.png' });
    expect(u).toMatchObject({ email: e, avatarUrl: 'a.png', name: null, externalId: null, metadata: {} });
    expect(u.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(u.createdAt).toBeInstanceOf(Date);
  });

  it('insert accepts snake_case field names too', async () => {
    const u = await db.insert('admin_users', { email: email(), avatar_url: 'snake.png' });
    expect(u.avatarUrl).toBe('snake.png');
  });

  it('insert with an unknown field rejects with INVALID_ARGUMENT naming it', async () => {
    const err = await rejection(db.insert('admin_users', { email: email(), shoeSize: 44 }));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toContain('shoeSize');
  });

  it('insert with a malformed UUID in the data (teamId: "abc") rejects with INVALID_ARGUMENT', async () => {
    const u = await db.insert('admin_users', { email: email() });
    const err = await rejection(db.insert('admin_team_members', { teamId: 'abc', userId: u.id }));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toContain('teamId');
  });

  it('insert violating a foreign key rejects with FOREIGN_KEY_VIOLATION', async () => {
    const u = await db.insert('admin_users', { email: email() });
    const err = await rejection(db.insert('admin_team_members', { teamId: randomUUID(), userId: u.id }));
    expect(err.code).toBe('ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION');
  });

  it('update changes the given columns and returns the row; null for a missing or malformed id', async () => {
    const t = await db.insert('admin_teams', { name: 'Before', slug: `before-${++n}` });
    const u = await db.update('admin_teams', t.id, { name: 'After', settings: { theme: 'dark' } });
    expect(u).toMatchObject({ id: t.id, name: 'After', slug: t.slug, settings: { theme: 'dark' } });
    expect(u!.updatedAt.getTime()).toBeGreaterThanOrEqual(t.updatedAt.getTime());
    expect(await db.update('admin_teams', randomUUID(), { name: 'x' })).toBeNull();
    expect(await db.update('admin_teams', 'abc', { name: 'x' })).toBeNull();
  });

  it('update ignores id/createdAt/updatedAt; an empty update returns the row unchanged', async () => {
    const t = await db.insert('admin_teams', { name: 'Same', slug: `same-${++n}` });
    expect(await db.update('admin_teams', t.id, { id: randomUUID(), createdAt: new Date(0), updatedAt: new Date(0) })).toEqual(t);
    expect(await db.update('admin_teams', t.id, {})).toEqual(t);
  });

  it('update with an unknown field rejects with INVALID_ARGUMENT naming it', async () => {
    const t = await db.insert('admin_teams', { name: 'X', slug: `x-${++n}` });
    const err = await rejection(db.update('admin_teams', t.id, { colour: 'red' }));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toContain('colour');
  });

  it('delete returns true when a row went, false otherwise (also for malformed ids)', async () => {
    const t = await db.insert('admin_teams', { name: 'Del', slug: `del-${++n}` });
    expect(await db.delete('admin_teams', t.id)).toBe(true);
    expect(await db.delete('admin_teams', t.id)).toBe(false);
    expect(await db.delete('admin_teams', 'abc')).toBe(false);
  });

  it('findById returns the row, or null (also for malformed ids)', async () => {
    const t = await db.insert('admin_teams', { name: 'Find', slug: `find-${++n}` });
    expect(await db.findById('admin_teams', t.id)).toEqual(t);
    expect(await db.findById('admin_teams', randomUUID())).toBeNull();
    expect(await db.findById('admin_teams', 'abc')).toBeNull();
  });
});

describe('batchInsert', () => {
  it('inserts 1,000 rows in one statement and returns them in order', async () => {
    const records = Array.from({ length: 1000 }, (_, i) => ({ name: `Batch ${i}`, slug: `batch-${n}-${i}`, settings: { i } }));
    const before = s.statementCount;
    const rows = await s.adminDb.batchInsert('admin_teams', records);
    expect(s.statementCount - before).toBe(1);
    expect(rows).toHaveLength(1000);
    expect(rows.map((r) => r.slug)).toEqual(records.map((r) => r.slug));
    expect(rows[999]).toMatchObject({ name: 'Batch 999', settings: { i: 999 } });
    expect(await db.count('admin_teams', { slug: { like: `batch-${n}-%` } })).toBe(1000);
  });

  it('records with different field sets still go in one statement (column defaults where a field is missing)', async () => {
    const before = s.statementCount;
    const rows = await s.adminDb.batchInsert('admin_users', [
      { email: email('b'), name: 'With name' },
      { email: email('b'), metadata: { x: 1 } },
      { email: email('b') },
    ]);
    expect(s.statementCount - before).toBe(1);
    expect(rows.map((r) => [r.name, r.metadata])).toEqual([
      ['With name', {}],
      [null, { x: 1 }],
      [null, {}],
    ]);
  });

  it('is atomic: one bad record (duplicate) leaves nothing written', async () => {
    const slug = `atomic-${++n}`;
    const err = await rejection(
      db.batchInsert('admin_teams', [
        { name: 'A', slug },
        { name: 'B', slug: `${slug}-ok` },
        { name: 'C', slug },
      ]),
    );
    expect(err.code).toBe('ERR_ADMIN_PG_UNIQUE_VIOLATION');
    expect(await db.count('admin_teams', { slug: [slug, `${slug}-ok`] })).toBe(0);
  });

  it('an unknown field in any record rejects before anything is sent', async () => {
    const before = s.statementCount;
    const err = await rejection(db.batchInsert('admin_teams', [{ name: 'A', slug: `u-${++n}` }, { name: 'B', slug: 'b', nope: 1 }]));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toContain('nope');
    expect(s.statementCount).toBe(before);
  });

  it('an empty list resolves [] without a statement', async () => {
    const before = s.statementCount;
    expect(await db.batchInsert('admin_teams', [])).toEqual([]);
    expect(s.statementCount).toBe(before);
  });

  it('splits mixed-shape batches beyond 60,000 parameters into few statements, atomically', async () => {
    const tag = `big${++n}`;
    const records: Record<string, unknown>[] = Array.from({ length: 20_001 }, (_, i) => ({
      email: `${tag}.${i}@example.com`,
      name: `N${i}`,
      externalId: `${tag}-${i}`,
    }));
    records[0] = { email: `${tag}.0@example.com` }; // not uniform → multi-row VALUES
    const before = s.statementCount;
    const rows = await db.batchInsert('admin_users', records);
    expect(s.statementCount - before).toBe(2);
    expect(rows).toHaveLength(20_001);
    expect(await db.count('admin_users', { email: { like: `${tag}.%` } })).toBe(20_001);
  });
});

describe('findBy / findOneBy / count', () => {
  let f: PostgresAdminStorage;
  let fdb: AdminPgDB;
  const day = (d: number) => new Date(Date.UTC(2024, 0, d));
  beforeAll(async () => {
    f = createStorage();
    await f.init();
    fdb = f.adminDb;
    await fdb.batchInsert('admin_users', [
      { email: 'alice@example.com', name: 'Alice', createdAt: day(1) },
      { email: 'bob@example.com', name: 'Bob', createdAt: day(2) },
      { email: 'carol@example.org', name: 'Carol', createdAt: day(3) },
      { email: 'dave@example.org', name: null, createdAt: day(4) },
      { email: 'ERIN@Example.org', name: 'Erin', createdAt: day(5) },
    ]);
  });
  const emails = (rows: Record<string, any>[]) => rows.map((r) => r.email as string);

  it('a plain value is equality; several conditions are ANDed', async () => {
    expect(emails(await fdb.findBy('admin_users', { name: 'Bob' }))).toEqual(['bob@example.com']);
    expect(await fdb.findBy('admin_users', { name: 'Bob', email: 'alice@example.com' })).toEqual([]);
  });

  it('gte / lte / gt / lt compare (on timestamps)', async () => {
    const order = { orderBy: 'createdAt ASC' };
    expect(emails(await fdb.findBy('admin_users', { createdAt: { gte: day(4) } }, order))).toEqual(['dave@example.org', 'ERIN@Example.org']);
    expect(emails(await fdb.findBy('admin_users', { createdAt: { lte: day(2) } }, order))).toEqual(['alice@example.com', 'bob@example.com']);
    expect(emails(await fdb.findBy('admin_users', { createdAt: { gt: day(4) } }, order))).toEqual(['ERIN@Example.org']);
    expect(emails(await fdb.findBy('admin_users', { createdAt: { lt: day(2) } }, order))).toEqual(['alice@example.com']);
    expect(emails(await fdb.findBy('admin_users', { createdAt: { gt: day(1), lt: day(4) } }, order))).toEqual([
      'bob@example.com',
      'carol@example.org',
    ]);
  });

  it('ne excludes the value (and NULLs, as SQL does)', async () => {
    expect(emails(await fdb.findBy('admin_users', { name: { ne: 'Alice' } }, { orderBy: 'email' })).sort()).toEqual(
      ['ERIN@Example.org', 'bob@example.com', 'carol@example.org'].sort(),
    );
  });

  it('like is case-sensitive, ilike is not', async () => {
    expect(emails(await fdb.findBy('admin_users', { email: { like: '%@example.org' } }, { orderBy: 'email' }))).toEqual([
      'carol@example.org',
      'dave@example.org',
    ]);
    expect(emails(await fdb.findBy('admin_users', { email: { ilike: '%@example.org' } }, { orderBy: 'createdAt' }))).toEqual([
      'carol@example.org',
      'dave@example.org',
      'ERIN@Example.org',
    ]);
  });

  it('an array is IN (empty array matches nothing; null inside also matches NULL)', async () => {
    expect(emails(await fdb.findBy('admin_users', { name: ['Alice', 'Carol', 'Zed'] }, { orderBy: 'name' }))).toEqual([
      'alice@example.com',
      'carol@example.org',
    ]);
    expect(await fdb.findBy('admin_users', { name: [] })).toEqual([]);
    expect(emails(await fdb.findBy('admin_users', { name: ['Bob', null] }, { orderBy: 'createdAt' }))).toEqual([
      'bob@example.com',
      'dave@example.org',
    ]);
  });

  it('null is IS NULL', async () => {
    expect(emails(await fdb.findBy('admin_users', { name: null }))).toEqual(['dave@example.org']);
  });

  it('orderBy (camelCase or snake_case, ASC/DESC, several columns), limit and offset', async () => {
    const desc = await fdb.findBy('admin_users', {}, { orderBy: 'created_at DESC' });
    expect(emails(desc)).toEqual(['ERIN@Example.org', 'dave@example.org', 'carol@example.org', 'bob@example.com', 'alice@example.com']);
    expect(emails(await fdb.findBy('admin_users', {}, { orderBy: 'createdAt desc', limit: 2 }))).toEqual(emails(desc).slice(0, 2));
    expect(emails(await fdb.findBy('admin_users', {}, { orderBy: 'createdAt DESC', limit: 2, offset: 2 }))).toEqual(emails(desc).slice(2, 4));
    expect(emails(await fdb.findBy('admin_users', {}, { orderBy: 'createdAt DESC', offset: 4 }))).toEqual(emails(desc).slice(4));
    expect(await fdb.findBy('admin_users', {}, { limit: 0 })).toEqual([]);
    const two = await fdb.findBy('admin_users', { email: ['alice@example.com', 'bob@example.com'] }, { orderBy: 'name DESC, email ASC' });
    expect(emails(two)).toEqual(['bob@example.com', 'alice@example.com']);
  });

  it.each([{ limit: -1 }, { limit: 1.5 }, { offset: -1 }, { offset: 0.5 }, { limit: Number.POSITIVE_INFINITY }])(
    'findBy with %j rejects with INVALID_ARGUMENT',
    async (opts) => {
      expect((await rejection(fdb.findBy('admin_users', {}, opts))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    },
  );

  it('an unknown operator, or like on a non-text column, rejects with INVALID_ARGUMENT', async () => {
    expect((await rejection(fdb.findBy('admin_users', { name: { regex: '.*' } } as never))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect((await rejection(fdb.findBy('admin_users', { createdAt: { like: '2024%' } }))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('an unknown condition field rejects with INVALID_ARGUMENT naming it', async () => {
    const err = await rejection(fdb.findBy('admin_users', { nickname: 'x' }));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(err.message).toContain('nickname');
  });

  it('a malformed UUID as a condition value rejects with INVALID_ARGUMENT', async () => {
    expect((await rejection(fdb.findBy('admin_users', { id: 'abc' }))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('findOneBy gives the first match or null', async () => {
    expect((await fdb.findOneBy('admin_users', { name: 'Carol' }))?.email).toBe('carol@example.org');
    expect(await fdb.findOneBy('admin_users', { name: 'Nobody' })).toBeNull();
  });

  it('count with and without conditions (a number)', async () => {
    expect(await fdb.count('admin_users')).toBe(5);
    expect(await fdb.count('admin_users', { email: { ilike: '%.org' } })).toBe(3);
    expect(await fdb.count('admin_users', { name: null })).toBe(1);
    expect(await fdb.count('admin_teams')).toBe(0);
  });

  it('query runs raw SQL with bound values and camelCases the columns', async () => {
    const rows = await fdb.query(`select email, avatar_url, created_at from "${f.schemaName}".admin_users where name = $1`, ['Alice']);
    expect(rows).toEqual([{ email: 'alice@example.com', avatarUrl: null, createdAt: day(1) }]);
  });
});

describe('transaction', () => {
  it('commits when the callback resolves, resolving its value', async () => {
    const slug = `tx-commit-${++n}`;
    const out = await db.transaction(async (t) => {
      await t.insert('admin_teams', { name: 'T', slug });
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(await db.count('admin_teams', { slug })).toBe(1);
  });

  it('rolls back every write when the callback throws, rethrowing the same error', async () => {
    const slug = `tx-rollback-${++n}`;
    const mine = new Error('abort');
    const err = await rejection(
      db.transaction(async (t) => {
        const team = await t.insert('admin_teams', { name: 'T', slug });
        await t.update('admin_teams', team.id, { name: 'T2' });
        await t.batchInsert('admin_teams', [{ name: 'U', slug: `${slug}-b` }]);
        throw mine;
      }),
    );
    expect(err).toBe(mine);
    expect(await db.count('admin_teams', { slug: [slug, `${slug}-b`] })).toBe(0);
  });

  it('really uses the transaction: one txid inside, writes invisible outside until commit', async () => {
    const slug = `tx-iso-${++n}`;
    await db.transaction(async (t) => {
      const [a] = await t.query('select txid_current() as x');
      await t.insert('admin_teams', { name: 'Iso', slug });
      const [b] = await t.query('select txid_current() as x');
      expect(String(a.x)).toBe(String(b.x));
      expect(await t.count('admin_teams', { slug })).toBe(1);
      expect(await db.count('admin_teams', { slug })).toBe(0); // outside: not yet
      expect(await t.db.one('select txid_current() as x')).toEqual({ x: a.x });
    });
    expect(await db.count('admin_teams', { slug })).toBe(1);
  });

  it('AdminPgDB over a db.tx client runs inside that transaction', async () => {
    const slug = `tx-client-${++n}`;
    const { AdminPgDB: Cls } = native();
    await rejection(
      s.db.tx(async (t) => {
        await new Cls({ client: t }).insert('admin_teams', { name: 'X', slug });
        throw new Error('undo');
      }),
    );
    expect(await db.count('admin_teams', { slug })).toBe(0);
  });
});

describe('injection attempts get a coded error or a harmless result; the schema stays intact', () => {
  let counts: Record<string, number>;
  beforeAll(async () => {
    counts = await rowCounts();
  });

  async function rowCounts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const t of Object.values(native().TABLES)) out[t] = await s.adminDb.count(t);
    return out;
  }

  it('through values: stored and matched literally', async () => {
    const evil = "x'); drop table admin_users; --";
    const u = await db.insert('admin_users', { email: email(), name: evil });
    expect(u.name).toBe(evil);
    expect((await db.findOneBy('admin_users', { name: evil }))?.id).toBe(u.id);
    expect(await db.findBy('admin_users', { name: "' or 1=1 --" })).toEqual([]);
    expect(await db.findBy('admin_users', { name: { like: "%' or '1'='1" } })).toEqual([]);
    await db.delete('admin_users', u.id);
  });

  it.each([`email" = '' or 1=1 --`, 'email = email', 'email; drop table admin_users', '1=1', 'email)'])(
    'through a field name %j: INVALID_ARGUMENT everywhere',
    async (field) => {
      for (const call of [
        () => db.findBy('admin_users', { [field]: 1 }),
        () => db.findOneBy('admin_users', { [field]: 1 }),
        () => db.count('admin_users', { [field]: 1 }),
        () => db.insert('admin_users', { email: email(), [field]: 1 }),
        () => db.update('admin_users', randomUUID(), { [field]: 1 }),
        () => db.batchInsert('admin_users', [{ email: email(), [field]: 1 }]),
      ]) {
        expect((await rejection(call())).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
      }
    },
  );

  it.each([
    'admin_users; drop table admin_teams',
    'admin_users --',
    `"${'x'}".admin_users`,
    'pg_catalog.pg_user',
    'admin_pg_native_migrations',
    'information_schema.tables',
  ])('through a table name %j: INVALID_ARGUMENT', async (table) => {
    const t = table as 'admin_users';
    for (const call of [
      () => db.findBy(t, {}),
      () => db.findById(t, randomUUID()),
      () => db.count(t),
      () => db.insert(t, { email: email() }),
      () => db.delete(t, randomUUID()),
    ]) {
      const err = await rejection(call());
      expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
      expect(err.message).toMatch(/table/);
    }
  });

  it.each(['email; drop table admin_users', 'email desc; select 1', '(select 1)', 'email nulls first', 'random()', 'email DESC --', '1'])(
    'through orderBy %j: INVALID_ARGUMENT',
    async (orderBy) => {
      expect((await rejection(db.findBy('admin_users', {}, { orderBy }))).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
    },
  );

  it('through an operator name: INVALID_ARGUMENT', async () => {
    const err = await rejection(db.findBy('admin_users', { email: { "= '' or 1=1 --": 'x' } } as never));
    expect(err.code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
  });

  it('afterwards every table still exists and row counts are unchanged', async () => {
    expect(await tablesIn(s.schemaName)).toEqual(expect.arrayContaining(Object.values(native().TABLES)));
    expect(await rowCounts()).toEqual(counts);
    expect((await sideQuery(`select count(*)::int as n from "${s.schemaName}".admin_users`))[0].n).toBe(counts.admin_users);
  });
});
