// postgres.js (npm `postgres`), the fastest pure-JS driver, issuing the same SQL as ours:
// one statement per call (the one-round-trip page query, env vars aggregated in the same
// statement, UNNEST batch insert, SKIP LOCKED dequeue), prepared, max 20 connections, rows
// camelCased in JS by the driver's own `toCamel` transform.
import postgres from 'postgres';
import { ROLE_PERMISSIONS } from './pg-adapter.mjs';

export const name = 'postgres.js';

// Column types for the UNNEST casts of batchInsert (the columns the benchmark writes).
const UNNEST_TYPES = { id: 'uuid', deployment_id: 'uuid', queued_at: 'timestamptz' };
const snake = (s) => s.replace(/[A-Z]/g, (l) => `_${l.toLowerCase()}`);

export async function open({ url, schema }) {
  const sql = postgres(url, { max: 20, idle_timeout: 30, transform: postgres.toCamel, onnotice: () => {} });
  const s = `"${schema}"`;
  const q = (text, params = []) => sql.unsafe(text, params, { prepare: true });

  // WITH base … count + LATERAL page: one round trip (the pattern of src/core/domains/page.rs).
  async function page(text, params, { page = 1, perPage = 20 } = {}) {
    const rows = await q(text, [...params, perPage, (page - 1) * perPage]);
    const total = rows.length ? Number(rows[0].total) : 0;
    const data = [];
    for (const r of rows) {
      if (r.id === null) continue; // a page past the end: one row of NULLs plus the total
      delete r.total;
      data.push(r);
    }
    return { data, total, page, perPage, hasMore: (page - 1) * perPage + data.length < total };
  }
  const paged = (base, order) =>
    `WITH base AS (${base}) SELECT p.*, c.total FROM (SELECT count(*) AS total FROM base) c ` +
    `LEFT JOIN LATERAL (SELECT * FROM base ORDER BY ${order} LIMIT $2 OFFSET $3) p ON true`;
  const LIST_BUILDS = paged(`SELECT * FROM ${s}.admin_builds WHERE deployment_id = $1`, 'created_at DESC, id DESC');
  const LIST_DEPLOYMENTS = paged(`SELECT * FROM ${s}.admin_deployments WHERE project_id = $1`, 'created_at DESC, id DESC');
  const LIST_PROJECTS = paged(
    `SELECT pr.*, (SELECT coalesce(jsonb_agg(jsonb_build_object('key', e.key, 'encryptedValue', e.encrypted_value,
        'isSecret', e.is_secret, 'createdAt', e.created_at, 'updatedAt', e.updated_at) ORDER BY e.key), '[]'::jsonb)
       FROM ${s}.admin_project_env_vars e WHERE e.project_id = pr.id) AS env_vars
     FROM ${s}.admin_projects pr WHERE pr.team_id = $1`,
    'name, id',
  );
  const DEQUEUE_WHERE = `status = 'queued' ORDER BY queued_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`;

  return {
    name,
    close: () => sql.end({ timeout: 5 }),

    async getUser(id) {
      return (await q(`SELECT * FROM ${s}.admin_users WHERE id = $1`, [id]))[0] ?? null;
    },
    async createUser(user) {
      const keys = Object.keys(user);
      const text = `INSERT INTO ${s}.admin_users (${keys.map(snake).join(', ')}) VALUES (${keys.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`;
      return (await q(text, Object.values(user)))[0];
    },
    async updateUser(id, updates) {
      const keys = Object.keys(updates);
      const text = `UPDATE ${s}.admin_users SET ${keys.map((k, i) => `${snake(k)} = $${i + 1}`).join(', ')} WHERE id = $${keys.length + 1} RETURNING *`;
      const row = (await q(text, [...Object.values(updates), id]))[0];
      if (!row) throw new Error(`User ${id} not found`);
      return row;
    },

    listBuildsForDeployment: (id, p) => page(LIST_BUILDS, [id], p),
    listDeploymentsForProject: (id, p) => page(LIST_DEPLOYMENTS, [id], p),
    async listProjectsForTeam(teamId, p) {
      const result = await page(LIST_PROJECTS, [teamId], p);
      for (const project of result.data) {
        for (const v of project.envVars) {
          v.createdAt = new Date(v.createdAt);
          v.updatedAt = new Date(v.updatedAt);
        }
      }
      return result;
    },

    async userHasPermission(userId, teamId, permission) {
      const rows = await q(`SELECT role FROM ${s}.admin_team_members WHERE team_id = $1 AND user_id = $2`, [teamId, userId]);
      const perms = rows.length ? ROLE_PERMISSIONS[rows[0].role] ?? [] : [];
      return perms.includes(permission) || perms.includes('*') || perms.includes(`${permission.split(':')[0]}:*`);
    },

    async batchInsert(table, rows) {
      if (rows.length === 0) return [];
      const cols = Object.keys(rows[0]).map(snake);
      const keys = Object.keys(rows[0]);
      const arrays = keys.map((k) => rows.map((r) => r[k]));
      const casts = cols.map((c, i) => `$${i + 1}::${UNNEST_TYPES[c] ?? 'text'}[]`);
      return q(`INSERT INTO ${s}.${table} (${cols.join(', ')}) SELECT * FROM UNNEST(${casts.join(', ')}) RETURNING *`, arrays);
    },

    async dequeue() {
      const rows = await q(
        `UPDATE ${s}.admin_builds SET status = 'building', started_at = NOW() WHERE id = (SELECT id FROM ${s}.admin_builds WHERE ${DEQUEUE_WHERE}) RETURNING *`,
        [1],
      );
      return rows[0] ?? null;
    },
    dequeueBatch: (n) =>
      q(
        `UPDATE ${s}.admin_builds b SET status = 'building', started_at = NOW() FROM (SELECT id FROM ${s}.admin_builds WHERE ${DEQUEUE_WHERE}) q WHERE b.id = q.id RETURNING b.*`,
        [n],
      ),
  };
}
