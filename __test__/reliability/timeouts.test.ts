// Item 5: statementTimeoutMillis, connectionTimeoutMillis, and a pool smaller than the load.
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupStorages, createStorage, pgClient } from '../helpers';
import { addon, codeOf, figure, settle } from './support';

afterAll(cleanupStorages);

/** A port on 127.0.0.1 with nothing listening (bound, read, closed). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** A TCP server on 127.0.0.1 that accepts connections and never answers (a hung server). */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

describe('statementTimeoutMillis', () => {
  it('cancels a statement that runs longer with ERR_ADMIN_PG_TIMEOUT (SQLSTATE 57014), and the connection stays usable', async () => {
    const storage = createStorage({ statementTimeoutMillis: 200, max: 1 });
    const r = await settle(storage.db.one('select pg_sleep(5)'), 4000);
    expect(r.status).toBe('rejected');
    const err = (r as { error: any }).error;
    expect(codeOf(err)).toBe('ERR_ADMIN_PG_TIMEOUT');
    expect(err.pgCode).toBe('57014');
    expect(r.ms).toBeGreaterThanOrEqual(150);
    expect(r.ms).toBeLessThan(2000);
    // Same (only) connection, next statement fine; a short statement is not affected.
    expect(await storage.db.one('select pg_sleep(0.05), 1 as one')).toMatchObject({ one: 1 });
    figure('statement timeout 200 ms: rejected after ms', Math.round(r.ms));
  });

  it('applies inside a transaction too, and the failed transaction is rolled back', async () => {
    const storage = createStorage({ statementTimeoutMillis: 200 });
    await storage.init();
    const r = await settle(
      storage.db.tx(async (t) => {
        await t.none(`insert into ${storage.schemaName}.admin_users (email) values ('timeout@tx.test')`);
        await t.none('select pg_sleep(5)');
      }),
      4000,
    );
    expect(codeOf((r as { error: unknown }).error)).toBe('ERR_ADMIN_PG_TIMEOUT');
    expect(await storage.getUserByEmail('timeout@tx.test')).toBeNull();
  });
});

describe('connectionTimeoutMillis', () => {
  it('a port where nothing listens rejects quickly with ERR_ADMIN_PG_CONNECTION naming the server and the reason (not after connectionTimeoutMillis)', async () => {
    const { PostgresAdminStorage } = addon();
    const port = await closedPort();
    const storage = new PostgresAdminStorage({ host: '127.0.0.1', port, database: 'test', user: 'nobody', connectionTimeoutMillis: 3000 });
    const r = await settle(storage.getUser('00000000-0000-4000-8000-000000000000'), 10_000);
    expect(r.status).toBe('rejected');
    const err = (r as { error: any }).error;
    expect(codeOf(err)).toBe('ERR_ADMIN_PG_CONNECTION');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).toMatch(/refused/i);
    expect(r.ms).toBeLessThan(1500);
    await storage.close();
    figure('connection refused: rejected after ms (connectionTimeoutMillis 3000)', Math.round(r.ms));
  });

  it('a server that accepts but never answers rejects with ERR_ADMIN_PG_TIMEOUT once connectionTimeoutMillis has passed', async () => {
    const { PostgresAdminStorage } = addon();
    const silent = await silentServer();
    try {
      const storage = new PostgresAdminStorage({
        host: '127.0.0.1',
        port: silent.port,
        database: 'test',
        user: 'nobody',
        connectionTimeoutMillis: 500,
      });
      const r = await settle(storage.db.one('select 1'), 10_000);
      expect(r.status).toBe('rejected');
      const err = (r as { error: any }).error;
      expect(codeOf(err)).toBe('ERR_ADMIN_PG_TIMEOUT');
      expect(err.message).toContain(`127.0.0.1:${silent.port}`);
      expect(r.ms).toBeGreaterThanOrEqual(450);
      expect(r.ms).toBeLessThan(3000);
      await storage.close();
      figure('silent server: rejected after ms (connectionTimeoutMillis 500)', Math.round(r.ms));
    } finally {
      await silent.close();
    }
  });
});

describe('pool exhaustion', () => {
  it('max: 2 with 50 concurrent calls: they queue (never more than 2 connections) and all succeed', async () => {
    const applicationName = `rel_pool_${process.pid}`;
    const storage = createStorage({ max: 2, applicationName });
    await storage.init();
    const side = await pgClient();
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await side.query('select count(*)::int as n from pg_stat_activity where application_name = $1', [applicationName]);
        most = Math.max(most, rows[0].n);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const t0 = performance.now();
    const calls = Array.from({ length: 50 }, (_, i) =>
      i % 2 ? storage.db.one('select pg_sleep(0.04), $1::int as i', [i]) : storage.getUser('00000000-0000-4000-8000-000000000000'),
    );
    const results = await Promise.all(calls);
    const ms = performance.now() - t0;
    sampling = false;
    await sampler;
    await side.end();
    expect(results.filter((r, i) => (i % 2 ? (r as { i: number }).i !== i : r !== null))).toEqual([]);
    // 25 sleeps of 40 ms on 2 connections take at least ~500 ms: they did queue.
    expect(ms).toBeGreaterThanOrEqual(450);
    expect(most).toBeLessThanOrEqual(2);
    figure('pool max 2, 50 calls: total ms / most connections seen', [Math.round(ms), most]);
  });

  it('a call that cannot get a connection within connectionTimeoutMillis rejects with ERR_ADMIN_PG_TIMEOUT saying the pool is in use', async () => {
    const storage = createStorage({ max: 1, connectionTimeoutMillis: 1000 });
    const busy = storage.db.one('select pg_sleep(3)');
    await new Promise((r) => setTimeout(r, 50));
    const r = await settle(storage.db.one('select 1'), 5000);
    expect(r.status).toBe('rejected');
    const err = (r as { error: any }).error;
    expect(codeOf(err)).toBe('ERR_ADMIN_PG_TIMEOUT');
    expect(err.message).toMatch(/all 1 in use/);
    expect(r.ms).toBeGreaterThanOrEqual(950);
    expect(r.ms).toBeLessThan(2500);
    await busy;
  });
});
