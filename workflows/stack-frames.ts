// How many stack frames a workflow's errors and promises record (issue 23 item 2).
//
// The Temporal SDK keeps, for every pending promise of every cached workflow, the stack where it was
// created (for the `__stack_trace` query, the Temporal UI's "Stack Trace" tab), each frame mapped
// through the bundle's source map when the promise is made. With V8's default of 10 frames most of
// them are the SDK's own (`condition` → `CancellationScope` → `AsyncLocalStorage.run` …). Five
// frames, of which the SDK's hook takes two, still name where each complaint waits (`clocks.ts`,
// `escalation.ts`, `hot.ts`, `workflow.ts` lines); they cut the V8 heap an open complaint keeps from
// 171 to 144 KiB and halve the source-map lookups per promise (`npm run bench:workflow-heap`,
// docs/benchmarks.md). The limit also shortens the stacks of errors raised in workflow code.
// Set by workflows/index.ts when the worker loads the bundle, before any workflow runs; it changes no
// decision, so replay is unaffected. (Not set here: tests import the figure without the effect.)
export const WORKFLOW_STACK_FRAMES = 5;
