// How the worker bundles the workflow code (issue 9, memory).
//
// The SDK runs every cached workflow in one reusable V8 context but evaluates the bundle's modules
// again for each workflow, except the `preloadModules`, which it loads once, before the first
// workflow, and shares. Preloading the workflows' entry (and so every product workflow module and
// `@temporalio/workflow` itself) took a sleeping workflow bundled with them from 361 to 240 KiB of
// worker RSS per cached workflow (`npm run bench:memory -- --n 2000 --ceilings-only`).
//
// Shared modules must hold no per-workflow state: no module-level `let`, no mutable collection, no
// workflow API called at module scope (the SDK looks the running workflow up at call time, which is
// what `proxyActivities`, `defineUpdate` and the like at module scope rely on). The policy
// constants are deep-frozen (`domain/policy/frozen.ts`); test/unit/workflow-bundle.test.ts
// checks every workflow module for the rest.
import type { BundleOptions } from '@temporalio/worker';

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** Absolute paths of the workflow modules every workflow shares (see above). */
export const SHARED_WORKFLOW_MODULES: string[] = [WORKFLOWS_PATH];

export function workflowBundleOptions(): BundleOptions {
  return { workflowsPath: WORKFLOWS_PATH, preloadModules: SHARED_WORKFLOW_MODULES };
}
