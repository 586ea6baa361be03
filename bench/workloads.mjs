// The workloads (a)–(h) and (logs, in logs.mjs): data loading (untimed, through fast paths), the timing loops, and
// one function per workload that runs every comparator, round-robin over the rounds, and
// returns one result row per (case, comparator). A comparator without the method gets an
// n/a row instead of failing.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPgbench, runPgbenchClients } from './comparators/pgbench.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const SIZES = {
  quick: {
    rounds: 2, users: 1000, a: 200, b: 400, lists: { 10: 20, 100: 20, 1000: 5 }, projects: 5,
    d: 500, dRounds: 1, queue: 1000, drainMs: 400, workers: [1, 4, 8], f: 400,
    initCold: 1, initWarm: 3, initRepeat: 100, rss: [1000, 10000],
  },
  full: {
    rounds: 5, users: 10000, a: 5000, b: 5000, lists: { 10: 300, 100: 200, 1000: 40 }, projects: 40,
    d: 10000, dRounds: 3, queue: 100000, drainMs: 5000, workers: [1, 4, 8], f: 10000,
    initCold: 3, initWarm: 20, initRepeat: 1000, rss: [10000, 1000000],
  },
};

export const NA = 'n/a (method not available yet)';
const PERMISSIONS = ['project:read', 'deployment:deploy', 'member:delete', 'build:create', 'team:update', 'env_var:read'];
const ROLES = ['owner', 'admin', 'developer', 'viewer'];
const pick = (arr) => arr[Math.floor(Math.random() * arr.length)];
const gc = () => globalThis.gc?.();

// ---------- timing ----------

/** `n` calls of `fn(i)` with `inFlight` calls outstanding at any time; per-call latencies in ms. */
export async function timed(fn, n, inFlight = 1) {
  const lat = new Float64Array(n);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const s = performance.now();
      await fn(i);
      lat[i] = performance.now() - s;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, worker));
  return { lat, elapsedMs: performance.now() - t0, ops: n };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const median = (xs) => percentile([...xs].sort((a, b) => a - b), 50);

/** Accumulates rounds for one (case, comparator) and turns them into a result row. */
class Acc {
  constructor() {
    this.lat = [];
    this.rates = [];
  }
  add({ lat, elapsedMs, ops }, unitsPerOp = 1) {
    for (const x of lat) this.lat.push(x);
    this.rates.push((ops * unitsPerOp * 1000) / elapsedMs);
  }
  row(base) {
    const sorted = Float64Array.from(this.lat).sort();
    return { ...base, median: percentile(sorted, 50), p99: percentile(sorted, 99), throughput: median(this.rates), samples: sorted.length, rounds: this.rates.length };
  }
}

/**
 * Runs `call(c)(i)` for every comparator that has it, `rounds` times round-robin, after one
 * warm-up pass (which also checks the result with `check`). Returns one row per comparator.
 */
async function compare(ctx, base, comps, call, { n, inFlight = 1, rounds = ctx.size.rounds, unitsPerOp = 1, unit = 'ops/s', check, before }) {
  const live = comps.filter((c) => call(c));
  const accs = new Map(live.map((c) => [c.name, new Acc()]));
  for (const c of live) {
    const fn = call(c);
    const warm = Math.max(1, Math.min(200, Math.ceil(n / 10)));
    for (let i = 0; i < warm; i++) {
      const r = await fn(i);
      if (check && i === 0) check(r, c.name);
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of live) {
      await before?.(c);
      gc();
      accs.get(c.name).add(await timed(call(c), n, inFlight), unitsPerOp);
    }
  }
  ctx.log(`  ${base.label}: done`);
  return comps.map((c) => (accs.has(c.name) ? accs.get(c.name).row({ ...base, comparator: c.name, unit }) : { ...base, comparator: c.name, unit, na: NA }));
}

function expect(cond, what) {
  if (!cond) throw new Error(`result check failed: ${what}`);
}

// ---------- data (untimed, fast paths: adminDb.batchInsert) ----------

/** Loads the data set through ours' adminDb.batchInsert; returns the ids the workloads use. */
export async function loadData(ctx) {
  const ins = (table, rows) => ctx.ours.batchInsert(table, rows);
  const users = Array.from({ length: ctx.size.users }, (_, i) => ({ id: randomUUID(), email: `user${i}@bench.example.com`, name: `User ${i}` }));
  await ins('admin_users', users);
  const [listTeam, memberTeam, otherTeam] = ['projects', 'members', 'other'].map((slug) => ({ id: randomUUID(), name: slug, slug: `bench-${slug}` }));
  await ins('admin_teams', [listTeam, memberTeam, otherTeam]);
  // (c) 100 projects with 5 env vars each in one team
  const projects = Array.from({ length: 100 }, (_, i) => ({
    id: randomUUID(), teamId: listTeam.id, name: `project ${String(i).padStart(3, '0')}`, slug: `p${i}`,
    sourceType: 'github', sourceConfig: { repo: `org/p${i}` },
  }));
  await ins('admin_projects', projects);
  await ins('admin_project_env_vars', projects.flatMap((p) =>
    Array.from({ length: 5 }, (_, k) => ({ projectId: p.id, key: `KEY_${k}`, encryptedValue: `enc:${k}:${'x'.repeat(40)}`, isSecret: k % 2 === 0 }))));
  // (c) one project with 1,000 deployments; one deployment with 1,000 builds; (e) a queue deployment
  const project = { id: randomUUID(), teamId: otherTeam.id, name: 'big', slug: 'big', sourceType: 'github', sourceConfig: {} };
  await ins('admin_projects', [project]);
  const t0 = Date.now() - 86_400_000;
  const deployments = Array.from({ length: 1000 }, (_, i) => ({
    id: randomUUID(), projectId: project.id, type: 'preview', branch: `b${i}`, slug: `d${i}`, status: 'running',
    createdAt: new Date(t0 + i * 1000),
  }));
  await ins('admin_deployments', deployments);
  const listDeployment = deployments[0].id;
  const queueDeployment = deployments[1].id;
  await ins('admin_builds', Array.from({ length: 1000 }, (_, i) => ({
    deploymentId: listDeployment, trigger: 'webhook', triggeredBy: 'bench', commitSha: `sha${i}`,
    commitMessage: `commit ${i}`, status: 'succeeded', logs: 'ok\n', queuedAt: new Date(t0 + i * 1000), createdAt: new Date(t0 + i * 1000),
  })));
  // (f) 1,000 members with the four team roles
  const members = users.slice(0, Math.min(1000, users.length));
  await ins('admin_team_members', members.map((u, i) => ({ teamId: memberTeam.id, userId: u.id, role: ROLES[i % 4] })));
  await ctx.raw.query(`ANALYZE`);
  return {
    userIds: users.map((u) => u.id), memberIds: members.map((u) => u.id), listTeam: listTeam.id, memberTeam: memberTeam.id,
    bigProject: project.id, listDeployment, queueDeployment,
  };
}

// ---------- workloads ----------

/** (a) getUser, 1 in flight: latency. pgbench runs the same SELECT as the wire floor. */
async function getUserLatency(ctx) {
  const { userIds } = ctx.data;
  const base = { id: 'a', label: 'getUser, 1 in flight', kind: 'latency' };
  const rows = await compare(ctx, base, ctx.comps, (c) => c.getUser && (() => c.getUser(pick(userIds))), {
    n: ctx.size.a, check: (u, who) => expect(u && typeof u.email === 'string' && u.createdAt instanceof Date, `${who} getUser`),
  });
  if (!ctx.pgbench) return [...rows, { ...base, comparator: 'pgbench', unit: 'ops/s', na: 'n/a (pgbench not found)' }];
  const acc = new Acc();
  let stmt = [];
  let version = '';
  for (let r = 0; r < ctx.size.rounds; r++) {
    const res = runPgbench(ctx.pgbench, {
      url: ctx.url, script: `SELECT * FROM ${ctx.schema}.admin_users WHERE id = :id;\n`, vars: { id: userIds[r % userIds.length] }, transactions: ctx.size.a,
    });
    const sum = res.latenciesMs.reduce((a, b) => a + b, 0);
    acc.add({ lat: res.latenciesMs, elapsedMs: sum, ops: res.latenciesMs.length });
    if (res.statementAvgMs !== null) stmt.push(res.statementAvgMs);
    version = res.version;
  }
  ctx.versions.pgbench = version;
  const note = stmt.length ? `pgbench -r per-statement avg ${median(stmt).toFixed(3)} ms; one fixed id` : 'one fixed id';
  return [...rows, acc.row({ ...base, comparator: 'pgbench', unit: 'ops/s', note })];
}

/** (b) CRUD mix 70 % getUser / 20 % updateUser / 10 % createUser at 64 and 256 in flight. */
async function crudMix(ctx) {
  const { userIds } = ctx.data;
  let seq = 0;
  const tag = randomUUID().slice(0, 8);
  const mix = (c) => c.getUser && c.updateUser && c.createUser && ((i) => {
    const k = i % 10;
    if (k < 7) return c.getUser(pick(userIds));
    if (k < 9) return c.updateUser(pick(userIds), { name: `renamed ${i}` });
    seq += 1;
    return c.createUser({ id: randomUUID(), email: `mix-${tag}-${seq}@bench.example.com`, name: `Mixed ${seq}` });
  });
  const out = [];
  for (const inFlight of [64, 256]) {
    out.push(...(await compare(ctx, { id: 'b', label: `CRUD mix 70/20/10, ${inFlight} in flight`, kind: 'throughput' }, ctx.comps, mix, { n: ctx.size.b, inFlight })));
  }
  return out;
}

/** (c) paginated lists: builds and deployments at perPage 10/100/1,000; 100 projects × 5 env vars. */
async function lists(ctx) {
  const d = ctx.data;
  const out = [];
  for (const [method, arg] of [['listBuildsForDeployment', d.listDeployment], ['listDeploymentsForProject', d.bigProject]]) {
    for (const [perPage, n] of Object.entries(ctx.size.lists).map(([k, v]) => [Number(k), v])) {
      out.push(...(await compare(ctx, { id: 'c', label: `${method} perPage=${perPage}`, kind: 'latency', perPage }, ctx.comps,
        (c) => c[method] && (() => c[method](arg, { page: 1, perPage })), {
          n, check: (r, who) => expect(r.data.length === perPage && r.total === 1000 && r.hasMore === perPage < 1000, `${who} ${method}`),
        })));
    }
  }
  out.push(...(await compare(ctx, { id: 'c', label: 'listProjectsForTeam 100 projects × 5 env vars', kind: 'latency' }, ctx.comps,
    (c) => c.listProjectsForTeam && (() => c.listProjectsForTeam(d.listTeam, { page: 1, perPage: 100 })), {
      n: ctx.size.projects,
      check: (r, who) => expect(r.data.length === 100 && r.data.every((p) => p.envVars.length === 5 && p.envVars[0].createdAt instanceof Date), `${who} listProjectsForTeam`),
    })));
  return out;
}

/** (d) adminDb.batchInsert of N users vs a loop of single inserts. */
async function batchInsert(ctx) {
  const n = ctx.size.d;
  const tag = randomUUID().slice(0, 8);
  let batchNo = 0;
  const rowsFor = () => {
    batchNo += 1;
    return Array.from({ length: n }, (_, i) => ({ id: randomUUID(), email: `batch-${tag}-${batchNo}-${i}@bench.example.com`, name: `Batch ${i}` }));
  };
  const loop = { name: 'insert loop (ours)', insertLoop: ctx.ours.insert && (async (rows) => { for (const r of rows) await ctx.ours.insert('admin_users', r); }) };
  const comps = [ctx.comps[0], loop, ...ctx.comps.slice(1)];
  const base = { id: 'd', label: `batchInsert('admin_users', ${n.toLocaleString('en-US')} rows)`, kind: 'latency' };
  const accs = new Map();
  for (let r = 0; r < ctx.size.dRounds; r++) {
    for (const c of comps) {
      const fn = c.insertLoop ?? c.batchInsert;
      if (!fn) continue;
      const rows = rowsFor();
      gc();
      const res = await timed(() => (c.insertLoop ? fn(rows) : fn('admin_users', rows)), 1);
      if (!accs.has(c.name)) accs.set(c.name, new Acc());
      accs.get(c.name).add(res, n);
      await ctx.raw.query(`DELETE FROM ${ctx.schema}.admin_users WHERE email LIKE $1`, [`batch-${tag}-%`]);
    }
  }
  await ctx.raw.query(`VACUUM ANALYZE ${ctx.schema}.admin_users`);
  ctx.log(`  ${base.label}: done`);
  return comps.map((c) => (accs.has(c.name) ? accs.get(c.name).row({ ...base, comparator: c.name, unit: 'rows/s' }) : { ...base, comparator: c.name, unit: 'rows/s', na: NA }));
}

/** (e) build queue: N queued builds, drained by 1/4/8 workers via dequeue() and dequeueBatch(100). */
async function buildQueue(ctx) {
  const { queueDeployment } = ctx.data;
  const N = ctx.size.queue;
  const t0 = Date.now() - 3_600_000;
  const load = async () => {
    for (let off = 0; off < N; off += 50_000) {
      await ctx.ours.batchInsert('admin_builds', Array.from({ length: Math.min(50_000, N - off) }, (_, i) => ({
        deploymentId: queueDeployment, trigger: 'webhook', triggeredBy: 'bench', status: 'queued', queuedAt: new Date(t0 + off + i),
      })));
    }
    await ctx.raw.query(`ANALYZE ${ctx.schema}.admin_builds`);
  };
  const reset = async () => {
    await ctx.raw.query(`DELETE FROM ${ctx.schema}.admin_builds WHERE deployment_id = $1`, [queueDeployment]);
    await ctx.raw.query(`VACUUM ANALYZE ${ctx.schema}.admin_builds`);
  };
  const out = [];
  for (const [mode, take] of [['dequeue()', (c) => c.dequeue && (async () => ((await c.dequeue()) ? 1 : 0))],
    ['dequeueBatch(100)', (c) => c.dequeueBatch && (async () => (await c.dequeueBatch(100)).length)]]) {
    for (const workers of ctx.size.workers) {
      const base = { id: 'e', label: `${mode}, ${workers} worker${workers > 1 ? 's' : ''}, ${N.toLocaleString('en-US')} queued`, kind: 'throughput', mode, workers };
      for (const c of ctx.comps) {
        const fn = take(c);
        if (!fn) {
          out.push({ ...base, comparator: c.name, unit: 'builds/s', na: c.name === 'pg-adapter' && mode !== 'dequeue()' ? 'n/a (the seed has no batch dequeue)' : NA });
          continue;
        }
        await load();
        gc();
        const lat = [];
        let drained = 0;
        const deadline = performance.now() + ctx.size.drainMs;
        const start = performance.now();
        await Promise.all(Array.from({ length: workers }, async () => {
          while (performance.now() < deadline) {
            const s = performance.now();
            const got = await fn();
            lat.push(performance.now() - s);
            if (got === 0) return;
            drained += got;
          }
        }));
        const elapsedMs = performance.now() - start;
        const acc = new Acc();
        acc.add({ lat, elapsedMs, ops: drained });
        const row = acc.row({ ...base, comparator: c.name, unit: 'builds/s' });
        row.note = `${drained.toLocaleString('en-US')} drained in ${(elapsedMs / 1000).toFixed(1)} s${drained < N ? ' (time box)' : ''}`;
        out.push(row);
        const dup = await ctx.raw.query(`SELECT count(*)::int AS n FROM ${ctx.schema}.admin_builds WHERE deployment_id = $1 AND status = 'building'`, [queueDeployment]);
        expect(dup.rows[0].n === drained, `${c.name} ${mode}: ${drained} claimed but ${dup.rows[0].n} building (a build handed out twice?)`);
        await reset();
      }
      if (mode === 'dequeue()') out.push(...(await queueFloor(ctx, base, workers, load, reset)));
      ctx.log(`  ${base.label}: done`);
    }
  }
  return out;
}

/**
 * The floor of plain dequeue() at `workers` clients: pgbench (C, one connection per client, no
 * client stack) running the claim statement ours sends (same WHERE, ORDER BY, lock and SET;
 * `RETURNING *`), and a different claim design under the same pgbench: each client claims at
 * random one of the first `workers` queued rows (`OFFSET random(0, workers - 1)`), so that
 * the clients do not all start at the head of the queue. Builds/s is what the database says was
 * claimed, over pgbench's wall time.
 */
async function queueFloor(ctx, base, workers, load, reset) {
  const s = ctx.schema;
  const set = `SET status = 'building', started_at = now(), locked_by = 'pgbench', lease_expires_at = now() + 300000::float8 * interval '1 millisecond', attempts = attempts + 1`;
  const designs = [
    ['pgbench (same claim SQL)', `UPDATE ${s}.admin_builds b ${set} WHERE id = (SELECT id FROM ${s}.admin_builds WHERE status = 'queued' ORDER BY queued_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *;\n`],
    ['pgbench (window claim)', `\\set k random(0, ${workers - 1})\nUPDATE ${s}.admin_builds b ${set} WHERE id = (SELECT id FROM ${s}.admin_builds WHERE status = 'queued' ORDER BY queued_at, id LIMIT 1 OFFSET :k FOR UPDATE SKIP LOCKED) RETURNING *;\n`],
  ];
  const out = [];
  for (const [name, script] of designs) {
    if (!ctx.pgbench) {
      out.push({ ...base, comparator: name, unit: 'builds/s', na: 'n/a (pgbench not found)' });
      continue;
    }
    await load();
    gc();
    const res = runPgbenchClients(ctx.pgbench, { url: ctx.url, script, clients: workers, seconds: Math.max(1, Math.round(ctx.size.drainMs / 1000)) });
    const got = await ctx.raw.query(`SELECT count(*)::int AS n FROM ${s}.admin_builds WHERE deployment_id = $1 AND status = 'building'`, [ctx.data.queueDeployment]);
    const claimed = got.rows[0].n;
    const acc = new Acc();
    acc.add({ lat: res.latenciesMs, elapsedMs: res.elapsedMs, ops: claimed });
    const row = acc.row({ ...base, comparator: name, unit: 'builds/s' });
    row.note = `${claimed.toLocaleString('en-US')} claimed in ${(res.elapsedMs / 1000).toFixed(1)} s, ${workers} client${workers > 1 ? 's' : ''}`;
    out.push(row);
    await reset();
  }
  return out;
}

/** (f) userHasPermission(userId, teamId, permission) at 64 in flight. */
async function permissions(ctx) {
  const { memberIds, memberTeam } = ctx.data;
  return compare(ctx, { id: 'f', label: 'userHasPermission, 64 in flight', kind: 'throughput' }, ctx.comps,
    (c) => c.userHasPermission && (() => c.userHasPermission(pick(memberIds), memberTeam, pick(PERMISSIONS))), {
      n: ctx.size.f, inFlight: 64, check: (r, who) => expect(typeof r === 'boolean', `${who} userHasPermission`),
    });
}

/** (g) init(): cold on an empty schema, warm on a migrated one (new object), repeated (same object). */
async function init(ctx) {
  const out = [];
  const comps = ctx.openers.filter((o) => o.hasInit);
  const cold = new Map(comps.map((o) => [o.name, new Acc()]));
  const migrated = new Map();
  for (let r = 0; r < ctx.size.initCold; r++) {
    for (const o of comps) {
      const schema = ctx.newSchema(`init_${o.name.replace(/\W/g, '')}`);
      gc();
      const res = await timed(async () => {
        const c = await o.open({ url: ctx.url, schema });
        await c.init();
        await c.close();
      }, 1);
      cold.get(o.name).add(res);
      migrated.set(o.name, schema);
    }
  }
  const warm = new Map(comps.map((o) => [o.name, new Acc()]));
  const again = new Map(comps.map((o) => [o.name, new Acc()]));
  for (const o of comps) {
    const schema = migrated.get(o.name);
    for (let r = 0; r < ctx.size.initWarm; r++) {
      let c;
      warm.get(o.name).add(await timed(async () => {
        c = await o.open({ url: ctx.url, schema });
        await c.init();
      }, 1));
      await c.close();
    }
    const c = await o.open({ url: ctx.url, schema });
    await c.init();
    again.get(o.name).add(await timed(() => c.init(), ctx.size.initRepeat));
    await c.close();
  }
  const rows = (accs, base) => ctx.openers.map((o) => (accs.has(o.name) ? accs.get(o.name).row({ ...base, comparator: o.name, unit: 'ops/s' }) : { ...base, comparator: o.name, unit: 'ops/s', na: 'n/a (no init)' }));
  out.push(...rows(cold, { id: 'g', label: 'init() on an empty schema', kind: 'latency' }));
  out.push(...rows(warm, { id: 'g', label: 'init() warm: new object, migrated schema', kind: 'latency', note: 'includes the first connection' }));
  out.push(...rows(again, { id: 'g', label: 'init() again on the same object', kind: 'latency' }));
  ctx.log('  init: done');
  return out;
}

/** (h) RSS after few and after many getUser calls, each comparator in its own node process. */
async function rss(ctx) {
  const [few, many] = ctx.size.rss;
  const label = `RSS after ${few.toLocaleString('en-US')} → ${many.toLocaleString('en-US')} getUser (64 in flight)`;
  const out = [];
  // Last workload: close the main process' pools first, so that the children's connections
  // fit under max_connections and each child's RSS stands alone.
  await Promise.allSettled(ctx.comps.map((c) => c.close()));
  for (const o of ctx.openers) {
    const base = { id: 'h', label, kind: 'memory', comparator: o.name, unit: 'ops/s' };
    if (!o.hasGetUser) {
      out.push({ ...base, na: NA });
      continue;
    }
    const child = spawn(process.execPath, ['--expose-gc', path.join(here, 'rss-child.mjs')], {
      env: { ...process.env, BENCH_RSS: JSON.stringify({ comparator: o.file, url: ctx.url, schema: ctx.schema, ids: ctx.data.userIds.slice(0, 500), few, many }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`rss child for ${o.name} exited ${code}`);
    const r = JSON.parse(stdout.trim().split('\n').pop());
    out.push({ ...base, rssFew: r.rssFew, rssMany: r.rssMany, throughput: r.opsPerSec, note: `heap ${mib(r.heapFew)} → ${mib(r.heapMany)} MiB` });
    ctx.log(`  ${label} ${o.name}: done`);
  }
  return out;
}
const mib = (b) => (b / 1048576).toFixed(1);

export const WORKLOADS = [
  { id: 'a', title: 'getUser latency', run: getUserLatency },
  { id: 'b', title: 'CRUD mix throughput', run: crudMix },
  { id: 'c', title: 'paginated lists', run: lists },
  { id: 'd', title: 'batch insert', run: batchInsert },
  { id: 'e', title: 'build queue', run: buildQueue },
  { id: 'f', title: 'permission checks', run: permissions },
  { id: 'g', title: 'init()', run: init },
  { id: 'h', title: 'memory', run: rss },
  // Last: its old-statement replay leaves megabytes of dead TOAST for autovacuum.
  {
    id: 'logs', title: 'log-append curve', run: async (ctx) => {
      const { logCurve } = await import('./logs.mjs');
      const { rows, curve } = await logCurve(ctx, { quick: ctx.quick, full: ctx.logsFull });
      ctx.logCurve = curve;
      return rows;
    },
  },
];
