// WORKFLOW_STACK_TRACES=off (issue 23; docs/decisions.md "The SDK's promise stack traces: a switch,
// on by default"). Preloaded into every thread of the worker process (`node --require` this file;
// npm run worker, the local stack and the image's worker all do), because the Temporal SDK runs the
// workflows in worker threads of its own and nothing else reaches into them.
//
// The SDK records a source-mapped stack trace for every promise a workflow creates, with a V8
// promise hook, to answer the `__stack_trace` query (the Temporal UI's "Stack Trace" tab). Measured
// here: 76 of the 170 KiB of heap an open complaint keeps and 29 % of the workflow thread's CPU
// (docs/benchmarks.md). With `off`, the SDK's workflow threads are refused the hook; the SDK treats
// stack traces as optional (it warns once per thread and the query answers that they are off).
'use strict';
const { isMainThread } = require('node:worker_threads');
const v8 = require('node:v8');

const off = process.env.WORKFLOW_STACK_TRACES === 'off';
if (off && !isMainThread && v8.promiseHooks) {
  v8.promiseHooks.createHook = () => {
    throw new Error('WORKFLOW_STACK_TRACES=off: promise stack traces are not recorded');
  };
}
// Read by worker/worker.ts at start: `off` without this preload would silently keep the traces.
globalThis[Symbol.for('closedloop.promiseStackTraces')] = off ? 'off' : 'on';
