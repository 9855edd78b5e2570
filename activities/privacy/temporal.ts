// What privacy needs of Temporal itself (issue 22, S8): the namespace's retention of closed
// workflow histories, and the deletion of finished executions (their history, memo and search
// attributes). Histories are encrypted by the payload codec, but only deletion erases them.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { msNumberToTs, tsToMs } from '@temporalio/common/lib/time';
import type { NamespaceRetentionResult } from '../../domain/privacy';

/** Sets the namespace's retention of closed histories to `ms` (when it differs) and reads it back. */
export async function applyNamespaceRetention(
  client: Client,
  namespace: string,
  ms: number,
): Promise<NamespaceRetentionResult> {
  const read = async () => {
    const d = await client.workflowService.describeNamespace({ namespace });
    return tsToMs(d.config?.workflowExecutionRetentionTtl);
  };
  try {
    const before = await read();
    if (before === ms) return { namespace, hours: ms / 3_600_000, changed: false };
    await client.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msNumberToTs(ms) },
    });
    return { namespace, hours: (await read()) / 3_600_000, changed: true };
  } catch (err) {
    // A server may refuse a retention below its minimum, or this identity may not change the
    // namespace (Temporal Cloud: set it in the account). The sweep goes on and reports it.
    return { namespace, error: err instanceof Error ? err.message : String(err) };
  }
}

function isNotFound(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return true;
  const code = (err as { code?: number } | null)?.code;
  return code === 5; // gRPC NOT_FOUND
}

/** Is the newest run of this workflow id still running? (false when there is none) */
export async function isRunning(client: Client, workflowId: string): Promise<boolean> {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return d.status.name === 'RUNNING';
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * The server deletes asynchronously: waits (bounded) until the run is gone, so that an erasure
 * reported done is done. A run still there after the wait is left to the server (it is queued).
 */
async function deletedOrLate(
  client: Client,
  workflowId: string,
  runId: string,
  waitMs = 15_000,
): Promise<void> {
  const until = Date.now() + waitMs;
  while (Date.now() < until) {
    try {
      await client.workflow.getHandle(workflowId, runId).describe();
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Deletes every finished run of these workflow ids (history, memo, search attributes). A running
 * run is left alone (deleting it would terminate it); returns how many runs were deleted.
 */
export async function deleteFinishedExecutions(
  client: Client,
  namespace: string,
  workflowIds: readonly string[],
): Promise<{ deleted: number; running: string[] }> {
  let deleted = 0;
  const running: string[] = [];
  for (const workflowId of new Set(workflowIds)) {
    const runs = new Map<string, boolean>();
    try {
      const d = await client.workflow.getHandle(workflowId).describe();
      runs.set(d.runId, d.status.name === 'RUNNING');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    // Older runs (a reset, a continue-as-new) are found through visibility.
    for await (const wf of client.workflow.list({ query: `WorkflowId = ${JSON.stringify(workflowId)}` }))
      if (!runs.has(wf.runId)) runs.set(wf.runId, wf.status.name === 'RUNNING');
    for (const [runId, isRun] of runs) {
      if (isRun) {
        running.push(workflowId);
        continue;
      }
      try {
        await client.workflowService.deleteWorkflowExecution({
          namespace,
          workflowExecution: { workflowId, runId },
        });
        deleted += 1;
        await deletedOrLate(client, workflowId, runId);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }
  return { deleted, running };
}
