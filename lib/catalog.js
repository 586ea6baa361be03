// What each method touches, for tracing, metrics and slow-call logs: the table, the SQL
// operation and whether it only reads. Every domain and flat method comes from the binding's
// `methodCatalog()` (the method tables of src/js/domains); the few methods outside the tables
// (lifecycle, raw SQL, transactions) are described below. Raw SQL (`DbClient`, `AdminPgDB.query`) names its operation by the statement's first
// keyword, and `AdminPgDB`'s table methods by their table argument: both are read per call,
// and only the keyword or a known table name is kept, never a value.
'use strict';

/** The storage's own methods (no domain noun). */
const LIFECYCLE = {
  init: [null, 'MIGRATE'],
  migrate: [null, 'MIGRATE'],
  migrationStatus: ['admin_pg_native_migrations', 'SELECT'],
  close: [null, 'CLOSE'],
  stats: ['admin_builds', 'SELECT'],
};

/** The SQL operation of a method, by its first word. */
const VERBS = {
  get: 'SELECT', ping: 'SELECT', tx: 'TRANSACTION', transaction: 'TRANSACTION',
};
/** Methods the name rules get wrong. */
const SPECIAL = {
  // Promise.all over the caller's calls (each traced on its own): no statement of its own.
  'DbClient.batch': { table: null, operation: 'BATCH', route: 'read' },
  // Hand-written beside the builds table (it holds no connection while it waits).
  'BuildsPG.waitForBuild': { table: 'admin_builds', operation: 'UPDATE', route: 'write' },
};

/** Raw SQL methods: the operation is the first keyword of argument 0. */
const RAW_SQL = {
  DbClient: ['none', 'one', 'oneOrNone', 'any', 'manyOrNone', 'many', 'query'],
  AdminPgDB: ['query'],
};
/** AdminPgDB's table methods: the table is argument 0 (a value of TABLES, or its key). */
const TABLE_ARG = ['insert', 'batchInsert', 'update', 'delete', 'findById', 'findBy', 'findOneBy', 'count'];
/** Calls whose duration is mostly waiting by design (for a build, for the caller's callback): never slow-logged. */
const WAITS = new Set(['BuildsPG.waitForBuild', 'DbClient.tx', 'DbClient.batch', 'AdminPgDB.transaction']);

function firstWord(name) {
  const m = /^[a-z]+/.exec(name);
  return m ? m[0] : name;
}

/** The table of `className.name` by the nouns of the name (null: none). */
/**
 * `{ table, operation, route }` of a method without a catalog entry (`operation` null when the
 * name says nothing: raw SQL methods, whose statement's first keyword names it per call).
 */
function derive(className, name) {
  const special = SPECIAL[`${className}.${name}`];
  if (special) return { ...special };
  if (className === 'PostgresAdminStorage' && LIFECYCLE[name]) {
    const [table, operation] = LIFECYCLE[name];
    return { table, operation, route: operation === 'SELECT' ? 'read' : 'write' };
  }
  const operation = VERBS[firstWord(name)] ?? null;
  return { table: null, operation, route: operation === 'SELECT' ? 'read' : 'write' };
}

/**
 * The metadata of every method, keyed `ClassName.method`, built once at load:
 * `{ className, name, key, table, operation, route, sqlArg, tableArg, waits }`.
 */
function buildCatalog(binding) {
  const given = new Map();
  if (typeof binding.methodCatalog === 'function') {
    for (const e of binding.methodCatalog()) given.set(`${e.className}.${e.jsName}`, e);
  }
  const tables = new Set(binding.TABLES ? Object.values(binding.TABLES) : []);
  const tableKeys = binding.TABLES ?? {};
  return {
    /** The metadata of one method (a new object; call once per method, at wrap time). */
    describe(className, name) {
      const key = `${className}.${name}`;
      const e = given.get(key) ?? derive(className, name);
      return {
        className,
        name,
        key,
        table: e.table ?? null,
        operation: e.operation,
        route: e.route,
        sqlArg: RAW_SQL[className]?.includes(name) ?? false,
        tableArg: className === 'AdminPgDB' && TABLE_ARG.includes(name),
        waits: WAITS.has(key),
      };
    },
    /** The table named by an AdminPgDB table argument, when it is one (a value or key of TABLES). */
    tableOf(arg) {
      if (typeof arg !== 'string') return null;
      if (tables.has(arg)) return arg;
      return Object.prototype.hasOwnProperty.call(tableKeys, arg) ? tableKeys[arg] : null;
    },
  };
}

/** The first keyword of a SQL text (`SELECT`, `WITH`, `INSERT`…), upper-cased; comments skipped. */
function sqlOperation(sql) {
  if (typeof sql !== 'string') return null;
  let i = 0;
  const n = Math.min(sql.length, 4096);
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 40 /* ( */ || c === 59 /* ; */) i++;
    else if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
    } else break;
  }
  let j = i;
  while (j < n && j - i < 32) {
    const c = sql.charCodeAt(j) | 0x20;
    if (c < 97 || c > 122) break;
    j++;
  }
  return j > i ? sql.slice(i, j).toUpperCase() : null;
}

module.exports = { buildCatalog, derive, sqlOperation };
