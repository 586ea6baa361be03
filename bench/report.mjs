// The report: ratios of ours to each comparator, the goals (✓/✗), the console table, the
// Markdown section of BENCHMARKS.md and the SVG chart (written by hand, no dependencies).
import fs from 'node:fs';

const MiB = 1048576;

// The ratio is always a TIME ratio, ours / comparator: < 1 means ours is faster. For latency
// rows it is median / median; for throughput rows it is their throughput / ours; for memory
// rows ours RSS / their RSS at the end of the run.
function ratioOf(ours, them) {
  if (!ours || ours.na || them.na || ours === them) return null;
  if (them.kind === 'latency') return ours.median / them.median;
  if (them.kind === 'throughput') return them.throughput / ours.throughput;
  if (them.kind === 'memory') return ours.rssMany / them.rssMany;
  return null;
}

const ratioGoal = (id, comparator, max, text, match = () => true) => ({ id, comparator, max, text, match, test: (r) => r.ratio <= max });
const GOALS = [
  ratioGoal('a', 'pg-adapter', 0.9, 'median ≤ 0.9× pg-adapter'),
  ratioGoal('a', 'pgbench', 1.3, 'median ≤ 1.3× pgbench'),
  ratioGoal('b', 'pg-adapter', 0.5, 'throughput ≥ 2× pg-adapter'),
  ratioGoal('b', 'postgres.js', 1, 'throughput ≥ 1× postgres.js'),
  ratioGoal('c', 'pg-adapter', 0.8, '1,000 rows in ≤ 0.8× pg-adapter', (r) => r.perPage === 1000),
  ratioGoal('d', 'insert loop (ours)', 0.1, '≥ 10× a loop of single inserts'),
  ratioGoal('d', 'pg-adapter', 0.1, '≥ 10× the seed’s insert loop'),
  ratioGoal('e', 'pg-adapter', 0.5, '8 workers ≥ 2× pg-adapter', (r) => r.mode === 'dequeue()' && r.workers === 8),
  ratioGoal('e', 'pgbench (same claim SQL)', 1 / 0.9, '8 workers ≥ 0.9× the pgbench floor', (r) => r.mode === 'dequeue()' && r.workers === 8),
  { id: 'e', comparator: 'ours', text: '≥ 50,000 builds/s', match: (r) => r.mode === 'dequeueBatch(100)' && r.workers === 8, test: (r) => r.throughput >= 50000 },
  ratioGoal('f', 'pg-adapter', 0.5, 'throughput ≥ 2× pg-adapter'),
  { id: 'g', comparator: 'ours', text: 'warm init() ≤ 5 ms', match: (r) => r.label.startsWith('init() warm'), test: (r) => r.median <= 5 },
  { id: 'h', comparator: 'ours', text: 'RSS grows ≤ 20 MiB', match: () => true, test: (r) => r.rssMany <= r.rssFew + 20 * MiB },
  {
    id: 'logs', comparator: 'ours', text: 'at 8 MiB ≤ 1.2× at 0, every bucket mean ≤ 1 ms', match: () => true,
    test: (r) => r.growth <= 1.2 && r.worstBucketMs <= 1,
  },
];

/** Adds `ratio` and `goal` ({ text, pass } — pass null when n/a) to every row. */
export function evaluate(rows) {
  for (const r of rows) {
    const ours = rows.find((o) => o.label === r.label && o.comparator === 'ours');
    r.ratio = ratioOf(ours, r);
    const g = GOALS.find((g) => g.id === r.id && g.comparator === r.comparator && g.match(r));
    if (g) {
      const measurable = g.comparator === 'ours' ? !r.na : r.ratio !== null;
      r.goal = { text: g.text, pass: measurable ? g.test(r) : null, max: g.max };
    }
  }
  return rows;
}

// ---------- formatting ----------
export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}
function fmtRate(x, unit) {
  if (!Number.isFinite(x)) return '—';
  const s = x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
  return `${s} ${unit}`;
}
const fmtRatio = (r) => (r === null || r === undefined ? '' : `${r < 0.1 ? r.toFixed(3) : r.toFixed(2)}×`);
const fmtGoal = (g) => (!g ? '' : `${g.pass === null ? '— n/a' : g.pass ? '✓' : '✗'} ${g.text}`);

function cells(r) {
  if (r.na) return [r.label, r.comparator, r.na, '', '', '', fmtGoal(r.goal), ''];
  const [median, p99] = r.kind === 'memory'
    ? [`${(r.rssFew / MiB).toFixed(1)} MiB`, `${(r.rssMany / MiB).toFixed(1)} MiB`]
    : [fmtMs(r.median), fmtMs(r.p99)];
  return [r.label, r.comparator, median, p99, fmtRate(r.throughput, r.unit), fmtRatio(r.ratio), fmtGoal(r.goal), r.note ?? ''];
}
const HEAD = ['case', 'comparator', 'median', 'p99', 'throughput', 'ours/them (time)', 'goal', 'notes'];

/** Plain-text table for the console. */
export function consoleTable(rows) {
  const table = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...table.map((row) => [...row[i]].length)));
  const line = (row) => row.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join('  ').trimEnd();
  const out = [line(table[0]), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = null;
  for (const row of table.slice(1)) {
    out.push(line(row[0] === last ? ['', ...row.slice(1)] : row));
    last = row[0];
  }
  return out.join('\n');
}

/** The generated part of BENCHMARKS.md. */
export function markdown(rows, meta) {
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  const lines = [
    `Latest ${meta.mode} run: ${meta.date} (${meta.durationS.toFixed(0)} s).`,
    '',
    `- Machine: ${meta.machine.nproc} CPUs (${meta.machine.cpu}), ${meta.machine.memGiB.toFixed(1)} GiB RAM, Linux ${meta.machine.kernel}; load average ${meta.machine.loadStart} at start, ${meta.machine.loadEnd} at end.`,
    `- Versions: node ${meta.versions.node}; PostgreSQL ${meta.versions.server} (${meta.versions.database}); admin-pg-native ${meta.versions.addon}; pg ${meta.versions.pg}; postgres.js ${meta.versions.postgresJs}; ${meta.versions.pgbench ?? 'pgbench n/a'}.`,
    `- Session (every comparator): ${meta.session}.`,
    `- Rounds: ${meta.rounds} per case (round-robin over the comparators); ${meta.sizes}.`,
    '',
    '`ours/them (time)` is ours divided by the comparator as a time: below 1 means ours is faster',
    '(latency: median / median; throughput: their throughput / ours; memory: RSS / RSS).',
    '',
    `| ${HEAD.map(esc).join(' | ')} |`,
    `|${HEAD.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
    '',
    '![ratio of ours to each comparator](bench/ratio-chart.svg)',
  ];
  return lines.join('\n');
}

/** Replaces the generated section of BENCHMARKS.md (between the markers), keeping the intro. */
export function writeBenchmarksMd(file, section) {
  writeSection(file, 'bench', section);
}

/**
 * Replaces the part of `file` between `<!-- name:begin … -->` and `<!-- name:end -->` (appended
 * at the end, under `## heading` when given, when the markers are missing), keeping everything
 * else. `how` is the begin marker's note on what writes the part.
 */
export function writeSection(file, name, section, { how, heading } = {}) {
  const note = how ?? (name === 'bench' ? 'generated by `npm run bench`, do not edit by hand' : `generated by \`npm run bench -- --only ${name}\` or a full run, do not edit by hand`);
  const BEGIN = `<!-- ${name}:begin (${note}) -->`;
  const END = `<!-- ${name}:end -->`;
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${BEGIN}\n${END}\n`;
  const a = old.indexOf(`<!-- ${name}:begin`);
  const b = old.indexOf(END);
  const title = heading ? `## ${heading}\n\n` : '';
  const body = a >= 0 && b > a ? old.slice(0, a) + BEGIN + '\n' + section + '\n' + old.slice(b) : `${old.trimEnd()}\n\n${title}${BEGIN}\n${section}\n${END}\n`;
  fs.writeFileSync(file, body);
}

/** Horizontal bars of ours/them (log scale), one per comparator row, goal thresholds marked. */
export function svgChart(rows, title) {
  const bars = rows.filter((r) => r.ratio !== null && r.kind !== 'memory');
  const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const [lo, hi] = [0.01, 10];
  const L = 470;
  const W = 400;
  const H = 18;
  const top = 52;
  const x = (v) => L + ((Math.log10(Math.min(hi, Math.max(lo, v))) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * W;
  const height = top + bars.length * H + 40;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L + W + 150}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${xml(title)}</text>`,
    `<text x="10" y="36" fill="#555">ours / comparator as time, log scale: left of 1 = ours faster. Black tick = goal.</text>`,
  ];
  for (const t of [0.01, 0.1, 0.5, 1, 2, 10]) {
    out.push(`<line x1="${x(t)}" y1="${top - 6}" x2="${x(t)}" y2="${top + bars.length * H}" stroke="${t === 1 ? '#333' : '#ddd'}"/>`);
    out.push(`<text x="${x(t)}" y="${top + bars.length * H + 14}" text-anchor="middle" fill="#555">${t}×</text>`);
  }
  bars.forEach((r, i) => {
    const y = top + i * H;
    const [a, b] = [x(1), x(r.ratio)].sort((p, q) => p - q);
    const label = `${r.id}) ${r.label} — vs ${r.comparator}`;
    out.push(`<text x="${L - 6}" y="${y + 12}" text-anchor="end">${xml(label.length > 78 ? label.slice(0, 77) + '…' : label)}</text>`);
    out.push(`<rect x="${a}" y="${y + 3}" width="${Math.max(1, b - a)}" height="${H - 6}" fill="${r.ratio < 1 ? '#2e7d32' : '#c62828'}"/>`);
    if (r.goal?.max) out.push(`<line x1="${x(r.goal.max)}" y1="${y + 1}" x2="${x(r.goal.max)}" y2="${y + H - 1}" stroke="#000" stroke-width="2"/>`);
    const off = r.ratio > hi || r.ratio < lo ? ' (off scale)' : '';
    out.push(`<text x="${Math.max(b, x(1)) + 4}" y="${y + 12}" fill="#333">${xml(fmtRatio(r.ratio) + off)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

// ---------- (logs) the log-append curve ----------

const fmtSize = (bytes) => (bytes >= MiB ? `${+(bytes / MiB).toFixed(2)} MiB` : `${bytes / 1024} KiB`);

/** The "Log-append curve" section of BENCHMARKS.md. */
export function logCurveMarkdown(curve, rows, meta) {
  const { size } = curve;
  const oursRow = rows.find((r) => r.id === 'logs' && r.comparator === 'ours');
  const goal = oursRow?.goal ? `${oursRow.goal.pass ? '✓ met' : '✗ missed'} (${oursRow.goal.text})` : '';
  const us = (ms) => `${(ms * 1000).toFixed(0)} µs`;
  const lines = [
    '## Log-append curve',
    '',
    `Latest ${meta.mode} run: ${meta.date}; ${meta.versions.addon}; PostgreSQL ${meta.versions.server}; load average ${meta.machine.loadStart} at start, ${meta.machine.loadEnd} at end; ${meta.session}.`,
    '',
    `1 KiB lines (${curve.lineBytes.toLocaleString('en-US')} bytes each) appended one at a time into one build until its log holds ${fmtSize(size.total)};`,
    `the mean time per append for each ${fmtSize(size.bucket)} of log size it was appended at.`,
    `**ours**: \`appendBuildLogs\` now (one chunk row per append, migration 5), every one of the ${(size.total / 1024).toLocaleString('en-US')} appends timed.`,
    `**before**: the statement \`appendBuildLogs\` ran until then, \`UPDATE … SET logs = COALESCE(logs, '') || $2 WHERE id = $1\`, replayed through \`pg\`${curve.full
      ? ', every append timed.'
      : `: for each bucket the log is set to the bucket's start (untimed, the same lines) and ${size.sample} appends are timed (\`--logs-full\` replays all of them: 5–20 minutes here).`}`,
    'The 2 cores are shared (see "Reading the numbers"): a bucket\'s mean carries the stalls of its worst appends, its median is the typical cost.',
    '',
    '| log size | ours: mean | ours: median | ours: p99 | before: mean | before: p99 | before / ours |',
    '|---|---|---|---|---|---|---|',
    ...curve.ours.map((b, i) => {
      const o = curve.old[i];
      return `| ${fmtSize(b.from)}–${fmtSize(b.to)} | ${us(b.mean)} | ${us(b.median)} | ${us(b.p99)} | ${fmtMs(o.mean)} | ${fmtMs(o.p99)} | ${(o.mean / b.mean).toFixed(1)}× |`;
    }),
    '',
    `- **ours**: ${curve.growth.ours.toFixed(2)}× at ${fmtSize(size.total - size.bucket)}–${fmtSize(size.total)} vs 0–${fmtSize(size.bucket)}`
      + ` (${us(curve.ours[curve.ours.length - 1].mean)} vs ${us(curve.ours[0].mean)}); worst bucket mean ${us(Math.max(...curve.ours.map((b) => b.mean)))};`
      + ` all ${curve.oursAll.n.toLocaleString('en-US')} appends: median ${us(curve.oursAll.p50)}, p99 ${us(curve.oursAll.p99)}, max ${fmtMs(curve.oursAll.max)}. Goal ${goal}.`,
    `- **before**: ${curve.growth.old.toFixed(1)}× (${fmtMs(curve.old[0].mean)} → ${fmtMs(curve.old[curve.old.length - 1].mean)} per append): each append rewrote the whole log.`,
    `- Reads at ${fmtSize(size.total)}: \`getBuild\` of the chunked log (${(size.total / 1024).toLocaleString('en-US')} chunks) ${fmtMs(curve.reads.getBuildChunked)}`
      + `, of the same log held in the column ${fmtMs(curve.reads.getBuildColumn)}; \`getBuildLogs\` of the last 1 KiB ${fmtMs(curve.reads.tail)}.`,
    '',
    '![µs per append against log size, ours and before](bench/log-append-chart.svg)',
  ];
  return lines.join('\n');
}

/** µs per append (log scale) against log size, ours and before, one point per bucket. */
export function logCurveSvg(curve, title) {
  const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const [L, T, W, H] = [70, 60, 560, 280];
  const [lo, hi] = [0.05, 2000]; // ms
  const x = (bytes) => +(L + (bytes / curve.size.total) * W).toFixed(1);
  const y = (ms) => +(T + H - ((Math.log10(Math.min(hi, Math.max(lo, ms))) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * H).toFixed(1);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L + W + 170}" height="${T + H + 50}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="18" font-size="14" font-weight="bold">${xml(title)}</text>`,
    `<text x="10" y="36" fill="#555">Mean per ${xml(fmtSize(curve.size.bucket))} bucket of log size, log scale. Dashed: the 1 ms goal per append.</text>`,
  ];
  for (const t of [0.1, 1, 10, 100, 1000]) {
    out.push(`<line x1="${L}" y1="${y(t)}" x2="${L + W}" y2="${y(t)}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 6}" y="${y(t) + 4}" text-anchor="end" fill="#555">${t < 1 ? `${t * 1000} µs` : t < 1000 ? `${t} ms` : `${t / 1000} s`}</text>`);
  }
  out.push(`<line x1="${L}" y1="${y(1)}" x2="${L + W}" y2="${y(1)}" stroke="#000" stroke-dasharray="4 3"/>`);
  const steps = curve.size.total / MiB >= 4 ? 1 : 0.25;
  for (let m = 0; m <= curve.size.total / MiB + 1e-9; m += steps) {
    out.push(`<line x1="${x(m * MiB)}" y1="${T}" x2="${x(m * MiB)}" y2="${T + H}" stroke="#eee"/>`);
    out.push(`<text x="${x(m * MiB)}" y="${T + H + 14}" text-anchor="middle" fill="#555">${m} MiB</text>`);
  }
  out.push(`<text x="${L + W / 2}" y="${T + H + 32}" text-anchor="middle" fill="#333">log size when appended</text>`);
  out.push(`<rect x="${L}" y="${T}" width="${W}" height="${H}" fill="none" stroke="#999"/>`);
  const series = [
    { name: 'before (logs || $2)', color: '#c62828', buckets: curve.old },
    { name: 'ours (chunks)', color: '#2e7d32', buckets: curve.ours },
  ];
  series.forEach((s, k) => {
    const pts = s.buckets.filter((b) => b.n > 0).map((b) => [x((b.from + b.to) / 2), y(b.mean)]);
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map((p) => p.join(',')).join(' ')}"/>`);
    for (const [px, py] of pts) out.push(`<circle cx="${px}" cy="${py}" r="3" fill="${s.color}"/>`);
    const lastB = s.buckets[s.buckets.length - 1];
    out.push(`<rect x="${L + W + 14}" y="${T + 10 + k * 40}" width="12" height="12" fill="${s.color}"/>`);
    out.push(`<text x="${L + W + 32}" y="${T + 20 + k * 40}">${xml(s.name)}</text>`);
    out.push(`<text x="${L + W + 32}" y="${T + 34 + k * 40}" fill="#555">${xml(`${fmtMs(s.buckets[0].mean)} → ${fmtMs(lastB.mean)}`)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
