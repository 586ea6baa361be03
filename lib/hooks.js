// The one place instrumentation plugs into every call (lib/wrap.js asks `hooks.active`
// once per call; while it is false a call costs nothing more).
'use strict';

const hooks = {
  /** True while anything (a tracing subscriber, a slow-call logger, …) wants calls. */
  active: false,
  /** Run `fn.apply(self, args)` for `className.name`; replaced while `active`. */
  call(className, name, fn, self, args) {
    return fn.apply(self, args);
  },
};

module.exports = { hooks };
