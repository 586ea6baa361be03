// `storage.rawPool`, as the TypeScript adapter has it: always a `pg.Pool`. With a `{ pool }`
// config it is that pool (the native getter returns it); otherwise a `pg.Pool` on the same
// connection settings, created on first access and ended by `close()`. `pg` is an optional
// peer dependency: without it, the getter throws a coded error saying to install it.
'use strict';

const { onConstruct } = require('./construct.js');

const options = new WeakMap(); // storage → pg.Pool options derived from its constructor config
const pools = new WeakMap(); // storage → the pg.Pool made for it

const CONNECTION_FIELDS = ['connectionString', 'host', 'port', 'database', 'user', 'password', 'ssl'];

function pgOptions(cfg) {
  const out = {};
  for (const k of CONNECTION_FIELDS) if (cfg[k] !== undefined) out[k] = cfg[k];
  if (cfg.max !== undefined) out.max = cfg.max;
  if (cfg.idleTimeoutMillis !== undefined) out.idleTimeoutMillis = cfg.idleTimeoutMillis;
  if (cfg.connectionTimeoutMillis !== undefined) out.connectionTimeoutMillis = cfg.connectionTimeoutMillis;
  if (cfg.applicationName !== undefined) out.application_name = cfg.applicationName;
  return out;
}

function loadPg() {
  try {
    return require('pg');
  } catch (cause) {
    const err = new Error(
      'storage.rawPool is a pg.Pool: install the optional peer dependency `pg` (npm install pg) to use it',
      { cause },
    );
    err.code = 'ERR_ADMIN_PG_CONFIG';
    throw err;
  }
}

function installRawPool(binding) {
  const proto = binding.PostgresAdminStorage.prototype;
  const nativeGetter = Object.getOwnPropertyDescriptor(proto, 'rawPool').get;
  // Remember each storage's connection config (the native side keeps it out of reach of JS).
  onConstruct(binding, 'PostgresAdminStorage', {
    after(storage, args) {
      const cfg = args[0];
      if (cfg !== null && typeof cfg === 'object') options.set(storage, pgOptions(cfg));
    },
  });
  Object.defineProperty(proto, 'rawPool', {
    configurable: true,
    enumerable: false,
    get() {
      const given = nativeGetter.call(this);
      if (given) return given;
      let pool = pools.get(this);
      if (!pool) {
        const { Pool } = loadPg();
        pool = new Pool(options.get(this) ?? {});
        pools.set(this, pool);
      }
      return pool;
    },
  });
  const close = proto.close;
  Object.defineProperty(proto, 'close', {
    configurable: true,
    writable: true,
    value: {
      close(...args) {
        const pool = pools.get(this);
        const closing = close.apply(this, args);
        if (!pool) return closing;
        pools.delete(this);
        return Promise.all([closing, pool.end().catch(() => {})]).then(([v]) => v);
      },
    }.close,
  });
}

module.exports = { installRawPool };
