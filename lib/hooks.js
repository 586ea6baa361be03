// The one place instrumentation plugs into every call (lib/wrap.js hands each call here).
//
// - Tracing: every call publishes on the `diagnostics_channel` tracing channel
//   `admin-pg-native:query` (start, end, asyncStart, asyncEnd, error, in the order
//   `tracingChannel.tracePromise` uses) a context describing the call (see `context`), never
//   its values. `hasSubscribers` is read once per call; without a subscriber nothing is
//   published and no context is made.
// - Metrics and slow calls: a call on a storage (or on what it handed out: `storage.users`,
//   `storage.db`, a transaction's client…) is timed into that storage's per-method record
//   (lib/stats.js) and, past `slowQueryMillis`, logged once.
// `links` (filled by lib/observe.js) says which storage an object belongs to.
'use strict';

const diagnostics = require('node:diagnostics_channel');
const { performance } = require('node:perf_hooks');
const { CallRecord } = require('./stats.js');
const { sqlOperation } = require('./catalog.js');
const { settle, restack } = require('./wrap.js');

/** The channel name, as subscribers write it. */
const CHANNEL = 'admin-pg-native:query';
const channel = diagnostics.tracingChannel(CHANNEL);
const { start, end, asyncStart, asyncEnd, error } = channel;
// `TracingChannel#hasSubscribers` arrived in Node 20.13 / 22.0; before, ask its five channels.
const subscribed =
  typeof channel.hasSubscribers === 'boolean'
    ? () => channel.hasSubscribers
    : () => start.hasSubscribers || end.hasSubscribers || asyncStart.hasSubscribers || asyncEnd.hasSubscribers || error.hasSubscribers;

/**
 * object (storage, domain object, DbClient, AdminPgDB) → `{ info, target }`: `info` is its
 * storage's record (server, schema, options, per-method figures), `target` where its calls run
 * (`'pool'`, `'primary'` for `storage.primary`, `'transaction'` inside `tx`/`transaction`).
 */
const links = new WeakMap();

const hooks = {
  /** lib/catalog.js's catalog of the binding (set by lib/observe.js before wrapping). */
  catalog: null,
  /** > 0 while a subscriber opted in to the raw SQL text of `DbClient`/`AdminPgDB.query` calls. */
  statementText: 0,
  /** `storage.replicaUsable` (native; set by lib/observe.js). */
  replicaUsable: () => false,

  /** The metadata of `className.name`, once per method at wrap time. */
  describe(className, name) {
    return this.catalog.describe(className, name);
  },

  /** Run `fn.apply(self, args)` for the method `meta` (from `describe`). */
  call(meta, fn, self, args) {
    const link = links.get(self);
    if (subscribed()) return trace(meta, link, fn, self, args);
    if (link === undefined) {
      const result = fn.apply(self, args);
      return result instanceof Promise ? settle(result) : result;
    }
    const t0 = performance.now();
    const result = fn.apply(self, args);
    return result instanceof Promise ? timed(result, link, meta, meta.tableArg || meta.sqlArg ? args[0] : undefined, t0) : result;
  },
};

/** Where the call runs: `'transaction'`, `'replica'` (a read with a usable replica), or `'primary'`. */
function targetOf(meta, link) {
  if (link === undefined) return null;
  if (link.target === 'transaction') return 'transaction';
  if (link.target === 'primary' || meta.route !== 'read' || !link.info.replicas) return 'primary';
  // A read goes to a replica when one is usable (a replica that then fails hands it back).
  return hooks.replicaUsable(link.info.storage) ? 'replica' : 'primary';
}

/**
 * What subscribers receive. Set before `start`: the call's identity and where it goes. Set
 * before `asyncStart`/`asyncEnd`: `rows` (returned or affected, when the result says), or on
 * failure `error` (a value-free copy: see `failed`) and `sqlstate`. Never a value: no
 * arguments, no result rows; `statement` (raw SQL text, as the caller wrote it) only when a
 * subscriber opted in.
 */
function context(meta, link, args) {
  const info = link === undefined ? undefined : link.info;
  const sql = meta.sqlArg ? args[0] : undefined;
  return {
    className: meta.className,
    method: meta.name,
    table: meta.tableArg ? hooks.catalog.tableOf(args[0]) : meta.table,
    operation: meta.sqlArg ? (sqlOperation(sql) ?? meta.operation) : meta.operation,
    serverAddress: info === undefined ? null : info.host,
    serverPort: info === undefined ? null : info.port,
    database: info === undefined ? null : info.database,
    schema: info === undefined ? null : info.schema,
    target: targetOf(meta, link),
    statement: hooks.statementText > 0 && typeof sql === 'string' ? sql : undefined,
    rows: undefined,
    sqlstate: undefined,
    error: undefined,
  };
}

/** Rows returned (arrays, pages, rows, `{ rowCount }`) or affected (a count or boolean of a write). */
function rowsOf(value, operation) {
  if (Array.isArray(value)) return value.length;
  if (value === null) return 0;
  if (typeof value === 'object') {
    if (Array.isArray(value.data)) return value.data.length;
    if (typeof value.rowCount === 'number') return value.rowCount;
    return 1;
  }
  const writes = operation === 'DELETE' || operation === 'UPDATE';
  if (typeof value === 'number' && writes) return value;
  if (typeof value === 'boolean' && writes) return value ? 1 : 0;
  return undefined;
}

/**
 * A value-free copy of a rejection for the context: an error's message and `detail` may quote
 * values (`User with email … already exists`, `Key (email)=(…)`), so subscribers get an Error
 * with its name and codes only (`message` is the code); the caller still gets the original.
 */
function failed(ctx, err) {
  let name = 'Error';
  let code;
  let sqlstate;
  let constraint;
  try {
    if (err !== null && typeof err === 'object') {
      if (typeof err.name === 'string') name = err.name;
      if (typeof err.code === 'string') code = err.code;
      if (typeof err.pgCode === 'string') sqlstate = err.pgCode;
      if (typeof err.constraint === 'string') constraint = err.constraint;
    }
  } catch {
    // A hostile thrown value (a Proxy whose traps throw): nothing more to tell.
  }
  const safe = new Error(code ?? name);
  safe.name = name;
  if (code !== undefined) safe.code = code;
  if (sqlstate !== undefined) safe.pgCode = sqlstate;
  if (constraint !== undefined) safe.constraint = constraint;
  ctx.error = safe;
  ctx.sqlstate = sqlstate;
}

/**
 * `tracingChannel.tracePromise`'s events, with `rows`/`sqlstate` filled in first. The settling
 * async function starts inside `runStores`, so asyncStart/asyncEnd run in the stores' context
 * as with `tracePromise`, and it is the only promise added (with async hooks on, as under
 * OpenTelemetry's context manager on Node 20, every promise costs).
 */
function trace(meta, link, fn, self, args) {
  const ctx = context(meta, link, args);
  return start.runStores(ctx, () => {
    try {
      const t0 = performance.now();
      const result = fn.apply(self, args);
      return result instanceof Promise ? tracedSettle(result, ctx, link, meta, args[0], t0) : result;
    } catch (err) {
      failed(ctx, err);
      error.publish(ctx);
      throw err;
    } finally {
      end.publish(ctx);
    }
  });
}

async function tracedSettle(promise, ctx, link, meta, arg0, t0) {
  let value;
  let err;
  let ok = false;
  try {
    value = await promise;
    ok = true;
  } catch (e) {
    err = e;
  }
  const ms = performance.now() - t0;
  if (ok) ctx.rows = rowsOf(value, ctx.operation);
  else {
    failed(ctx, err);
    error.publish(ctx);
  }
  asyncStart.publish(ctx);
  asyncEnd.publish(ctx);
  if (link !== undefined) finish(link, meta, arg0, ms, ok);
  if (ok) return value;
  throw restack(err);
}

/**
 * `settle` (caller's stack on errors) that also records the call on its storage. One `then`
 * with two closures, not an async function: a call in flight holds less (see `settle`).
 * `arg0` is the first argument only where the slow-call log names it (a table, an SQL text).
 */
function timed(promise, link, meta, arg0, t0) {
  return promise.then(
    (value) => {
      finish(link, meta, arg0, performance.now() - t0, true);
      return value;
    },
    function rejected(err) {
      finish(link, meta, arg0, performance.now() - t0, false);
      throw restack(err, rejected);
    },
  );
}

function finish(link, meta, arg0, ms, ok) {
  const info = link.info;
  let rec = info.calls.get(meta);
  if (rec === undefined) info.calls.set(meta, (rec = new CallRecord()));
  rec.record(ms, !ok);
  if (ms >= info.slowMs && !meta.waits) logSlow(info, meta, link, arg0, ms, ok);
}

/** One `warn` per slow call: what was called, how long, on what; never a value. */
function logSlow(info, meta, link, arg0, ms, ok) {
  const table = meta.tableArg ? hooks.catalog.tableOf(arg0) : meta.table;
  const operation = meta.sqlArg ? (sqlOperation(arg0) ?? meta.operation) : meta.operation;
  const durationMs = Math.round(ms * 10) / 10;
  try {
    info.logger.warn(
      { method: meta.key, durationMs, table, operation, target: targetOf(meta, link), schema: info.schema, failed: !ok },
      `admin-pg-native: slow call ${meta.key} took ${durationMs} ms${table ? ` on ${table}` : ''} (slowQueryMillis ${info.slowMs})`,
    );
  } catch {
    // A logger that throws must not fail the call it reports on.
  }
}

module.exports = { hooks, links, channel, CHANNEL };
