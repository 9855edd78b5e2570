// How the worker bundles the workflow code (issue 9, memory; issue 23, start-up time).
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
//
// Prebuilt bundle (issue 23 item 3): `npm run build:workflows` writes the bundle and a manifest
// with the digest of its sources (worker/build-workflow-bundle.ts); the deploy image builds it at
// image build time and sets WORKFLOW_BUNDLE_PATH. Where the sources are present (a checkout, `npm
// run dev`), a worker given a bundle whose digest differs from the sources' bundles afresh and says
// so: a stale bundle would run other workflow code than the checkout's, which replay and the tests
// would not catch. Where they are absent (the image holds compiled JavaScript only), the bundle is
// the code.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type BundleOptions, type WorkflowBundleOption } from '@temporalio/worker';
import type { Logger } from 'pino';

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** Absolute paths of the workflow modules every workflow shares (see above). */
export const SHARED_WORKFLOW_MODULES: string[] = [WORKFLOWS_PATH];

/**
 * The failure converter of the data converter (platform/data-converter.ts): failures made inside
 * workflow code are encoded like the worker's own (S3), which a bundle made ahead of time only does
 * when it is given the path (the SDK adds it only when it bundles itself from `workflowsPath`).
 */
export const FAILURE_CONVERTER_PATH = require.resolve('../platform/failure-converter');

export function workflowBundleOptions(): BundleOptions {
  return {
    workflowsPath: WORKFLOWS_PATH,
    preloadModules: SHARED_WORKFLOW_MODULES,
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}

/** What `npm run build:workflows` writes beside the bundle (`<bundle>.manifest.json`). */
export interface BundleManifest {
  /** workflowSourcesDigest() of the sources it was built from. */
  sources: string;
  builtAt: string;
  bytes: number;
}

export const manifestPathOf = (bundlePath: string): string =>
  bundlePath.replace(/\.js$/, '') + '.manifest.json';

const ROOT = path.resolve(path.dirname(WORKFLOWS_PATH), '..');

function sourceFiles(root: string): string[] {
  const ts = (dir: string) =>
    existsSync(path.join(root, dir))
      ? (readdirSync(path.join(root, dir), { recursive: true }) as string[])
          .filter((f) => f.endsWith('.ts'))
          .map((f) => path.join(dir, f))
      : [];
  const converter = path.join('platform', 'failure-converter.ts');
  return [
    ...ts('workflows'),
    ...ts('domain'),
    ...(existsSync(path.join(root, converter)) ? [converter] : []),
  ].sort();
}

/**
 * The digest of what goes into the bundle: the TypeScript sources of workflows/ and domain/, the
 * failure converter, the SDK's version and the bundle options. Undefined where the sources are not
 * there (the deploy image).
 */
export function workflowSourcesDigest(root = ROOT): string | undefined {
  const files = sourceFiles(root);
  if (files.length === 0) return undefined;
  const hash = createHash('sha256');
  const sdk = (
    JSON.parse(readFileSync(require.resolve('@temporalio/workflow/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const { preloadModules, failureConverterPath } = workflowBundleOptions();
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  hash.update(
    JSON.stringify({ sdk, preload: preloadModules?.map(rel), failure: rel(failureConverterPath!) }),
  );
  for (const f of files)
    hash.update(`\0${f.split(path.sep).join('/')}\0`).update(readFileSync(path.join(root, f)));
  return hash.digest('hex');
}

export type PrebuiltVerdict =
  { use: true; reason: 'fresh' | 'no-sources' | 'no-manifest' } | { use: false; reason: 'missing' | 'stale' };

/**
 * Whether the worker runs the bundle at `bundlePath`: not when it is missing, or when the sources
 * are here and differ from those it was built from. A bundle without a manifest (made by other
 * means) is used as given.
 */
export function checkPrebuiltBundle(bundlePath: string, root = ROOT): PrebuiltVerdict {
  if (!existsSync(bundlePath)) return { use: false, reason: 'missing' };
  const manifestPath = manifestPathOf(bundlePath);
  if (!existsSync(manifestPath)) return { use: true, reason: 'no-manifest' };
  const sources = workflowSourcesDigest(root);
  if (sources === undefined) return { use: true, reason: 'no-sources' };
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Partial<BundleManifest>;
  return manifest.sources === sources ? { use: true, reason: 'fresh' } : { use: false, reason: 'stale' };
}

/**
 * The worker's workflow code: the prebuilt bundle at `bundlePath` when checkPrebuiltBundle allows
 * it, else a bundle made now (the SDK's webpack build, several seconds).
 */
export async function loadWorkflowCode(
  bundlePath: string,
  logger: Pick<Logger, 'info' | 'warn'>,
): Promise<WorkflowBundleOption> {
  if (bundlePath) {
    const verdict = checkPrebuiltBundle(bundlePath);
    if (verdict.use) {
      logger.info({ bundlePath, check: verdict.reason }, 'prebuilt workflow bundle');
      return { codePath: bundlePath };
    }
    logger.warn(
      { bundlePath, check: verdict.reason },
      verdict.reason === 'stale'
        ? 'the prebuilt workflow bundle is older than the sources: bundling afresh (npm run build:workflows)'
        : 'WORKFLOW_BUNDLE_PATH names no file: bundling afresh',
    );
  }
  return bundleWorkflowCode(workflowBundleOptions());
}
