// admin-pg-native: the package's entry point. `binding.js` is the loader `napi build`
// generates (it finds this platform's `.node`, in this folder or in the platform package
// `admin-pg-native-<platform>`); lib/ is the thin JS layer over it (caller stacks on errors,
// instrumentation hooks). The classes are the native ones, wrapped in place, so
// `index.d.ts` (generated) describes exactly what is exported.
'use strict';

const { wrapBinding } = require('./lib/wrap.js');
const { hooks } = require('./lib/hooks.js');
const { loadBinding } = require('./lib/load.js');
const { installRawPool } = require('./lib/rawpool.js');

const binding = loadBinding();
wrapBinding(binding, hooks);
installRawPool(binding);

// Kept in this literal shape: Node's CommonJS named-export detection (ESM `import { … }`)
// follows a `module.exports = require(…)` re-export.
module.exports = require('./binding.js');
