// Item 8: a wrong password against a password-protected server. The error names the host,
// port and user; neither the password (wrong or right) nor the connection string appears in
// the error (message, stack, properties, inspection) or in anything the process prints.
import { randomBytes } from 'node:crypto';
import util from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNode } from '../helpers';
import { addon, addonPath, codeOf, startEmbeddedPostgres, writeScript, type EmbeddedServer } from './support';

const USER = 'secret_tester';
// Distinctive, with characters that URLs percent-encode, so both spellings can be searched for.
const RIGHT = `Right-${randomBytes(6).toString('hex')}-p@ss:w/rd%?#`;
const WRONG = `Wrong-${randomBytes(6).toString('hex')}-p@ss:w/rd%?#`;
const SECRETS = [RIGHT, WRONG, encodeURIComponent(RIGHT), encodeURIComponent(WRONG), RIGHT.slice(0, 18), WRONG.slice(0, 18)];

let server: EmbeddedServer;
const url = (password: string) =>
  `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/test`;

beforeAll(async () => {
  server = await startEmbeddedPostgres();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`create role ${USER} login password '${RIGHT.replace(/'/g, "''")}'`);
  await admin.end();
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

/** Everything a caller or a logger could get out of an error, as one string. */
function everything(err: unknown): string {
  const e = err as Error & Record<string, unknown>;
  return [
    String(e),
    e.message,
    e.stack,
    JSON.stringify(e),
    JSON.stringify(Object.fromEntries(Object.getOwnPropertyNames(e).map((k) => [k, e[k]]))),
    util.inspect(e, { showHidden: true, depth: 10 }),
  ].join('\n');
}

function expectNoSecret(text: string) {
  for (const secret of SECRETS) expect(text.includes(secret), `leaks ${secret}`).toBe(false);
  expect(text).not.toMatch(/postgres(ql)?:\/\/[^\s]*@/); // no connection string with credentials
}

const configs = () => ({
  connectionString: { connectionString: url(WRONG) },
  'host/user/password': { host: '127.0.0.1', port: server.port, database: 'test', user: USER, password: WRONG },
  'pg.Pool': { pool: new pg.Pool({ connectionString: url(WRONG) }) },
});

describe('secrets', () => {
  it('the right password connects (control)', async () => {
    const { PostgresAdminStorage } = addon();
    for (const config of [
      { connectionString: url(RIGHT) },
      { host: '127.0.0.1', port: server.port, database: 'test', user: USER, password: RIGHT },
    ]) {
      const storage = new PostgresAdminStorage(config);
      expect(await storage.db.one('select current_user as u')).toEqual({ u: USER });
      await storage.close();
    }
  });

  for (const variant of ['connectionString', 'host/user/password', 'pg.Pool'] as const) {
    it(`a wrong password (${variant}) rejects with ERR_ADMIN_PG_CONNECTION (28P01) naming host, port and user, never a password or the URL`, async () => {
      const { PostgresAdminStorage } = addon();
      const config = configs()[variant];
      const storage = new PostgresAdminStorage(config as never);
      let error: unknown;
      await storage.getUser('00000000-0000-4000-8000-000000000000').catch((e) => (error = e));
      expect(codeOf(error)).toBe('ERR_ADMIN_PG_CONNECTION');
      expect((error as { pgCode?: string }).pgCode).toBe('28P01');
      const message = (error as Error).message;
      expect(message).toContain(`127.0.0.1:${server.port}`);
      expect(message).toContain(USER);
      expectNoSecret(everything(error));
      // init() goes the same way.
      let initError: unknown;
      await storage.init().catch((e) => (initError = e));
      expect(codeOf(initError)).toBe('ERR_ADMIN_PG_CONNECTION');
      expectNoSecret(everything(initError));
      await storage.close();
      if ('pool' in config) await config.pool.end();
    });
  }

  it('a config error never echoes the connection string or its password', () => {
    const { PostgresAdminStorage } = addon();
    for (const connectionString of [
      `mysql://${USER}:${encodeURIComponent(WRONG)}@127.0.0.1/test`,
      `postgres://${USER}:${encodeURIComponent(WRONG)}@127.0.0.1:99999999/test`,
      `postgres://${USER}:${WRONG}@[not-a-host/test`,
    ]) {
      let error: unknown;
      try {
        new PostgresAdminStorage({ connectionString });
      } catch (e) {
        error = e;
      }
      expect(codeOf(error)).toBe('ERR_ADMIN_PG_CONFIG');
      expectNoSecret(everything(error));
    }
  });

  it('a process that fails to connect (with every log switch on) prints no password', async () => {
    const script = writeScript(
      'secret-child.cjs',
      `
const { PostgresAdminStorage } = require(${JSON.stringify(addonPath)});
(async () => {
  const storage = new PostgresAdminStorage({ connectionString: process.argv[2], connectionTimeoutMillis: 2000 });
  try { await storage.init(); } catch (e) { console.error(e); console.log(JSON.stringify({ code: e.code, message: e.message })); }
  try { await storage.db.one('select 1'); } catch (e) { console.error(e.stack); }
  await storage.close();
})();
`,
    );
    const run = await runNode(script, [url(WRONG)], {
      RUST_LOG: 'trace',
      RUST_BACKTRACE: 'full',
      DEBUG: '*',
      NODE_DEBUG: 'net,tls',
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!).code).toBe('ERR_ADMIN_PG_CONNECTION');
    expectNoSecret(run.stdout + run.stderr);
  });
});
