// Temporal: the CLI's dev server (frontend + Web UI) with its SQLite file in the data dir, the
// product's custom search attributes registered at start, and the Web UI decrypting payloads
// through the API's codec server.
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { searchAttributeFlags } from '../../../workflows/search-attributes';
import { childBase, HOST, readyOrStop, readyWithRestarts, stopWith } from '../common';
import { waitForHttp, waitForTcp, waitUntil } from '../processes';
import type { Running, Service, ServiceContext } from '../service';

const TEMPORAL_READY_MS = 60_000;

export const temporal: Service = {
  name: 'temporal',
  dependsOn: [],
  ports: {
    temporal: { fixed: 7233, label: 'Temporal gRPC', auto: 'free' },
    temporalUi: { fixed: 8233, label: 'Temporal Web UI', auto: 'free' },
  },
  start: startTemporal,
};

async function startTemporal(ctx: ServiceContext): Promise<Running> {
  const args = temporalArgs(ctx);
  const proc = ctx.children.spawn({
    ...childBase(ctx, 'temporal'),
    command: ctx.tools.temporal,
    args,
    stopGraceMs: 15_000,
  });
  const address = `${HOST}:${ctx.port('temporal')}`;
  const uiUrl = `http://${HOST}:${ctx.port('temporalUi')}`;
  const ready = async () => {
    await waitForTcp(HOST, ctx.port('temporal'), TEMPORAL_READY_MS, proc);
    await waitUntil(
      `Temporal at ${address} to answer`,
      () => temporalAnswers(address, ctx.namespace),
      TEMPORAL_READY_MS,
      proc,
      500,
    );
    await waitForHttp(uiUrl, 30_000, proc);
  };
  await readyOrStop(
    () => proc.stop(),
    () => readyWithRestarts(proc, ready, ctx.say),
  );
  ctx.say(`temporal ready on ${address} (UI ${uiUrl}, namespace ${ctx.namespace})`);
  return {
    env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: ctx.namespace, TEMPORAL_UI_URL: uiUrl },
    urls: { temporal: address, temporalUi: uiUrl },
    // Same ports and the same --db-filename: the restarted server finds every workflow and timer.
    control: {
      stop: (signal) => stopWith(proc, signal),
      start: async () => {
        proc.start();
        ctx.children.trackRestart(proc);
        await ready();
      },
      pause: () => proc.kill('SIGSTOP'),
      resume: () => proc.kill('SIGCONT'),
    },
    stop: async () => void (await proc.stop()),
  };
}

function temporalArgs(ctx: ServiceContext): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    HOST,
    '--port',
    String(ctx.port('temporal')),
    '--ui-port',
    String(ctx.port('temporalUi')),
    '--db-filename',
    path.join(ctx.dataDir, 'temporal.sqlite'),
    '--namespace',
    ctx.namespace,
    // Write-ahead log: readers do not block the writer and each commit is one append. A crashed
    // process loses nothing; only a power cut can lose the last commits (docs/decisions.md).
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    '--log-level',
    'warn',
    ...searchAttributeFlags().flatMap((flag) => ['--search-attribute', flag]),
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    // The Web UI decrypts payloads through the API's codec server (S3); the API port is known now.
    '--ui-codec-endpoint',
    `http://${HOST}:${ctx.port('api')}/codec`,
  ];
}

/** True when the frontend answers GetSystemInfo and knows the namespace. */
export async function temporalAnswers(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    await connection.workflowService.getSystemInfo({});
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}
