// admin-pg-native: the package's entry point. `binding.js` is the loader `napi build`
// generates (it finds this platform's `.node`, in this folder or in the platform package
// `admin-pg-native-<platform>`); lib/ is the thin JS layer over it (caller stacks on errors,
// the tracing channel, per-method figures and `stats()`, slow-call logs, `rawPool`). The classes are the native ones, wrapped in place, so
// `index.d.ts` (generated) describes exactly what is exported.
'use strict';

const { wrapBinding } = require('./lib/wrap.js');
const { hooks } = require('./lib/hooks.js');
const { loadBinding } = require('./lib/load.js');
const { installObservability } = require('./lib/observe.js');
const { installRawPool } = require('./lib/rawpool.js');

const binding = loadBinding();
// Before wrapping: it adds `stats()` and the transaction methods' JS side, wrapped with the rest.
installObservability(binding);
wrapBinding(binding, hooks);
installRawPool(binding);

// Kept in this literal shape: Node's CommonJS named-export detection (ESM `import { … }`)
// follows a `module.exports = require(…)` re-export.
module.exports = require('./binding.js');
