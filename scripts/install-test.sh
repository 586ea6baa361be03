#!/usr/bin/env bash
# Installs the package as a user would: `npm pack` of the main package and of the
# linux-x64-gnu platform package, a fresh app in a temp dir, `npm install` of both tarballs
# with lifecycle scripts ON and a PATH without cargo/rustc, then in that app: ESM named
# imports, the `admin-pg-native/prometheus` and `/otel` subpaths, CJS require, `tsc --noEmit`
# (skipLibCheck false, no @types/pg) and
# `npx admin-pg-native status`, each asserting results against $DATABASE_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
: "${DATABASE_URL:?set DATABASE_URL}"
NODE_FILE="admin-pg-native.linux-x64-gnu.node"
[[ -f "$NODE_FILE" ]] || { echo "no $NODE_FILE: run npm run build first" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp "$NODE_FILE" npm/linux-x64-gnu/
# The main package as the release publishes it: `napi prepublish` writes one
# optionalDependency per platform package (same version) into its package.json; stage a copy
# of the published files and do the same here (and drop `prepare`, as the release does).
STAGE="$WORK/stage"
mkdir -p "$STAGE"
cp -r package.json README.md index.js binding.js index.d.ts otel.js otel.d.ts prometheus.js prometheus.d.ts lib bin "$STAGE/"
node -e '
  const fs = require("fs"); const f = process.argv[1]; const p = JSON.parse(fs.readFileSync(f, "utf8"));
  const dirs = fs.readdirSync("npm");
  p.optionalDependencies = Object.fromEntries(dirs.map((d) => [`${p.napi.binaryName}-${d}`, p.version]));
  delete p.scripts.prepare; // the release publishes no lifecycle script (release.yml deletes it too)
  fs.writeFileSync(f, JSON.stringify(p, null, 2));' "$STAGE/package.json"
MAIN_TGZ="$(cd "$STAGE" && npm pack --silent --ignore-scripts --pack-destination "$WORK" | tail -n 1)"
PLAT_TGZ="$(cd npm/linux-x64-gnu && npm pack --silent --ignore-scripts --pack-destination "$WORK" | tail -n 1)"
rm -f "npm/linux-x64-gnu/$NODE_FILE"
echo "tarballs: $(du -h "$WORK/$MAIN_TGZ" | cut -f1) $MAIN_TGZ, $(du -h "$WORK/$PLAT_TGZ" | cut -f1) $PLAT_TGZ"
if tar -tzf "$WORK/$MAIN_TGZ" | grep -E '\.node$|scripts/install'; then
  echo "the main package must carry no .node file and no build script" >&2; exit 1
fi

APP="$WORK/app"
mkdir -p "$APP"
cd "$APP"
echo '{ "name": "fresh-app", "version": "1.0.0", "private": true }' > package.json
# A PATH with node and npm but no Rust toolchain.
SAFE_BIN="$WORK/bin"
mkdir -p "$SAFE_BIN"
ln -s "$(command -v node)" "$SAFE_BIN/node"
ln -s "$(command -v npm)" "$SAFE_BIN/npm"
ln -s "$(command -v npx)" "$SAFE_BIN/npx"
NOCARGO_PATH="$SAFE_BIN:/usr/bin:/bin"
if PATH="$NOCARGO_PATH" command -v cargo >/dev/null || PATH="$NOCARGO_PATH" command -v rustc >/dev/null; then
  echo "cargo/rustc still on the test PATH" >&2; exit 1
fi
START=$(date +%s%N)
PATH="$NOCARGO_PATH" npm install --no-audit --no-fund --foreground-scripts \
  "$WORK/$MAIN_TGZ" "$WORK/$PLAT_TGZ"

cat > esm.mjs <<'JS'
import { PostgresAdminStorage, ErrorCode } from 'admin-pg-native';
import { randomUUID } from 'node:crypto';
const s = new PostgresAdminStorage({ connectionString: process.env.DATABASE_URL, schemaName: 'install_test_esm' });
await s.init();
const u = await s.createUser({ id: randomUUID(), email: `${randomUUID()}@esm.test`, name: 'esm' });
const got = await s.getUser(u.id);
if (got.email !== u.email || !(got.createdAt instanceof Date)) throw new Error('ESM: wrong user back');
if (ErrorCode.NOT_FOUND !== 'ERR_ADMIN_PG_NOT_FOUND') throw new Error('ESM: ErrorCode');
await s.close();
console.log('esm ok');
JS
cat > subpaths.mjs <<'JS'
// The subpath exports: admin-pg-native/prometheus needs nothing more (a registry is given);
// admin-pg-native/otel needs the optional peer @opentelemetry/api, not installed here.
import { PostgresAdminStorage } from 'admin-pg-native';
import { collectStorageMetrics } from 'admin-pg-native/prometheus';
import { createRequire } from 'node:module';
const metrics = [];
const s = new PostgresAdminStorage({ connectionString: process.env.DATABASE_URL, schemaName: 'install_test_esm' });
await s.getUser('00000000-0000-0000-0000-000000000000');
collectStorageMetrics(s, { registry: { registerMetric: (m) => metrics.push(m), removeSingleMetric() {} } });
const calls = (await Promise.all(metrics.map((m) => m.get()))).find((m) => m.name === 'admin_pg_native_call_duration_seconds');
if (!calls.values.some((v) => v.labels.method === 'getUser')) throw new Error('prometheus: no getUser histogram');
let otelErr = null;
try { createRequire(import.meta.url)('admin-pg-native/otel'); } catch (e) { otelErr = e; }
if (!otelErr || otelErr.code !== 'ERR_ADMIN_PG_CONFIG' || !/@opentelemetry\/api/.test(otelErr.message)) throw new Error('otel without @opentelemetry/api');
await s.close();
console.log('subpaths ok');
JS
cat > cjs.cjs <<'JS'
const { PostgresAdminStorage, ErrorCode } = require('admin-pg-native');
(async () => {
  const s = new PostgresAdminStorage({ connectionString: process.env.DATABASE_URL, schemaName: 'install_test_cjs' });
  await s.init();
  const err = await s.getUser('00000000-0000-0000-0000-000000000000').then(() => null, (e) => e);
  const none = await s.users.getUserById('00000000-0000-0000-0000-000000000000');
  if (none !== null) throw new Error('CJS: expected null');
  // `pg` (an optional peer dependency) is not installed in this app: rawPool says to install it.
  let rawErr = null;
  try { s.rawPool; } catch (e) { rawErr = e; }
  if (!rawErr || rawErr.code !== 'ERR_ADMIN_PG_CONFIG' || !/npm install pg/.test(rawErr.message)) throw new Error('CJS: rawPool without pg');
  await s.close();
  console.log('cjs ok', err ? err.code : 'null', ErrorCode.CLOSED);
})().catch((e) => { console.error(e); process.exit(1); });
JS
cat > app.ts <<'TS'
import { PostgresAdminStorage, type User, type StorageStats } from 'admin-pg-native';
import type { AdminPgNativeInstrumentation } from 'admin-pg-native/otel';
import { collectStorageMetrics } from 'admin-pg-native/prometheus';
async function observe(storage: PostgresAdminStorage, otel: AdminPgNativeInstrumentation): Promise<StorageStats> {
  otel.disable();
  collectStorageMetrics(storage, { registry: { registerMetric() {}, removeSingleMetric() {} } });
  return storage.stats();
}
void observe;
async function main(): Promise<User | null> {
  const storage = new PostgresAdminStorage({ connectionString: process.env.DATABASE_URL ?? '' });
  await storage.init();
  const u: User = await storage.createUser({ email: 'ts@example.test', name: 'ts' });
  await storage.updateUser(u.id, { name: 'renamed' });
  const again = await storage.getUserByEmail('ts@example.test');
  await storage.close();
  return again;
}
void main;
TS
# Node's own typings (any Node app has them) from the repository; nothing else, no @types/pg.
cat > tsconfig.json <<JSON
{ "compilerOptions": { "strict": true, "noEmit": true, "skipLibCheck": false, "module": "nodenext",
  "moduleResolution": "nodenext", "target": "es2022", "typeRoots": ["$ROOT/node_modules/@types"],
  "types": ["node"] }, "files": ["app.ts"] }
JSON
OUT="$(PATH="$NOCARGO_PATH" node esm.mjs)"
END=$(date +%s%N)
[[ "$OUT" == "esm ok" ]] || { echo "ESM failed: $OUT" >&2; exit 1; }
echo "npm install of the tarballs → first query done: $(( (END - START) / 1000000 )) ms"
OUT="$(PATH="$NOCARGO_PATH" node subpaths.mjs)"
[[ "$OUT" == "subpaths ok" ]] || { echo "subpath exports failed: $OUT" >&2; exit 1; }
echo "$OUT"
OUT="$(PATH="$NOCARGO_PATH" node cjs.cjs)"
[[ "$OUT" == cjs\ ok* ]] || { echo "CJS failed: $OUT" >&2; exit 1; }
echo "$OUT"
[[ ! -d node_modules/@types/pg ]] || { echo "@types/pg must not be installed here" >&2; exit 1; }
"$ROOT/node_modules/.bin/tsc" -p tsconfig.json
echo "tsc ok"
set +e
OUT="$(PATH="$NOCARGO_PATH" npx --no admin-pg-native status --url "$DATABASE_URL" --schema install_test_esm)"
RC=$?
set -e
echo "$OUT"
[[ $RC -eq 0 && "$OUT" == *"pending: -"* ]] || { echo "CLI status failed (rc $RC)" >&2; exit 1; }
psql "$DATABASE_URL" -qc 'DROP SCHEMA IF EXISTS install_test_esm CASCADE; DROP SCHEMA IF EXISTS install_test_cjs CASCADE' >/dev/null 2>&1 || true
echo "install test: 1 passed, 0 failed"
