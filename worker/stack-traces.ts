// WORKFLOW_STACK_TRACES (issue 23): whether the Temporal SDK records a stack trace for every
// workflow promise. The switch itself is the preload worker/promise-stack-traces.cjs (it must run in
// the SDK's workflow threads before the SDK does); this checks at start that it was loaded.
import { ConfigError } from '../platform/config';

const MARK = Symbol.for('closedloop.promiseStackTraces');

/** What the preload set up in this process ('on' / 'off'), or undefined when it was not loaded. */
export function promiseStackTraces(): 'on' | 'off' | undefined {
  const state = (globalThis as Record<symbol, unknown>)[MARK];
  return state === 'on' || state === 'off' ? state : undefined;
}

/** Throws when the setting asks for `off` and the preload that does it did not run. */
export function checkStackTraceSetting(wanted: 'on' | 'off', loaded = promiseStackTraces()): void {
  if (wanted === 'off' && loaded !== 'off')
    throw new ConfigError(
      'WORKFLOW_STACK_TRACES=off needs the worker started with `node --require ' +
        './worker/promise-stack-traces.cjs` (npm run worker, the local stack and the image do): ' +
        'without it the workflow threads would go on recording them',
    );
}
