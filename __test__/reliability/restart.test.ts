// Item 3: the database stops (fast and immediate shutdown) with 64 operations in flight and
// starts again. In-flight calls settle with a right answer or ERR_ADMIN_PG_CONNECTION, calls
// while it is down fail fast, the same storage works again once it is up, and no write that
// resolved before the stop is lost.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresAdminStorage } from '../../index.js';
import { addon, codeOf, figure, settle, sleep, startEmbeddedPostgres, type EmbeddedServer, type ShutdownMode } from './support';

const IN_FLIGHT = 64;
const SEEDS = 40;
const CONNECTION_TIMEOUT = 5000;

let server: EmbeddedServer;
let storage: PostgresAdminStorage;
const seeds: { id: string; email: string }[] = [];

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  const { PostgresAdminStorage } = addon();
  storage = new PostgresAdminStorage({
    connectionString: server.url,
    schemaName: 'reliability_restart',
    max: 10, // fewer connections than calls: some calls wait for a connection when it stops
    connectionTimeoutMillis: CONNECTION_TIMEOUT,
  });
  await storage.init();
  for (let i = 0; i < SEEDS; i++) {
    const u = await storage.createUser({ id: randomUUID(), email: `seed${i}@restart.test`, name: 'seed' });
    seeds.push({ id: u.id, email: u.email });
  }
}, 120_000);

afterAll(async () => {
  await storage?.close().catch(() => {});
  await server?.stop();
});

type Kind = 'create' | 'get' | 'update';
interface Op {
  kind: Kind;
  seed?: number;
  id: string;
  token: string;
  launchedAt: number;
  settled?: { ok: boolean; code?: string; at: number };
}

/**
 * Keeps `IN_FLIGHT` calls running (creates, gets, updates; one update at a time per seed, so
 * each seed's updates are ordered) until `stopLaunching()`, checking every answer.
 */
function load(prefix: string) {
  const ops: Op[] = [];
  const wrongAnswers: string[] = [];
  const busySeeds = new Set<number>();
  let launching = true;
  let counter = 0;
  const inFlight = new Set<Promise<void>>();

  const launch = (): void => {
    if (!launching) return;
    counter += 1;
    const n = counter;
    let kind: Kind = (['create', 'get', 'update'] as const)[n % 3];
    let seed = n % SEEDS;
    if (kind === 'update') {
      const free = [...Array(SEEDS).keys()].find((i) => !busySeeds.has((i + n) % SEEDS));
      if (free === undefined) kind = 'get';
      else seed = (free + n) % SEEDS;
    }
    const token = `${prefix}${n}`;
    const op: Op = { kind, seed, id: kind === 'create' ? randomUUID() : seeds[seed].id, token, launchedAt: performance.now() };
    ops.push(op);
    let call: Promise<unknown>;
    if (kind === 'create') call = storage.createUser({ id: op.id, email: `${token}@restart.test`, name: token });
    else if (kind === 'get') call = storage.getUser(op.id);
    else {
      busySeeds.add(seed);
      call = storage.updateUser(op.id, { name: token });
    }
    const done = call.then(
      (v: any) => {
        op.settled = { ok: true, at: performance.now() };
        const expected =
          kind === 'create' ? { id: op.id, email: `${token}@restart.test`, name: token }
          : kind === 'get' ? { id: op.id, email: seeds[seed].email }
          : { id: op.id, name: token };
        for (const [k, want] of Object.entries(expected)) {
          if (v?.[k] !== want) wrongAnswers.push(`${kind} ${op.id}: ${k} = ${v?.[k]}, expected ${want}`);
        }
      },
      (e) => {
        op.settled = { ok: false, code: codeOf(e), at: performance.now() };
      },
    ).finally(() => {
      if (kind === 'update') busySeeds.delete(seed);
      inFlight.delete(done);
      launch();
    });
    inFlight.add(done);
  };
  for (let i = 0; i < IN_FLIGHT; i++) launch();
  return {
    ops,
    wrongAnswers,
    inFlight: () => inFlight.size,
    stopLaunching: () => {
      launching = false;
      return [...inFlight];
    },
  };
}

/** Every resolved create is there; every seed holds its last resolved update, or a later one
 * whose answer was lost with the connection. Returns how many writes were checked. */
async function checkWrites(ops: Op[]): Promise<number> {
  const rows = await storage.db.any<{ id: string; email: string; name: string }>(
    'select id::text, email, name from reliability_restart.admin_users',
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  let checked = 0;
  for (const op of ops.filter((o) => o.kind === 'create' && o.settled?.ok)) {
    expect(byId.get(op.id), `resolved create ${op.id} is present`).toMatchObject({ email: `${op.token}@restart.test`, name: op.token });
    checked += 1;
  }
  for (let seed = 0; seed < SEEDS; seed++) {
    const updates = ops.filter((o) => o.kind === 'update' && o.seed === seed);
    const lastResolved = updates.map((o) => o.settled?.ok).lastIndexOf(true);
    if (lastResolved < 0) continue;
    const allowed = updates.slice(lastResolved).filter((o, i) => i === 0 || !o.settled?.ok).map((o) => o.token);
    expect(allowed, `seed ${seed} keeps its last resolved update`).toContain(byId.get(seeds[seed].id)?.name);
    checked += 1;
  }
  return checked;
}

describe('database restart mid-load', () => {
  for (const mode of ['fast', 'immediate'] as ShutdownMode[]) {
    it(`${mode} shutdown with ${IN_FLIGHT} calls in flight: they settle right or with ERR_ADMIN_PG_CONNECTION, calls fail fast while it is down, the same storage recovers, no resolved write is lost`, async () => {
      const run = load(mode);
      await sleep(300); // steady load first
      expect(run.inFlight()).toBe(IN_FLIGHT);

      // Make sure the calls are still in flight when it stops: a side transaction locks the
      // users table against writes, so creates and updates wait on the server (holding every
      // pooled connection) and the rest wait for a connection.
      const locker = new pg.Client({ connectionString: server.url });
      locker.on('error', () => {}); // it dies with the server
      await locker.connect();
      await locker.query('begin; lock table reliability_restart.admin_users in exclusive mode');
      let settledCount = -1;
      while (settledCount !== run.ops.filter((o) => o.settled).length) {
        settledCount = run.ops.filter((o) => o.settled).length;
        await sleep(150);
      }
      const resolvedBeforeStop = run.ops.filter((o) => o.settled?.ok).length;
      expect(run.ops.filter((o) => o.settled && !o.settled.ok)).toEqual([]); // a healthy start

      const stoppedAt = performance.now();
      const inFlight = run.stopLaunching();
      const atStop = run.ops.filter((o) => !o.settled);
      expect(atStop.length).toBe(IN_FLIGHT);
      await server.shutdown(mode);
      await locker.end().catch(() => {});

      // Every call that was in flight has settled by now or does so soon: no hang.
      const settled = await settle(Promise.all(inFlight), CONNECTION_TIMEOUT + 5000);
      expect(settled.status).toBe('fulfilled');
      // A call either got its right answer (a write the shutdown let commit as the lock holder
      // died is one; the answer checks are in load()) or rejects with the connection code.
      const failures = atStop.filter((o) => !o.settled!.ok);
      expect(failures.map((o) => o.settled!.code).filter((c) => c !== 'ERR_ADMIN_PG_CONNECTION')).toEqual([]);
      expect(run.wrongAnswers).toEqual([]);

      // While it is down: a coded rejection, fast (not after connectionTimeoutMillis).
      const down = await settle(storage.getUser(seeds[0].id), CONNECTION_TIMEOUT + 5000);
      expect(down.status).toBe('rejected');
      expect(codeOf((down as { error: unknown }).error)).toBe('ERR_ADMIN_PG_CONNECTION');
      expect(down.ms).toBeLessThan(CONNECTION_TIMEOUT);

      await server.start();
      const startedAt = performance.now();
      // The same storage object works again; count the calls that failed before it did.
      let failedAfterStart = 0;
      let recoveredAt = 0;
      while (!recoveredAt) {
        const r = await settle(storage.getUser(seeds[1].id), CONNECTION_TIMEOUT + 5000);
        if (r.status === 'fulfilled') {
          expect(r.value).toMatchObject(seeds[1]);
          recoveredAt = performance.now();
        } else {
          expect(r.status).toBe('rejected');
          failedAfterStart += 1;
          expect(failedAfterStart).toBeLessThan(3);
          await sleep(50);
        }
      }
      const checked = await checkWrites(run.ops);
      expect(checked).toBeGreaterThan(0);
      const again = await Promise.all(seeds.slice(0, 20).map((s) => storage.getUser(s.id)));
      expect(again.map((u) => u?.id)).toEqual(seeds.slice(0, 20).map((s) => s.id));

      figure(`restart (${mode})`, {
        callsResolvedBeforeStop: resolvedBeforeStop,
        inFlightAtStop: atStop.length,
        inFlightResolvedRight: atStop.length - failures.length,
        inFlightRejectedWithConnectionCode: failures.length,
        callWhileDownRejectedAfterMs: Math.round(down.ms),
        serverDownForMs: Math.round(startedAt - stoppedAt),
        failedCallsAfterStart: failedAfterStart,
        firstSuccessAfterStartMs: Math.round(recoveredAt - startedAt),
        recoveryStopToFirstSuccessMs: Math.round(recoveredAt - stoppedAt),
        writesChecked: checked,
      });
      expect(failedAfterStart).toBe(0);
    }, 90_000);
  }
});
