// The build queue: FIFO by (queuedAt, id), atomic claims with FOR UPDATE SKIP LOCKED, queue
// positions in the same order, cancellation, and many concurrent workers (Promises and
// separate node processes) draining one queue without losing or duplicating a build.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Build, PostgresAdminStorage } from '../index.js';
import { cleanupStorages, createStorage, pgClient, runNode } from './helpers';
import { makeDeployment, qualified, rejectsWith } from './runtime-fixtures';

afterAll(cleanupStorages);

/**
 * A storage in a schema of its own (the queue is global to a schema). Small pools with a short
 * idle timeout: the test server's connections are shared.
 */
async function freshStorage(max = 2): Promise<PostgresAdminStorage> {
  const s = createStorage({ max, idleTimeoutMillis: 1000 });
  await s.init();
  return s;
}

/** UUIDs sort in PostgreSQL as their lowercase hex strings do. */
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('build queue order', () => {
  it('serves 50 enqueued builds FIFO; positions are 1..50; the queue ends empty', async () => {
    const s = await freshStorage();
    const d1 = await makeDeployment(s);
    const d2 = await makeDeployment(s);
    const enqueued: Build[] = [];
    for (let i = 0; i < 50; i++) {
      enqueued.push(await s.builds.enqueue(i % 2 ? d1.id : d2.id, 'manual', `user-${i}`, `sha-${i}`));
    }
    const order = enqueued.map((b) => b.id);

    expect(await s.builds.getQueueLength()).toBe(50);
    expect((await s.listQueuedBuilds()).map((b) => b.id)).toEqual(order);
    const positions = await Promise.all(order.map((id) => s.builds.getQueuePosition(id)));
    expect(positions).toEqual(order.map((_, i) => i + 1));

    const served: string[] = [];
    for (let i = 0; i < 50; i++) {
      const b = (await s.builds.dequeue())!;
      expect(b.status).toBe('building');
      expect(b.startedAt).toBeInstanceOf(Date);
      served.push(b.id);
      if (i === 9) expect(await s.builds.getQueuePosition(order[10])).toBe(1);
    }
    expect(served).toEqual(order);
    expect(await s.builds.dequeue()).toBeNull();
    expect(await s.builds.getQueueLength()).toBe(0);
    expect(await s.listQueuedBuilds()).toEqual([]);
  });

  it('breaks equal queuedAt ties by id, in dequeue and in getQueuePosition alike', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const tie = new Date('2024-06-01T12:00:00.000Z');
    const mk = (queuedAt: Date) => s.builds.createBuild({ deploymentId, trigger: 'manual', triggeredBy: 'u', queuedAt });
    const first = await mk(new Date('2024-06-01T11:59:59.000Z'));
    const tied: string[] = [];
    for (let i = 0; i < 6; i++) tied.push((await mk(tie)).id);
    const last = await mk(new Date('2024-06-01T12:00:01.000Z'));
    const expected = [first.id, ...[...tied].sort(byId), last.id];

    expect((await s.listQueuedBuilds()).map((b) => b.id)).toEqual(expected);
    for (const [i, id] of expected.entries()) expect(await s.builds.getQueuePosition(id)).toBe(i + 1);
    const served: string[] = [];
    for (let b = await s.builds.dequeue(); b; b = await s.builds.dequeue()) served.push(b.id);
    expect(served).toEqual(expected);
  });

  it('puts builds without a queuedAt last, by id', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const mk = (queuedAt: Date | null) =>
      s.builds.createBuild({ deploymentId, trigger: 'manual', triggeredBy: 'u', queuedAt: queuedAt as Date });
    const nulls = [(await mk(null)).id, (await mk(null)).id].sort(byId);
    const dated = (await mk(new Date('2030-01-01T00:00:00Z'))).id;
    const expected = [dated, ...nulls];
    expect((await s.listQueuedBuilds()).map((b) => b.id)).toEqual(expected);
    for (const [i, id] of expected.entries()) expect(await s.builds.getQueuePosition(id)).toBe(i + 1);
    expect((await s.builds.dequeueBatch(10)).map((b) => b.id)).toEqual(expected);
  });

  it('getQueuePosition is -1 for a build that is not queued, missing, or malformed', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect(await s.builds.getQueuePosition(b.id)).toBe(1);
    await s.builds.updateBuildStatus(b.id, 'building');
    expect(await s.builds.getQueuePosition(b.id)).toBe(-1);
    expect(await s.builds.getQueuePosition(randomUUID())).toBe(-1);
    expect(await s.builds.getQueuePosition('not-a-uuid')).toBe(-1);
  });

  it('the flat dequeueNextBuild and listQueuedBuilds serve the same FIFO queue', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const a = await s.builds.enqueue(deploymentId, 'manual', 'u');
    const b = await s.builds.enqueue(deploymentId, 'manual', 'u');
    expect((await s.listQueuedBuilds()).map((x) => x.id)).toEqual([a.id, b.id]);
    const claimed = (await s.dequeueNextBuild())!;
    expect(claimed).toMatchObject({ id: a.id, status: 'building' });
    expect(claimed.startedAt).toBeInstanceOf(Date);
    expect((await s.listQueuedBuilds()).map((x) => x.id)).toEqual([b.id]);
    expect((await s.dequeueNextBuild())!.id).toBe(b.id);
    expect(await s.dequeueNextBuild()).toBeNull();
  });

  it('dequeueBatch claims up to n oldest builds in queue order; 0 claims none; bad n is rejected', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const order: string[] = [];
    for (let i = 0; i < 7; i++) order.push((await s.builds.enqueue(deploymentId, 'manual', 'u')).id);
    expect(await s.builds.dequeueBatch(0)).toEqual([]);
    const before = s.statementCount;
    const first = await s.builds.dequeueBatch(3);
    expect(s.statementCount - before).toBe(1);
    expect(first.map((b) => b.id)).toEqual(order.slice(0, 3));
    for (const b of first) {
      expect(b.status).toBe('building');
      expect(b.startedAt).toBeInstanceOf(Date);
    }
    expect((await s.builds.dequeueBatch(100)).map((b) => b.id)).toEqual(order.slice(3));
    expect(await s.builds.dequeueBatch(5)).toEqual([]);
    for (const bad of [-1, 1.5, Number.NaN, '3', undefined]) {
      await rejectsWith(s.builds.dequeueBatch(bad as never), 'ERR_ADMIN_PG_INVALID_ARGUMENT');
    }
  });

  it('cancelQueuedBuilds cancels only the deployment queued builds, leaving building/succeeded alone', async () => {
    const s = await freshStorage();
    const { id: deploymentId } = await makeDeployment(s);
    const other = await makeDeployment(s);
    const queued = [];
    for (let i = 0; i < 3; i++) queued.push(await s.builds.enqueue(deploymentId, 'manual', 'u'));
    const building = await s.builds.enqueue(deploymentId, 'manual', 'u');
    await s.builds.updateBuildStatus(building.id, 'building');
    const succeeded = await s.builds.enqueue(deploymentId, 'manual', 'u');
    await s.builds.updateBuildStatus(succeeded.id, 'succeeded');
    const otherQueued = await s.builds.enqueue(other.id, 'manual', 'u');

    expect(await s.builds.cancelQueuedBuilds(deploymentId)).toBe(3);
    for (const q of queued) {
      const b = (await s.builds.getBuildById(q.id))!;
      expect(b.status).toBe('cancelled');
      expect(b.completedAt).toBeInstanceOf(Date);
    }
    expect((await s.builds.getBuildById(building.id))!.status).toBe('building');
    expect((await s.builds.getBuildById(building.id))!.completedAt).toBeNull();
    expect((await s.builds.getBuildById(succeeded.id))!.status).toBe('succeeded');
    expect((await s.builds.getBuildById(otherQueued.id))!.status).toBe('queued');
    expect(await s.builds.getQueueLength()).toBe(1);
    expect(await s.builds.cancelQueuedBuilds(deploymentId)).toBe(0);
    expect(await s.builds.cancelQueuedBuilds('bad')).toBe(0);
  });
});

describe('concurrent workers drain one queue', () => {
  const TOTAL = 2000;
  const WORKERS = 8;
  const worker = path.join(__dirname, 'fixtures', 'queue-worker.cjs');
  const throughput: string[] = [];
  let s: PostgresAdminStorage;
  let deploymentId: string;

  afterAll(() => {
    if (throughput.length) console.log(`[queue drain, ${TOTAL} builds]\n${throughput.join('\n')}`);
  });

  /** Queue TOTAL builds in one statement; pairs share a queuedAt so ties are exercised too. */
  async function seed(): Promise<string[]> {
    if (!s) {
      s = await freshStorage(WORKERS);
      deploymentId = (await makeDeployment(s)).id;
    }
    const client = await pgClient();
    try {
      const { rows } = await client.query(
        `insert into ${qualified(s, 'admin_builds')} (deployment_id, trigger, triggered_by, status, queued_at)
         select $1, 'manual', 'load', 'queued', timestamptz '2024-01-01' + (i / 2) * interval '1 millisecond'
         from generate_series(1, $2::int) i
         returning id`,
        [deploymentId, TOTAL],
      );
      return rows.map((r: { id: string }) => r.id);
    } finally {
      await client.end();
    }
  }

  /** Every seeded build claimed exactly once, none lost, none left queued. */
  async function expectDrained(seeded: string[], claimedPerWorker: string[][]) {
    const all = claimedPerWorker.flat();
    expect(all.length).toBe(TOTAL);
    expect(new Set(all).size).toBe(TOTAL);
    expect([...all].sort(byId)).toEqual([...seeded].sort(byId));
    const client = await pgClient();
    try {
      const { rows } = await client.query(
        `select status, count(*)::int as n, count(started_at)::int as started
         from ${qualified(s, 'admin_builds')} where id = any($1::uuid[]) group by status`,
        [seeded],
      );
      expect(rows).toEqual([{ status: 'building', n: TOTAL, started: TOTAL }]);
    } finally {
      await client.end();
    }
    expect(await s.builds.getQueueLength()).toBe(0);
  }

  const rate = (ms: number) => `${Math.round((TOTAL / Math.max(ms, 1)) * 1000)} builds/s`;

  async function drainInProcess(workers: number, batch?: number): Promise<{ claims: string[][]; ms: number }> {
    const t0 = performance.now();
    const claims = await Promise.all(
      Array.from({ length: workers }, async () => {
        const ids: string[] = [];
        for (;;) {
          if (batch) {
            const got = await s.builds.dequeueBatch(batch);
            if (got.length === 0) return ids;
            ids.push(...got.map((b) => b.id));
          } else {
            const b = await s.builds.dequeue();
            if (!b) return ids;
            ids.push(b.id);
          }
        }
      }),
    );
    return { claims, ms: performance.now() - t0 };
  }

  async function drainInProcesses(mode: 'single' | 'batch', batch = 10): Promise<{ claims: string[][]; ms: number }> {
    const startAt = Date.now() + 4000;
    const results = await Promise.all(
      Array.from({ length: WORKERS }, () => runNode(worker, [s.schemaName, String(startAt), mode, String(batch)])),
    );
    const parsed = results.map((r) => {
      if (r.code !== 0) throw new Error(`worker exited with ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as { ids: string[]; start: number; end: number };
    });
    const begin = Math.min(...parsed.map((p) => p.start));
    const end = Math.max(...parsed.map((p) => p.end));
    return { claims: parsed.map((p) => p.ids), ms: end - begin };
  }

  it('one worker drains 2,000 builds in exact FIFO order (baseline)', async () => {
    const seeded = await seed();
    const { claims, ms } = await drainInProcess(1);
    await expectDrained(seeded, claims);
    const client = await pgClient();
    try {
      const { rows } = await client.query(
        `select id from ${qualified(s, 'admin_builds')} where id = any($1::uuid[]) order by queued_at, id`,
        [seeded],
      );
      expect(claims[0]).toEqual(rows.map((r: { id: string }) => r.id));
    } finally {
      await client.end();
    }
    throughput.push(`  1 worker (Promise, dequeue):        ${rate(ms)} (${Math.round(ms)} ms)`);
  });

  it('8 concurrent Promise workers claim every one of 2,000 builds exactly once', async () => {
    const seeded = await seed();
    const { claims, ms } = await drainInProcess(WORKERS);
    await expectDrained(seeded, claims);
    expect(claims.filter((c) => c.length > 0).length).toBeGreaterThan(1);
    throughput.push(`  8 workers (Promises, dequeue):      ${rate(ms)} (${Math.round(ms)} ms)`);
  });

  it('8 worker processes claim every one of 2,000 builds exactly once', async () => {
    const seeded = await seed();
    const { claims, ms } = await drainInProcesses('single');
    await expectDrained(seeded, claims);
    expect(claims.filter((c) => c.length > 0).length).toBeGreaterThan(1);
    throughput.push(`  8 workers (processes, dequeue):     ${rate(ms)} (${Math.round(ms)} ms)`);
  });

  it('8 concurrent Promise workers using dequeueBatch(10) claim every build exactly once', async () => {
    const seeded = await seed();
    const { claims, ms } = await drainInProcess(WORKERS, 10);
    await expectDrained(seeded, claims);
    throughput.push(`  8 workers (Promises, dequeueBatch(10)):  ${rate(ms)} (${Math.round(ms)} ms)`);
  });

  it('8 worker processes using dequeueBatch(10) claim every build exactly once', async () => {
    const seeded = await seed();
    const { claims, ms } = await drainInProcesses('batch', 10);
    await expectDrained(seeded, claims);
    expect(claims.filter((c) => c.length > 0).length).toBeGreaterThan(1);
    throughput.push(`  8 workers (processes, dequeueBatch(10)): ${rate(ms)} (${Math.round(ms)} ms)`);
  });
});
