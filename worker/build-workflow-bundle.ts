// `npm run build:workflows [out]`: bundles the workflow code once (issue 23 item 3), for the deploy
// image (WORKFLOW_BUNDLE_PATH) and for `npm run dev`, whose workers use it while the sources are
// unchanged (worker/workflow-bundle.ts). Writes <out> (default dist/workflow-bundle.js) and
// <out minus .js>.manifest.json, each through a temporary file and a rename, so that a worker
// starting meanwhile reads the old or the new bundle, never half of one.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import {
  manifestPathOf,
  workflowBundleOptions,
  workflowSourcesDigest,
  type BundleManifest,
} from './workflow-bundle';

export const DEFAULT_BUNDLE_PATH = path.resolve(__dirname, '..', 'dist', 'workflow-bundle.js');

function writeAtomically(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

export async function buildWorkflowBundle(out = DEFAULT_BUNDLE_PATH): Promise<BundleManifest> {
  const sources = workflowSourcesDigest();
  if (!sources) throw new Error('no workflow sources found next to worker/ (run it from a checkout)');
  const { code } = await bundleWorkflowCode({
    ...workflowBundleOptions(),
    logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
  });
  mkdirSync(path.dirname(out), { recursive: true });
  const manifest: BundleManifest = {
    sources,
    builtAt: new Date().toISOString(),
    bytes: Buffer.byteLength(code),
  };
  writeAtomically(out, code);
  writeAtomically(manifestPathOf(out), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (require.main === module) {
  const out = path.resolve(process.argv[2] ?? DEFAULT_BUNDLE_PATH);
  const started = Date.now();
  buildWorkflowBundle(out).then(
    (m) =>
      console.log(
        `workflow bundle: ${out} (${(m.bytes / 1024).toFixed(0)} KiB, sources ${m.sources.slice(0, 12)}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      ),
    (err: unknown) => {
      console.error('build:workflows failed:', err);
      process.exit(1);
    },
  );
}
