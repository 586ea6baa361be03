// Item 1: eight processes call init() on one empty schema at the same moment.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupStorages, createStorage, dropSchema, pgClient, randomSchema, runNode } from '../helpers';
import { addonPath, figure, sleep, writeScript } from './support';

const PROCESSES = 8;

// Each child connects first (so connection set-up is not what staggers them), says it is
// ready (a file), waits for the go file, calls init(), and reports when its call started and
// ended. A file barrier holds however slowly the children start on a loaded machine.
const child = writeScript(
  'init-child.cjs',
  `
const fs = require('node:fs');
const path = require('node:path');
const { PostgresAdminStorage } = require(${JSON.stringify(addonPath)});
const [schemaName, barrier] = process.argv.slice(2);
(async () => {
  const storage = new PostgresAdminStorage({ connectionString: process.env.DATABASE_URL, schemaName, max: 2 });
  await storage.db.one('select 1 as ready');
  fs.writeFileSync(path.join(barrier, 'ready-' + process.pid), '');
  while (!fs.existsSync(path.join(barrier, 'go'))) await new Promise((r) => setTimeout(r, 1));
  const started = Date.now();
  let result;
  try {
    await storage.init();
    result = { ok: true };
  } catch (e) {
    result = { ok: false, code: e.code, message: e.message };
  }
  const ended = Date.now();
  await storage.close();
  console.log(JSON.stringify({ ...result, started, ended }));
})();
`,
);

const schemas: string[] = [];
afterAll(async () => {
  await cleanupStorages();
  for (const s of schemas) await dropSchema(s);
});

async function initConcurrently(schemaName: string) {
  const barrier = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-pg-init-barrier-'));
  try {
    const runs = Array.from({ length: PROCESSES }, () => runNode(child, [schemaName, barrier]));
    const deadline = Date.now() + 60_000;
    while (fs.readdirSync(barrier).length < PROCESSES) {
      if (Date.now() > deadline) throw new Error('children did not get ready within 60 s');
      await sleep(5);
    }
    fs.writeFileSync(path.join(barrier, 'go'), '');
    return (await Promise.all(runs)).map((r) => {
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as {
        ok: boolean;
        code?: string;
        message?: string;
        started: number;
        ended: number;
      };
    });
  } finally {
    fs.rmSync(barrier, { recursive: true, force: true });
  }
}

async function recorded(schemaName: string) {
  const client = await pgClient();
  try {
    const migrations = await client.query(
      `select version, count(*)::int as n from ${client.escapeIdentifier(schemaName)}.admin_pg_native_migrations
       group by version order by version`,
    );
    const roles = await client.query(
      `select name, count(*)::int as n from ${client.escapeIdentifier(schemaName)}.admin_roles
       where is_system group by name order by name`,
    );
    return { migrations: migrations.rows, roles: roles.rows };
  } finally {
    await client.end();
  }
}

/** Every migration the addon knows is recorded exactly once; the 5 system roles exist once each. */
async function expectRecordedOnce(schemaName: string) {
  const { migrations, roles } = await recorded(schemaName);
  const storage = createStorage({ schemaName, disableInit: true });
  const status = await storage.migrationStatus();
  expect(status.pending).toEqual([]);
  expect(migrations).toEqual(status.applied.map((version) => ({ version, n: 1 })));
  expect(roles).toEqual(
    ['platform_admin', 'team_admin', 'team_member', 'team_owner', 'team_viewer'].map((name) => ({ name, n: 1 })),
  );
}

describe('concurrent init()', () => {
  it(`${PROCESSES} processes calling init() on one empty schema at once all resolve, each migration is recorded once and there are exactly 5 system roles`, async () => {
    const schemaName = randomSchema('rel_init');
    schemas.push(schemaName);
    const results = await initConcurrently(schemaName);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    // They really ran at the same time: every call started before the first one finished.
    const lastStart = Math.max(...results.map((r) => r.started));
    const firstEnd = Math.min(...results.map((r) => r.ended));
    expect(lastStart).toBeLessThanOrEqual(firstEnd);
    figure('concurrent init: call durations ms', results.map((r) => r.ended - r.started));

    await expectRecordedOnce(schemaName);
  });

  it(`${PROCESSES} more processes calling init() on the now initialised schema change nothing`, async () => {
    const schemaName = randomSchema('rel_reinit');
    schemas.push(schemaName);
    await initConcurrently(schemaName);
    const results = await initConcurrently(schemaName);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    await expectRecordedOnce(schemaName);
  });
});
