// The package's `install` lifecycle script: build the native addon from source when Rust is
// available; otherwise accept an already-present prebuilt `*.node`.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const say = (msg) => console.error(`[admin-pg-native] ${msg}`);
const isWindows = process.platform === 'win32';

if (process.env.ADMIN_PG_SKIP_BUILD) {
  say('ADMIN_PG_SKIP_BUILD is set: skipping the native build.');
  process.exit(0);
}

const hasCargo = !spawnSync('cargo', ['--version'], { stdio: 'ignore', shell: isWindows }).error;
const hasPrebuilt = fs.readdirSync(root).some((f) => f.endsWith('.node'));
let hasNapiCli = true;
try {
  require.resolve('@napi-rs/cli/package.json', { paths: [root] });
} catch {
  hasNapiCli = false;
}

if (hasCargo && hasNapiCli) {
  say('building the native addon (release)...');
  // `--no`: use the local @napi-rs/cli, never fetch the unrelated `napi` package from the registry.
  const args = ['--no', 'napi', 'build', '--platform', '--release', '--js', 'index.js', '--dts', 'index.d.ts'];
  const result = spawnSync('npx', args, { cwd: root, stdio: 'inherit', shell: isWindows });
  if (result.error) say(`could not run npx: ${result.error.message}`);
  process.exit(result.status ?? 1);
}

if (hasPrebuilt) {
  say(`${hasCargo ? '@napi-rs/cli is not installed' : 'cargo not found'}: using the prebuilt *.node file.`);
  process.exit(0);
}

say(
  hasCargo
    ? 'cannot build: @napi-rs/cli (a devDependency) is not installed and no prebuilt *.node file exists.'
    : 'cannot build: `cargo` was not found on PATH and no prebuilt *.node file exists.\n' +
        '  Install Rust (https://rustup.rs) and reinstall, or set ADMIN_PG_SKIP_BUILD=1 to skip the build.',
);
process.exit(1);
