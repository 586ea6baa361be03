// What each method touches, for tracing, metrics and slow-call logs: the table, the SQL
// operation and whether it only reads. From the binding's `methodCatalog()` when it has one
// (generated from the declarative method table); otherwise derived from the class and method
// names. Raw SQL (`DbClient`, `AdminPgDB.query`) names its operation by the statement's first
// keyword, and `AdminPgDB`'s table methods by their table argument: both are read per call,
// and only the keyword or a known table name is kept, never a value.
'use strict';

/** The table a domain class works on, and the tables it also owns (by a noun of the method name). */
const CLASS_TABLES = {
  UsersPG: ['admin_users'],
  TeamsPG: ['admin_teams', ['Member', 'admin_team_members'], ['Invite', 'admin_team_invites'], ['Installation', 'admin_team_installations']],
  ProjectsPG: ['admin_projects', ['EnvVar', 'admin_project_env_vars'], ['ApiToken', 'admin_project_api_tokens']],
  DeploymentsPG: ['admin_deployments'],
  BuildsPG: ['admin_builds'],
  RunningServersPG: ['admin_running_servers'],
  RoutesPG: ['admin_routes'],
  RbacPG: ['admin_roles', ['Assignment', 'admin_role_assignments'], ['assign', 'admin_role_assignments'], ['Permission', 'admin_role_assignments'], ['ForResource', 'admin_role_assignments']],
};

/** The flat face: compound nouns first, then the first simple noun of the name. */
const FLAT_COMPOUND = [
  ['TeamMember', 'admin_team_members'],
  ['TeamInvite', 'admin_team_invites'],
  ['EnvVar', 'admin_project_env_vars'],
  ['ApiToken', 'admin_project_api_tokens'],
  ['Permission', 'admin_team_members'],
  ['RunningServer', 'admin_running_servers'],
];
const FLAT_SIMPLE = [
  ['Build', 'admin_builds'],
  ['Queue', 'admin_builds'],
  ['Deployment', 'admin_deployments'],
  ['Project', 'admin_projects'],
  ['Team', 'admin_teams'],
  ['User', 'admin_users'],
];

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
  get: 'SELECT', list: 'SELECT', find: 'SELECT', count: 'SELECT', has: 'SELECT', user: 'SELECT', ping: 'SELECT',
  create: 'INSERT', add: 'INSERT', register: 'INSERT', enqueue: 'INSERT', insert: 'INSERT', batch: 'INSERT', assign: 'INSERT',
  update: 'UPDATE', set: 'UPDATE', append: 'UPDATE', heartbeat: 'UPDATE', stop: 'UPDATE', accept: 'UPDATE',
  reclaim: 'UPDATE', dequeue: 'UPDATE', wait: 'UPDATE', cancel: 'UPDATE',
  delete: 'DELETE', remove: 'DELETE', cleanup: 'DELETE',
  initialize: 'UPSERT',
  tx: 'TRANSACTION', transaction: 'TRANSACTION',
};
/** Methods the name rules get wrong. */
const SPECIAL = {
  // Promise.all over the caller's calls (each traced on its own): no statement of its own.
  'DbClient.batch': { table: null, operation: 'BATCH', route: 'read' },
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
function deriveTable(className, name) {
  const owned = CLASS_TABLES[className];
  if (owned) {
    for (const [noun, table] of owned.slice(1)) if (name.includes(noun)) return table;
    return owned[0];
  }
  if (className !== 'PostgresAdminStorage') return null;
  for (const [noun, table] of FLAT_COMPOUND) if (name.includes(noun)) return table;
  let best = null;
  let at = Infinity;
  for (const [noun, table] of FLAT_SIMPLE) {
    const i = name.indexOf(noun);
    if (i >= 0 && i < at) [best, at] = [table, i];
  }
  return best;
}

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
  const word = firstWord(name);
  // `setEnvVar`, `setProjectEnvVar`: one atomic upsert.
  const operation = word === 'set' && name.endsWith('EnvVar') ? 'UPSERT' : (VERBS[word] ?? null);
  const table = className === 'DbClient' || className === 'AdminPgDB' ? null : deriveTable(className, name);
  return { table, operation, route: operation === 'SELECT' ? 'read' : 'write' };
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
