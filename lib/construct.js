// Seeing each instance of an exported class as it is constructed, with its config (the native
// side keeps the config out of reach of JS): the class is replaced by a Proxy, once, whose
// construct trap runs the listeners: `before(args)` may throw (a config error of a key the
// JS layer handles), `after(instance, args)` remembers what it needs.
'use strict';

const listeners = new Map(); // class name → [{ before?, after? }]

/** Call `listener.before(args)` / `listener.after(instance, args)` around every `new binding[className](…)`. */
function onConstruct(binding, className, listener) {
  let list = listeners.get(className);
  if (!list) {
    list = [];
    listeners.set(className, list);
    const Native = binding[className];
    const proxy = new Proxy(Native, {
      construct(target, args, newTarget) {
        for (const l of list) l.before?.(args);
        const instance = Reflect.construct(target, args, newTarget === proxy ? target : newTarget);
        for (const l of list) l.after?.(instance, args);
        return instance;
      },
    });
    binding[className] = proxy;
  }
  list.push(listener);
}

module.exports = { onConstruct };
