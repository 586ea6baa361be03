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

/**
 * Runs `script` (SQL with pgbench :variables) for `transactions` transactions on 1 client.
 * @returns {{ latenciesMs: number[], elapsedMs: number, statementAvgMs: number | null, version: string }}
 */
export function runPgbench(bin, { url, script, vars = {}, transactions }) {
  const u = new URL(url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pgbench-'));
  try {
    const file = path.join(dir, 'stmt.sql');
    fs.writeFileSync(file, script);
    const args = ['-n', '-M', 'prepared', '-c', '1', '-j', '1', '-t', String(transactions), '-r', '-l',
      `--log-prefix=${path.join(dir, 'log')}`, '-f', file,
      '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
    for (const [k, v] of Object.entries(vars)) args.push('-D', `${k}=${v}`);
    args.push(decodeURIComponent(u.pathname.slice(1)));
    const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password), PGSSLMODE: u.searchParams.get('sslmode') ?? process.env.PGSSLMODE ?? 'prefer', PGOPTIONS: u.searchParams.get('options') ?? process.env.PGOPTIONS ?? '' };
    const t0 = performance.now();
    const r = spawnSync(bin, args, { cwd: dir, env, encoding: 'utf8' });
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
    // "statement latencies in milliseconds…:\n         0.045           0  SELECT …"
    const m = /latencies in milliseconds[^\n]*\n\s*([\d.]+)/.exec(r.stdout);
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim();
    return { latenciesMs, elapsedMs, statementAvgMs: m ? Number(m[1]) : null, version };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `script` on `clients` clients (one thread each, `-M prepared`) for `seconds` seconds.
 * @returns {{ latenciesMs: number[], elapsedMs: number, transactions: number }}
 */
export function runPgbenchClients(bin, { url, script, clients, seconds }) {
  const u = new URL(url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pgbench-'));
  try {
    const file = path.join(dir, 'stmt.sql');
    fs.writeFileSync(file, script);
    const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', String(clients), '-T', String(seconds), '-l',
      `--log-prefix=${path.join(dir, 'log')}`, '-f', file,
      '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), decodeURIComponent(u.pathname.slice(1))];
    const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password), PGSSLMODE: u.searchParams.get('sslmode') ?? process.env.PGSSLMODE ?? 'prefer', PGOPTIONS: u.searchParams.get('options') ?? process.env.PGOPTIONS ?? '' };
    const t0 = performance.now();
    const r = spawnSync(bin, args, { cwd: dir, env, encoding: 'utf8' });
    const elapsedMs = performance.now() - t0;
    if (r.status !== 0) throw new Error(`pgbench failed (${r.status}): ${r.stderr || r.stdout}`);
    const latenciesMs = [];
    for (const f of fs.readdirSync(dir).filter((f) => f.startsWith('log'))) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        const cols = line.trim().split(/\s+/);
        if (cols.length >= 3) latenciesMs.push(Number(cols[2]) / 1000);
      }
    }
    return { latenciesMs, elapsedMs, transactions: latenciesMs.length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
