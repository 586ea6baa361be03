import type { TestProject } from 'vitest/node';
// @ts-ignore -- a plain .mjs shared with the demo and CI (no .d.ts); typed just below
import { resolveDatabaseUrl as resolveUntyped } from '../../scripts/embedded-pg.mjs';

const resolveDatabaseUrl: () => Promise<{ url: string; stop: () => Promise<void> }> = resolveUntyped;

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres:// URL of the database every test file uses (each in its own schema). */
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const { url, stop } = await resolveDatabaseUrl();
  const where = process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL';
  console.log(`[admin-pg tests] database: ${where} (${new URL(url).host})`);
  project.provide('databaseUrl', url);
  return async () => {
    await stop();
  };
}
