import type { TestProject } from 'vitest/node';
// @ts-ignore -- a plain .mjs shared with the demo and CI (no .d.ts); typed just below
import { resolveDatabaseUrl as resolveUntyped } from '../../scripts/embedded-pg.mjs';

const resolveDatabaseUrl: () => Promise<{ url: string; stop: () => Promise<void> }> = resolveUntyped;
// @ts-ignore -- plain .mjs, typed just below
import { startPgBouncer as startUntyped } from '../../scripts/pgbouncer.mjs';

const startPgBouncer: (url: string) => Promise<{ url: string; stop: () => Promise<void> }> = startUntyped;

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres:// URL of the database every test file uses (each in its own schema). */
    databaseUrl: string;
    /**
     * URL storages made by `createStorage()` connect to: a PgBouncer (pool_mode = transaction)
     * in front of `databaseUrl` when ADMIN_PG_TEST_PGBOUNCER=1, else `databaseUrl` itself.
     */
    storageUrl: string;
    /** ADMIN_PG_TEST_PGBOUNCER=1: storages get `pgbouncer: true` and connect through PgBouncer. */
    pgbouncer: boolean;
  }
}

export default async function setup(project: TestProject) {
  const { url, stop } = await resolveDatabaseUrl();
  const where = process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL';
  console.log(`[admin-pg tests] database: ${where} (${new URL(url).host})`);
  project.provide('databaseUrl', url);
  const viaPgBouncer = process.env.ADMIN_PG_TEST_PGBOUNCER === '1';
  const bouncer = viaPgBouncer ? await startPgBouncer(url) : undefined;
  if (bouncer) console.log(`[admin-pg tests] storages go through PgBouncer (transaction pooling) at ${new URL(bouncer.url).host}`);
  project.provide('storageUrl', bouncer?.url ?? url);
  project.provide('pgbouncer', viaPgBouncer);
  return async () => {
    await bouncer?.stop();
    await stop();
  };
}
