// Per-method call figures (count, errors, latency histogram) and `storage.stats()`.
//
// The histogram is fixed-size: 141 buckets whose upper bounds are the R20 preferred numbers
// (1, 1.12, 1.25, … 8, 9 per decade) from 10 µs to 100 s, plus one for slower calls. Recording
// a call is O(1) (a binary search over the 141 bounds: 8 steps); quantiles interpolate inside
// a bucket (error under 6 %). The bounds include 1-2.5-5 of every decade, so the Prometheus
// buckets (lib/prometheus.js) are exact sums of these.
'use strict';

const R20 = [1, 1.12, 1.25, 1.4, 1.6, 1.8, 2, 2.24, 2.5, 2.8, 3.15, 3.55, 4, 4.5, 5, 5.6, 6.3, 7.1, 8, 9];
const FIRST_DECADE = -2; // 0.01 ms
const DECADES = 7; // … up to 90,000 ms, then 100,000 ms as the last bound
/** Upper bounds in ms, increasing; bucket `i` counts calls with bounds[i-1] < ms ≤ bounds[i]. */
const BOUNDS = Float64Array.from(
  [...Array.from({ length: DECADES * 20 }, (_, i) => R20[i % 20] * 10 ** (FIRST_DECADE + Math.floor(i / 20))), 10 ** (FIRST_DECADE + DECADES)].map((b) =>
    Number(b.toPrecision(6)),
  ),
);
const LAST = BOUNDS.length - 1;

/** The bucket of a duration in ms (BOUNDS.length: slower than the last bound). */
function bucketOf(ms) {
  // The first bound >= ms: 8 steps of a binary search (cheaper than a logarithm here).
  let lo = 0;
  let hi = LAST + 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (BOUNDS[mid] < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One method's figures on one storage. */
class CallRecord {
  constructor() {
    this.count = 0;
    this.errors = 0;
    this.totalMs = 0;
    this.maxMs = 0;
    this.buckets = new Uint32Array(BOUNDS.length + 1);
  }

  record(ms, failed) {
    this.count++;
    if (failed) this.errors++;
    this.totalMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
    this.buckets[bucketOf(ms)]++;
  }

  /** The `q`-quantile in ms (linear inside its bucket, never above the slowest call). */
  quantile(q) {
    if (this.count === 0) return 0;
    const rank = q * this.count;
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      const n = this.buckets[i];
      if (n === 0 || seen + n < rank) {
        seen += n;
        continue;
      }
      const lower = i === 0 ? 0 : BOUNDS[i - 1];
      const upper = i > LAST ? this.maxMs : BOUNDS[i];
      return Math.min(this.maxMs, lower + ((upper - lower) * (rank - seen)) / n);
    }
    return this.maxMs;
  }

  /** Calls at most `ms` long (`ms` must be one of BOUNDS, e.g. a Prometheus bucket). */
  countUpTo(ms) {
    let n = 0;
    for (let i = 0; i < BOUNDS.length && BOUNDS[i] <= ms; i++) n += this.buckets[i];
    return n;
  }

  summary() {
    return { count: this.count, errors: this.errors, p50: this.quantile(0.5), p90: this.quantile(0.9), p99: this.quantile(0.99), totalMs: this.totalMs };
  }
}

/** The build queue in one statement (served by the status indexes init creates). */
function queueSql(schema) {
  const t = `"${schema.replace(/"/g, '""')}".admin_builds`;
  return `SELECT count(*) FILTER (WHERE status = 'queued')::int AS queued,
       count(*) FILTER (WHERE status = 'building')::int AS building,
       (extract(epoch FROM now() - min(queued_at) FILTER (WHERE status = 'queued')) * 1000)::float8 AS oldest_queued_ms,
       count(*) FILTER (WHERE status = 'building' AND lease_expires_at < now())::int AS leases_expired
  FROM ${t} WHERE status IN ('queued', 'building')`;
}

/**
 * Defines `PostgresAdminStorage.prototype.stats` (before lib/wrap.js wraps the prototype, so
 * it is traced like every call). `infoOf(storage)` gives the storage's record (lib/observe.js).
 */
function installStats(binding, infoOf) {
  const proto = binding.PostgresAdminStorage.prototype;
  const getter = (name) => Object.getOwnPropertyDescriptor(proto, name).get;
  const poolStats = getter('poolStats');
  const replicaStats = getter('replicaStats');
  const db = getter('db');
  const one = binding.DbClient.prototype.one; // native: the statement is the stats() call's own
  const sqlBySchema = new Map();
  Object.defineProperty(proto, 'stats', {
    configurable: true,
    writable: true,
    value: {
      async stats() {
        const info = infoOf(this);
        const calls = {};
        if (info) for (const [meta, rec] of info.calls) calls[meta.key] = rec.summary();
        const pool = poolStats.call(this);
        const replicas = replicaStats.call(this);
        const schema = this.schemaName;
        let sql = sqlBySchema.get(schema);
        if (!sql) sqlBySchema.set(schema, (sql = queueSql(schema)));
        let queue = null;
        try {
          const r = await one.call(db.call(this), sql);
          queue = { queued: r.queued, building: r.building, oldestQueuedMs: r.oldest_queued_ms, leasesExpired: r.leases_expired };
        } catch {
          // Not initialized, closed or unreachable: the pool figures say more than a rejection.
        }
        return { pool, calls, replicas, queue };
      },
    }.stats,
  });
}

module.exports = { CallRecord, BOUNDS, bucketOf, installStats };
