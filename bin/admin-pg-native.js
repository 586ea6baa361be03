#!/usr/bin/env node
// `npx admin-pg-native migrate|status [--schema s] [--url postgres://…]`
// Exit codes: 0 done / up to date, 1 error, 2 usage, 3 (status) migrations pending.
'use strict';
const path = require('node:path');

const USAGE = `usage: admin-pg-native <migrate|status> [--schema <name>] [--url <postgres url>]
  migrate   apply pending migrations (what init() does), print each applied one with its time
  status    print applied and pending versions; exit 3 when some are pending
The URL defaults to $DATABASE_URL, the schema to mastra_admin.`;

function parseArgs(argv) {
  const args = { command: undefined, schema: undefined, url: process.env.DATABASE_URL };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--schema' || a === '--url') {
      const v = argv[++i];
      if (!v) return null;
      args[a.slice(2)] = v;
    } else if (a.startsWith('--schema=')) args.schema = a.slice(9);
    else if (a.startsWith('--url=')) args.url = a.slice(6);
    else if (a === '-h' || a === '--help') return null;
    else if (!args.command) args.command = a;
    else return null;
  }
  return ['migrate', 'status'].includes(args.command) ? args : null;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    console.error(USAGE);
    return 2;
  }
  if (!args.url) {
    console.error('admin-pg-native: no database: pass --url or set DATABASE_URL');
    return 2;
  }
  const { PostgresAdminStorage } = require(path.join(__dirname, '..', 'index.js'));
  let storage;
  try {
    storage = new PostgresAdminStorage({ connectionString: args.url, ...(args.schema ? { schemaName: args.schema } : {}) });
    const before = await storage.migrationStatus();
    if (args.command === 'migrate') {
      const started = performance.now();
      // One transaction: the migrations are printed once it has committed, each with its time.
      const applied = await storage.migrate();
      for (const m of applied) {
        console.log(`applied ${String(m.version).padStart(4, '0')}_${m.name} in ${m.durationMs.toFixed(1)} ms`);
      }
      const after = await storage.migrationStatus();
      const took = (performance.now() - started).toFixed(0);
      console.log(`schema ${storage.schemaName}: applied ${applied.length ? applied.map((m) => m.version).join(', ') : 'nothing (up to date)'}; now at ${after.applied.join(', ')} (${took} ms)`);
      return 0;
    }
    console.log(`schema ${storage.schemaName}`);
    console.log(`applied: ${before.applied.join(', ') || '-'}`);
    console.log(`pending: ${before.pending.join(', ') || '-'}`);
    return before.pending.length ? 3 : 0;
  } catch (err) {
    console.error(`admin-pg-native: ${err.code ?? 'error'}: ${err.message}`);
    return 1;
  } finally {
    if (storage) await storage.close().catch(() => {});
  }
}

main().then((code) => {
  process.exitCode = code;
});
