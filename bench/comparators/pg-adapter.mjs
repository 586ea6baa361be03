// Baseline: each benchmarked operation done the way the seed's TypeScript adapter does it
// (seed Phases 3, 5, 6): a `pg` Pool (max 20), the seed's PoolAdapter and AdminPgDB (one query
// per call, SQL built from caller keys, `transformRow` camelCasing in JS with its quirk of
// JSON-parsing any string that starts with `{` or `[`), its batchInsert (a loop of single
// INSERTs in one transaction), its dequeue SQL and its init. The seed has no flat methods:
// they are written here as the TypeScript adapter composes them (a count plus a page for
// paginated lists, env vars fetched per project, a member lookup for permissions).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { TABLE_SCHEMAS, DEFAULT_INDEXES, TABLES } = require('../../index.js');

export const name = 'pg-adapter';

// --- seed Phase 3: PoolAdapter / TransactionClient (the parts used here) ---
class Client {
  constructor(q) {
    this.q = q; // (sql, values) => Promise<QueryResult>
  }
  async none(sql, values) {
    await this.q(sql, values);
    return null;
  }
  async one(sql, values) {
    const r = await this.q(sql, values);
    if (r.rowCount !== 1) throw new Error(`Expected exactly 1 row, got ${r.rowCount}`);
    return r.rows[0];
  }
  async oneOrNone(sql, values) {
    const r = await this.q(sql, values);
    if (r.rowCount === 0) return null;
    if (r.rowCount === 1) return r.rows[0];
    throw new Error(`Expected 0 or 1 row, got ${r.rowCount}`);
  }
  async any(sql, values) {
    return (await this.q(sql, values)).rows;
  }
}

class PoolAdapter extends Client {
  constructor(pool) {
    super((sql, values) => pool.query(sql, values));
    this.$pool = pool;
  }
  async tx(callback) {
    const client = await this.$pool.connect();
    try {
      await client.query('BEGIN');
      const result = await callback(new Client((sql, values) => client.query(sql, values)));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}

// --- seed Phase 5: AdminPgDB (insert, batchInsert, update, findById, findBy, count, query, init) ---
const toSnakeCase = (s) => s.replace(/[A-Z]/g, (l) => `_${l.toLowerCase()}`);
const toCamelCase = (s) => s.replace(/_([a-z])/g, (_, l) => l.toUpperCase());

function transformRow(row) {
  const result = {};
  for (const [key, value] of Object.entries(row)) {
    const camelKey = toCamelCase(key);
    if (typeof value === 'string' && (value.startsWith('{') || value.startsWith('['))) {
      try {
        result[camelKey] = JSON.parse(value);
      } catch {
        result[camelKey] = value;
      }
    } else {
      result[camelKey] = value;
    }
  }
  return result;
}

const schemaSetupRegistry = new Map(); // the seed's static per-process registry

class AdminPgDB {
  constructor(client, schema) {
    this.client = client;
    this.schema = schema;
  }
  t(table) {
    return `"${this.schema}"."${table}"`;
  }
  insertSql(table, record) {
    const keys = Object.keys(record);
    return {
      sql: `
      INSERT INTO ${this.t(table)} (${keys.map((k) => `"${toSnakeCase(k)}"`).join(', ')})
      VALUES (${keys.map((_, i) => `$${i + 1}`).join(', ')})
      RETURNING *
    `,
      values: Object.values(record),
    };
  }
  async insert(table, data) {
    const { sql, values } = this.insertSql(table, data);
    return transformRow(await this.client.one(sql, values));
  }
  async batchInsert(table, records) {
    if (records.length === 0) return [];
    return this.client.tx(async (tx) => {
      const results = [];
      for (const record of records) {
        const { sql, values } = this.insertSql(table, record);
        results.push(transformRow(await tx.one(sql, values)));
      }
      return results;
    });
  }
  async update(table, id, data) {
    const keys = Object.keys(data);
    if (keys.length === 0) return null;
    const setClause = keys.map((k, i) => `"${toSnakeCase(k)}" = $${i + 1}`).join(', ');
    const sql = `
      UPDATE ${this.t(table)}
      SET ${setClause}
      WHERE id = $${keys.length + 1}
      RETURNING *
    `;
    const row = await this.client.oneOrNone(sql, [...Object.values(data), id]);
    return row ? transformRow(row) : null;
  }
  async findById(table, id) {
    const row = await this.client.oneOrNone(`SELECT * FROM ${this.t(table)} WHERE id = $1`, [id]);
    return row ? transformRow(row) : null;
  }
  where(conditions) {
    const keys = Object.keys(conditions);
    if (keys.length === 0) return { where: '', values: [] };
    const clauses = [];
    const values = [];
    for (const key of keys) {
      const value = conditions[key];
      if (value === null) clauses.push(`"${toSnakeCase(key)}" IS NULL`);
      else {
        values.push(value);
        clauses.push(`"${toSnakeCase(key)}" = $${values.length}`);
      }
    }
    return { where: `WHERE ${clauses.join(' AND ')}`, values };
  }
  async findBy(table, conditions, options) {
    const { where, values } = this.where(conditions);
    let sql = `SELECT * FROM ${this.t(table)} ${where}`;
    if (options?.orderBy) sql += ` ORDER BY ${options.orderBy}`;
    if (options?.limit) sql += ` LIMIT ${options.limit}`;
    if (options?.offset) sql += ` OFFSET ${options.offset}`;
    return (await this.client.any(sql, values)).map(transformRow);
  }
  async findOneBy(table, conditions) {
    return (await this.findBy(table, conditions, { limit: 1 }))[0] || null;
  }
  async count(table, conditions) {
    const { where, values } = conditions ? this.where(conditions) : { where: '', values: [] };
    const r = await this.client.one(`SELECT COUNT(*) as count FROM ${this.t(table)} ${where}`, values);
    return parseInt(r.count, 10);
  }
  async query(sql, values) {
    return (await this.client.any(sql, values)).map(transformRow);
  }

  // init(): CREATE SCHEMA (once per process), tables, default indexes, triggers.
  async init() {
    if (this.schema !== 'public') {
      const key = `${this.client.$pool.options.host}:${this.client.$pool.options.port}:${this.schema}`;
      if (!schemaSetupRegistry.has(key)) {
        schemaSetupRegistry.set(key, this.client.none(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`));
      }
      await schemaSetupRegistry.get(key);
    }
    for (const table of Object.values(TABLES)) {
      let def = TABLE_SCHEMAS[table];
      for (const name of Object.values(TABLES)) {
        def = def.replace(new RegExp(`REFERENCES ${name}\\(`, 'g'), `REFERENCES "${this.schema}"."${name}"(`);
      }
      await this.client.none(`CREATE TABLE IF NOT EXISTS ${this.t(table)} (\n${def}\n)`);
    }
    for (const index of DEFAULT_INDEXES) {
      const raw = `${this.schema}_${index.table}_${index.columns.join('_')}_${index.unique ? 'unique' : 'idx'}`;
      const cols = index.columns.map((c) => {
        const [col, ...rest] = c.split(' ');
        return rest.length ? `"${col}" ${rest.join(' ')}` : `"${col}"`;
      });
      await this.client.none(
        `CREATE ${index.unique ? 'UNIQUE' : ''} INDEX IF NOT EXISTS "${raw.toLowerCase().replace(/[^a-z0-9_]/g, '_')}"
         ON ${this.t(index.table)} (${cols.join(', ')})`,
      );
    }
    await this.client.none(`
      CREATE OR REPLACE FUNCTION "${this.schema}".update_updated_at_column()
      RETURNS TRIGGER AS $$ BEGIN NEW.updated_at = NOW(); RETURN NEW; END; $$ language 'plpgsql';`);
    const withUpdatedAt = ['users', 'teams', 'team_installations', 'projects', 'project_env_vars', 'deployments', 'routes', 'roles'];
    for (const key of withUpdatedAt) {
      const table = TABLES[key];
      await this.client.none(`
        DROP TRIGGER IF EXISTS "${table}_updated_at_trigger" ON ${this.t(table)};
        CREATE TRIGGER "${table}_updated_at_trigger" BEFORE UPDATE ON ${this.t(table)}
        FOR EACH ROW EXECUTE FUNCTION "${this.schema}".update_updated_at_column();`);
    }
  }
}

// seed Phase 6.9 initializeSystemRoles: look each role up, insert the missing ones.
const SYSTEM_ROLES = [
  ['platform_admin', 'Full platform administration access', ['*']],
  ['team_owner', 'Full team access including member management', ['team:read', 'team:update', 'team:delete', 'team:members:read', 'team:members:write', 'project:*', 'deployment:*', 'build:*']],
  ['team_admin', 'Team administration without deletion', ['team:read', 'team:update', 'team:members:read', 'team:members:write', 'project:*', 'deployment:*', 'build:*']],
  ['team_member', 'Standard team member access', ['team:read', 'project:read', 'project:create', 'project:update', 'deployment:read', 'deployment:create', 'build:read', 'build:create']],
  ['team_viewer', 'Read-only team access', ['team:read', 'project:read', 'deployment:read', 'build:read']],
];

// CONTRACT §5A team-role permissions, as a TypeScript adapter would hold them in a constant.
const ALL_ACTIONS = ['create', 'read', 'update', 'delete', 'deploy', 'manage'];
const RESOURCES = ['team', 'project', 'deployment', 'build', 'env_var', 'member', 'invite', 'api_token'];
const expand = (spec) => Object.entries(spec).flatMap(([r, acts]) => acts.map((a) => `${r}:${a}`));
export const ROLE_PERMISSIONS = {
  owner: ['*', ...RESOURCES.flatMap((r) => ALL_ACTIONS.map((a) => `${r}:${a}`))],
  admin: expand({
    team: ['read', 'update'], member: ['create', 'read', 'update', 'delete'], invite: ['create', 'read', 'delete'],
    project: ['create', 'read', 'update', 'delete'], deployment: ['create', 'read', 'update', 'delete', 'deploy'],
    build: ['create', 'read', 'delete'], env_var: ['create', 'read', 'update', 'delete'], api_token: ['create', 'read', 'delete'],
  }),
  developer: expand({
    team: ['read'], member: ['read'], project: ['create', 'read', 'update'], deployment: ['create', 'read', 'update', 'deploy'],
    build: ['create', 'read'], env_var: ['create', 'read', 'update'], api_token: ['create', 'read'],
  }),
  viewer: expand({ team: ['read'], member: ['read'], project: ['read'], deployment: ['read'], build: ['read'] }),
};

/** The flat AdminStorage methods the benchmark calls, the seed's way. */
export async function open({ url, schema }) {
  const pool = new pg.Pool({ connectionString: url, max: 20, idleTimeoutMillis: 30000 });
  const client = new PoolAdapter(pool);
  const db = new AdminPgDB(client, schema);
  const S = (t) => `"${schema}"."${t}"`;
  let initialized = false;

  // count + page, as two queries (a TypeScript adapter's paginated list)
  async function paginate(table, conditions, orderBy, { page = 1, perPage = 20 } = {}) {
    const total = await db.count(table, conditions);
    const data = await db.findBy(table, conditions, { orderBy, limit: perPage, offset: (page - 1) * perPage });
    return { data, total, page, perPage, hasMore: (page - 1) * perPage + data.length < total };
  }

  return {
    name,
    async init() {
      if (initialized) return;
      await db.init();
      for (const [roleName, description, permissions] of SYSTEM_ROLES) {
        const existing = await db.findOneBy('admin_roles', { teamId: null, name: roleName });
        if (!existing) {
          await db.insert('admin_roles', { name: roleName, description, permissions: JSON.stringify(permissions), isSystem: true, teamId: null });
        }
      }
      initialized = true;
    },
    close: () => pool.end(),

    getUser: (id) => db.findById('admin_users', id),
    createUser: (user) => db.insert('admin_users', user),
    async updateUser(id, updates) {
      const row = await db.update('admin_users', id, updates);
      if (!row) throw new Error(`User ${id} not found`);
      return row;
    },

    listBuildsForDeployment: (deploymentId, p) =>
      paginate('admin_builds', { deploymentId }, 'created_at DESC', p),
    listDeploymentsForProject: (projectId, p) =>
      paginate('admin_deployments', { projectId }, 'created_at DESC', p),
    async listProjectsForTeam(teamId, p) {
      const result = await paginate('admin_projects', { teamId }, 'name', p);
      await Promise.all(
        result.data.map(async (project) => {
          const vars = await db.findBy('admin_project_env_vars', { projectId: project.id }, { orderBy: 'key' });
          project.envVars = vars.map((v) => ({
            key: v.key, encryptedValue: v.encryptedValue, isSecret: v.isSecret, createdAt: v.createdAt, updatedAt: v.updatedAt,
          }));
        }),
      );
      return result;
    },

    async userHasPermission(userId, teamId, permission) {
      const member = await db.findOneBy('admin_team_members', { teamId, userId });
      if (!member) return false;
      const perms = ROLE_PERMISSIONS[member.role] ?? [];
      return perms.includes(permission) || perms.includes('*') || perms.includes(`${permission.split(':')[0]}:*`);
    },

    batchInsert: (table, rows) => db.batchInsert(table, rows),

    // seed 6.6 dequeue, verbatim
    async dequeue() {
      const rows = await db.query(`
      UPDATE ${S('admin_builds')}
      SET status = 'building', started_at = NOW()
      WHERE id = (
        SELECT id FROM ${S('admin_builds')}
        WHERE status = 'queued'
        ORDER BY queued_at ASC
        FOR UPDATE SKIP LOCKED
        LIMIT 1
      )
      RETURNING *
    `);
      return rows[0] || null;
    },
    // The seed has no batch dequeue.
  };
}
