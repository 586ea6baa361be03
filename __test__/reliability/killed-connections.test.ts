// Item 4: every backend of ours is killed with pg_terminate_backend (found by the
// applicationName we set). The storage recovers by itself: only a call that was using, or
// first picks up, a dead connection fails (ERR_ADMIN_PG_CONNECTION); the idle connections that
// died with it are then checked before reuse, so later calls do not keep failing.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage } from '../../index.js';
import { cleanupStorages, createStorage, pgClient } from '../helpers';
import { codeOf, figure, settle } from './support';

const POOL = 5;
const applicationName = `rel_kill_${randomBytes(4).toString('hex')}`;
let storage: PostgresAdminStorage;
let side: pg.Client;

beforeAll(async () => {
  storage = createStorage({ applicationName, max: POOL });
  await storage.init();
  side = await pgClient();
});

afterAll(async () => {
  await side?.end();
  await cleanupStorages();
});

/** Opens all POOL connections (concurrent slow calls). */
async function warmPool() {
  await Promise.all(Array.from({ length: POOL }, () => storage.db.one('select pg_sleep(0.05)')));
}

async function ourBackends(): Promise<number[]> {
  const { rows } = await side.query('select pid from pg_stat_activity where application_name = $1', [applicationName]);
  return rows.map((r) => r.pid);
}

/** Terminates every backend of ours; returns how many there were. */
async function killAll(): Promise<number> {
  const { rows } = await side.query(
    'select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = $1',
    [applicationName],
  );
  // Wait until they are gone, so the next call really meets dead connections.
  for (let i = 0; i < 100 && (await ourBackends()).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  return rows.filter((r) => r.killed).length;
}

describe('killed connections', () => {
  it('the applicationName config reaches the server, so our backends can be found', async () => {
    await warmPool();
    expect((await ourBackends()).length).toBe(POOL);
  });

  it('after every idle connection is killed, one call fails with ERR_ADMIN_PG_CONNECTION (57P01) and every later call succeeds, round after round', async () => {
    const failuresPerRound: number[] = [];
    for (let round = 0; round < 3; round++) {
      await warmPool();
      expect(await killAll()).toBe(POOL);
      const outcomes = [];
      for (let i = 0; i < 3 * POOL; i++) outcomes.push(await settle(storage.db.one('select 1 as one'), 10_000));
      const failed = outcomes.filter((o) => o.status === 'rejected') as { error: any }[];
      for (const f of failed) {
        expect(codeOf(f.error)).toBe('ERR_ADMIN_PG_CONNECTION');
        expect(f.error.pgCode).toBe('57P01'); // admin_shutdown: terminated by pg_terminate_backend
        expect(f.error.message).toMatch(/lost/);
      }
      // What we see: only the first call after the kill fails (not one per dead connection).
      expect(failed.length).toBeLessThanOrEqual(1);
      expect(outcomes.slice(1).every((o) => o.status === 'fulfilled')).toBe(true);
      failuresPerRound.push(failed.length);
    }
    figure('killed idle connections: failed calls per round (5 dead connections each)', failuresPerRound);
  });

  it('concurrent calls right after the kill: at most one failure per dead connection, then all succeed', async () => {
    await warmPool();
    expect(await killAll()).toBe(POOL);
    const first = await Promise.all(Array.from({ length: 20 }, () => settle(storage.getUser('00000000-0000-4000-8000-000000000000'), 10_000)));
    const failed = first.filter((o) => o.status === 'rejected') as { error: any }[];
    expect(failed.every((f) => codeOf(f.error) === 'ERR_ADMIN_PG_CONNECTION')).toBe(true);
    expect(failed.length).toBeLessThanOrEqual(POOL);
    expect(first.filter((o) => o.status === 'pending')).toEqual([]);
    const second = await Promise.all(Array.from({ length: 20 }, () => settle(storage.getUser('00000000-0000-4000-8000-000000000000'), 10_000)));
    expect(second.every((o) => o.status === 'fulfilled' && o.value === null)).toBe(true);
    figure('killed idle connections, 20 concurrent calls: failed', failed.length);
  });

  it('calls running when their backend is killed reject at once with ERR_ADMIN_PG_CONNECTION (not after their statement would have ended)', async () => {
    const running = Array.from({ length: 3 }, () => settle(storage.db.one('select pg_sleep(30)'), 20_000));
    for (let i = 0; i < 200 && (await side.query("select 1 from pg_stat_activity where application_name = $1 and query like '%pg_sleep(30)%'", [applicationName])).rowCount! < 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await killAll();
    const outcomes = await Promise.all(running);
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      expect(codeOf((o as { error: unknown }).error)).toBe('ERR_ADMIN_PG_CONNECTION');
      expect(o.ms).toBeLessThan(10_000);
    }
    expect(await storage.db.one('select 2 as two')).toEqual({ two: 2 });
  });

  it('a transaction whose connection is killed rejects with ERR_ADMIN_PG_CONNECTION and leaves the pool usable', async () => {
    const tx = storage.db.tx(async (t) => {
      await t.one('select 1 as one');
      await killAll();
      return t.one('select 2 as two');
    });
    const outcome = await settle(tx, 10_000);
    expect(outcome.status).toBe('rejected');
    expect(codeOf((outcome as { error: unknown }).error)).toBe('ERR_ADMIN_PG_CONNECTION');
    const after = await Promise.all(Array.from({ length: 2 * POOL }, () => storage.db.one('select 3 as three')));
    expect(after).toEqual(Array(2 * POOL).fill({ three: 3 }));
  });
});
