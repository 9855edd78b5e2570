// `npm run bench:burst`: a burst of simultaneous complaints about one site (R8). Prints how long from
// the first complaint to the leaders' notification (the incident's own figure and the e-mail's
// arrival in the mail sink), how long until every complaint is linked, and how many incidents
// started (must be 1).
//   BENCH_BURST=200 npm run bench:burst
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { startStack } from '../../infra/stack/stack';
import { intakeBody, uniqueMobile } from '../support/fixtures';
import { machine } from './stats';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_BURST ?? 200);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'closedloop-burst-'));
  console.log(`machine: ${machine()}`);
  console.log('starting the local stack with mass-incident recognition on …');
  const stack = await startStack({
    dataDir,
    ports: 'auto',
    quiet: true,
    appEnv: {
      LOG_LEVEL: 'warn',
      MASS_INCIDENTS: 'on',
      POLICY_FILE: path.resolve(__dirname, '../fixtures/policy-incident.json'),
      RATE_LIMIT_PER_MINUTE: '100000',
    },
  });
  const api = stack.urls.api;
  const headers = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
  try {
    const bodies = Array.from({ length: n }, () => {
      const m = uniqueMobile();
      return JSON.stringify(intakeBody({ numbers: { callback: m, calling: m } }));
    });
    const t0 = Date.now();
    const statuses = await Promise.all(
      bodies.map(async (body) => {
        const res = await fetch(`${api}/v1/complaints`, {
          method: 'POST',
          headers: headers('dev-intake-key'),
          body,
        });
        return res.status;
      }),
    );
    const accepted = Date.now() - t0;
    const created = statuses.filter((s) => s === 201).length;
    console.log(`${created}/${n} complaints accepted (201) in ${accepted} ms`);

    let mailAt: number | undefined;
    let linkedAt: number | undefined;
    let incident: { incidentId: string; complaintCount: number } | undefined;
    let incidents = 0;
    while (Date.now() - t0 < 600_000 && (mailAt === undefined || linkedAt === undefined)) {
      if (mailAt === undefined) {
        const res = await fetch(`${stack.urls.mailInbox}/api/messages?to=leader@operator.example`);
        const list = (await res.json()) as { subject: string }[];
        if (list.some((m) => m.subject.includes('突发大面积投诉'))) mailAt = Date.now();
      }
      const res = await fetch(`${api}/v1/incidents`, { headers: headers('dev-supervisor-key') });
      const items = ((await res.json()) as { items: { incidentId: string; complaintCount: number }[] }).items;
      incidents = items.length;
      incident = items[0];
      if (linkedAt === undefined && incident && incident.complaintCount >= created) linkedAt = Date.now();
      await sleep(100);
    }
    const view = incident
      ? ((await (
          await fetch(`${api}/v1/incidents/${encodeURIComponent(incident.incidentId)}`, {
            headers: headers('dev-supervisor-key'),
          })
        ).json()) as {
          notifyLatencyMs?: number;
          complaintCount: number;
          startedAt: string;
          timeline: { at: string; action: string; detail?: string }[];
        })
      : undefined;
    if (view) {
      // Where the time went: the incident's own steps, relative to the first POST.
      console.log(`incident workflow started at +${Date.parse(view.startedAt) - t0} ms`);
      for (const e of view.timeline.slice(0, 8))
        console.log(`  +${Date.parse(e.at) - t0} ms ${e.action} ${e.detail ?? ''}`);
    }
    await printWatchHistory(stack.urls.temporal, t0);
    console.log('');
    console.log(
      `| burst | incidents started | first complaint → leaders told (incident) | first POST → leader e-mail in sink | first POST → all linked |`,
    );
    console.log(`| ---: | ---: | ---: | ---: | ---: |`);
    console.log(
      `| ${n} | ${incidents} | ${view?.notifyLatencyMs ?? 'n/a'} ms | ${mailAt ? mailAt - t0 : 'n/a'} ms | ${linkedAt ? linkedAt - t0 : 'n/a'} ms (${view?.complaintCount ?? 0} linked) |`,
    );
    if (incidents !== 1 || created !== n) process.exitCode = 1;
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Where the watch's time went: its signals and workflow tasks, relative to the first POST. */
async function printWatchHistory(address: string, t0: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const ids: string[] = [];
    for await (const w of client.workflow.list({ query: `WorkflowType = 'areaWatchWorkflow'` }))
      ids.push(w.workflowId);
    for (const id of ids) {
      const history = await client.workflow.getHandle(id).fetchHistory();
      const at = (e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }) =>
        Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6) - t0;
      const events = history.events ?? [];
      const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes).map(at);
      const tasks: string[] = [];
      let scheduled = 0;
      let started = 0;
      for (const e of events) {
        if (e.workflowTaskScheduledEventAttributes) scheduled = at(e);
        if (e.workflowTaskStartedEventAttributes) started = at(e);
        if (e.workflowTaskCompletedEventAttributes)
          tasks.push(`+${scheduled}→${started - scheduled}ms queued→${at(e) - started}ms run`);
      }
      const child = events.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
      console.log(`watch ${id}: ${events.length} events, ${signals.length} signals`);
      console.log(
        `  signals: 1st +${signals[0]} ms, 5th +${signals[4]} ms, last +${signals[signals.length - 1]} ms`,
      );
      console.log(`  incident child initiated at +${child ? at(child) : 'n/a'} ms`);
      console.log(`  first workflow tasks: ${tasks.slice(0, 6).join(', ')}`);
      const kinds = new Map<string, number>();
      for (const e of events) {
        const kind = Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? 'unknown';
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      console.log(
        `  events: ${[...kinds].map(([k, n]) => `${k.replace('EventAttributes', '')} ${n}`).join(', ')}`,
      );
      for (const e of events.filter((x) => x.workflowTaskFailedEventAttributes).slice(0, 3))
        console.log(
          `  task failed at +${at(e)} ms: ${temporal.api.enums.v1.WorkflowTaskFailedCause[e.workflowTaskFailedEventAttributes?.cause ?? 0]} ${e.workflowTaskFailedEventAttributes?.failure?.message ?? ''}`,
        );
    }
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
