// Item 6: close() with 100 calls in flight: every call settles (a result, or a rejection with a
// code), close() resolves, the process then exits by itself within 2 s, and calls after close()
// reject with ERR_ADMIN_PG_CLOSED.
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, randomSchema, runNode } from '../helpers';
import { addonPath, figure, writeScript } from './support';

const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await dropSchema(s);
});

const child = writeScript(
  'close-child.cjs',
  `
const { PostgresAdminStorage, AdminPgDB } = require(${JSON.stringify(addonPath)});
const schemaName = process.argv[2];
const outcome = (p) =>
  Promise.resolve(p).then(
    () => ({ ok: true }),
    (e) => ({ ok: false, code: e && e.code }),
  );
(async () => {
  const storage = new PostgresAdminStorage({ connectionString: process.env.DATABASE_URL, schemaName, max: 10 });
  await storage.init();
  const seed = await storage.createUser({ email: 'seed@close.test', name: 'seed' });
  const calls = Array.from({ length: 100 }, (_, i) => {
    switch (i % 5) {
      case 0: return outcome(storage.createUser({ email: 'c' + i + '@close.test', name: 'c' }));
      case 1: return outcome(storage.getUser(seed.id));
      case 2: return outcome(storage.db.one('select pg_sleep(0.02), $1::int as i', [i]));
      case 3: return outcome(storage.users.listUsers({ limit: 5 }));
      default: return outcome(storage.db.tx(async (t) => { await t.one('select 1 as a'); return t.one('select 2 as b'); }));
    }
  });
  const closeStarted = Date.now();
  const close = await outcome(storage.close());
  const closeMs = Date.now() - closeStarted;
  let timer;
  const settled = await Promise.race([
    Promise.all(calls),
    new Promise((r) => (timer = setTimeout(() => r('pending'), 5000))),
  ]);
  clearTimeout(timer);
  const afterClose = {};
  const later = {
    getUser: () => storage.getUser(seed.id),
    createUser: () => storage.createUser({ email: 'late@close.test' }),
    updateUser: () => storage.updateUser(seed.id, { name: 'late' }),
    'users.listUsers': () => storage.users.listUsers(),
    'db.one': () => storage.db.one('select 1'),
    'db.tx': () => storage.db.tx(async (t) => t.one('select 1')),
    'adminDb.count': () => storage.adminDb.count('admin_users'),
    'new AdminPgDB(...).findById': () => new AdminPgDB({ client: storage.db }).findById('admin_users', seed.id),
    init: () => storage.init(),
  };
  for (const [name, call] of Object.entries(later)) {
    let sync = null;
    let p;
    try { p = call(); } catch (e) { sync = e.code || String(e); }
    afterClose[name] = sync ? { sync } : await outcome(p);
  }
  const secondClose = await outcome(storage.close());
  console.log(JSON.stringify({ close, closeMs, settled, afterClose, secondClose, closedAt: Date.now() }));
  // No process.exit(): the process must end by itself (nothing of ours keeps it alive).
})();
`,
);

describe('close()', () => {
  it('with 100 calls in flight: all settle with a result or a coded error, close() resolves, the process exits by itself within 2 s, later calls reject with ERR_ADMIN_PG_CLOSED', async () => {
    const schemaName = randomSchema('rel_close');
    schemas.push(schemaName);
    const run = await runNode(child, [schemaName]);
    const exitedAt = Date.now();
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(report.close).toEqual({ ok: true });
    expect(report.settled).not.toBe('pending');
    const settled = report.settled as { ok: boolean; code?: string }[];
    expect(settled).toHaveLength(100);
    const badRejections = settled.filter((s) => !s.ok && !/^ERR_ADMIN_PG_/.test(s.code ?? ''));
    expect(badRejections).toEqual([]);
    for (const [name, o] of Object.entries(report.afterClose)) {
      expect({ name, o }).toEqual({ name, o: { ok: false, code: 'ERR_ADMIN_PG_CLOSED' } });
    }
    expect(report.secondClose).toEqual({ ok: true });
    const exitMs = exitedAt - report.closedAt;
    expect(exitMs).toBeLessThan(2000);
    const codes: Record<string, number> = {};
    for (const s of settled) codes[s.ok ? 'resolved' : s.code!] = (codes[s.ok ? 'resolved' : s.code!] ?? 0) + 1;
    figure('close() with 100 in flight', { settled: codes, closeMs: report.closeMs, exitAfterLastLineMs: exitMs });
  });
});
