// Issue item "Queue under load": 16 workers in 4 node processes (4 claim loops each, one
// connection per loop, fixtures/load-worker.cjs) drain 20,000 builds loaded through
// `adminDb.batchInsert` while 2 producers (in this process) enqueue 2,000 more each through
// `builds.enqueue`. Every build is claimed exactly once: no double claim, none left queued,
// none lost. Workers claim with dequeueBatch(10) (ten claims per round trip): plain dequeue
// also works but takes ~10x the round trips, too slow for a busy 2-core machine.
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { cleanupStorages, createStorage, runNode } from '../helpers';
import { figure } from './support';

const PROCESSES = 4;
const WORKERS_PER_PROCESS = 4;
const LOADED = 20_000;
const PRODUCERS = 2;
const PER_PRODUCER = 2_000;
const BATCH = 10;
const worker = path.join(__dirname, '..', 'fixtures', 'load-worker.cjs');

afterAll(cleanupStorages);

it('16 workers in 4 processes drain 20,000 loaded builds while 2 producers enqueue 4,000 more: every build claimed exactly once, none left, none lost', async () => {
  const s = createStorage({ max: 6 });
  await s.init();
  const team = await s.createTeam({ name: 'load', slug: 'load' });
  const project = await s.createProject({ teamId: team.id, name: 'load', slug: 'load', sourceType: 'local', sourceConfig: {} });
  const deployment = await s.createDeployment({ projectId: project.id, type: 'production', branch: 'main', slug: 'load' });
  const loaded = await s.adminDb.batchInsert(
    'admin_builds',
    Array.from({ length: LOADED }, (_, i) => ({ deploymentId: deployment.id, trigger: 'manual', triggeredBy: `loader-${i}`, status: 'queued' })),
  );
  expect(loaded).toHaveLength(LOADED);
  expect(await s.builds.getQueueLength()).toBe(LOADED);

  const total = LOADED + PRODUCERS * PER_PRODUCER;
  const startAt = Date.now() + 3_000; // every process connected and waiting by then
  const deadline = startAt + 80_000;
  const processes = Array.from({ length: PROCESSES }, () =>
    runNode(worker, [s.schemaName, String(startAt), String(WORKERS_PER_PROCESS), String(total), String(BATCH), String(deadline)]),
  );
  // Producers start with the workers: they enqueue while the queue is being drained.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
  const produced = await Promise.all(
    Array.from({ length: PRODUCERS }, async (_, p) => {
      const ids: string[] = [];
      for (let i = 0; i < PER_PRODUCER; i++) ids.push((await s.builds.enqueue(deployment.id, 'webhook', `producer-${p}`, `sha${i}`, null)).id);
      return { ids, end: Date.now() };
    }),
  );
  const outputs = await Promise.all(processes);
  for (const o of outputs) expect(o.code, o.stderr).toBe(0);
  const runs = outputs.map((o) => JSON.parse(o.stdout) as { workers: { ids: string[]; timedOut?: boolean }[]; start: number; end: number });
  expect(runs.flatMap((r) => r.workers).filter((w) => w.timedOut)).toEqual([]);

  const claimed = runs.flatMap((r) => r.workers.flatMap((w) => w.ids));
  const unique = new Set(claimed);
  const doubleClaims = claimed.length - unique.size;
  const expected = new Set([...loaded.map((b) => b.id), ...produced.flatMap((p) => p.ids)]);
  expect(expected.size).toBe(total);
  expect(doubleClaims).toBe(0);
  expect(unique.size).toBe(total);
  expect([...expected].filter((id) => !unique.has(id))).toEqual([]); // none lost
  expect([...unique].filter((id) => !expected.has(id))).toEqual([]);
  expect(await s.builds.getQueueLength()).toBe(0); // none left behind
  expect(await s.adminDb.count('admin_builds')).toBe(total);
  expect(await s.adminDb.count('admin_builds', { status: 'building' })).toBe(total);

  const start = Math.min(...runs.map((r) => r.start));
  const end = Math.max(...runs.map((r) => r.end));
  const perWorker = runs.flatMap((r) => r.workers.map((w) => w.ids.length));
  figure('queue under load', {
    drained: unique.size,
    loaded: LOADED,
    enqueuedDuringDrain: PRODUCERS * PER_PRODUCER,
    doubleClaims,
    drainMs: end - start,
    producersDoneAfterMs: Math.max(...produced.map((p) => p.end)) - start,
    claimsPerSecond: Math.round((unique.size * 1000) / (end - start)),
    perWorkerMinMax: [Math.min(...perWorker), Math.max(...perWorker)],
  });
}, 150_000);
