// Makes sure Debian's Chromium (and a CJK font, so zh-CN pages render in screenshots) is installed
// for the console's browser tests (issue #10). Playwright's own browser download cannot work on
// machines that reach only the package registries, so the tests drive /usr/bin/chromium through
// playwright-core. Plain CommonJS with no dependencies; safe to run again (it does nothing then).
//   node infra/ensure-chromium.cjs        installs when missing, prints the browser's path
'use strict';
const { existsSync, mkdirSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { withFileLock } = require('./file-lock.cjs');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PACKAGES = ['chromium', 'fonts-wqy-microhei'];
const CJK_FONT = '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc';

function missing() {
  return !existsSync(CHROMIUM) || !existsSync(CJK_FONT);
}

/** One installer at a time on this machine (two test runs at once install once). */
function withLock(fn) {
  const dir = path.join(os.homedir(), '.cache', 'closedloop');
  mkdirSync(dir, { recursive: true });
  return withFileLock(
    path.join(dir, 'chromium.lock'),
    { waitMs: 15 * 60_000, staleMs: 20 * 60_000, pollSeconds: 2 },
    fn,
  );
}

function install() {
  if (process.getuid && process.getuid() !== 0 && !existsSync('/usr/bin/sudo'))
    throw new Error(`Chromium is missing: install it with: sudo apt-get install -y ${PACKAGES.join(' ')}`);
  const sudo = process.getuid && process.getuid() !== 0 ? ['sudo'] : [];
  const run = (args) => {
    const [cmd, ...rest] = [...sudo, ...args];
    execFileSync(cmd, rest, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 15 * 60_000,
    });
  };
  const started = Date.now();
  console.log(`[closedloop] installing ${PACKAGES.join(', ')} from Debian (browser tests of the console) …`);
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...PACKAGES]);
  console.log(`[closedloop] installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function ensureChromium() {
  if (missing()) withLock(() => missing() && install());
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is still missing after the install`);
  return CHROMIUM;
}

module.exports = { ensureChromium, CHROMIUM };

if (require.main === module) {
  try {
    console.log(ensureChromium());
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
