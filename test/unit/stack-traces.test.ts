// WORKFLOW_STACK_TRACES (issue 23): `off` is refused at start unless the preload that does it ran.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../platform/config';
import { checkStackTraceSetting } from '../../worker/stack-traces';

const BASE = {
  SUPERVISOR_EMAILS: 'sup@example.com',
  TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
  TWILIO_AUTH_TOKEN: 'secret-token',
  TWILIO_FROM_NUMBER: '+8610086000',
  PAYLOAD_KEYS: JSON.stringify({ k1: Buffer.alloc(32, 7).toString('base64') }),
  PAYLOAD_KEY_ID: 'k1',
};
const PRELOAD = path.resolve(__dirname, '../../worker/promise-stack-traces.cjs');

describe('S10 workflow stack traces can be turned off', () => {
  it('S10 on by default; off without the preload is a start-up error naming what to do', () => {
    expect(loadConfig(BASE).WORKFLOW_STACK_TRACES).toBe('on');
    expect(() => checkStackTraceSetting('on', undefined)).not.toThrow();
    expect(() => checkStackTraceSetting('off', undefined)).toThrow(
      /WORKFLOW_STACK_TRACES=off needs the worker started with `node --require .*promise-stack-traces\.cjs`/,
    );
    expect(() => checkStackTraceSetting('off', 'on')).toThrow(/WORKFLOW_STACK_TRACES=off/);
    expect(() => checkStackTraceSetting('off', 'off')).not.toThrow();
    expect(() => loadConfig({ ...BASE, WORKFLOW_STACK_TRACES: 'no' })).toThrow(/WORKFLOW_STACK_TRACES/);
  });

  it('S10 the preload refuses the promise hook in worker threads only, and only when off', () => {
    // A worker thread of a process started with the preload: can it install a promise hook?
    const probe = `
      const { Worker } = require('node:worker_threads');
      const w = new Worker("const v8 = require('node:v8'); const { parentPort } = require('node:worker_threads');" +
        "try { v8.promiseHooks.createHook({ init() {} })(); parentPort.postMessage('hook'); }" +
        "catch (e) { parentPort.postMessage('refused: ' + e.message); }", { eval: true });
      w.on('message', (m) => { console.log(JSON.stringify({ thread: m, main: globalThis[Symbol.for('closedloop.promiseStackTraces')] })); w.terminate(); });`;
    const run = (value: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--require', PRELOAD, '-e', probe], {
          env: { ...process.env, WORKFLOW_STACK_TRACES: value },
          encoding: 'utf8',
        }),
      ) as { thread: string; main: string };
    expect(run('off')).toEqual({
      thread: 'refused: WORKFLOW_STACK_TRACES=off: promise stack traces are not recorded',
      main: 'off',
    });
    expect(run('on')).toEqual({ thread: 'hook', main: 'on' });
  });
});
