// (logs) The log-append curve: 1 KiB lines appended into one build until its log reaches
// 8 MiB, µs per append against the log's size (mean per 512 KiB bucket), for
//   - ours: `storage.appendBuildLogs` as it is now (chunked logs, migration 0005), every one of
//     the 8,192 appends timed, in one build;
//   - before: the statement appendBuildLogs ran until 0005,
//     `UPDATE … SET logs = COALESCE(logs, '') || $2 WHERE id = $1`, replayed through `pg`. Run
//     one by one that is 5–20 minutes here (tens to hundreds of ms per append past a few MiB), so
//     by default each bucket is sampled: the log is first set to the bucket's start (untimed, the
//     same lines), then `sample` appends are timed; `--logs-full` replays every append instead.
// Also timed at 8 MiB: reading the whole build (`getBuild`) and tailing it (`getBuildLogs` after
// the last 1 KiB). Own schema and storage, so no other workload sees the 8 MiB builds.
import { randomUUID } from 'node:crypto';
import { percentile } from './workloads.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;

export const LOG_SIZES = {
  quick: { total: 1 * MiB, bucket: 128 * KiB, sample: 8, reads: 3 },
  full: { total: 8 * MiB, bucket: 512 * KiB, sample: 32, reads: 10 },
};

/** The i-th 1 KiB log line (ASCII, so 1,024 bytes), varied like a build's output. */
export function logLine(i) {
  const t = new Date(Date.UTC(2026, 0, 1) + i * 37).toISOString().slice(11, 23);
  const head = `[${t}] step ${String(i % 97).padStart(2, '0')} ${['compile', 'bundle', 'test', 'lint', 'upload'][i % 5]} `
    + `module-${(i * 2654435761 % 4294967296).toString(16).padStart(8, '0')} `;
  const body = `${'ok '.repeat(i % 13)}${'-'.repeat(i % 7)}processed ${i} files; `;
  let line = head + body;
  while (line.length < KiB - 1) line += `chunk ${line.length} `;
  return `${line.slice(0, KiB - 1)}\n`;
}

/** Per-bucket mean, median and p99 (ms) of appends keyed by the log size before them. */
function buckets(samples, size) {
  const out = [];
  for (let b = 0; b * size.bucket < size.total; b++) {
    const lat = samples.filter((s) => Math.floor(s.before / size.bucket) === b).map((s) => s.ms);
    const sorted = Float64Array.from(lat).sort();
    out.push({
      from: b * size.bucket,
      to: (b + 1) * size.bucket,
      n: lat.length,
      mean: lat.reduce((a, x) => a + x, 0) / (lat.length || 1),
      median: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.length ? sorted[sorted.length - 1] : NaN,
    });
  }
  return out;
}

const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;

async function timeEach(fn, n) {
  const lat = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    lat.push(performance.now() - t);
  }
  return lat;
}

/**
 * Runs the curve; returns `{ rows, curve }`: two rows for the main table (the last bucket, ours
 * and the old statement, with the goal) and the whole curve for BENCHMARKS.md and the chart.
 */
export async function logCurve(ctx, { quick, full }) {
  const size = quick ? LOG_SIZES.quick : LOG_SIZES.full;
  const lines = size.total / KiB;
  const schema = ctx.newSchema('logs');
  const ours = ctx.openers.find((o) => o.name === 'ours');
  const c = await ours.open({ url: ctx.url, schema });
  try {
    await c.init();
    const storage = c.storage;
    const q = `"${schema}"`;
    // A team, project and deployment to hang the builds on.
    const [teamId, projectId, deploymentId] = [randomUUID(), randomUUID(), randomUUID()];
    await c.batchInsert('admin_teams', [{ id: teamId, name: 'logs', slug: 'logs' }]);
    await c.batchInsert('admin_projects', [{ id: projectId, teamId, name: 'logs', slug: 'logs', sourceType: 'github', sourceConfig: {} }]);
    await c.batchInsert('admin_deployments', [{ id: deploymentId, projectId, type: 'preview', branch: 'logs', slug: 'logs' }]);
    const newBuild = async () => (await storage.createBuild({ id: randomUUID(), deploymentId, trigger: 'manual', triggeredBy: 'bench', logs: '' })).id;
    const text = Array.from({ length: lines }, (_, i) => logLine(i));

    // Warm-up, on a build of its own: statements prepared, pools and caches filled.
    const warm = await newBuild();
    for (let i = 0; i < 200; i++) await storage.appendBuildLogs(warm, text[i]);
    const oldSql = `UPDATE ${q}.admin_builds SET logs = COALESCE(logs, '') || $2 WHERE id = $1`;
    for (let i = 0; i < 20; i++) await ctx.raw.query(oldSql, [warm, text[i]]);

    // Ours: every append timed.
    ctx.log(`  ours: ${lines} appends of 1 KiB…`);
    const after = await newBuild();
    const oursSamples = [];
    for (let i = 0; i < lines; i++) {
      const t = performance.now();
      await storage.appendBuildLogs(after, text[i]);
      oursSamples.push({ before: i * KiB, ms: performance.now() - t });
    }
    const logs = (await storage.getBuild(after)).logs;
    if (logs.length !== size.total || logs !== text.join('')) throw new Error('result check failed: ours appendBuildLogs did not read back byte for byte');

    // Before: the old statement through pg.
    ctx.log(`  old statement: ${full ? `${lines} appends` : `${size.sample} appends per bucket after a fill`}…`);
    const before = await newBuild();
    const oldSamples = [];
    const oldAppend = (i) => ctx.raw.query(oldSql, [before, text[i]]);
    if (full) {
      for (let i = 0; i < lines; i++) {
        const t = performance.now();
        await oldAppend(i);
        oldSamples.push({ before: i * KiB, ms: performance.now() - t });
      }
    } else {
      for (let start = 0; start < size.total; start += size.bucket) {
        const at = start / KiB;
        await ctx.raw.query(`UPDATE ${q}.admin_builds SET logs = $2 WHERE id = $1`, [before, text.slice(0, at).join('')]);
        for (let k = 0; k < size.sample; k++) {
          const t = performance.now();
          await oldAppend(at + k);
          oldSamples.push({ before: (at + k) * KiB, ms: performance.now() - t });
        }
      }
    }
    // The old build at the full size, for the read comparison.
    await ctx.raw.query(`UPDATE ${q}.admin_builds SET logs = $2 WHERE id = $1`, [before, text.join('')]);

    // Reads at the full size.
    const end = (await storage.builds.getBuildLogs(after)).nextOffset;
    const reads = {
      getBuildChunked: mean(await timeEach(() => storage.getBuild(after), size.reads)),
      getBuildColumn: mean(await timeEach(() => storage.getBuild(before), size.reads)),
      tail: mean(await timeEach(() => storage.builds.getBuildLogs(after, { afterOffset: end - KiB }), size.reads * 5)),
    };

    const curve = {
      size, full: Boolean(full), lineBytes: KiB,
      ours: buckets(oursSamples, size),
      old: buckets(oldSamples, size),
      reads,
      oursAll: (() => {
        const sorted = Float64Array.from(oursSamples.map((s) => s.ms)).sort();
        return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1], n: sorted.length };
      })(),
    };
    const first = (b) => b[0].mean;
    const last = (b) => b[b.length - 1].mean;
    curve.growth = { ours: last(curve.ours) / first(curve.ours), old: last(curve.old) / first(curve.old) };
    const lastBucket = `${(size.total - size.bucket) / MiB}–${size.total / MiB} MiB`;
    const label = `appendBuildLogs 1 KiB line, log at ${lastBucket}`;
    const row = (b, comparator, note) => ({
      id: 'logs', label, kind: 'latency', comparator, unit: 'appends/s',
      median: b.median, p99: b.p99, throughput: 1000 / b.mean, note,
    });
    const oursLast = curve.ours[curve.ours.length - 1];
    const oldLast = curve.old[curve.old.length - 1];
    const rows = [
      {
        ...row(oursLast, 'ours', `mean ${(oursLast.mean * 1000).toFixed(0)} µs; ${curve.growth.ours.toFixed(2)}× the first bucket (${(first(curve.ours) * 1000).toFixed(0)} µs)`),
        growth: curve.growth.ours, worstBucketMs: Math.max(...curve.ours.map((b) => b.mean)),
      },
      row(oldLast, 'old statement (pg)', `mean ${oldLast.mean.toFixed(1)} ms; ${curve.growth.old.toFixed(1)}× its first bucket${full ? '' : `; ${size.sample} appends per bucket`}`),
    ];
    ctx.log('  log-append curve: done');
    return { rows, curve };
  } finally {
    await c.close();
  }
}
