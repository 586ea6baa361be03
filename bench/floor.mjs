#!/usr/bin/env node
// The per-call floor: `npm run bench -- --only floor [--write]` (or `node bench/floor.mjs`).
//
// getUser with one call in flight, taken apart at each hand-off. The addon stamps a call at
// each stage when `__trace(true)` is on (src/js/error.rs `trace`; one clock for all threads);
// this script adds the two JS ends (before the call, after the `await` resumed) on the same
// clock (`__traceClock`). Stages, in order:
//   JS call → entered      the wrapper (lib/wrap.js, lib/hooks.js) and argument conversion
//   entered → sent         first poll on the JS thread: lease a connection, bind, write
//   sent → woken           the wire and the server: the reply arrives, a tokio worker wakes
//   woken → core done      read and decode the reply into values
//   core done → queued     the worker-side half of the JS conversion (the columnar buffer)
//   queued → on JS         the threadsafe-function hop back to the JS thread
//   on JS → settled        the JS objects made, the Promise resolved
//   settled → await        the microtasks up to the caller's `await` (the wrapper's `then`)
// pgbench runs the same SELECT (`-M prepared`, 1 client) as the floor, and postgres.js the
// same call, in the same run. `--write` puts the table in BENCHMARKS.md ("Per-call floor").
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as report from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(import.meta.url);

const STAGES = ['JS call → entered', 'entered → sent', 'sent → woken', 'woken → core done', 'core done → queued', 'queued → on JS', 'on JS → settled', 'settled → await'];

const median = (xs) => {
  const s = Float64Array.from(xs).sort();
  return s.length ? s[s.length >> 1] : NaN;
};

export async function runFloor({ url, log = console.error, calls = 5000, rounds = 5, quick = false, write = false }) {
  if (quick) {
    calls = 200;
    rounds = 1;
  }
  const addon = require('../index.js');
  const { findPgbench, runPgbench } = await import('./comparators/pgbench.mjs');
  const pgjs = await import('./comparators/postgres-js.mjs');
  const schema = `bench_floor_${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;
  const storage = new addon.PostgresAdminStorage({ connectionString: url, schemaName: schema, max: 4 });
  let pj;
  try {
    await storage.init();
    const user = await storage.createUser({ email: `floor-${schema}@bench.example.com`, name: 'Floor' });
    pj = await pgjs.open({ url, schema });
    for (let i = 0; i < 500; i++) {
      await storage.getUser(user.id);
      await pj.getUser(user.id);
    }
    const perStage = STAGES.map(() => []);
    const totals = [];
    const pjTotals = [];
    const inline = { yes: 0, no: 0 };
    for (let r = 0; r < rounds; r++) {
      addon.__trace(true);
      const ends = [];
      for (let i = 0; i < calls; i++) {
        const t0 = addon.__traceClock();
        await storage.getUser(user.id);
        ends.push([t0, addon.__traceClock()]);
      }
      const marks = addon.__trace(false);
      // [call, stage, µs, …] → per call: stage → µs (call ids count up from the first).
      const byCall = new Map();
      for (let k = 0; k < marks.length; k += 3) {
        let m = byCall.get(marks[k]);
        if (!m) byCall.set(marks[k], (m = new Array(7).fill(NaN)));
        m[marks[k + 1]] = marks[k + 2];
      }
      const ids = [...byCall.keys()].sort((a, b) => a - b);
      ids.forEach((id, i) => {
        const m = byCall.get(id);
        const [t0, t1] = ends[i] ?? [NaN, NaN];
        if (Number.isNaN(m[1])) {
          inline.no++;
          return; // not polled inline: no `sent`/`woken` marks
        }
        inline.yes++;
        const points = [t0, ...m, t1];
        for (let s = 0; s < STAGES.length; s++) perStage[s].push(points[s + 1] - points[s]);
        totals.push(t1 - t0);
      });
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now();
        await pj.getUser(user.id);
        pjTotals.push((performance.now() - t0) * 1000);
      }
    }
    const bench = findPgbench();
    let pgbenchUs = NaN;
    if (bench) {
      const lat = [];
      for (let r = 0; r < rounds; r++) {
        const res = runPgbench(bench, { url, script: `SELECT * FROM ${schema}.admin_users WHERE id = :id;\n`, vars: { id: user.id }, transactions: calls });
        lat.push(...res.latenciesMs.map((ms) => ms * 1000));
      }
      pgbenchUs = median(lat);
    }
    const rows = STAGES.map((name, s) => ({ name, us: median(perStage[s]) }));
    const total = median(totals);
    const md = [
      `Measured ${new Date().toISOString()}: getUser, 1 in flight, ${(calls * rounds).toLocaleString('en-US')} calls (${inline.yes} traced end to end); medians per stage in µs.`,
      '',
      '| stage | median µs |',
      '|---|---|',
      ...rows.map((r) => `| ${r.name} | ${r.us.toFixed(1)} |`),
      `| **whole call (ours)** | **${total.toFixed(1)}** |`,
      `| postgres.js getUser, same run | ${median(pjTotals).toFixed(1)} |`,
      `| pgbench, same SELECT (-M prepared, 1 client) | ${Number.isNaN(pgbenchUs) ? 'n/a' : pgbenchUs.toFixed(1)} |`,
      '',
      `Ours over pgbench: ${(total - pgbenchUs).toFixed(1)} µs (${(total / pgbenchUs).toFixed(2)}×); over postgres.js: ${(total / median(pjTotals)).toFixed(2)}×. The stage medians need not add up to the whole call's median.`,
    ].join('\n');
    log(md);
    if (write && !quick) writeSection(md);
    return { rows, total, pgjs: median(pjTotals), pgbench: pgbenchUs };
  } finally {
    await pj?.close();
    try {
      await storage.adminDb.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await storage.close();
    }
  }
}

function writeSection(md) {
  report.writeSection(path.join(root, 'BENCHMARKS.md'), 'floor', md, { how: 'generated by `npm run bench -- --only floor --write`', heading: 'Per-call floor' });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (typeof globalThis.gc !== 'function') {
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  const argv = process.argv.slice(2);
  const { resolveDatabaseUrl } = await import('../scripts/embedded-pg.mjs');
  const db = await resolveDatabaseUrl();
  const u = new URL(db.url);
  if (!u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable');
  try {
    await runFloor({ url: u.toString(), quick: argv.includes('--quick'), write: argv.includes('--write') });
  } finally {
    await db.stop();
  }
}
