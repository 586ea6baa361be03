// Shared pieces of the reliability suite: private embedded servers (which the fault tests stop,
// restart and kill without disturbing other files), the addon's classes, child scripts, and
// bounded waiting.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
// @ts-ignore -- a plain .mjs shared with the demo and CI (no .d.ts); typed just below
import { startEmbeddedPostgres as startUntyped } from '../../scripts/embedded-pg.mjs';
import type * as Addon from '../../index.js';

export type ShutdownMode = 'smart' | 'fast' | 'immediate';

/** A PostgreSQL server of this test file's own (see scripts/embedded-pg.mjs). */
export interface EmbeddedServer {
  url: string;
  port: number;
  user: string;
  password: string;
  dataDir: string;
  isRunning(): boolean;
  /** Stops it like `pg_ctl stop -m <mode>`, keeping the data; resolves once it has exited. */
  shutdown(mode?: ShutdownMode): Promise<void>;
  /** Starts it again on the same data and port. */
  start(): Promise<void>;
  restart(mode?: ShutdownMode): Promise<void>;
  /** Stops it for good and deletes its data. */
  stop(): Promise<void>;
}

export const startEmbeddedPostgres: (options?: {
  port?: number;
  password?: string;
  tls?: { cert: string; key: string };
  postgresFlags?: string[];
}) => Promise<EmbeddedServer> = startUntyped;

/** The addon (loaded on first use, like helpers.ts does). */
export function addon(): typeof Addon {
  return createRequire(__filename)('../../index.js') as typeof Addon;
}

/** Absolute path of the addon's entry point, for child scripts. */
export const addonPath = path.resolve(__dirname, '../../index.js');

/** Writes a child script into a fresh temp dir; returns its path. */
export function writeScript(name: string, source: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'admin-pg-reliability-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, source);
  return file;
}

/** How a promise ended, or that it had not ended after `ms`. */
export type Outcome<T> =
  | { status: 'fulfilled'; value: T; ms: number }
  | { status: 'rejected'; error: any; ms: number }
  | { status: 'pending'; ms: number };

/** Waits for `p` at most `ms`; never rejects. */
export async function settle<T>(p: Promise<T>, ms: number): Promise<Outcome<T>> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((r) => (timer = setTimeout(() => r('pending'), ms)));
  try {
    const r = await Promise.race([
      p.then(
        (value) => ({ status: 'fulfilled' as const, value }),
        (error) => ({ status: 'rejected' as const, error }),
      ),
      pending,
    ]);
    const elapsed = performance.now() - t0;
    return r === 'pending' ? { status: 'pending', ms: elapsed } : { ...r, ms: elapsed };
  } finally {
    clearTimeout(timer);
  }
}

/** `code` of a thrown value, if any. */
export function codeOf(e: unknown): string | undefined {
  return e && typeof e === 'object' && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Prints a figure of the suite (kept in the test output for the report). */
export function figure(name: string, value: unknown): void {
  console.log(`[reliability] ${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}
