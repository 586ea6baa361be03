// Shared test helpers: the provided database URL, per-test schemas, side-channel pg clients,
// storages that clean up after themselves, and child node processes.
/// <reference path="./setup/global-setup.ts" /> -- declares inject('databaseUrl')'s type
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { PostgresAdminStorage } from '../index.js';

// vitest gives test modules __dirname/__filename; unlike import.meta they type-check whether
// tsc treats this file as ESM or (package without "type": "module") CommonJS.
const repoRoot = path.resolve(__dirname, '..');

/** URL of the test database (DATABASE_URL, or the embedded server started by global setup). */
export function databaseUrl(): string {
  return inject('databaseUrl');
}

/**
 * URL storages connect to: PgBouncer (transaction pooling) in front of the test database when
 * the suite runs with ADMIN_PG_TEST_PGBOUNCER=1, else the database itself.
 */
export function storageUrl(): string {
  return inject('storageUrl');
}

/** Whether this run goes through PgBouncer (ADMIN_PG_TEST_PGBOUNCER=1); storages then get `pgbouncer: true`. */
export function viaPgBouncer(): boolean {
  return inject('pgbouncer');
}

/** PgBouncer's `SHOW CLIENTS` (its admin console; only when `viaPgBouncer()`). */
export async function pgBouncerClients(): Promise<Record<string, any>[]> {
  const url = new URL(storageUrl());
  url.pathname = '/pgbouncer';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    // The admin console speaks the simple query protocol only: no parameters.
    return (await client.query('SHOW CLIENTS')).rows;
  } finally {
    await client.end();
  }
}

let schemaCounter = 0;
/** A fresh lowercase SQL identifier, unique per call (and per process), e.g. `t_4f2a_1_9c0e11ab`. */
export function randomSchema(prefix = 't'): string {
  if (!/^[a-z_][a-z0-9_]{0,30}$/.test(prefix)) throw new Error(`bad schema prefix: ${prefix}`);
  schemaCounter += 1;
  return `${prefix}_${process.pid.toString(36)}_${schemaCounter}_${randomBytes(4).toString('hex')}`;
}

/** A connected `pg.Client` for assertions from the side; the caller ends it. */
export async function pgClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  return client;
}

/** Drops a schema and everything in it (no error when it does not exist). */
export async function dropSchema(name: string): Promise<void> {
  const client = await pgClient();
  try {
    await client.query(`drop schema if exists ${client.escapeIdentifier(name)} cascade`);
  } finally {
    await client.end();
  }
}

type StorageClass = typeof PostgresAdminStorage;
type StorageConfig = ConstructorParameters<StorageClass>[0];

let storageClass: StorageClass | undefined;
/** Loads the napi binding on first use, so harness tests run before the addon is built. */
function loadStorageClass(): StorageClass {
  storageClass ??= (createRequire(__filename)('../index.js') as { PostgresAdminStorage: StorageClass })
    .PostgresAdminStorage;
  return storageClass;
}

const created: { storage: PostgresAdminStorage; schemaName: string }[] = [];

/**
 * A storage on the test database in a fresh random schema (not yet `init()`ed). `opts` override
 * anything; given `pool` or `host`, no `connectionString` is added. With ADMIN_PG_TEST_PGBOUNCER=1
 * it connects through PgBouncer with `pgbouncer: true` (unless `opts` say otherwise). Call
 * `cleanupStorages()` in `afterAll`.
 */
export function createStorage(opts: Record<string, unknown> = {}): PostgresAdminStorage {
  const Storage = loadStorageClass();
  const schemaName = (opts.schemaName as string | undefined) ?? randomSchema();
  const connection = 'pool' in opts || 'host' in opts ? {} : { connectionString: storageUrl() };
  const mode = viaPgBouncer() ? { pgbouncer: true } : {};
  const storage = new Storage({ ...connection, ...mode, schemaName, ...opts } as StorageConfig);
  created.push({ storage, schemaName });
  return storage;
}

/** Closes every storage made by `createStorage` and drops its schema. */
export async function cleanupStorages(): Promise<void> {
  const all = created.splice(0);
  // close() may reject if a test already closed the storage; that is fine here.
  await Promise.allSettled(all.map(async ({ storage }) => storage.close()));
  for (const { schemaName } of all) await dropSchema(schemaName);
}

/** Runs `node scriptPath ...args` from the repo root with DATABASE_URL set; never rejects on exit code. */
export function runNode(
  scriptPath: string,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [scriptPath, ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The addon's exports, loaded on first use (typed from index.d.ts). */
export type Native = typeof import('../index.js');
let nativeModule: Native | undefined;
export function native(): Native {
  nativeModule ??= createRequire(__filename)('../index.js') as Native;
  return nativeModule;
}

/** An error as the addon rejects with it. */
export type CodedError = Error & {
  code?: string;
  pgCode?: string;
  constraint?: string;
  table?: string;
  column?: string;
  detail?: string;
};

/** Awaits `p`, expecting it to reject; returns the error (fails the test when it resolves). */
export async function rejection(p: Promise<unknown> | unknown): Promise<CodedError> {
  try {
    await p;
  } catch (e) {
    return e as CodedError;
  }
  throw new Error('expected the call to reject, but it resolved');
}

/** Runs `fn`, expecting it to throw synchronously; returns the error. */
export function thrown(fn: () => unknown): CodedError {
  try {
    fn();
  } catch (e) {
    return e as CodedError;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** Runs `sql` on a side-channel client and returns the rows. */
export async function sideQuery<T extends pg.QueryResultRow = Record<string, any>>(
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = await pgClient();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Names of the tables in `schema` (ordinary tables only), sorted. */
export async function tablesIn(schema: string): Promise<string[]> {
  const rows = await sideQuery<{ relname: string }>(
    `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relkind = 'r' order by 1`,
    [schema],
  );
  return rows.map((r) => r.relname);
}

/** `runNode` with a deadline: kills the child (SIGKILL) when it has not exited after `ms`. */
export function runNodeWithin(
  ms: number,
  scriptPath: string,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [scriptPath, ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}
