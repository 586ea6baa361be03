import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__test__/**/*.test.ts'],
    environment: 'node',
    // Resolves the database once (DATABASE_URL, else an embedded PostgreSQL) and provides its URL.
    globalSetup: ['__test__/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A native addon is safest in child processes (a crash takes down one file, not the runner).
    pool: 'forks',
    fileParallelism: true, // each file works in its own random schema
  },
});
