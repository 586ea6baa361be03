// pgbench: the wire floor. Runs a one-statement script (`-M prepared`, 1 client) and reads the
// per-transaction latencies from its log (`-l`): with one statement per transaction, that is
// the per-statement latency. `-r` gives pgbench's own per-statement average as a cross-check.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const name = 'pgbench';

/** Path of a pgbench binary, or null. */
export function findPgbench() {
  const candidates = ['/usr/lib/postgresql/15/bin/pgbench'];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'pgbench'));
  try {
    for (const v of fs.readdirSync('/usr/lib/postgresql')) candidates.push(`/usr/lib/postgresql/${v}/bin/pgbench`);
  } catch {}
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

/** pgbench's connection arguments and environment for `url`. */
function connection(url) {
  const u = new URL(url);
  const args = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password), PGSSLMODE: u.searchParams.get('sslmode') ?? process.env.PGSSLMODE ?? 'prefer', PGOPTIONS: u.searchParams.get('options') ?? process.env.PGOPTIONS ?? '' };
  return { args, env, database: decodeURIComponent(u.pathname.slice(1)) };
}

/**
 * Runs pgbench on `script` in a temp dir with a per-transaction log (`-l`), `args` before the
 * connection arguments. With one statement per transaction the log's latencies are the
 * per-statement latencies.
 * @returns {{ latenciesMs: number[], elapsedMs: number, stdout: string }}
 */
function run(bin, url, script, args) {
  const conn = connection(url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pgbench-'));
  try {
    const file = path.join(dir, 'stmt.sql');
    fs.writeFileSync(file, script);
    const all = ['-n', '-M', 'prepared', ...args, '-l', `--log-prefix=${path.join(dir, 'log')}`, '-f', file, ...conn.args, conn.database];
    const t0 = performance.now();
    const r = spawnSync(bin, all, { cwd: dir, env: conn.env, encoding: 'utf8' });
    const elapsedMs = performance.now() - t0;
    if (r.status !== 0) throw new Error(`pgbench failed (${r.status}): ${r.stderr || r.stdout}`);
    // log lines: client_id transaction_no time_us script_no time_epoch time_us
    const latenciesMs = [];
    for (const f of fs.readdirSync(dir).filter((f) => f.startsWith('log'))) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        const cols = line.trim().split(/\s+/);
        if (cols.length >= 3) latenciesMs.push(Number(cols[2]) / 1000);
      }
    }
    return { latenciesMs, elapsedMs, stdout: r.stdout };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `script` (SQL with pgbench :variables) for `transactions` transactions on 1 client.
 * @returns {{ latenciesMs: number[], elapsedMs: number, statementAvgMs: number | null, version: string }}
 */
export function runPgbench(bin, { url, script, vars = {}, transactions }) {
  const args = ['-c', '1', '-j', '1', '-t', String(transactions), '-r'];
  for (const [k, v] of Object.entries(vars)) args.push('-D', `${k}=${v}`);
  const { latenciesMs, elapsedMs, stdout } = run(bin, url, script, args);
  // "statement latencies in milliseconds…:\n         0.045           0  SELECT …"
  const m = /latencies in milliseconds[^\n]*\n\s*([\d.]+)/.exec(stdout);
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { latenciesMs, elapsedMs, statementAvgMs: m ? Number(m[1]) : null, version };
}

/**
 * Runs `script` on `clients` clients (one thread each, `-M prepared`) for `seconds` seconds.
 * @returns {{ latenciesMs: number[], elapsedMs: number, transactions: number }}
 */
export function runPgbenchClients(bin, { url, script, clients, seconds }) {
  const { latenciesMs, elapsedMs } = run(bin, url, script, ['-c', String(clients), '-j', String(clients), '-T', String(seconds)]);
  return { latenciesMs, elapsedMs, transactions: latenciesMs.length };
}
