// The standalone Temporal UI server (S9.4): `github.com/temporalio/ui-server/v2` from the Go module
// proxy, the version the provisioned Temporal CLI embeds (`temporal --version` reports UI 2.54.1),
// built once with `go install` into the tool cache like FerretDB (progress shown, a lock file
// against two builds at once, `.ok` written last):
//   <root>/temporal-ui-server-v2.54.1/temporal-ui-server     the server; the UI assets are embedded
//   <root>/temporal-ui-server-v2.54.1/tls/{cert,key}.pem     a self-signed certificate for 127.0.0.1
// The UI sends a person's access token to the codec server only over https (its codec settings
// refuse passAccessToken with an http:// endpoint), so the local stack serves the UI and the codec
// path on one https origin (gateway.ts) with that certificate, made by the Go distribution's own
// crypto/tls/generate_cert.go (no extra tool).
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { cacheRoot, ensureCached, findOnPath, ProvisionError, runStep } from '../stack/provision';
import { execFileSync } from 'node:child_process';

export const TEMPORAL_UI_SERVER_MODULE = 'github.com/temporalio/ui-server/v2';
export const TEMPORAL_UI_SERVER_VERSION = 'v2.54.1';

export interface TemporalUiServerTool {
  bin: string;
  certFile: string;
  keyFile: string;
}

const HINT =
  'Check that the Go module proxy is reachable (GOPROXY), or start the stack without the standalone ' +
  'Temporal UI (CLOSEDLOOP_TEMPORAL_UI=off for `npm run dev`).';

function requireGo(): string {
  const go = findOnPath('go');
  if (!go)
    throw new ProvisionError(
      'go is not on PATH: it is needed to build the standalone Temporal UI server from the Go module proxy. ' +
        `Install Go 1.26.5 or newer (https://go.dev/dl). ${HINT}`,
    );
  return go;
}

/** The ui-server binary and the local certificate, built the first time (a minute or two). */
export async function ensureTemporalUiServer(): Promise<TemporalUiServerTool> {
  const dir = path.join(cacheRoot(), `temporal-ui-server-${TEMPORAL_UI_SERVER_VERSION}`);
  const tls = path.join(dir, 'tls');
  const bin = await ensureCached('temporal-ui-server', dir, TEMPORAL_UI_SERVER_VERSION, async () => {
    const go = requireGo();
    const out = path.join(dir, 'temporal-ui-server');
    process.stderr.write(
      `[provision] temporal-ui-server: building ${TEMPORAL_UI_SERVER_MODULE} ${TEMPORAL_UI_SERVER_VERSION} into ${dir} (first time only: a few minutes)\n`,
    );
    const gobin = path.join(dir, 'gobin');
    await runStep(
      'temporal-ui-server: go install',
      go,
      ['install', '-trimpath', `${TEMPORAL_UI_SERVER_MODULE}/cmd/server@${TEMPORAL_UI_SERVER_VERSION}`],
      {
        cwd: dir,
        env: { ...process.env, CGO_ENABLED: '0', GOBIN: gobin, GOFLAGS: '-buildvcs=false' },
        heartbeat: 'temporal-ui-server: still building',
        hint: HINT,
      },
    );
    await rename(path.join(gobin, process.platform === 'win32' ? 'server.exe' : 'server'), out);
    await rm(gobin, { recursive: true, force: true });
    await makeCertificate(go, tls);
    return out;
  });
  // A cache entry from before the certificate existed gets one now.
  if (!existsSync(path.join(tls, 'cert.pem'))) await makeCertificate(requireGo(), tls);
  return { bin, certFile: path.join(tls, 'cert.pem'), keyFile: path.join(tls, 'key.pem') };
}

/** A self-signed certificate for 127.0.0.1 and localhost, ten years (local stack only). */
async function makeCertificate(go: string, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const goroot = execFileSync(go, ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const generator = path.join(goroot, 'src', 'crypto', 'tls', 'generate_cert.go');
  if (!existsSync(generator))
    throw new ProvisionError(`temporal-ui-server: ${generator} is missing from the Go installation. ${HINT}`);
  await runStep(
    'temporal-ui-server: local certificate',
    go,
    ['run', generator, '--host', '127.0.0.1,localhost', '--duration', `${10 * 365 * 24}h`],
    { cwd: dir, hint: HINT },
  );
}
