// `admin-pg-native/otel`: an OpenTelemetry instrumentation that turns the tracing channel's
// events (lib/hooks.js) into CLIENT spans following the database semantic conventions
// (db.system.name, db.operation.name, db.collection.name, db.namespace, server.address,
// server.port, db.response.status_code, error.type), each a child of the context active where
// the call was made. `@opentelemetry/api` is the application's (an optional peer dependency).
'use strict';

const { channel, hooks } = require('./hooks.js');
const { version } = require('../package.json');

function loadApi() {
  try {
    return require('@opentelemetry/api');
  } catch (cause) {
    const err = new Error('admin-pg-native/otel needs the optional peer dependency @opentelemetry/api (npm install @opentelemetry/api)', { cause });
    err.code = 'ERR_ADMIN_PG_CONFIG';
    throw err;
  }
}

const api = loadApi();
const NAME = 'admin-pg-native';

/**
 * Spans for every admin-pg-native call. Construct it once (it enables itself, like
 * OpenTelemetry's own instrumentations; `registerInstrumentations` accepts it too):
 *   new AdminPgNativeInstrumentation({ tracerProvider, statementText: false })
 */
class AdminPgNativeInstrumentation {
  constructor(config = {}) {
    this.instrumentationName = NAME;
    this.instrumentationVersion = version;
    this._config = { enabled: true, statementText: false, ...config };
    this._tracer = null;
    this._handlers = null;
    if (this._config.tracerProvider) this.setTracerProvider(this._config.tracerProvider);
    if (this._config.enabled) this.enable();
  }

  /** Use this provider's tracer (default: the global one, `trace.getTracer`). */
  setTracerProvider(provider) {
    this._tracer = provider.getTracer(NAME, version);
  }

  /** No metrics from here: see `admin-pg-native/prometheus` and `storage.stats()`. */
  setMeterProvider() {}

  getConfig() {
    return this._config;
  }

  setConfig(config = {}) {
    const wasOn = this._handlers !== null;
    if (wasOn) this.disable();
    this._config = { enabled: true, statementText: false, ...config };
    if (this._config.tracerProvider) this.setTracerProvider(this._config.tracerProvider);
    if (wasOn) this.enable();
  }

  /** Subscribe to `admin-pg-native:query` (idempotent). */
  enable() {
    if (this._handlers !== null) return;
    const tracer = () => this._tracer ?? (this._tracer = api.trace.getTracer(NAME, version));
    // Where this instrumentation keeps its span on a call's context (several may listen).
    const SPAN = Symbol('admin-pg-native.otel.span');
    const finish = (ctx) => {
      const span = ctx[SPAN];
      if (span === undefined) return;
      ctx[SPAN] = undefined;
      if (ctx.rows !== undefined) span.setAttribute('db.response.returned_rows', ctx.rows);
      if (ctx.error !== undefined) {
        // The context's error is value-free (its message is its code), so it may be recorded.
        const type = ctx.error.code ?? ctx.error.name;
        span.setAttribute('error.type', type);
        if (ctx.sqlstate !== undefined) span.setAttribute('db.response.status_code', ctx.sqlstate);
        span.recordException(ctx.error);
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: ctx.sqlstate === undefined ? type : `${type} (SQLSTATE ${ctx.sqlstate})` });
      }
      span.end();
    };
    this._handlers = {
      start: (ctx) => {
        const attributes = {
          'db.system.name': 'postgresql',
          'admin_pg_native.method': `${ctx.className}.${ctx.method}`,
        };
        if (ctx.operation !== null) attributes['db.operation.name'] = ctx.operation;
        if (ctx.table !== null) attributes['db.collection.name'] = ctx.table;
        const namespace = ctx.database !== null && ctx.schema !== null ? `${ctx.database}.${ctx.schema}` : (ctx.schema ?? ctx.database);
        if (namespace !== null) attributes['db.namespace'] = namespace;
        if (ctx.serverAddress !== null) attributes['server.address'] = ctx.serverAddress;
        if (ctx.serverPort !== null) attributes['server.port'] = ctx.serverPort;
        if (ctx.target !== null) attributes['admin_pg_native.target'] = ctx.target;
        if (ctx.statement !== undefined) attributes['db.query.text'] = ctx.statement;
        // `{db.operation.name} {target}`: the table, else the namespace.
        const target = ctx.table ?? namespace ?? 'postgresql';
        const name = ctx.operation === null ? target : `${ctx.operation} ${target}`;
        ctx[SPAN] = tracer().startSpan(name, { kind: api.SpanKind.CLIENT, attributes }, api.context.active());
      },
      // A synchronous throw publishes error and end, no asyncEnd.
      end: (ctx) => {
        if (ctx.error !== undefined) finish(ctx);
      },
      asyncEnd: finish,
    };
    channel.subscribe(this._handlers);
    if (this._config.statementText) hooks.statementText++;
  }

  disable() {
    if (this._handlers === null) return;
    channel.unsubscribe(this._handlers);
    this._handlers = null;
    if (this._config.statementText) hooks.statementText--;
  }
}

module.exports = { AdminPgNativeInstrumentation };
