// Issue #12: operators can see inside the storage. (1) every call of every exported class
// publishes on the `admin-pg-native:query` tracing channel, with no value in its context;
// (2) `admin-pg-native/otel` turns those events into spans by the OpenTelemetry database
// conventions (real @opentelemetry/api + sdk-trace-base); (3) `storage.stats()` and
// `admin-pg-native/prometheus` (real prom-client); (4) `slowQueryMillis` + `logger`, and
// `npx admin-pg-native migrate` printing each migration with its time; (5) the README's
// Observability examples, extracted and run.
import diagnostics from 'node:diagnostics_channel';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AdminPgQueryContext, PostgresAdminStorage } from '../index.js';
import type * as Otel from '../otel.js';
import type * as Prometheus from '../prometheus.js';
import { cleanupStorages, createStorage, databaseUrl, native, pgClient, rejection, runNode, storageUrl, thrown } from './helpers';

const repoRoot = path.resolve(__dirname, '..');
const load = createRequire(__filename);
const { AdminPgNativeInstrumentation } = load('../otel.js') as typeof Otel;
const { collectStorageMetrics } = load('../prometheus.js') as typeof Prometheus;
const stats = load('../lib/stats.js') as {
  BOUNDS: Float64Array;
  bucketOf(ms: number): number;
  CallRecord: new () => { record(ms: number, failed: boolean): void; quantile(q: number): number; countUpTo(ms: number): number; count: number };
};
const { sqlOperation } = load('../lib/catalog.js') as { sqlOperation(sql: unknown): string | null };
const { methodCatalog } = load('../index.js') as typeof import('../index.js');

const CHANNEL = 'admin-pg-native:query';
type Event = { kind: 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error'; ctx: AdminPgQueryContext; snapshot: string };

/** Collects every event published while `fn` runs (each with a JSON snapshot of its context then). */
async function recording<T>(fn: () => Promise<T>): Promise<{ events: Event[]; result: T }> {
  const events: Event[] = [];
  const on = (kind: Event['kind']) => (ctx: unknown) => {
    const c = ctx as AdminPgQueryContext;
    events.push({ kind, ctx: c, snapshot: JSON.stringify({ ...c, error: c.error && { ...c.error, name: c.error.name, message: c.error.message } }) });
  };
  const handlers = { start: on('start'), end: on('end'), asyncStart: on('asyncStart'), asyncEnd: on('asyncEnd'), error: on('error') };
  const channel = diagnostics.tracingChannel(CHANNEL);
  channel.subscribe(handlers);
  try {
    return { events, result: await fn() };
  } finally {
    channel.unsubscribe(handlers);
  }
}

const url = new URL(storageUrl());
const server = { host: url.hostname, port: Number(url.port) || 5432, database: decodeURIComponent(url.pathname.slice(1)) };

let s: PostgresAdminStorage;
beforeAll(async () => {
  s = createStorage({ max: 4 });
  await s.init();
});
afterAll(cleanupStorages);

const email = () => `obs.${randomUUID().slice(0, 8)}@example.com`;

describe('tracing channel admin-pg-native:query', () => {
  it('getUser publishes start, end, asyncStart, asyncEnd (that order) with method, table, operation, server, database, schema, rows and target', async () => {
    const u = await s.createUser({ email: email(), name: 'traced' });
    const { events } = await recording(() => s.getUser(u.id));
    expect(events.map((e) => e.kind)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    const ctx = events[0].ctx;
    expect(events.every((e) => e.ctx === ctx)).toBe(true); // one context per call
    expect(ctx).toMatchObject({
      className: 'PostgresAdminStorage',
      method: 'getUser',
      table: 'admin_users',
      operation: 'SELECT',
      serverAddress: server.host,
      serverPort: server.port,
      database: server.database,
      schema: s.schemaName,
      target: 'primary',
      rows: 1,
    });
    expect(JSON.parse(events[0].snapshot).rows).toBeUndefined(); // rows arrive before asyncStart
  });

  it('a failing call publishes error with the SQLSTATE and a value-free copy of the error; the caller gets the original', async () => {
    const taken = email();
    await s.createUser({ email: taken });
    const { events, result } = await recording(() => rejection(s.createUser({ email: taken })));
    expect(result.message).toContain(taken); // the caller's error names the email…
    expect(result.stack).toContain('observability.test'); // …and has the caller's stack, traced or not
    expect(events.map((e) => e.kind)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    const ctx = events[2].ctx;
    expect(ctx.sqlstate).toBe('23505');
    expect(ctx.error).toBeInstanceOf(Error);
    expect(ctx.error).toMatchObject({ code: 'ERR_ADMIN_PG_UNIQUE_VIOLATION', pgCode: '23505', message: 'ERR_ADMIN_PG_UNIQUE_VIOLATION' });
    for (const e of events) expect(e.snapshot).not.toContain(taken); // …the context never does
  });

  it('never carries a value: arguments, result rows and bound parameters stay out of every context', async () => {
    const secret = `secret-${randomUUID()}`;
    const { events } = await recording(async () => {
      const u = await s.createUser({ email: `${secret}@example.com`, name: secret });
      await s.getUserByEmail(`${secret}@example.com`);
      await s.updateUser(u.id, { name: `${secret}-2` });
      await s.db.one('select $1::text as v', [secret]);
      await s.adminDb.findBy('admin_users', { name: `${secret}-2` });
      await rejection(s.db.one('select $1::int', [secret]));
    });
    expect(events.length).toBe(6 * 4 + 1);
    for (const e of events) expect(e.snapshot).not.toContain(secret);
  });

  it('raw SQL: the operation is the statement\'s first keyword, the text only when opted in; AdminPgDB names the table of its argument', async () => {
    const { events } = await recording(async () => {
      await s.db.query('/* hi */ -- note\n  with x as (select 1) select * from x');
      await s.db.none(`update "${s.schemaName}".admin_users set name = name where false`);
      await s.adminDb.count('admin_users');
      await s.adminDb.findBy('team_members' as never, {}); // a TABLES key names its table too
    });
    const ends = events.filter((e) => e.kind === 'asyncEnd').map((e) => e.ctx);
    expect(ends.map((c) => [c.className, c.method, c.operation, c.table])).toEqual([
      ['DbClient', 'query', 'WITH', null],
      ['DbClient', 'none', 'UPDATE', null],
      ['AdminPgDB', 'count', 'SELECT', 'admin_users'],
      ['AdminPgDB', 'findBy', 'SELECT', 'admin_team_members'],
    ]);
    expect(ends.every((c) => c.statement === undefined)).toBe(true);
    expect(ends[0].rows).toBe(1);
    expect(sqlOperation('  (select 1)')).toBe('SELECT');
    expect(sqlOperation('')).toBeNull();
    expect(sqlOperation(42)).toBeNull();
  });

  it('where it runs: inside db.tx and adminDb.transaction "transaction", storage.primary "primary", a replica that is not usable "primary"', async () => {
    const { events } = await recording(async () => {
      await s.db.tx(async (t) => {
        await t.one('select 1 as n');
        await new (native().UsersPG)({ client: t }).getUserById(randomUUID());
      });
      await s.adminDb.transaction(async (a) => a.count('admin_users'));
      await s.primary.getUser(randomUUID());
      await s.primary.users.getUserById(randomUUID());
    });
    const ends = events.filter((e) => e.kind === 'asyncEnd').map((e) => `${e.ctx.className}.${e.ctx.method}:${e.ctx.target}`);
    expect(ends).toEqual([
      'DbClient.one:transaction',
      'UsersPG.getUserById:transaction',
      'DbClient.tx:primary',
      'AdminPgDB.count:transaction',
      'AdminPgDB.transaction:primary',
      'PostgresAdminStorage.getUser:primary',
      'UsersPG.getUserById:primary',
    ]);
    // The primary itself named as a read replica: never usable (it is not a standby).
    const withReplica = createStorage({ schemaName: s.schemaName, readReplicas: [{ connectionString: storageUrl() }] });
    const r = await recording(() => withReplica.getUser(randomUUID()));
    expect(r.events[0].ctx.target).toBe('primary');
  });

  it('every public Promise method of every exported class publishes (start … asyncEnd) under its own name, with a known operation and the storage\'s server and schema', async () => {
    const m = native() as unknown as Record<string, unknown>;
    const walked = createStorage();
    await walked.init();
    const getters = ['users', 'teams', 'projects', 'deployments', 'builds', 'servers', 'routes', 'rbac', 'db', 'adminDb'];
    const instances = new Map<string, object>([['PostgresAdminStorage', walked]]);
    for (const g of getters) {
      const v = (walked as unknown as Record<string, object>)[g];
      instances.set(v.constructor.name, v);
    }
    // Every exported class is walked (a new class must be reachable here).
    const classes = Object.entries(m).filter(([, v]) => typeof v === 'function' && (v as { prototype?: object }).prototype);
    const methods = (proto: object) =>
      Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, n)?.value === 'function');
    const surface: [string, string][] = [];
    for (const [name, C] of classes) {
      const proto = (C as { prototype: object }).prototype;
      if (methods(proto).length === 0) continue;
      expect(instances.has(name), `no instance of ${name} in the walk`).toBe(true);
      for (const method of methods(proto)) surface.push([name, method]);
    }
    const sql = ['select 1 as n'];
    const args: Record<string, unknown[]> = {
      waitForBuild: [{ timeoutMs: 1 }],
      tx: [async () => 1],
      transaction: [async () => 1],
      batch: [[]],
      ...Object.fromEntries(['none', 'one', 'oneOrNone', 'any', 'manyOrNone', 'many', 'query'].map((m) => [m, sql])),
    };
    const tableArgs = ['insert', 'batchInsert', 'update', 'delete', 'findById', 'findBy', 'findOneBy', 'count'];
    const ordered = [...surface.filter(([, n]) => n !== 'close'), ...surface.filter(([, n]) => n === 'close')];
    const { events } = await recording(async () => {
      for (const [className, method] of ordered) {
        const target = instances.get(className) as Record<string, (...a: unknown[]) => unknown>;
        const given = className === 'AdminPgDB' && tableArgs.includes(method) ? ['admin_users'] : (args[method] ?? []);
        const call = Promise.resolve(target[method](...given));
        await Promise.race([call.catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
      }
    });
    const silent: string[] = [];
    const TABLE_NAMES = new Set<string | null>([...Object.values(native().TABLES), 'admin_pg_native_migrations', null]);
    for (const [className, method] of ordered) {
      const mine = events.filter((e) => e.ctx.className === className && e.ctx.method === method);
      const kinds = mine.map((e) => e.kind);
      if (!kinds.includes('start') || !kinds.includes('asyncEnd')) {
        silent.push(`${className}.${method}`);
        continue;
      }
      const ctx = mine[0].ctx;
      expect(ctx.operation, `${className}.${method}`).toMatch(/^(SELECT|INSERT|UPDATE|DELETE|UPSERT|TRANSACTION|MIGRATE|CLOSE|BATCH)$/);
      expect(TABLE_NAMES.has(ctx.table), `${className}.${method} table ${ctx.table}`).toBe(true);
      expect([ctx.serverAddress, ctx.serverPort, ctx.database, ctx.schema]).toEqual([server.host, server.port, server.database, walked.schemaName]);
    }
    expect(silent).toEqual([]);
    expect(ordered.length).toBeGreaterThan(150);
  }, 120_000);

  it('the method tables give each method its table, operation and routing (methodCatalog)', () => {
    const entry = (className: string, jsName: string) => {
      const e = methodCatalog().find((m) => m.className === className && m.jsName === jsName);
      return e && { table: e.table ?? null, operation: e.operation, route: e.route };
    };
    expect(entry('PostgresAdminStorage', 'listTeamMembers')).toEqual({ table: 'admin_team_members', operation: 'SELECT', route: 'read' });
    expect(entry('PostgresAdminStorage', 'setProjectEnvVar')).toEqual({ table: 'admin_project_env_vars', operation: 'INSERT', route: 'write' });
    expect(entry('PostgresAdminStorage', 'listBuildsForDeployment')?.table).toBe('admin_builds');
    expect(entry('PostgresAdminStorage', 'dequeueNextBuild')).toEqual({ table: 'admin_builds', operation: 'UPDATE', route: 'write' });
    expect(entry('TeamsPG', 'acceptInvite')).toEqual({ table: 'admin_team_invites', operation: 'UPDATE', route: 'write' });
    expect(entry('RbacPG', 'assignRole')?.table).toBe('admin_role_assignments');
    expect(entry('DeploymentsPG', 'setCurrentBuild')?.table).toBe('admin_deployments');
    expect(entry('AdminPgDB', 'findBy')).toEqual({ table: null, operation: 'SELECT', route: 'read' });
  });
});

describe('admin-pg-native/otel', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let instrumentation: InstanceType<typeof AdminPgNativeInstrumentation>;
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    instrumentation = new AdminPgNativeInstrumentation({ tracerProvider: provider });
  });
  afterAll(() => {
    instrumentation.disable();
    context.disable();
  });

  it('a getUser under an active span yields one CLIENT child span with the database conventions\' attributes', async () => {
    const u = await s.createUser({ email: email() });
    exporter.reset();
    const tracer = provider.getTracer('test');
    const parent = await tracer.startActiveSpan('request', async (span) => {
      await s.getUser(u.id);
      span.end();
      return span;
    });
    const spans = exporter.getFinishedSpans();
    const children = spans.filter((x) => x.name !== 'request');
    expect(children).toHaveLength(1);
    const child = children[0];
    expect(child.name).toBe('SELECT admin_users');
    expect(child.kind).toBe(SpanKind.CLIENT);
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(child.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.operation.name': 'SELECT',
      'db.collection.name': 'admin_users',
      'db.namespace': `${server.database}.${s.schemaName}`,
      'server.address': server.host,
      'server.port': server.port,
      'db.response.returned_rows': 1,
      'admin_pg_native.method': 'PostgresAdminStorage.getUser',
    });
    expect(child.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('an error sets the span status, error.type and db.response.status_code, and no value appears in the span', async () => {
    const taken = email();
    await s.createUser({ email: taken });
    exporter.reset();
    await rejection(s.createUser({ email: taken }));
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('INSERT admin_users');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ERR_ADMIN_PG_UNIQUE_VIOLATION (SQLSTATE 23505)' });
    expect(span.attributes).toMatchObject({ 'error.type': 'ERR_ADMIN_PG_UNIQUE_VIOLATION', 'db.response.status_code': '23505' });
    expect(JSON.stringify({ a: span.attributes, e: span.events, s: span.status })).not.toContain(taken);
  });

  it('statement text only with statementText: true; disable() stops the spans', async () => {
    exporter.reset();
    await s.db.one('select 1 as one');
    expect(exporter.getFinishedSpans()[0].attributes['db.query.text']).toBeUndefined();
    const withText = new AdminPgNativeInstrumentation({ tracerProvider: provider, statementText: true });
    exporter.reset();
    await s.db.one('select 1 as one');
    // Two instrumentations, two spans; with the text opted in, both contexts carry it.
    expect(exporter.getFinishedSpans().map((x) => x.attributes['db.query.text'])).toEqual(['select 1 as one', 'select 1 as one']);
    withText.disable();
    instrumentation.disable();
    exporter.reset();
    await s.getUser(randomUUID());
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    instrumentation.enable();
    await s.getUser(randomUUID());
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(exporter.getFinishedSpans()[0].attributes['db.query.text']).toBeUndefined();
  });
});

describe('storage.stats()', () => {
  it('pool: max, open, idle, inUse and waiting, from the pool\'s own counters', async () => {
    const p = createStorage({ max: 2 });
    expect((await p.stats()).pool).toEqual({ max: 2, open: 0, idle: 0, inUse: 0, waiting: 0 });
    const sleeping = Array.from({ length: 5 }, () => p.db.one('select pg_sleep(0.3)'));
    await new Promise((r) => setTimeout(r, 150));
    expect(p.poolStats).toEqual({ max: 2, open: 2, idle: 0, inUse: 2, waiting: 3 });
    await Promise.all(sleeping);
    expect(p.poolStats).toEqual({ max: 2, open: 2, idle: 2, inUse: 0, waiting: 0 });
  });

  it('per method: count, errors and p50/p90/p99 (ms) of everything the storage handed out, keyed Class.method', async () => {
    const m = createStorage({ schemaName: s.schemaName });
    for (let i = 0; i < 20; i++) await m.getUser(randomUUID());
    for (let i = 0; i < 3; i++) await rejection(m.db.one('select 1/0'));
    for (let i = 0; i < 5; i++) await m.db.none('select pg_sleep(0.05)');
    await m.users.getUserById(randomUUID());
    await m.primary.getUser(randomUUID());
    const { calls } = await m.stats();
    expect(calls['PostgresAdminStorage.getUser']).toMatchObject({ count: 21, errors: 0 });
    expect(calls['DbClient.one']).toMatchObject({ count: 3, errors: 3 });
    expect(calls['UsersPG.getUserById']).toMatchObject({ count: 1, errors: 0 });
    const sleep = calls['DbClient.none'];
    expect(sleep.count).toBe(5);
    expect(sleep.p50).toBeGreaterThanOrEqual(50 * 0.94);
    expect(sleep.p50).toBeLessThan(200);
    const g = calls['PostgresAdminStorage.getUser'];
    expect(0 < g.p50 && g.p50 <= g.p90 && g.p90 <= g.p99).toBe(true);
    expect(calls['PostgresAdminStorage.stats']).toBeUndefined(); // taken before its own call ends
  });

  it('the histogram is fixed-size: O(1) bucketing, quantiles within 6 % of the exact ones', () => {
    const { BOUNDS, bucketOf, CallRecord } = stats;
    for (const ms of [0.001, 0.01, 0.0101, 0.25, 0.2501, 1, 7.3, 99.9, 100000, 1e9]) {
      const i = bucketOf(ms);
      if (i < BOUNDS.length) expect(BOUNDS[i]).toBeGreaterThanOrEqual(ms);
      if (i > 0) expect(BOUNDS[i - 1]).toBeLessThan(ms);
    }
    const rec = new CallRecord();
    const values = Array.from({ length: 10_000 }, (_, i) => 0.05 * Math.exp((i % 997) / 80));
    for (const v of values) rec.record(v, false);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1];
      expect(Math.abs(rec.quantile(q) - exact) / exact).toBeLessThan(0.06);
    }
    expect(rec.countUpTo(1)).toBe(values.filter((v) => v <= 1).length);
  });

  it('replicas (what replicaStats has) and the build queue (queued, building, oldest queued age, leases expired) from one statement', async () => {
    const q = createStorage();
    await q.init();
    const p = await q.createProject({ teamId: (await q.createTeam({ name: 't', slug: `t-${randomUUID().slice(0, 8)}` })).id, name: 'p', slug: 'p', sourceType: 'github', sourceConfig: {} });
    const d = await q.createDeployment({ projectId: p.id, type: 'preview', branch: 'b', slug: 'd' });
    for (let i = 0; i < 3; i++) await q.builds.enqueue(d.id, 'manual', 'test', `s${i}`);
    await q.builds.dequeue({ workerId: 'w', leaseMs: 60_000 });
    await q.builds.dequeue({ workerId: 'w', leaseMs: 60_000 });
    const client = await pgClient();
    try {
      await client.query(`update ${client.escapeIdentifier(q.schemaName)}.admin_builds set lease_expires_at = now() - interval '1 minute' where id = (select id from ${client.escapeIdentifier(q.schemaName)}.admin_builds where status = 'building' limit 1)`);
      await client.query(`update ${client.escapeIdentifier(q.schemaName)}.admin_builds set queued_at = now() - interval '90 seconds' where status = 'queued'`);
    } finally {
      await client.end();
    }
    const before = q.statementCount;
    const st = await q.stats();
    expect(q.statementCount - before).toBe(1);
    expect(st.replicas).toEqual(q.replicaStats);
    expect(st.queue).toMatchObject({ queued: 1, building: 2, leasesExpired: 1 });
    expect(st.queue!.oldestQueuedMs).toBeGreaterThanOrEqual(90_000);
    expect(st.queue!.oldestQueuedMs).toBeLessThan(200_000);
    // Not initialized (or closed): the pool figures still come, the queue is null.
    const fresh = createStorage();
    expect((await fresh.stats()).queue).toBeNull();
    await fresh.close();
    expect((await fresh.stats()).queue).toBeNull();
  });
});

describe('admin-pg-native/prometheus', () => {
  it('a prom-client registry scrapes pool gauges, call histograms and counters, replicas and the queue under conventional names', async () => {
    const p = createStorage({ schemaName: s.schemaName, max: 3 });
    for (let i = 0; i < 4; i++) await p.getUser(randomUUID());
    await rejection(p.db.one('select 1/0'));
    const registry = new Registry();
    const collector = collectStorageMetrics(p, { registry, labels: { storage: 'main' } });
    const text = await registry.metrics();
    expect(text).toContain('# TYPE admin_pg_native_pool_connections gauge');
    expect(text).toMatch(/^admin_pg_native_pool_connections\{storage="main",state="idle"\} \d+$/m);
    expect(text).toContain('admin_pg_native_pool_connections_max{storage="main"} 3');
    expect(text).toContain('admin_pg_native_pool_pending_requests{storage="main"} 0');
    expect(text).toContain('# TYPE admin_pg_native_call_duration_seconds histogram');
    expect(text).toContain('admin_pg_native_call_duration_seconds_bucket{storage="main",class="PostgresAdminStorage",method="getUser",le="+Inf"} 4');
    expect(text).toContain('admin_pg_native_call_duration_seconds_count{storage="main",class="PostgresAdminStorage",method="getUser"} 4');
    expect(text).toMatch(/admin_pg_native_call_duration_seconds_bucket\{storage="main",class="PostgresAdminStorage",method="getUser",le="0.00025"\} \d+/);
    expect(text).toContain('admin_pg_native_call_errors_total{storage="main",class="DbClient",method="one"} 1');
    expect(text).toContain('admin_pg_native_replica_reads_total{storage="main",served_by="primary"}');
    expect(text).toContain('admin_pg_native_build_queue_builds{storage="main",status="queued"} 0');
    expect(text).toContain('admin_pg_native_build_queue_oldest_age_seconds{storage="main"} 0');
    expect(text).toContain('admin_pg_native_build_queue_leases_expired{storage="main"} 0');
    // Buckets are cumulative and end at the count.
    const buckets = [...text.matchAll(/_bucket\{storage="main",class="PostgresAdminStorage",method="getUser",le="([^"]+)"\} (\d+)/g)].map((x) => Number(x[2]));
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(buckets.at(-1)).toBe(4);
    // JSON form and OpenMetrics work too; one scrape is one stats() statement.
    expect((await registry.getMetricsAsJSON()).map((x) => x.name)).toContain('admin_pg_native_call_errors_total');
    const before = p.statementCount;
    (registry as unknown as { setContentType(t: string): void }).setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    expect(await registry.metrics()).toContain('admin_pg_native_call_errors_total{storage="main",class="DbClient",method="one"} 1');
    expect(p.statementCount - before).toBe(1);
    collector.unregister();
    expect(await registry.metrics()).not.toContain('admin_pg_native');
    expect(thrown(() => collectStorageMetrics({} as PostgresAdminStorage, { registry })).code).toBe('ERR_ADMIN_PG_INVALID_ARGUMENT');
  });
});

describe('slow calls and logs', () => {
  it('a call slower than slowQueryMillis is logged once at warn with its method, duration and table, never its values', async () => {
    const lines: unknown[][] = [];
    const logger = { warn: (...a: unknown[]) => lines.push(a), info: () => {}, debug: () => {} };
    const slow = createStorage({ schemaName: s.schemaName, slowQueryMillis: 80, logger });
    const secret = `secret-${randomUUID()}`;
    await slow.getUser(randomUUID());
    await slow.db.one('select pg_sleep(0.12), $1::text as v', [secret]);
    await slow.adminDb.findBy('admin_users', { email: secret });
    expect(lines).toHaveLength(1);
    const [fields, message] = lines[0] as [Record<string, unknown>, string];
    expect(fields).toMatchObject({ method: 'DbClient.one', operation: 'SELECT', table: null, schema: s.schemaName, failed: false });
    expect(fields.durationMs as number).toBeGreaterThanOrEqual(120);
    expect(message).toMatch(/^admin-pg-native: slow call DbClient\.one took [\d.]+ ms \(slowQueryMillis 80\)$/);
    expect(JSON.stringify(lines)).not.toContain(secret);
    // A slow table call names its table; waiting by design (tx callbacks) is not "slow".
    await slow.db.tx(async (t) => {
      await new Promise((r) => setTimeout(r, 100));
      return t.none('select 1');
    });
    await slow.adminDb.query('select pg_sleep(0.1)');
    expect(lines.map((l) => (l[0] as { method: string }).method)).toEqual(['DbClient.one', 'AdminPgDB.query']);
  });

  it('logger defaults to console; bad options throw ERR_ADMIN_PG_CONFIG naming the key', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const c = createStorage({ schemaName: s.schemaName, slowQueryMillis: 0 });
      await c.getUser(randomUUID());
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][1]).toContain('PostgresAdminStorage.getUser');
    } finally {
      warn.mockRestore();
    }
    const Storage = native().PostgresAdminStorage;
    for (const [bad, key] of [
      [{ slowQueryMillis: -1 }, 'slowQueryMillis'],
      [{ slowQueryMillis: '100' }, 'slowQueryMillis'],
      [{ slowQueryMillis: Number.NaN }, 'slowQueryMillis'],
      [{ logger: {} }, 'logger'],
      [{ logger: 'console' }, 'logger'],
    ] as const) {
      const err = thrown(() => new Storage({ connectionString: databaseUrl(), ...bad } as never));
      expect(err.code).toBe('ERR_ADMIN_PG_CONFIG');
      expect(err.message).toContain(key);
    }
  });

  it('`npx admin-pg-native migrate` prints each migration as it applies it, with its time', async () => {
    const schema = `obs_cli_${randomUUID().slice(0, 8)}`;
    const cli = path.join(repoRoot, 'bin', 'admin-pg-native.js');
    try {
      const first = await runNode(cli, ['migrate', '--schema', schema]);
      expect(first.code).toBe(0);
      const applied = first.stdout.split('\n').filter((l) => l.startsWith('applied '));
      expect(applied[0]).toMatch(/^applied 0001_initial in \d+\.\d ms$/);
      expect(applied.length).toBeGreaterThanOrEqual(4);
      expect(first.stdout).toMatch(new RegExp(`schema ${schema}: applied 1, 2, 3, 4`));
      const again = await runNode(cli, ['migrate', '--schema', schema]);
      expect(again.stdout).toContain('applied nothing (up to date)');
    } finally {
      const client = await pgClient();
      await client.query(`drop schema if exists ${client.escapeIdentifier(schema)} cascade`);
      await client.end();
    }
  });
});

describe('package exports', () => {
  it('`.` works for require and import; `admin-pg-native/otel` and `admin-pg-native/prometheus` resolve by name', async () => {
    const dir = fs.mkdtempSync(path.join(repoRoot, '.tmp-exports-'));
    try {
      const script = path.join(dir, 'subpaths.mjs');
      fs.writeFileSync(
        script,
        `import { createRequire } from 'node:module';
         import { PostgresAdminStorage } from 'admin-pg-native';
         import { AdminPgNativeInstrumentation } from 'admin-pg-native/otel';
         import { collectStorageMetrics } from 'admin-pg-native/prometheus';
         const require = createRequire(import.meta.url);
         console.log(JSON.stringify([typeof PostgresAdminStorage, typeof AdminPgNativeInstrumentation, typeof collectStorageMetrics,
           require('admin-pg-native').PostgresAdminStorage === PostgresAdminStorage,
           typeof require('admin-pg-native/otel').AdminPgNativeInstrumentation, typeof require('admin-pg-native/prometheus').collectStorageMetrics]));`,
      );
      const r = await runNode(script);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual(['function', 'function', 'function', true, 'function', 'function']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The first ```js block after `<!-- test: name …-->` in README.md. */
function readmeSnippet(name: string): string {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- test: ${name} `);
  expect(at, `README.md has no <!-- test: ${name} … --> marker`).toBeGreaterThanOrEqual(0);
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(m).not.toBeNull();
  return m![1];
}

/** A free TCP port. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('README "Observability" examples (extracted and run)', () => {
  // The examples use the default schema: each runs against a database of its own.
  let dbUrl: string;
  let dbName: string;
  let dir: string;
  beforeAll(async () => {
    dbName = `obs_readme_${randomUUID().slice(0, 8)}`;
    const client = await pgClient();
    await client.query(`create database ${dbName}`);
    await client.end();
    const u = new URL(databaseUrl());
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    dir = fs.mkdtempSync(path.join(repoRoot, '.tmp-readme-'));
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    const client = await pgClient();
    await client.query(`drop database if exists ${dbName} with (force)`);
    await client.end();
  });

  it('the OpenTelemetry example (ten lines) prints a span with the database attributes', async () => {
    const code = readmeSnippet('observability-otel');
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(12);
    const file = path.join(dir, 'otel.mjs');
    fs.writeFileSync(file, code);
    const r = await runNode(file, [], { DATABASE_URL: dbUrl });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("name: 'SELECT admin_users'");
    expect(r.stdout).toContain("'db.system.name': 'postgresql'");
    expect(r.stdout).toContain("'db.namespace': '" + `${dbName}.mastra_admin'`);
  });

  it('the Prometheus example (ten lines) serves the metrics', async () => {
    const code = readmeSnippet('observability-prometheus');
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(12);
    const file = path.join(dir, 'prometheus.mjs');
    fs.writeFileSync(file, code);
    const port = await freePort();
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [file], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: dbUrl, METRICS_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    try {
      let body = '';
      for (let i = 0; i < 100 && !body.includes('admin_pg_native_call_duration_seconds_count'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        body = await get(port).catch(() => '');
      }
      expect(stderr).toBe('');
      expect(body).toContain('admin_pg_native_pool_connections{state="idle"}');
      expect(body).toContain('admin_pg_native_call_duration_seconds_count{class="PostgresAdminStorage",method="init"} 1');
      expect(body).toContain('admin_pg_native_build_queue_builds{status="queued"} 0');
    } finally {
      child.kill();
    }
  });
});
