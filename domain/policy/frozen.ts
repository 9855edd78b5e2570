// Deep-freezes a module's constant data. The policy modules are shared by every workflow the worker
// caches (worker/workflow-bundle.ts): a workflow that changed one of their objects in place would
// change it for all the others, so any such write must throw (modules are strict mode) instead.

export function frozen<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) frozen(v);
  }
  return value;
}
