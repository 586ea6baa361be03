// Wake-up latency of the push-based build queue: how long from `enqueue()` being called until a
// worker blocked in `waitForBuild()` holds the claimed build. Compared with a worker that polls
// `dequeue()` every 100 ms (what waitForBuild replaces).
//
//   DATABASE_URL=postgres://… ADMIN_PG_BUILD=debug node bench/wakeup.mjs [iterations=300]
//
// Runs in a fresh schema it drops afterwards. Waiter and producer are separate storages (separate
// connections), as a worker and the API server would be. Reports median, p90, p99 and max in ms.
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { PostgresAdminStorage } = require('../index.js');

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
const N = Number(process.argv[2] ?? 300);
const schemaName = `bench_wakeup_${randomBytes(4).toString('hex')}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  const f = (x) => x.toFixed(2).padStart(8);
  return `median ${f(q(50))}  p90 ${f(q(90))}  p99 ${f(q(99))}  max ${f(s[s.length - 1])}  (n=${s.length})`;
}

async function main() {
  const worker = new PostgresAdminStorage({ connectionString: url, schemaName, max: 4 });
  const api = new PostgresAdminStorage({ connectionString: url, schemaName, max: 2 });
  await worker.init();
  try {
    await run(worker, api);
  } finally {
    await api.db.none(`drop schema if exists "${schemaName}" cascade`);
    await Promise.all([worker.close(), api.close()]);
  }
}

async function run(worker, api) {
  const team = randomUUID();
  const project = randomUUID();
  await api.db.none(`insert into "${schemaName}".admin_teams (id, name, slug) values ($1, 'T', $2)`, [team, team]);
  await api.db.none(
    `insert into "${schemaName}".admin_projects (id, team_id, name, slug, source_type, source_config)
     values ($1, $2, 'P', $3, 'local', '{}')`,
    [project, team, project],
  );
  const d = await api.deployments.createDeployment({ projectId: project, type: 'preview', branch: 'b', slug: 'b' });
  const enqueue = () => api.builds.enqueue(d.id, 'manual', 'bench');

  // Warm-up: connections, prepared statements, the LISTEN connection.
  for (let i = 0; i < 20; i++) {
    const w = worker.builds.waitForBuild({ timeoutMs: 5000, pollIntervalMs: 60_000 });
    await sleep(2);
    await enqueue();
    await w;
  }

  const rtt = [];
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    await api.builds.getQueueLength();
    rtt.push(performance.now() - t0);
  }

  // One waiter, one enqueue at a time.
  const push = [];
  const enq = [];
  for (let i = 0; i < N; i++) {
    const w = worker.builds.waitForBuild({ timeoutMs: 5000, pollIntervalMs: 60_000, workerId: 'bench', leaseMs: 60_000 });
    await sleep(3); // the waiter is asleep on the channel by now
    const t0 = performance.now();
    await enqueue();
    enq.push(performance.now() - t0);
    const b = await w;
    push.push(performance.now() - t0);
    if (!b) throw new Error('waiter timed out');
  }

  // Eight waiters (the fleet of one host), one enqueue: time until one of them holds it.
  const fleet = [];
  for (let i = 0; i < Math.min(N, 100); i++) {
    const ac = new AbortController();
    const ws = Array.from({ length: 8 }, () =>
      worker.builds.waitForBuild({ timeoutMs: 5000, pollIntervalMs: 60_000, signal: ac.signal }),
    );
    await sleep(3);
    const t0 = performance.now();
    await enqueue();
    const first = await Promise.any(ws.map((w) => w.then((b) => b ?? Promise.reject(new Error('none')))));
    fleet.push(performance.now() - t0);
    ac.abort();
    await Promise.all(ws);
    if (!first) throw new Error('no waiter got it');
  }

  // The polling worker waitForBuild replaces: dequeue() every 100 ms.
  const poll = [];
  for (let i = 0; i < 30; i++) {
    let stop = false;
    let claimedAt = 0;
    const loop = (async () => {
      while (!stop) {
        if (await worker.builds.dequeue()) {
          claimedAt = performance.now();
          return;
        }
        await sleep(100);
      }
    })();
    await sleep(Math.random() * 100);
    const t0 = performance.now();
    await enqueue();
    await loop;
    stop = true;
    poll.push(claimedAt - t0);
  }

  const build = process.env.ADMIN_PG_BUILD ?? 'unspecified (set ADMIN_PG_BUILD=debug|release)';
  console.log(`wake-up latency, enqueue() called -> claimed build in hand (ms); addon: ${build}`);
  console.log(`  round trip (getQueueLength)       ${stats(rtt)}`);
  console.log(`  enqueue() alone                   ${stats(enq)}`);
  console.log(`  waitForBuild, 1 waiter            ${stats(push)}`);
  console.log(`  waitForBuild, 8 waiters           ${stats(fleet)}`);
  console.log(`  dequeue() polled every 100 ms     ${stats(poll)}`);
}

main().catch(async (e) => {
  console.error(e);
  process.exitCode = 1;
});
