// `npm run dev` (as `exec node infra/dev.cjs`, so that npm's child is this process and not a shell):
// installs what is missing, builds the console when stale, then runs the stack (infra/stack/dev.ts)
// and passes SIGINT, SIGTERM and SIGHUP on to it. Without this, `npm run dev &` from a script could
// not be stopped: a background job's shell ignores SIGINT, npm passes signals only to its own
// child, and a `sh -c "a && b && tsx …"` child neither forwards them nor dies with its children.
// Plain CommonJS with no dependencies: it runs before anything is installed.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
for (const step of ['ensure-deps.cjs', 'ensure-console.cjs']) {
  const r = spawnSync(process.execPath, [path.join(__dirname, step)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// tsx as a loader in the stack's own process, not its CLI: the CLI is one more process that relays
// signals and exits on a repeated one, before the stack has stopped.
const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'stack', 'dev.ts')], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(signal, () => {
    // The stack stops itself in order (dev.ts); a second signal there forces it.
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
child.on('exit', (code, signal) =>
  process.exit(code ?? 128 + ((signal && require('node:os').constants.signals[signal]) || 0)),
);
