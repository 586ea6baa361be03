// Proves CONTRACT §4 (schema and init): idempotent, concurrent across processes, adopts a
// schema the TypeScript adapter created, honours disableInit and skipDefaultIndexes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSeedSchema, DEFAULT_INDEXES as SEED_INDEXES } from './fixtures/seed-schema';
import {
  cleanupStorages,
  createStorage,
  dropSchema,
  pgClient,
  randomSchema,
  rejection,
  runNode,
  sideQuery,
  tablesIn,
} from './helpers';

const MIGRATION_TABLE = 'admin_pg_native_migrations';
const ALL_TABLES = [
  'admin_build_log_chunks',
  'admin_builds',
  'admin_deployments',
  'admin_pg_native_migrations',
  'admin_project_api_tokens',
  'admin_project_env_vars',
  'admin_projects',
  'admin_role_assignments',
  'admin_roles',
  'admin_routes',
  'admin_running_servers',
  'admin_team_installations',
  'admin_team_invites',
  'admin_team_members',
  'admin_teams',
  'admin_users',
];
const extraSchemas: string[] = [];
afterAll(async () => {
  await cleanupStorages();
  for (const s of extraSchemas) await dropSchema(s);
});

async function migrations(schema: string) {
  return sideQuery<{ version: number; name: string; checksum: string; adopted: boolean }>(
    `select version, name, checksum, adopted from "${schema}".${MIGRATION_TABLE} order by version`,
  );
}

async function systemRoles(schema: string) {
  return sideQuery<{ name: string; permissions: string[] }>(
    `select name, permissions from "${schema}".admin_roles where is_system order by name`,
  );
}

/** Non-primary, non-unique indexes of a schema with their key definition, e.g. `admin_builds (status, queued_at)`. */
async function plainIndexes(schema: string): Promise<string[]> {
  const rows = await sideQuery<{ def: string; tbl: string }>(
    `select c.relname as tbl, pg_get_indexdef(i.indexrelid) as def
       from pg_index i
       join pg_class c on c.oid = i.indrelid
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = $1 and not i.indisprimary and not i.indisunique`,
    [schema],
  );
  return rows
    .map((r) => `${r.tbl} ${/USING btree (\(.*)$/.exec(r.def)?.[1] ?? r.def}`)
    .sort();
}

async function columnExists(schema: string, table: string, column: string): Promise<boolean> {
  const rows = await sideQuery(
    'select 1 from information_schema.columns where table_schema = $1 and table_name = $2 and column_name = $3',
    [schema, table, column],
  );
  return rows.length === 1;
}

describe('init()', () => {
  it('creates the 14 tables, the migration record and the 5 system roles', async () => {
    const s = createStorage();
    await s.init();
    expect(await tablesIn(s.schemaName)).toEqual(ALL_TABLES);
    expect((await migrations(s.schemaName)).map((m) => [m.version, m.adopted])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
    ]);
    const roles = await systemRoles(s.schemaName);
    expect(roles.map((r) => r.name)).toEqual(['platform_admin', 'team_admin', 'team_member', 'team_owner', 'team_viewer']);
    expect(roles.find((r) => r.name === 'platform_admin')?.permissions).toEqual(['*']);
    expect(await s.migrationStatus()).toEqual({ applied: [1, 2, 3, 4, 5], pending: [] });
  });

  it('is idempotent: a second init() on the same storage and one from a new storage change nothing', async () => {
    const s = createStorage();
    await s.init();
    const before = await migrations(s.schemaName);
    const count = s.statementCount;
    await s.init();
    expect(s.statementCount).toBe(count); // already initialized: no round trip
    const again = createStorage({ schemaName: s.schemaName });
    await again.init();
    expect(again.statementCount).toBeLessThanOrEqual(2); // the up-to-date check only
    await again.init();
    expect(await migrations(s.schemaName)).toEqual(before);
    expect(await systemRoles(s.schemaName)).toHaveLength(5);
  });

  it('migrationStatus() lists every version as pending before init', async () => {
    const s = createStorage();
    expect(await s.migrationStatus()).toEqual({ applied: [], pending: [1, 2, 3, 4, 5] });
  });

  it('8 concurrent inits from separate node processes on one empty schema all succeed, each migration recorded once', async () => {
    const schema = randomSchema('conc');
    extraSchemas.push(schema);
    const script = path.join(__dirname, 'fixtures', 'init-child.cjs');
    const startAt = String(Date.now() + 1500);
    const results = await Promise.all(Array.from({ length: 8 }, () => runNode(script, [schema, startAt])));
    for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const recorded = await sideQuery<{ version: number; n: string }>(
      `select version, count(*) as n from "${schema}".${MIGRATION_TABLE} group by version order by version`,
    );
    expect(recorded).toEqual([
      { version: 1, n: '1' },
      { version: 2, n: '1' },
      { version: 3, n: '1' },
      { version: 4, n: '1' },
      { version: 5, n: '1' },
    ]);
    const [{ n }] = await sideQuery<{ n: string }>(`select count(*) as n from "${schema}".admin_roles where is_system`);
    expect(n).toBe('5');
    expect(await tablesIn(schema)).toEqual(ALL_TABLES);
  });

  it('a checksum that differs from the embedded migration rejects with ERR_ADMIN_PG_MIGRATION', async () => {
    const s = createStorage();
    await s.init();
    await sideQuery(`update "${s.schemaName}".${MIGRATION_TABLE} set checksum = 'tampered' where version = 2`);
    const err = await rejection(createStorage({ schemaName: s.schemaName }).init());
    expect(err.code).toBe('ERR_ADMIN_PG_MIGRATION');
    expect(err.message).toMatch(/checksum/);
  });
});

describe('adopting a schema created by the TypeScript adapter', () => {
  /** Rows in several tables, inserted with plain SQL as the TS adapter would have. */
  async function seedRows(schema: string) {
    const ids = {
      user: '11111111-1111-4111-8111-111111111111',
      team: '22222222-2222-4222-8222-222222222222',
      project: '33333333-3333-4333-8333-333333333333',
      deployment: '44444444-4444-4444-8444-444444444444',
      build: '55555555-5555-4555-8555-555555555555',
      role: '66666666-6666-4666-8666-666666666666',
    };
    const c = await pgClient();
    try {
      const q = `"${schema}"`;
      await c.query(`insert into ${q}.admin_users (id, email, name, metadata) values ($1, 'ts@example.com', 'TS User', '{"a":1}')`, [ids.user]);
      await c.query(`insert into ${q}.admin_teams (id, name, slug) values ($1, 'TS Team', 'ts-team')`, [ids.team]);
      await c.query(
        `insert into ${q}.admin_team_members (team_id, user_id, role, joined_at) values ($1, $2, 'owner', '2024-01-02T03:04:05Z')`,
        [ids.team, ids.user],
      );
      await c.query(
        `insert into ${q}.admin_projects (id, team_id, name, slug, source_type, source_config) values ($1, $2, 'P', 'p', 'local', '{"path":"/x"}')`,
        [ids.project, ids.team],
      );
      await c.query(
        `insert into ${q}.admin_project_env_vars (project_id, key, encrypted_value) values ($1, 'API_KEY', 'enc')`,
        [ids.project],
      );
      await c.query(
        `insert into ${q}.admin_deployments (id, project_id, type, branch, slug) values ($1, $2, 'production', 'main', 'p-main')`,
        [ids.deployment, ids.project],
      );
      await c.query(
        `insert into ${q}.admin_builds (id, deployment_id, trigger, triggered_by, logs) values ($1, $2, 'manual', 'me', 'line 1')`,
        [ids.build, ids.deployment],
      );
      await c.query(
        `insert into ${q}.admin_roles (id, team_id, name, permissions) values ($1, $2, 'custom', '["project:read"]')`,
        [ids.role, ids.team],
      );
      await c.query(`insert into ${q}.admin_role_assignments (role_id, user_id) values ($1, $2)`, [ids.role, ids.user]);
    } finally {
      await c.end();
    }
    return ids;
  }

  /** A snapshot of every row of the tables seedRows fills (minus columns init may add). */
  async function snapshot(schema: string) {
    const out: Record<string, unknown[]> = {};
    for (const t of [
      'admin_users',
      'admin_teams',
      'admin_team_members',
      'admin_projects',
      'admin_project_env_vars',
      'admin_deployments',
      'admin_builds',
      'admin_role_assignments',
    ]) {
      const rows = await sideQuery(`select * from "${schema}".${t} order by id`);
      // Columns later migrations add (with defaults) are not part of the comparison.
      out[t] = rows.map(({ updated_at: _u, log_path: _l, locked_by: _b, lease_expires_at: _e, attempts: _a, log_chunk_bytes: _c, ...rest }) => rest);
    }
    out.customRoles = await sideQuery(`select id, name, permissions from "${schema}".admin_roles where not coalesce(is_system, false)`);
    return out;
  }

  it('0001_initial.sql minus log_path, with a TS `migrations` table at version 1: rows kept, version 1 adopted, 0002 applied', async () => {
    const schema = randomSchema('adopt');
    const sql = fs
      .readFileSync(path.join(__dirname, '..', 'migrations', '0001_initial.sql'), 'utf8')
      .replaceAll('{{schema}}', `"${schema}"`)
      .replace(/^\s*--.*$/gm, '') // comments mention log_path
      .replace(/^\s*log_path TEXT,\n/m, '');
    expect(sql).not.toMatch(/log_path/);
    const c = await pgClient();
    try {
      await c.query(`create schema "${schema}"`);
      await c.query(sql);
      await c.query(
        `create table "${schema}".migrations (id serial primary key, version integer not null unique, name text not null, applied_at timestamptz default now())`,
      );
      await c.query(`insert into "${schema}".migrations (version, name) values (1, '001_initial')`);
    } finally {
      await c.end();
    }
    const ids = await seedRows(schema);
    const before = await snapshot(schema);
    expect(await columnExists(schema, 'admin_builds', 'log_path')).toBe(false);

    const s = createStorage({ schemaName: schema });
    await s.init();

    expect(await snapshot(schema)).toEqual(before);
    expect((await migrations(schema)).map((m) => [m.version, m.adopted])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
    ]);
    expect(await columnExists(schema, 'admin_builds', 'log_path')).toBe(true);
    // The TS adapter's own table is left alone.
    expect(await sideQuery(`select version, name from "${schema}".migrations`)).toEqual([{ version: 1, name: '001_initial' }]);
    // 0002's backfill: existing members get updated_at = joined_at.
    const [member] = await sideQuery(`select joined_at, updated_at from "${schema}".admin_team_members`);
    expect(member.updated_at).toEqual(member.joined_at);
    expect(await systemRoles(schema)).toHaveLength(5);
    // And the storage reads the adopted rows.
    expect(await s.getUser(ids.user)).toMatchObject({ email: 'ts@example.com', name: 'TS User', metadata: { a: 1 } });
    expect(await s.adminDb.findById('admin_builds', ids.build)).toMatchObject({ logs: 'line 1', logPath: null });
  });

  it('a schema built exactly as the seed\'s AdminPgDB.init() does (unique indexes, no log_path) is adopted and fixed', async () => {
    const schema = randomSchema('seed');
    const c = await pgClient();
    try {
      await createSeedSchema(c, schema);
    } finally {
      await c.end();
    }
    const ids = await seedRows(schema);
    // Duplicates the seed's NULLS DISTINCT constraints let through (0002 merges them).
    await sideQuery(
      `insert into "${schema}".admin_project_env_vars (project_id, key, encrypted_value, updated_at)
       values ($1, 'API_KEY', 'newer', now() + interval '1 minute')`,
      [ids.project],
    );
    await sideQuery(
      `insert into "${schema}".admin_roles (team_id, name, permissions, is_system) values
       (null, 'team_viewer', '["team:read"]', true), (null, 'team_viewer', '["team:read"]', true)`,
    );
    const s = createStorage({ schemaName: schema });
    await s.init();
    expect((await migrations(schema)).map((m) => [m.version, m.adopted])).toEqual([
      [1, true],
      [2, false],
      [3, false],
      [4, false],
      [5, false],
    ]);
    expect(await columnExists(schema, 'admin_builds', 'log_path')).toBe(true);
    expect(await sideQuery(`select key, encrypted_value from "${schema}".admin_project_env_vars`)).toEqual([
      { key: 'API_KEY', encrypted_value: 'newer' },
    ]);
    expect(await systemRoles(schema)).toHaveLength(5);
    expect((await s.getUser(ids.user))?.email).toBe('ts@example.com');
    // The seed's indexes are recognised by name (PostgreSQL truncated the long ones to 63
    // bytes): no non-unique index is created twice.
    const dups = await sideQuery(
      `select c.relname, regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', '') as def, count(*) as n
         from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and not i.indisunique group by 1, 2 having count(*) > 1`,
      [schema],
    );
    expect(dups).toEqual([]);
    // The NULL-safe constraint now rejects a second (project, NULL, key) row.
    const err = await rejection(
      s.db.none(`insert into "${schema}".admin_project_env_vars (project_id, key, encrypted_value) values ($1, 'API_KEY', 'x')`, [
        ids.project,
      ]),
    );
    expect(err.code).toBe('ERR_ADMIN_PG_UNIQUE_VIOLATION');
  });
});

describe('disableInit and skipDefaultIndexes', () => {
  it('disableInit: true → init() creates nothing (the schema does not exist afterwards)', async () => {
    const s = createStorage({ disableInit: true });
    await s.init();
    expect(await sideQuery('select 1 from pg_namespace where nspname = $1', [s.schemaName])).toEqual([]);
  });

  it('disableInit on a missing schema: domain and AdminPgDB calls reject with ERR_ADMIN_PG_NOT_INITIALIZED', async () => {
    const s = createStorage({ disableInit: true });
    await s.init();
    const id = '00000000-0000-4000-8000-000000000000';
    for (const call of [
      () => s.getUser(id),
      () => s.users.getUserById(id),
      () => s.users.listUsers(),
      () => s.createUser({ email: 'a@b.co' }),
      () => s.adminDb.count('admin_users'),
      () => s.adminDb.findBy('admin_teams', {}),
    ]) {
      const err = await rejection(call());
      expect(err.code).toBe('ERR_ADMIN_PG_NOT_INITIALIZED');
      expect(err.message).toContain(s.schemaName);
    }
    // Raw SQL stays raw: a query error.
    expect((await rejection(s.db.any(`select * from "${s.schemaName}".admin_users`))).code).toBe('ERR_ADMIN_PG_QUERY');
  });

  it('disableInit on an existing schema: calls work (init just does not touch it)', async () => {
    const first = createStorage();
    await first.init();
    const s = createStorage({ schemaName: first.schemaName, disableInit: true });
    await s.init();
    const u = await s.createUser({ email: 'disable-init@example.com' });
    expect(await first.getUser(u.id)).toMatchObject({ email: 'disable-init@example.com' });
  });

  it('skipDefaultIndexes: true → no index exists except primary keys and unique constraints', async () => {
    const s = createStorage({ skipDefaultIndexes: true });
    await s.init();
    expect(await plainIndexes(s.schemaName)).toEqual([]);
    const uniques = await sideQuery<{ n: string }>(
      `select count(*) as n from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and i.indisunique and not i.indisprimary`,
      [s.schemaName],
    );
    expect(Number(uniques[0].n)).toBeGreaterThan(0);
  });

  it('by default every non-unique index of the seed\'s DEFAULT_INDEXES exists (plus lower(email), the queue and the lease indexes)', async () => {
    const s = createStorage();
    await s.init();
    const have = await plainIndexes(s.schemaName);
    const want = SEED_INDEXES.filter((i) => !('unique' in i && i.unique)).map((i) => `${i.table} (${i.columns.join(', ')})`);
    for (const w of want) expect(have).toContain(w);
    expect(have).toContain('admin_users (lower((email)::text))');
    expect(have.some((h) => h.startsWith('admin_builds (queued_at, id) WHERE'))).toBe(true);
    expect(have.some((h) => h.startsWith('admin_builds (lease_expires_at) WHERE'))).toBe(true);
    expect(have).toHaveLength(want.length + 4);
  });

  it('init() on a skipDefaultIndexes schema from a storage without it adds the indexes later', async () => {
    const s = createStorage({ skipDefaultIndexes: true });
    await s.init();
    await createStorage({ schemaName: s.schemaName }).init();
    expect((await plainIndexes(s.schemaName)).length).toBeGreaterThan(20);
  });
});
