// The JS layer over the native binding: every Promise-returning method of every exported
// class is wrapped once, at load time, so that
//   - a rejected call's error carries the caller's stack (V8's async stack frames: the
//     error is re-stamped inside an async function that awaited the native Promise, so
//     `error.stack` names the caller's `await` sites; nothing is captured on success), and
//   - instrumentation (lib/hooks.js: tracing channel, per-method figures, slow-call log)
//     sees every call through one place.
// Accessors (getters such as `storage.users`, `storage.db`) and synchronous methods pass
// through untouched.
'use strict';

const WRAPPED = Symbol.for('admin-pg-native.wrapped');

/**
 * Re-stamp a rejected call's error with the stack of the `await` chain that led to it (frames
 * from `above` up, our own rejection handler, left out).
 */
function restack(error, above = restack) {
  if (error !== null && typeof error === 'object' && Error.captureStackTrace) {
    // The native error's own stack is only `Error: <message>` (it was made on the settle
    // path, with no JS frame of the caller); here V8 knows the awaiting async callers.
    Error.captureStackTrace(error, above);
  }
  return error;
}

function rethrow(error) {
  throw restack(error, rethrow);
}

/**
 * The native Promise, its rejection re-stamped. A `then` with a shared handler, not an async
 * function: V8 follows the derived promise to the caller's `await` all the same, and a call in
 * flight holds one promise and one reaction instead of an async function's frame (with 64 in
 * flight that halved how far V8 grows its young generation over a million calls).
 */
function settle(promise) {
  return promise.then(undefined, rethrow);
}

/**
 * The wrapper of one native method: `hooks.call(meta, fn, self, args)` runs it (and settles a
 * Promise through `settle`); `meta` (table, operation, …) is looked up once, here.
 */
function wrapMethod(className, name, fn, hooks) {
  const meta = hooks.describe(className, name);
  const wrapped = {
    [name](...args) {
      return hooks.call(meta, fn, this, args);
    },
  }[name];
  Object.defineProperty(wrapped, WRAPPED, { value: fn });
  return wrapped;
}

/** Wrap every method of every class the binding exports (once per process). */
function wrapBinding(binding, hooks) {
  const classes = [];
  for (const [className, value] of Object.entries(binding)) {
    if (typeof value !== 'function' || !value.prototype) continue;
    const proto = value.prototype;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor') continue;
      const desc = Object.getOwnPropertyDescriptor(proto, name);
      if (!desc || typeof desc.value !== 'function' || desc.value[WRAPPED]) continue;
      Object.defineProperty(proto, name, { ...desc, value: wrapMethod(className, name, desc.value, hooks) });
    }
    classes.push(className);
  }
  return classes;
}

module.exports = { wrapBinding, restack, settle, WRAPPED };
