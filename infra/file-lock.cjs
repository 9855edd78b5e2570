// One process at a time for a machine-wide step (installing a browser, building the console): a
// lock file created with O_EXCL; a lock older than `staleMs` belongs to a process that died.
// Plain CommonJS with no dependencies (it runs before `npm ci` may have finished).
'use strict';
const { closeSync, openSync, statSync, unlinkSync } = require('node:fs');
const { execFileSync } = require('node:child_process');

function withFileLock(lock, { waitMs, staleMs, pollSeconds = 1 }, fn) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > staleMs) unlinkSync(lock);
      } catch {
        /* gone already */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      execFileSync('sleep', [String(pollSeconds)]);
    }
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      /* removed already */
    }
  }
}

module.exports = { withFileLock };
