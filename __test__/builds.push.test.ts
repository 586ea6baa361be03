// The push-based build queue: waitForBuild claims a build as soon as one is queued (LISTEN/NOTIFY
// on the schema's channel, one LISTEN connection per storage), polls in case a notification is
// lost, resolves null on timeout or abort, and never hands one build to two waiters.
import { createHash } from 'node:crypto';
import { getEventListeners } from 'node:events';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Build, PostgresAdminStorage } from '../index.js';
import { cleanupStorages, createStorage, databaseUrl, native, pgClient, randomSchema, runNodeWithin, sideQuery, viaPgBouncer } from './helpers';
import { makeDeployment, qualified, rejectsWith } from './runtime-fixtures';

// LISTEN/NOTIFY needs a session of its own, which a transaction pooler cannot give (README,
// "PgBouncer"): when the suite runs through PgBouncer, these storages connect directly.
const direct = () => (viaPgBouncer() ? { connectionString: databaseUrl(), pgbouncer: false } : {});

afterAll(cleanupStorages);

/** A storage in a schema of its own (the queue is global to a schema). */
async function freshStorage(opts: Record<string, unknown> = {}): Promise<PostgresAdminStorage> {
  const s = createStorage({ max: 4, idleTimeoutMillis: 1000, ...direct(), ...opts });
  await s.init();
  return s;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The channel our trigger notifies for this schema (see src/core/pg/queue_listener.rs). */
function channelOf(schema: string): string {
  const plain = `admin_pg_native_builds_${schema}`;
  return Buffer.byteLength(plain) <= 63
    ? plain
    : `admin_pg_native_builds_${createHash('md5').update(schema).digest('hex')}`;
}

/**
 * Server backends LISTENing on the schema's channel (our listener's last statement: `LISTEN "…"`,
 * or `LISTEN "…";` after sqlx re-established a lost connection).
 */
async function listeners(schema: string): Promise<number> {
  const [{ n }] = await sideQuery<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity where query in ($1, $1 || ';')`,
    [`LISTEN "${channelOf(schema)}"`],
  );
  return n;
}

/** Waits (at most `ms`) until `check` holds. */
async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('waking up', () => {
  it('a waiter claims a build within 500 ms of its enqueue, although it would poll only every 30 s', async () => {
    const s = await freshStorage();
    const producer = await freshStorage({ schemaName: s.schemaName });
    const { id: deploymentId } = await makeDeployment(s);
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const waiting = s.builds.waitForBuild({ timeoutMs: 10_000, pollIntervalMs: 30_000 });
      await sleep(50);
      const t0 = performance.now();
      const queued = await producer.builds.enqueue(deploymentId, 'manual', `u${i}`);
      const claimed = (await waiting)!;
      latencies.push(performance.now() - t0);
      expect(claimed).toMatchObject({ id: queued.id, status: 'building', attempts: 1 });
      expect(claimed.startedAt).toBeInstanceOf(Date);
    }
    expect(Math.max(...latencies)).toBeLessThan(500);
  });

  it('claims at once when a build is already queued (no waiting at all)', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const queued = await s.builds.enqueue(deploymentId, 'manual', 'u');
    const t0 = performance.now();
    expect((await s.builds.waitForBuild({ timeoutMs: 5000, pollIntervalMs: 30_000 }))!.id).toBe(queued.id);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('is woken by every way a build becomes queued: createBuild, updateBuildStatus(queued), batchInsert', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const ways: [string, () => Promise<string>][] = [
      ['createBuild', async () => (await s.createBuild({ deploymentId, trigger: 'webhook', triggeredBy: 'u' })).id],
      [
        'updateBuildStatus',
        async () => {
          const b = await s.createBuild({ deploymentId, trigger: 'manual', triggeredBy: 'u', status: 'failed' });
          await s.updateBuildStatus(b.id, 'queued');
          return b.id;
        },
      ],
      [
        'batchInsert',
        async () => {
          const [b] = (await s.adminDb.batchInsert('admin_builds', [
            { deploymentId, trigger: 'manual', triggeredBy: 'u', status: 'queued', logs: '' },
          ])) as Build[];
          return b.id;
        },
      ],
    ];
    for (const [way, queue] of ways) {
      const waiting = s.builds.waitForBuild({ timeoutMs: 3000, pollIntervalMs: 30_000 });
      await sleep(50);
      const t0 = performance.now();
      const id = await queue();
      expect({ way, id: (await waiting)?.id }).toEqual({ way, id });
      expect(performance.now() - t0).toBeLessThan(1000);
    }
  });

  it('works for a 63-character schema name (the channel is then named by the schema md5)', async () => {
    const schemaName = randomSchema('long').padEnd(63, 'x');
    expect(Buffer.byteLength(`admin_pg_native_builds_${schemaName}`)).toBeGreaterThan(63);
    const s = await freshStorage({ schemaName });
    const { id: deploymentId } = await makeDeployment(s);
    const waiting = s.builds.waitForBuild({ timeoutMs: 5000, pollIntervalMs: 30_000 });
    await sleep(50);
    const t0 = performance.now();
    const queued = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect((await waiting)?.id).toBe(queued.id);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('lost notifications', () => {
  /** Queues a build the way nothing of ours would: a raw INSERT with triggers off (no NOTIFY). */
  async function queueSilently(s: PostgresAdminStorage, deploymentId: string): Promise<string> {
    const c = await pgClient();
    try {
      await c.query(`set session_replication_role = replica`);
      const { rows } = await c.query(
        `insert into ${qualified(s, 'admin_builds')} (deployment_id, trigger, triggered_by, status) values ($1, 'manual', 'raw', 'queued') returning id`,
        [deploymentId],
      );
      return rows[0].id;
    } finally {
      await c.end();
    }
  }

  it('a build queued without a notification is not seen by a waiter that polls too rarely, but is not lost', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const waiting = s.builds.waitForBuild({ timeoutMs: 800, pollIntervalMs: 60_000 });
    await sleep(100);
    const id = await queueSilently(s, deploymentId);
    expect(await waiting).toBeNull();
    expect((await s.builds.getBuildById(id))!.status).toBe('queued');
    // The next wait claims first thing.
    expect((await s.builds.waitForBuild({ timeoutMs: 0 }))?.id).toBe(id);
  });

  it('a poll claims such a build within one poll interval', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const waiting = s.builds.waitForBuild({ timeoutMs: 5000, pollIntervalMs: 250 });
    await sleep(100);
    const t0 = performance.now();
    const id = await queueSilently(s, deploymentId);
    expect((await waiting)?.id).toBe(id);
    expect(performance.now() - t0).toBeLessThan(250 + 750);
  });

  it('a LISTEN connection killed by the server is re-established, and the waiters still wake', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const first = s.builds.waitForBuild({ timeoutMs: 10_000, pollIntervalMs: 30_000 });
    await until(async () => (await listeners(s.schemaName)) === 1);
    const [{ pid }] = await sideQuery<{ pid: number }>(
      `select pid from pg_stat_activity where query = $1`,
      [`LISTEN "${channelOf(s.schemaName)}"`],
    );
    await sideQuery(`select pg_terminate_backend($1)`, [pid]);
    await until(async () => {
      const rows = await sideQuery(`select 1 from pg_stat_activity where pid = $1`, [pid]);
      return rows.length === 0 && (await listeners(s.schemaName)) === 1;
    });
    const t0 = performance.now();
    const queued = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect((await first)?.id).toBe(queued.id);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('timeout and abort', () => {
  it('resolves null after timeoutMs when nothing is queued; timeoutMs 0 claims once', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    let t0 = performance.now();
    expect(await s.builds.waitForBuild({ timeoutMs: 300 })).toBeNull();
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(1500);
    t0 = performance.now();
    expect(await s.builds.waitForBuild({ timeoutMs: 0 })).toBeNull();
    expect(performance.now() - t0).toBeLessThan(500);
    const queued = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect((await s.builds.waitForBuild({ timeoutMs: 0 }))?.id).toBe(queued.id);
  });

  it('an AbortSignal resolves the wait with null at once, and its listener is removed afterwards', async () => {
    const s = await freshStorage();
    const ac = new AbortController();
    const waiting = s.builds.waitForBuild({ signal: ac.signal, pollIntervalMs: 30_000 });
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    await sleep(100);
    const t0 = performance.now();
    ac.abort();
    expect(await waiting).toBeNull();
    expect(performance.now() - t0).toBeLessThan(500);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('a long-lived signal shared by many waits collects no listeners; the caller own onabort is untouched', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const ac = new AbortController();
    const mine = () => {};
    ac.signal.onabort = mine;
    for (let i = 0; i < 5; i++) expect(await s.builds.waitForBuild({ signal: ac.signal, timeoutMs: 10 })).toBeNull();
    await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect(await s.builds.waitForBuild({ signal: ac.signal, timeoutMs: 1000 })).not.toBeNull();
    await rejectsWith(s.builds.waitForBuild({ signal: ac.signal, timeoutMs: -1 }), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1); // node's wrapper of onabort
    expect(ac.signal.onabort).toBe(mine);
  });

  it('an already-aborted signal resolves null without claiming anything', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const queued = await s.builds.enqueue(deploymentId, 'manual', 'u');
    const before = s.statementCount;
    expect(await s.builds.waitForBuild({ signal: AbortSignal.abort() })).toBeNull();
    expect(s.statementCount).toBe(before);
    expect((await s.builds.getBuildById(queued.id))!.status).toBe('queued');
  });

  it('rejects bad options with ERR_ADMIN_PG_INVALID_ARGUMENT, and waiting inside a transaction', async () => {
    const s = await freshStorage();
    for (const bad of [
      'x',
      { timeoutMs: -1 },
      { timeoutMs: 1.5 },
      { timeoutMs: '10' },
      { pollIntervalMs: 0 },
      { pollIntervalMs: 2 ** 31 },
      { leaseMs: 0 },
      { workerId: '' },
      { workerId: 7 },
      { signal: {} },
      { signal: 'abort' },
    ]) {
      await rejectsWith(s.builds.waitForBuild(bad as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    }
    const { BuildsPG } = native();
    await s.db.tx(async (t) => {
      await rejectsWith(new BuildsPG({ client: t }).waitForBuild({ timeoutMs: 0 }), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    });
  });
});

describe('many waiters', () => {
  it('30 waiters on two storages, 20 builds enqueued at once: 20 distinct claims, 10 time out', async () => {
    const a = await freshStorage({ max: 6 });
    const b = await freshStorage({ schemaName: a.schemaName, max: 6 });
    const { id: deploymentId } = await makeDeployment(a);
    const waiters = Array.from({ length: 30 }, (_, i) =>
      (i % 2 ? a : b).builds.waitForBuild({ timeoutMs: 3000, pollIntervalMs: 30_000, workerId: `w${i}` }),
    );
    await sleep(200);
    const queued = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).builds.enqueue(deploymentId, 'manual', `u${i}`)),
    );
    const results = await Promise.all(waiters);
    const claimed = results.filter((r): r is Build => r !== null);
    expect(claimed).toHaveLength(20);
    expect(new Set(claimed.map((c) => c.id))).toEqual(new Set(queued.map((q) => q.id)));
    expect(claimed.every((c) => c.attempts === 1)).toBe(true);
    expect(await a.builds.getQueueLength()).toBe(0);
  });

  it('all waiters of a storage share one LISTEN connection, which close() ends', async () => {
    const s = await freshStorage();
    const waiters = Array.from({ length: 10 }, () =>
      rejectsWith(s.builds.waitForBuild({ timeoutMs: 10_000 }), 'ERR_ADMIN_PG_CLOSED'),
    );
    await until(async () => (await listeners(s.schemaName)) === 1);
    await sleep(200);
    expect(await listeners(s.schemaName)).toBe(1);
    const t0 = performance.now();
    await s.close();
    await Promise.all(waiters);
    expect(performance.now() - t0).toBeLessThan(2000);
    await until(async () => (await listeners(s.schemaName)) === 0);
    await rejectsWith(s.builds.waitForBuild({ timeoutMs: 0 }), 'ERR_ADMIN_PG_CLOSED');
  });

  it('a Node process exits by itself once its waiters are done, the LISTEN connection still open', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const r = await runNodeWithin(15_000, path.join(__dirname, 'fixtures', 'push-waiter.cjs'), [s.schemaName, deploymentId]);
    expect({ code: r.code, signal: r.signal, stderr: r.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    const out = JSON.parse(r.stdout) as { timedOut: unknown; claimed: string | null; wokeMs: number };
    expect(out).toMatchObject({ timedOut: null, claimed: 'child' });
    expect(out.wokeMs).toBeLessThan(1000);
  });
});
