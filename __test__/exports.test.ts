// Proves CONTRACT §1 (package surface): the exported classes and constants, with the seed's
// values for TABLES / TABLE_SCHEMAS / DEFAULT_INDEXES (pinned by digest; fixtures/seed-schema.ts
// now re-exports ours), all 15 error codes, reachable from CommonJS and from ESM named imports.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as seed from './fixtures/seed-schema';
import { databaseUrl, native, runNode } from './helpers';

const m = native();
const CODES = [
  'ERR_ADMIN_PG_CONFIG',
  'ERR_ADMIN_PG_INVALID_ARGUMENT',
  'ERR_ADMIN_PG_NOT_FOUND',
  'ERR_ADMIN_PG_UNIQUE_VIOLATION',
  'ERR_ADMIN_PG_FOREIGN_KEY_VIOLATION',
  'ERR_ADMIN_PG_CHECK_VIOLATION',
  'ERR_ADMIN_PG_NOT_INITIALIZED',
  'ERR_ADMIN_PG_CONNECTION',
  'ERR_ADMIN_PG_TIMEOUT',
  'ERR_ADMIN_PG_CLOSED',
  'ERR_ADMIN_PG_MIGRATION',
  'ERR_ADMIN_PG_INVITE_EXPIRED',
  'ERR_ADMIN_PG_INVITE_ACCEPTED',
  'ERR_ADMIN_PG_SYSTEM_ROLE',
  'ERR_ADMIN_PG_QUERY',
];

/**
 * SHA-256 of `JSON.stringify` of the TypeScript adapter's Phase 4 constants
 * (@mastra/admin-pg `src/migrations/001_initial.ts`), taken from its verbatim copy
 * (`git show 20587a0:__test__/fixtures/seed-schema.ts`): ours are made from src/core/tables.rs.
 */
const SEED_SHA256 = {
  TABLES: '9acc3544a41f49e4e3123da1ad7462f54a04af398f9e875e903ff420b68b2a78',
  TABLE_SCHEMAS: '010e2ee4622513d032a19cf88c213a065515c5ab05c280081f109f3fb04468d3',
  DEFAULT_INDEXES: 'd243eee556e243530428045a61cf81cd6f988f7c5c962eccd9d444588fbcb397',
};
const sha256 = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

describe('constants equal the seed', () => {
  it("are the TypeScript adapter's, byte for byte (key order included)", () => {
    expect(sha256(m.TABLES)).toBe(SEED_SHA256.TABLES);
    expect(sha256(m.TABLE_SCHEMAS)).toBe(SEED_SHA256.TABLE_SCHEMAS);
    expect(sha256(m.DEFAULT_INDEXES)).toBe(SEED_SHA256.DEFAULT_INDEXES);
  });

  it('TABLES: the 14 seed keys and table names, in order', () => {
    expect(Object.keys(m.TABLES)).toHaveLength(14);
    expect(Object.entries(m.TABLES)).toEqual(Object.entries(seed.TABLES));
    expect(m.TABLES.users).toBe('admin_users');
    expect(m.TABLES.role_assignments).toBe('admin_role_assignments');
  });

  it('TABLE_SCHEMAS: the seed strings, byte for byte', () => {
    expect(Object.keys(m.TABLE_SCHEMAS)).toHaveLength(14);
    expect({ ...m.TABLE_SCHEMAS }).toEqual({ ...seed.TABLE_SCHEMAS });
    expect(m.TABLE_SCHEMAS.admin_users).toContain('email VARCHAR(255) NOT NULL UNIQUE');
    expect(m.TABLE_SCHEMAS.admin_team_members).toContain('REFERENCES admin_teams(id) ON DELETE CASCADE');
  });

  it('DEFAULT_INDEXES: the 37 seed entries, in order (unique only where the seed says so)', () => {
    expect(m.DEFAULT_INDEXES).toHaveLength(37);
    expect(m.DEFAULT_INDEXES.map((i) => ({ ...i, columns: [...i.columns] }))).toStrictEqual(
      seed.DEFAULT_INDEXES.map((i) => ({ ...i })),
    );
    expect(m.DEFAULT_INDEXES.filter((i) => i.unique)).toHaveLength(11);
    expect(m.DEFAULT_INDEXES).toContainEqual({ table: 'admin_builds', columns: ['deployment_id', 'created_at DESC'] });
  });

  it('the constants are frozen', () => {
    expect(Object.isFrozen(m.TABLES)).toBe(true);
    expect(Object.isFrozen(m.TABLE_SCHEMAS)).toBe(true);
    expect(Object.isFrozen(m.DEFAULT_INDEXES)).toBe(true);
    expect(Object.isFrozen(m.DEFAULT_INDEXES[0])).toBe(true);
    expect(Object.isFrozen(m.ErrorCode)).toBe(true);
  });
});

describe('ErrorCode', () => {
  it('has all 15 codes, each under its full and its short name', () => {
    for (const code of CODES) {
      expect((m.ErrorCode as Record<string, string>)[code]).toBe(code);
      expect((m.ErrorCode as Record<string, string>)[code.replace('ERR_ADMIN_PG_', '')]).toBe(code);
    }
    expect(new Set(Object.values(m.ErrorCode))).toEqual(new Set(CODES));
    expect(Object.keys(m.ErrorCode)).toHaveLength(30);
  });
});

describe('classes', () => {
  it('exports PostgresAdminStorage, UsersPG, AdminPgDB, DbClient as constructors', () => {
    for (const name of ['PostgresAdminStorage', 'UsersPG', 'AdminPgDB', 'DbClient'] as const) {
      expect(typeof m[name]).toBe('function');
    }
  });

  it("storage.type === 'postgres'", () => {
    const s = new m.PostgresAdminStorage({ connectionString: databaseUrl(), schemaName: 'exports_unused' });
    expect(s.type).toBe('postgres');
    expect(s.users).toBeInstanceOf(m.UsersPG);
    expect(s.adminDb).toBeInstanceOf(m.AdminPgDB);
    expect(s.db).toBeInstanceOf(m.DbClient);
  });
});

describe('module formats', () => {
  it('ESM named imports see every export (classes and constants)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-pg-esm-'));
    const script = path.join(dir, 'esm.mjs');
    const entry = path.join(__dirname, '..', 'index.js');
    fs.writeFileSync(
      script,
      `import { PostgresAdminStorage, UsersPG, AdminPgDB, DbClient, TABLES, TABLE_SCHEMAS, DEFAULT_INDEXES, ErrorCode } from ${JSON.stringify(entry)};
       console.log(JSON.stringify([typeof PostgresAdminStorage, typeof UsersPG, typeof AdminPgDB, typeof DbClient,
         Object.keys(TABLES).length, Object.keys(TABLE_SCHEMAS).length, DEFAULT_INDEXES.length, ErrorCode.CLOSED]));`,
    );
    const r = await runNode(script);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(['function', 'function', 'function', 'function', 14, 14, 37, 'ERR_ADMIN_PG_CLOSED']);
  });

  it('CommonJS require gives the same objects', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cjs = require('../index.js') as typeof m;
    expect(cjs.TABLES).toBe(m.TABLES);
    expect(cjs.PostgresAdminStorage).toBe(m.PostgresAdminStorage);
  });
});

describe('loader', () => {
  it('without a prebuilt for the platform, the error names the package it looked for and how to build from source', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-pg-noaddon-'));
    const root = path.join(__dirname, '..');
    for (const f of ['index.js', 'binding.js']) fs.copyFileSync(path.join(root, f), path.join(dir, f));
    fs.cpSync(path.join(root, 'lib'), path.join(dir, 'lib'), { recursive: true });
    const script = path.join(dir, 'load.cjs');
    fs.writeFileSync(
      script,
      `try { require('./index.js'); console.log('loaded') } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, pkg: e.packageName })) }`,
    );
    const r = await runNode(script);
    fs.rmSync(dir, { recursive: true, force: true });
    const out = JSON.parse(r.stdout);
    expect(out.code).toBe('ERR_ADMIN_PG_NATIVE_ADDON_MISSING');
    expect(out.pkg).toBe(`admin-pg-native-${process.platform}-${process.arch}-gnu`);
    expect(out.message).toContain(`\`${out.pkg}\``);
    expect(out.message).toContain('build from source');
  });
});
