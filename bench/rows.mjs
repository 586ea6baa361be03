#!/usr/bin/env node
// Row conversion designs: `npm run bench -- --only rows` (or `node bench/rows.mjs`).
//
// The same 1,000-row result (uuid, text, int, real, bool, timestamptz, jsonb object and
// array, NULLs), held in memory by the addon (`__rowSample`), turned into JS objects by:
//   (a) per-row napi objects: keys made per row, one napi_set_property per value;
//   (b) keys made once per result, one napi_define_properties per row (main before this);
//   (c) one JSON text per result built in Rust, JSON.parse, timestamps revived by the plan
//       (lib/rows.js decodeJson);
//   (d) a columnar buffer decoded by a function generated once per shape (decodeColumnar).
// Node-API 9 (Node 20) has no node_api_create_object_with_properties, so (b) is the best a
// pure-napi build can do. Every design's output is checked deep-equal to (a)'s (prototypes,
// Dates, nulls, nested JSON, key order). The micro part times the conversion on the JS
// thread alone (the Rust encoding of (c)/(d), which production runs on a tokio worker, is
// timed separately); the end-to-end part switches the one converter (`__rowDesign`) and
// times real calls, with postgres.js in the same round robin. `--write` puts the tables in
// BENCHMARKS.md ("Row conversion designs").
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as report from './report.mjs';
import { isDeepStrictEqual } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(import.meta.url);

if (typeof globalThis.gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const SAMPLE_SQL = (n) => `
  SELECT gen_random_uuid() AS id,
         'build ' || i AS name,
         CASE WHEN i % 3 = 0 THEN NULL ELSE 'commit message ' || repeat('é', i % 5) || repeat('x', i % 40) END AS "commitMessage",
         i AS "attempts",
         (i * 1.25)::real AS ratio,
         i % 2 = 0 AS "isActive",
         timestamptz '2026-01-01 00:00:00.123456+00' - i * interval '1 minute' AS "createdAt",
         CASE WHEN i % 4 = 0 THEN NULL ELSE timestamptz '2026-01-02 03:04:05.678+00' END AS "completedAt",
         jsonb_build_object('plan', 'pro', 'seats', i, 'tags', jsonb_build_array('a', 'b'), 'nested', jsonb_build_object('ok', i % 7 = 0, 'n', null)) AS metadata,
         jsonb_build_array(i, 'two', NULL, true, 1.5) AS "list",
         NULL::text AS "nothing"
    FROM generate_series(1, ${n}) i`;

const DESIGNS = [
  { key: 'a', name: '(a) per-row napi object, per-property set', id: 0 },
  { key: 'b', name: '(b) keys once per result, napi_define_properties per row', id: 1 },
  { key: 'c', name: '(c) JSON text + JSON.parse + revive plan', id: 2 },
  { key: 'd', name: '(d) columnar buffer + generated decoder', id: 3 },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};
const us = (ms) => `${(ms * 1000).toFixed(ms < 0.1 ? 2 : 1)} µs`;
const fmt = (ms) => (ms >= 1 ? `${ms.toFixed(2)} ms` : us(ms));

/** Same values, prototypes, Dates, key order (in nested objects too). */
function sameOutput(x, y) {
  if (!isDeepStrictEqual(x, y)) return false;
  const order = (v) => JSON.stringify(v, (k, val) => (val && typeof val === 'object' && !Array.isArray(val) && !(val instanceof Date) ? Object.fromEntries(Object.entries(val)) : val));
  const protos = (v) => v === null || typeof v !== 'object' || v instanceof Date ? true
    : Array.isArray(v) ? v.every(protos) : Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every(protos);
  return order(x) === order(y) && protos(x) && protos(y);
}

/**
 * The row-design bench. `ctx`: { url, schema, log, rounds?, write? }. Returns its Markdown.
 */
export async function runRows({ url, log = console.error, rounds = 15, quick = false, write = false }) {
  const addon = require('../index.js');
  const { decodeJson, decodeColumnar } = require('../lib/rows.js');
  const pgjs = await import('./comparators/postgres-js.mjs');
  const { loadData } = await import('./workloads.mjs');
  const pg = require('pg');
  const schema = `bench_rows_${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;
  const storage = new addon.PostgresAdminStorage({ connectionString: url, schemaName: schema, max: 20 });
  const raw = new pg.Client({ connectionString: url });
  await raw.connect();
  const out = [];
  let pj;
  try {
    await storage.init();
    // ---------- micro: conversion alone ----------
    const convert = {
      a: (id) => addon.__rowConvert(id, 0),
      b: (id) => addon.__rowConvert(id, 1),
      c: (id) => {
        const [text, plan] = addon.__rowConvert(id, 2);
        return decodeJson(text, plan, 0);
      },
      d: (id) => decodeColumnar(...addon.__rowConvert(id, 3)),
    };
    const samples = [
      { label: '1,000 rows × 11 columns', id: await addon.__rowSample(storage.db, SAMPLE_SQL(1000)), reps: quick ? 3 : 10 },
      { label: '1 row × 11 columns', id: await addon.__rowSample(storage.db, SAMPLE_SQL(1)), reps: quick ? 300 : 3000 },
    ];
    for (const s of samples) {
      const ref = convert.a(s.id);
      for (const d of DESIGNS) {
        const got = convert[d.key](s.id);
        if (!sameOutput(ref, got)) throw new Error(`${d.name} differs from (a) on ${s.label}`);
      }
      if (!(ref[0].createdAt instanceof Date) || ref.some((r) => r.nothing !== null)) throw new Error('sample is not what it should be');
      const times = new Map(DESIGNS.map((d) => [d.key, []]));
      const enc = { c: [], d: [] };
      for (let r = 0; r < rounds; r++) {
        const order = DESIGNS.map((_, i) => DESIGNS[(i + r) % DESIGNS.length]);
        for (const d of order) {
          for (let i = 0; i < 2; i++) convert[d.key](s.id); // warm
          gc();
          const t0 = performance.now();
          for (let i = 0; i < s.reps; i++) convert[d.key](s.id);
          times.get(d.key).push((performance.now() - t0) / s.reps);
        }
        for (const [k, design] of [['c', 4], ['d', 5]]) {
          const t0 = performance.now();
          for (let i = 0; i < s.reps; i++) addon.__rowConvert(s.id, design);
          enc[k].push((performance.now() - t0) / s.reps);
        }
      }
      const base = median(times.get('a'));
      for (const d of DESIGNS) {
        const m = median(times.get(d.key));
        const encode = enc[d.key] ? median(enc[d.key]) : null;
        out.push({ part: 'micro', sample: s.label, design: d.name, median: m, min: Math.min(...times.get(d.key)), vsA: m / base, encode });
      }
      log(`micro ${s.label}: done`);
    }

    // ---------- end to end: real calls, the converter switched ----------
    const ctx = { size: { users: quick ? 200 : 2000 }, raw, ours: { batchInsert: (t, rows) => storage.adminDb.batchInsert(t, rows) } };
    const data = await loadData(ctx);
    pj = await pgjs.open({ url, schema });
    const ours = {
      getUser: (id) => storage.getUser(id),
      listBuildsForDeployment: (id, p) => storage.listBuildsForDeployment(id, p),
      listDeploymentsForProject: (id, p) => storage.listDeploymentsForProject(id, p),
      listProjectsForTeam: (id, p) => storage.listProjectsForTeam(id, p),
    };
    const cases = [
      { label: 'listBuildsForDeployment perPage=1000', call: (c) => c.listBuildsForDeployment(data.listDeployment, { page: 1, perPage: 1000 }), n: quick ? 3 : 20 },
      { label: 'listDeploymentsForProject perPage=1000', call: (c) => c.listDeploymentsForProject(data.bigProject, { page: 1, perPage: 1000 }), n: quick ? 3 : 20 },
      { label: 'listBuildsForDeployment perPage=100', call: (c) => c.listBuildsForDeployment(data.listDeployment, { page: 1, perPage: 100 }), n: quick ? 10 : 100 },
      { label: 'listBuildsForDeployment perPage=10', call: (c) => c.listBuildsForDeployment(data.listDeployment, { page: 1, perPage: 10 }), n: quick ? 20 : 200 },
      { label: 'listProjectsForTeam 100 × 5 env vars', call: (c) => c.listProjectsForTeam(data.listTeam, { page: 1, perPage: 100 }), n: quick ? 3 : 20 },
      { label: 'getUser', call: (c) => c.getUser(data.userIds[(Math.random() * data.userIds.length) | 0]), n: quick ? 100 : 1000 },
    ];
    const saved = addon.__rowDesign();
    const contenders = [...DESIGNS.map((d) => ({ ...d, client: ours })), { key: 'pj', name: 'postgres.js', client: pj }];
    for (const cs of cases) {
      // Identical results whatever the design.
      let ref;
      for (const d of DESIGNS) {
        addon.__rowDesign(d.id, d.id);
        const r = await cs.call(ours);
        if (cs.label === 'getUser') continue;
        if (ref === undefined) ref = r;
        else if (!sameOutput(ref, r)) throw new Error(`${d.name}: ${cs.label} differs from (a)`);
      }
      const lat = new Map(contenders.map((c) => [c.key, []]));
      for (let r = 0; r < Math.max(3, Math.round(rounds / 3)); r++) {
        for (let i = 0; i < contenders.length; i++) {
          const c = contenders[(i + r) % contenders.length];
          if (c.id !== undefined) addon.__rowDesign(c.id, c.id);
          for (let w = 0; w < 3; w++) await cs.call(c.client);
          gc();
          for (let k = 0; k < cs.n; k++) {
            const t0 = performance.now();
            await cs.call(c.client);
            lat.get(c.key).push(performance.now() - t0);
          }
        }
      }
      const pjMedian = median(lat.get('pj'));
      for (const c of contenders) {
        const m = median(lat.get(c.key));
        out.push({ part: 'e2e', sample: cs.label, design: c.name, median: m, vsPj: m / pjMedian });
      }
      log(`end to end ${cs.label}: done`);
    }
    addon.__rowDesign(saved[0], saved[1]);
  } finally {
    await pj?.close();
    await storage.close();
    await raw.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await raw.end();
  }
  const md = markdown(out, rounds);
  console.log(md);
  if (write) writeSection(md);
  return out;
}

function markdown(rows, rounds) {
  const lines = [];
  lines.push(`Run: ${new Date().toISOString()}, node ${process.version}, ${rounds} rounds round-robin (micro), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`, '');
  lines.push('Conversion alone, on the JS thread (median per conversion; the Rust encoding of (c)/(d) runs on a tokio worker in production and is shown apart):', '');
  lines.push('| sample | design | median | best round | vs (a) | Rust encoding (worker) |', '|---|---|---|---|---|---|');
  for (const r of rows.filter((r) => r.part === 'micro')) {
    lines.push(`| ${r.sample} | ${r.design} | ${fmt(r.median)} | ${fmt(r.min)} | ${r.vsA.toFixed(2)}× | ${r.encode === null ? '—' : fmt(r.encode)} |`);
  }
  lines.push('', 'End to end, real calls at 1 in flight (median latency; the converter switched with `__rowDesign`, postgres.js in the same round robin):', '');
  lines.push('| call | design | median | vs postgres.js |', '|---|---|---|---|');
  for (const r of rows.filter((r) => r.part === 'e2e')) lines.push(`| ${r.sample} | ${r.design} | ${fmt(r.median)} | ${r.vsPj.toFixed(2)}× |`);
  return lines.join('\n');
}

function writeSection(md) {
  report.writeSection(path.join(root, 'BENCHMARKS.md'), 'rows', md, { how: 'generated by `npm run bench -- --only rows --write`', heading: 'Row conversion designs' });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const { resolveDatabaseUrl } = await import('../scripts/embedded-pg.mjs');
  const db = await resolveDatabaseUrl();
  const u = new URL(db.url);
  if (!u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable');
  const rounds = Number(argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 15);
  try {
    await runRows({ url: u.toString(), rounds, quick: argv.includes('--quick'), write: argv.includes('--write') });
  } finally {
    await db.stop();
  }
  process.exit(0);
}
