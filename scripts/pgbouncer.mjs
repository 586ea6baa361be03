// A throwaway PgBouncer (`pool_mode = transaction`, like Supabase's and Neon's poolers) in
// front of a PostgreSQL URL, for tests and CI. Needs the `pgbouncer` binary (Debian/Ubuntu:
// `apt-get install pgbouncer`). PgBouncer refuses to run as root: as root it is started with
// `-u postgres`, and its files are made readable by that user.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Resolves a free TCP port on 127.0.0.1. */
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

/** The pgbouncer executable, or null. */
export function findPgBouncer() {
  for (const candidate of [process.env.PGBOUNCER_BIN, '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port (or rejects after ms). */
function waitForPort(port, ms, child, logFile) {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null || child.signalCode !== null) {
        const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
        reject(new Error(`pgbouncer exited during startup (code ${child.exitCode})\n${log}`));
        return;
      }
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`pgbouncer did not listen on ${port} within ${ms} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * Starts PgBouncer in transaction pooling mode in front of `databaseUrl`.
 * Clients connect without a password (auth_type = trust); PgBouncer logs in to PostgreSQL with
 * the URL's user and password.
 * @param {string} databaseUrl
 * @param {{ poolSize?: number, poolMode?: 'transaction' | 'session', ignoreStartupParameters?: string }} [options]
 *   `ignoreStartupParameters`: PgBouncer's `ignore_startup_parameters` (none by default, as in
 *   PgBouncer's own default: it then refuses clients that send e.g. `extra_float_digits`).
 * @returns {Promise<{ url: string, port: number, stop: () => Promise<void>, log: () => string }>}
 */
export async function startPgBouncer(
  databaseUrl,
  { poolSize = 20, poolMode = 'transaction', ignoreStartupParameters } = {},
) {
  const bin = findPgBouncer();
  if (!bin) {
    throw new Error('pgbouncer is not installed (Debian/Ubuntu: apt-get install -y pgbouncer; or set PGBOUNCER_BIN)');
  }
  const target = new URL(databaseUrl);
  const user = decodeURIComponent(target.username || 'postgres');
  const password = decodeURIComponent(target.password || '');
  const database = decodeURIComponent(target.pathname.replace(/^\//, '') || user);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-pg-pgbouncer-'));
  const ini = path.join(dir, 'pgbouncer.ini');
  const logFile = path.join(dir, 'pgbouncer.log');
  const quote = (s) => `'${String(s).replace(/'/g, "''")}'`;
  const server = [
    `host=${target.hostname || '127.0.0.1'}`,
    `port=${target.port || 5432}`,
    `user=${quote(user)}`,
    password ? `password=${quote(password)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  fs.writeFileSync(
    ini,
    [
      '[databases]',
      `* = ${server}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${path.join(dir, 'users.txt')}`,
      `pool_mode = ${poolMode}`,
      // The URL's user may read the admin console (`SHOW CLIENTS` on database `pgbouncer`).
      `admin_users = ${user}`,
      `default_pool_size = ${poolSize}`,
      `max_db_connections = ${poolSize}`,
      'max_client_conn = 2000',
      'query_wait_timeout = 60',
      ignoreStartupParameters ? `ignore_startup_parameters = ${ignoreStartupParameters}` : '',
      `logfile = ${logFile}`,
      `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'users.txt'), `"${user.replace(/"/g, '""')}" ""\n`);
  const args = [ini];
  if (process.getuid?.() === 0) {
    // Root: pgbouncer switches to `postgres`, which must be able to write its log and pid files.
    const pw = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (pw.status !== 0) throw new Error('running as root, but there is no `postgres` user for pgbouncer -u');
    for (const f of [dir, ini, path.join(dir, 'users.txt')]) fs.chownSync(f, Number(pw.stdout), Number(gid.stdout));
    args.unshift('-u', 'postgres');
  }
  const child = spawn(bin, args, { stdio: 'ignore' });
  let stopping;
  const handle = {
    url: `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    port,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    /** Immediate shutdown (SIGTERM), then removes its directory; safe to call twice. */
    stop() {
      stopping ??= new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }).finally(() => {
        process.removeListener('exit', killNow);
        fs.rmSync(dir, { recursive: true, force: true });
      });
      return stopping;
    },
  };
  function killNow() {
    try {
      child.kill('SIGKILL');
    } catch {}
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.on('exit', killNow);
  try {
    await waitForPort(port, 10_000, child, logFile);
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

// `node scripts/pgbouncer.mjs [DATABASE_URL]`: start one, print its URL, keep it until Ctrl-C.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) {
    console.error('usage: node scripts/pgbouncer.mjs postgres://user:pass@host:port/db');
    process.exit(2);
  }
  const bouncer = await startPgBouncer(url);
  console.log(`pgbouncer (pool_mode = transaction) ready: ${bouncer.url}`);
  console.log('Ctrl-C to stop.');
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => bouncer.stop().then(() => process.exit(0)));
  setInterval(() => {}, 1 << 30);
}
