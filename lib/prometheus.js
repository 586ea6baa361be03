// `admin-pg-native/prometheus`: a collector for a `prom-client` registry exposing what
// `storage.stats()` gives, read once per scrape (one `stats()` call, so one cheap statement
// for the queue):
//   admin_pg_native_pool_connections{state="idle"|"used"}        gauge
//   admin_pg_native_pool_connections_max                         gauge
//   admin_pg_native_pool_pending_requests                        gauge (calls waiting for a connection)
//   admin_pg_native_call_duration_seconds{class,method}          histogram (count: calls)
//   admin_pg_native_call_errors_total{class,method}              counter
//   admin_pg_native_replica_reads_total{served_by}               counter ("primary" | "replica")
//   admin_pg_native_replica_fallbacks_total                      counter
//   admin_pg_native_replica_usable{replica}                      gauge (1 | 0)
//   admin_pg_native_replica_lag_seconds{replica}                 gauge
//   admin_pg_native_build_queue_builds{status="queued"|"building"} gauge
//   admin_pg_native_build_queue_oldest_age_seconds               gauge
//   admin_pg_native_build_queue_leases_expired                   gauge
// The histogram's buckets are sums of the storage's own fixed-size histogram (lib/stats.js),
// so a call costs nothing more with a collector than without. Each metric is an object with
// `name`, `help`, `type` and `get()`, the interface `Registry#registerMetric` reads.
'use strict';

const { links } = require('./hooks.js');

/** Upper bounds in ms (each one a bound of lib/stats.js's histogram, so the counts are exact); `le` is in seconds. */
const BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

function defaultRegistry() {
  try {
    return require('prom-client').register;
  } catch (cause) {
    const err = new Error('admin-pg-native/prometheus: pass { registry } or install prom-client (npm install prom-client)', { cause });
    err.code = 'ERR_ADMIN_PG_CONFIG';
    throw err;
  }
}

/**
 * Register the storage's metrics on `registry` (default: prom-client's global registry).
 * `labels` are added to every sample (e.g. `{ storage: 'main' }`). Returns `{ metrics,
 * unregister() }`.
 */
function collectStorageMetrics(storage, { registry = defaultRegistry(), labels = {} } = {}) {
  const link = links.get(storage);
  if (link === undefined || typeof storage.stats !== 'function') {
    const err = new TypeError('collectStorageMetrics: expected a PostgresAdminStorage of admin-pg-native');
    err.code = 'ERR_ADMIN_PG_INVALID_ARGUMENT';
    throw err;
  }
  // One stats() per scrape: every metric's get() of one `registry.metrics()` shares it.
  let pending = null;
  const snapshot = () => (pending ??= storage.stats().finally(() => (pending = null)));
  const sample = (value, extra, metricName) => ({ value, labels: { ...labels, ...extra }, metricName });

  const metric = (name, type, help, values) => ({
    name,
    help,
    type,
    aggregator: 'sum',
    async get() {
      return { name: this.name, help, type, aggregator: 'sum', values: values(await snapshot()) };
    },
    reset() {},
  });

  const gauge = (name, help, values) => metric(name, 'gauge', help, values);
  const counter = (name, help, values) => metric(name, 'counter', help, values);
  const queue = (s, f) => (s.queue === null ? [] : f(s.queue));

  const metrics = [
    gauge('admin_pg_native_pool_connections', 'Connections of the primary pool, by state', (s) => [
      sample(s.pool.idle, { state: 'idle' }),
      sample(s.pool.inUse, { state: 'used' }),
    ]),
    gauge('admin_pg_native_pool_connections_max', 'Most connections the primary pool opens', (s) => [sample(s.pool.max, {})]),
    gauge('admin_pg_native_pool_pending_requests', 'Calls waiting for a connection of the primary pool', (s) => [sample(s.pool.waiting, {})]),
    metric('admin_pg_native_call_duration_seconds', 'histogram', 'Duration of storage calls, by class and method', () => {
      const out = [];
      for (const [meta, rec] of link.info.calls) {
        const base = { class: meta.className, method: meta.name };
        for (const ms of BUCKETS_MS) out.push(sample(rec.countUpTo(ms), { ...base, le: ms / 1000 }, 'admin_pg_native_call_duration_seconds_bucket'));
        out.push(sample(rec.count, { ...base, le: '+Inf' }, 'admin_pg_native_call_duration_seconds_bucket'));
        out.push(sample(rec.totalMs / 1000, base, 'admin_pg_native_call_duration_seconds_sum'));
        out.push(sample(rec.count, base, 'admin_pg_native_call_duration_seconds_count'));
      }
      return out;
    }),
    counter('admin_pg_native_call_errors_total', 'Storage calls that rejected, by class and method', () =>
      [...link.info.calls].map(([meta, rec]) => sample(rec.errors, { class: meta.className, method: meta.name })),
    ),
    counter('admin_pg_native_replica_reads_total', 'Read calls, by who served them', (s) => [
      sample(s.replicas.primaryReads, { served_by: 'primary' }),
      sample(s.replicas.replicaReads, { served_by: 'replica' }),
    ]),
    counter('admin_pg_native_replica_fallbacks_total', 'Reads a replica failed that the primary then served', (s) => [sample(s.replicas.fallbacks, {})]),
    gauge('admin_pg_native_replica_usable', 'Whether a read replica serves reads now (1) or not (0)', (s) =>
      s.replicas.replicas.map((r) => sample(r.usable ? 1 : 0, { replica: r.target })),
    ),
    gauge('admin_pg_native_replica_lag_seconds', 'Replica lag measured by its last check', (s) =>
      s.replicas.replicas.filter((r) => r.lagMs !== null).map((r) => sample(r.lagMs / 1000, { replica: r.target })),
    ),
    gauge('admin_pg_native_build_queue_builds', 'Builds in the queue, by status', (s) =>
      queue(s, (q) => [sample(q.queued, { status: 'queued' }), sample(q.building, { status: 'building' })]),
    ),
    gauge('admin_pg_native_build_queue_oldest_age_seconds', 'Age of the oldest queued build (0: none queued)', (s) =>
      queue(s, (q) => [sample((q.oldestQueuedMs ?? 0) / 1000, {})]),
    ),
    gauge('admin_pg_native_build_queue_leases_expired', 'Builds still building whose lease has expired', (s) => queue(s, (q) => [sample(q.leasesExpired, {})])),
  ];
  for (const m of metrics) registry.registerMetric(m);
  // Registered names (an OpenMetrics registry renames counters in place, dropping `_total`).
  const names = metrics.map((m) => m.name);
  return {
    metrics,
    unregister() {
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}

module.exports = { collectStorageMetrics, BUCKETS_MS };
