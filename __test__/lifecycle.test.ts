// Proves the storage lifecycle (CONTRACT §1, §3): close() refuses later calls with
// ERR_ADMIN_PG_CLOSED, lets running calls finish, and a Node process using a storage exits
// on its own (with or without close()).
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupStorages,
  createStorage,
  pgBouncerClients,
  randomSchema,
  rejection,
  runNodeWithin,
  sideQuery,
  viaPgBouncer,
} from './helpers';

afterAll(cleanupStorages);

const child = path.join(__dirname, 'fixtures', 'lifecycle-child.cjs');

describe('close()', () => {
  it('every later call rejects with ERR_ADMIN_PG_CLOSED', async () => {
    const s = createStorage();
    await s.init();
    const u = await s.createUser({ email: 'closed@example.com' });
    await s.close();
    for (const call of [
      () => s.db.one('select 1 as x'),
      () => s.db.none('select 1'),
      () => s.db.tx(async (t) => t.one('select 1 as x')),
      () => s.getUser(u.id),
      () => s.createUser({ email: 'after@example.com' }),
      () => s.updateUser(u.id, { name: 'x' }),
      () => s.users.listUsers(),
      () => s.users.getUserById(u.id),
      () => s.adminDb.count('admin_users'),
      () => s.adminDb.transaction(async (d) => d.count('admin_users')),
      () => s.init(),
      () => s.migrationStatus(),
    ]) {
      const err = await rejection(call()).catch(() => ({ code: `resolved: ${call.toString()}` }));
      expect(err.code).toBe('ERR_ADMIN_PG_CLOSED');
    }
  });

  it('a call never made before close() also rejects with ERR_ADMIN_PG_CLOSED (no connection is opened)', async () => {
    const s = createStorage();
    await s.close();
    expect((await rejection(s.db.one('select 1'))).code).toBe('ERR_ADMIN_PG_CLOSED');
  });

  it('init() after close() rejects with ERR_ADMIN_PG_CLOSED, also with disableInit', async () => {
    const s = createStorage({ disableInit: true });
    await s.close();
    expect((await rejection(s.init())).code).toBe('ERR_ADMIN_PG_CLOSED');
  });

  it('close() twice resolves both times', async () => {
    const s = createStorage();
    await s.db.one('select 1 as x');
    await s.close();
    await expect(s.close()).resolves.toBeUndefined();
  });

  it('a call already running when close() is called finishes first', async () => {
    const s = createStorage();
    await s.db.one('select 1 as warm');
    const running = s.db.one('select pg_sleep(0.3), 7 as x');
    await new Promise((r) => setTimeout(r, 50));
    const closing = s.close();
    expect(await running).toMatchObject({ x: 7 });
    await closing;
    expect((await rejection(s.db.one('select 1'))).code).toBe('ERR_ADMIN_PG_CLOSED');
  });

  it('close() releases the server connections', async () => {
    const app = `admin-pg-close-${Date.now()}`;
    const s = createStorage({ applicationName: app });
    await Promise.all([s.db.one('select pg_sleep(0.05)'), s.db.one('select pg_sleep(0.05)')]);
    // Through PgBouncer our connections end at PgBouncer (its server connections are its own
    // pool and outlive any client): count our clients on its admin console instead.
    const open = async () =>
      viaPgBouncer()
        ? (await pgBouncerClients()).filter((c) => c.application_name === app).length
        : Number((await sideQuery('select count(*) as n from pg_stat_activity where application_name = $1', [app]))[0].n);
    expect(await open()).toBeGreaterThan(0);
    await s.close();
    let n = await open();
    for (let i = 0; i < 20 && n > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      n = await open();
    }
    expect(n).toBe(0);
  });

  it('statementCount and schemaName stay readable after close()', async () => {
    const s = createStorage();
    await s.db.one('select 1 as x');
    await s.close();
    expect(s.statementCount).toBe(1);
    expect(typeof s.schemaName).toBe('string');
  });
});

describe('a Node process using a storage exits by itself', () => {
  const DEADLINE = 5_000;

  it.each(['close', 'init-close', 'failed-query', 'tx-close'])(
    'mode %s: runs, calls close(), exits 0 within 5 s',
    async (mode) => {
      const schema = randomSchema('life');
      createStorage({ schemaName: schema }); // so cleanupStorages drops what the child creates
      const r = await runNodeWithin(DEADLINE, child, [mode, schema]);
      expect({ code: r.code, signal: r.signal, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({
        code: 0,
        signal: null,
        stdout: 'done',
        stderr: '',
      });
    },
  );

  it('without calling close(), the process still exits 0 within 5 s (idle pooled connections do not hold it)', async () => {
    const r = await runNodeWithin(DEADLINE, child, ['no-close']);
    expect({ code: r.code, signal: r.signal, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({
      code: 0,
      signal: null,
      stdout: 'done',
      stderr: '',
    });
  });
});
