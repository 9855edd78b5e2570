// Builds the web console (console/ → console/dist, served by the API at /console) when it is
// missing or older than its sources, so that `npm run dev` and the browser tests always serve
// the current one. Plain CommonJS with no dependencies beyond the installed devDependencies.
//   node infra/ensure-console.cjs           build when stale
//   node infra/ensure-console.cjs --force   build anyway
'use strict';
const { existsSync, readdirSync, statSync, mkdirSync, rmSync, renameSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { withFileLock } = require('./file-lock.cjs');

const root = path.resolve(__dirname, '..');
const consoleDir = path.join(root, 'console');
const dist = path.join(consoleDir, 'dist');
const builtMarker = path.join(dist, 'index.html');

function newestMtime(p) {
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

function inputsMtime() {
  const inputs = ['index.html', 'vite.config.mts', 'tsconfig.json', 'src'].map((f) =>
    path.join(consoleDir, f),
  );
  inputs.push(path.join(root, 'package-lock.json'));
  return Math.max(...inputs.filter((p) => existsSync(p)).map(newestMtime));
}

function isStale() {
  return !existsSync(builtMarker) || statSync(builtMarker).mtimeMs < inputsMtime();
}

function withLock(fn) {
  return withFileLock(path.join(consoleDir, '.build.lock'), { waitMs: 5 * 60_000, staleMs: 5 * 60_000 }, fn);
}

/** Type-checks, then builds into a fresh folder and swaps it in (a running API never sees half a build). */
function build() {
  const started = Date.now();
  console.log('[closedloop] building the console (console/ → console/dist) …');
  const bin = (pkg, file) =>
    path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [root] })), file);
  execFileSync(
    process.execPath,
    [bin('typescript', 'bin/tsc'), '--noEmit', '-p', path.join(consoleDir, 'tsconfig.json')],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  const tmp = path.join(consoleDir, `dist.tmp-${process.pid}`);
  mkdirSync(tmp, { recursive: true });
  try {
    execFileSync(
      process.execPath,
      [bin('vite', 'bin/vite.js'), 'build', consoleDir, '--outDir', tmp, '--logLevel', 'warn'],
      {
        cwd: root,
        stdio: 'inherit',
        // Jest sets NODE_ENV=test, which would make Vite bundle React's development build.
        env: { ...process.env, NODE_ENV: 'production', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
      },
    );
    rmSync(dist, { recursive: true, force: true });
    renameSync(tmp, dist);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`[closedloop] console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function ensureConsole(force = false) {
  if (force || isStale()) withLock(() => (force || isStale()) && build());
  return dist;
}

module.exports = { ensureConsole, isStale };

if (require.main === module) {
  try {
    ensureConsole(process.argv.includes('--force'));
  } catch (err) {
    console.error(`console build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
