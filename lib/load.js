// Loading the native addon, with an error that says what to do when no prebuilt matches.
'use strict';

/** The napi-rs platform package name for this process (`admin-pg-native-linux-x64-gnu`, …). */
function platformPackage() {
  const { platform, arch } = process;
  let abi = '';
  if (platform === 'linux') {
    const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
    abi = report && report.header && report.header.glibcVersionRuntime ? '-gnu' : '-musl';
  } else if (platform === 'win32') {
    abi = '-msvc';
  }
  return `admin-pg-native-${platform}-${arch}${abi}`;
}

function loadBinding() {
  try {
    return require('../binding.js');
  } catch (cause) {
    const pkg = platformPackage();
    const err = new Error(
      `admin-pg-native: no native addon for this platform (${process.platform}-${process.arch}). ` +
        `It looked for the prebuilt package \`${pkg}\` (installed by npm from optionalDependencies) ` +
        'and for a locally built `admin-pg-native.*.node`. Fixes: reinstall without ' +
        '`--no-optional`/`--omit=optional` (and delete the lockfile if it was made on another ' +
        'platform); or, on a platform with no prebuilt package, build from source: clone the ' +
        'repository, install Rust (https://rustup.rs), run `npm install` there (it builds the ' +
        'addon) and depend on that folder.',
      { cause },
    );
    err.code = 'ERR_ADMIN_PG_NATIVE_ADDON_MISSING';
    err.packageName = pkg;
    throw err;
  }
}

module.exports = { loadBinding, platformPackage };
