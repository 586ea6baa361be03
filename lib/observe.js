// Which storage every object belongs to (lib/hooks.js `links`), and the two options the JS
// layer handles (`slowQueryMillis`, `logger`; the native config parser ignores them):
//   - `new PostgresAdminStorage(config)`: a record of its server (host, port, database: never
//     the user or password), schema, replicas, options and per-method figures;
//   - what a storage or domain object hands out through a getter (`storage.users`,
//     `storage.db`, `storage.primary`, `adminDb.db`, …) belongs to the same storage;
//   - a `tx`/`transaction` callback's client belongs to it too, running in the transaction;
//   - a domain class or `AdminPgDB` built on `{ client }` belongs to the client's storage;
//     one built on `{ pool }` gets a record of its own.
'use strict';

const { onConstruct } = require('./construct.js');
const { hooks, links } = require('./hooks.js');
const { buildCatalog } = require('./catalog.js');
const { installStats } = require('./stats.js');

function configError(message, cause) {
  const err = new Error(`PostgresAdminStorage: ${message}`, cause === undefined ? undefined : { cause });
  err.code = 'ERR_ADMIN_PG_CONFIG';
  return err;
}

/** Read one config key; a throwing getter is a config error naming the key. */
function read(cfg, key) {
  try {
    return cfg[key];
  } catch (cause) {
    throw configError(`${key} cannot be read`, cause);
  }
}

/** `{ slowMs, logger }` of a constructor config; throws ERR_ADMIN_PG_CONFIG naming a bad key. */
function parseOptions(cfg) {
  if (cfg === null || typeof cfg !== 'object') return { slowMs: Infinity, logger: console };
  const slow = read(cfg, 'slowQueryMillis');
  const logger = read(cfg, 'logger');
  if (slow != null && !(typeof slow === 'number' && slow >= 0 && slow !== Infinity)) {
    throw configError(`slowQueryMillis must be a number >= 0 (milliseconds), got ${typeof slow === 'number' ? slow : typeof slow}`);
  }
  if (logger != null && !((typeof logger === 'object' || typeof logger === 'function') && typeof logger.warn === 'function')) {
    throw configError('logger must be an object with a warn method (pino, console, …)');
  }
  return { slowMs: slow == null ? Infinity : slow, logger: logger ?? console };
}

/** Host, port and database of a config's server (URL, host fields, or a pg.Pool's options). */
function serverOf(cfg) {
  let src = cfg;
  const pool = cfg.pool;
  if (pool !== null && typeof pool === 'object' && pool.options !== null && typeof pool.options === 'object') src = pool.options;
  if (typeof src.connectionString === 'string') {
    try {
      const url = new URL(src.connectionString);
      const host = url.hostname.replace(/^\[(.*)\]$/, '$1') || url.searchParams.get('host') || 'localhost';
      const database = decodeURIComponent(url.pathname.slice(1)) || url.searchParams.get('dbname') || decodeURIComponent(url.username) || null;
      return { host, port: Number(url.port) || Number(url.searchParams.get('port')) || 5432, database };
    } catch {
      return { host: null, port: null, database: null };
    }
  }
  return {
    host: typeof src.host === 'string' ? src.host : 'localhost',
    port: Number(src.port) || 5432,
    database: typeof src.database === 'string' ? src.database : typeof src.user === 'string' ? src.user : null,
  };
}

/** A storage's record (`link.info`). */
function newInfo(cfg, schema, options) {
  let server = { host: null, port: null, database: null };
  let replicas = false;
  try {
    server = serverOf(cfg);
    replicas = Array.isArray(cfg.readReplicas) && cfg.readReplicas.length > 0 && cfg.readYourWrites !== true;
  } catch {
    // A config whose getters throw on a second read: traced without its server.
  }
  return { ...server, schema, replicas, slowMs: options.slowMs, logger: options.logger, calls: new Map(), primary: null, storage: null };
}

function linkTo(info, target) {
  return { info, target };
}

function installObservability(binding) {
  hooks.catalog = buildCatalog(binding);
  const classes = Object.entries(binding).filter(([, v]) => typeof v === 'function' && v.prototype);
  installStats(binding, (storage) => links.get(storage)?.info);
  const replicaUsable = Object.getOwnPropertyDescriptor(binding.PostgresAdminStorage.prototype, 'replicaUsable').get;
  hooks.replicaUsable = (storage) => replicaUsable.call(storage);

  const pending = new WeakMap(); // constructor arguments → their parsed options
  onConstruct(binding, 'PostgresAdminStorage', {
    before(args) {
      pending.set(args, parseOptions(args[0]));
    },
    after(storage, args) {
      const info = newInfo(args[0], storage.schemaName, pending.get(args));
      info.storage = storage;
      links.set(storage, linkTo(info, 'pool'));
    },
  });
  for (const [className] of classes) {
    if (className === 'PostgresAdminStorage' || className === 'DbClient') continue;
    onConstruct(binding, className, {
      after(instance, args) {
        try {
          const cfg = args[0];
          const client = cfg.client;
          const link = client != null && typeof client === 'object' ? links.get(client) : undefined;
          if (link !== undefined) links.set(instance, link);
          else if (cfg.pool != null) {
            const schema = typeof cfg.schemaName === 'string' ? cfg.schemaName : 'mastra_admin';
            links.set(instance, linkTo(newInfo(cfg, schema, { slowMs: Infinity, logger: console }), 'pool'));
          }
        } catch {
          // Hostile configs the native side accepted: the instance is simply not linked.
        }
      },
    });
  }

  // What a getter hands out belongs to the same storage (`primary`: on the primary only).
  const protos = new Set(classes.map(([, C]) => C.prototype));
  for (const [, C] of classes) {
    const proto = C.prototype;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const desc = Object.getOwnPropertyDescriptor(proto, name);
      if (!desc.get) continue;
      const get = desc.get;
      const primary = name === 'primary';
      Object.defineProperty(proto, name, {
        ...desc,
        get: {
          [name]() {
            const value = get.call(this);
            if (value !== null && typeof value === 'object' && protos.has(Object.getPrototypeOf(value))) {
              const link = links.get(this);
              if (link !== undefined) {
                if (!primary) links.set(value, link);
                else links.set(value, (link.info.primary ??= linkTo(link.info, 'primary')));
              }
            }
            return value;
          },
        }[name],
      });
    }
  }

  // A transaction's client (the callback's argument) runs in the transaction.
  for (const [className, method] of [
    ['DbClient', 'tx'],
    ['AdminPgDB', 'transaction'],
  ]) {
    const proto = binding[className].prototype;
    const native = proto[method];
    Object.defineProperty(proto, method, {
      ...Object.getOwnPropertyDescriptor(proto, method),
      value: {
        [method](callback, ...rest) {
          const link = links.get(this);
          if (link === undefined || typeof callback !== 'function') return native.call(this, callback, ...rest);
          const inTx = linkTo(link.info, 'transaction');
          return native.call(
            this,
            function (client, ...more) {
              if (client !== null && typeof client === 'object') links.set(client, inTx);
              return Reflect.apply(callback, this, [client, ...more]);
            },
            ...rest,
          );
        },
      }[method],
    });
  }
}

module.exports = { installObservability, parseOptions, serverOf };
