// The report workflow (R9): started by the weekly and monthly Schedules (Monday and the first of the
// month, 09:00 in REPORT_TIMEZONE) or on demand through the API. It plans the period (the last
// completed one at the scheduled time unless one is named), produces and stores the report, holds
// a scheduled one as a draft for the interface person's analysis until its release (R9.4), and
// e-mails it to its addressees. The rollup workflow refreshes the per-day rollups hourly.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  ApplicationFailure,
  condition,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { ReportActivities } from '../../activities/reports/types';
import { analysisProblem } from '../../domain/reports/analysis';
import { parseDuration } from '../../domain/policy/durations';
import {
  approveReportUpdate,
  getReportRunQuery,
  saveReportAnalysisUpdate,
  type ReportRequest,
  type ReportResult,
  type ReportRunView,
} from './contract';

const plan = proxyActivities<ReportActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});

const produce = proxyActivities<ReportActivities>({
  startToCloseTimeout: '1h',
  heartbeatTimeout: '5m',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 5 },
});

const deliver = proxyActivities<ReportActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '5m', maximumAttempts: 20 },
});

const TemporalScheduledStartTime = defineSearchAttributeKey(
  'TemporalScheduledStartTime',
  SearchAttributeType.DATETIME,
);

/** The time the Schedule meant this run for: its search attribute, or the suffix Schedules add to ids. */
export function scheduledTime(info: {
  workflowId: string;
  startTime: Date;
  typedSearchAttributes?: { get(key: typeof TemporalScheduledStartTime): Date | undefined };
}): Date {
  let fromAttribute: Date | undefined;
  try {
    fromAttribute = info.typedSearchAttributes?.get(TemporalScheduledStartTime);
  } catch {
    fromAttribute = undefined;
  }
  if (fromAttribute instanceof Date && !Number.isNaN(fromAttribute.getTime())) return fromAttribute;
  const suffix = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)$/.exec(info.workflowId)?.[1];
  const parsed = suffix ? new Date(suffix) : undefined;
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed : info.startTime;
}

function refuse(reason: string | undefined): void {
  if (reason)
    throw ApplicationFailure.create({ type: 'InvalidTransition', message: reason, nonRetryable: true });
}

export async function reportWorkflow(request: ReportRequest): Promise<ReportResult> {
  const info = workflowInfo();
  // Added after the first release (issue 20, R9.4): a scheduled report is a draft first, for the
  // interface person's analysis, and is released as the policy says. Runs started before skip it.
  const drafting = patched('report-draft-release');
  const at = scheduledTime(info);
  const run: ReportRunView = { stage: 'PRODUCING' };
  let topics: string[] = [];
  let approved = false;
  let saving = 0;
  const notDraft = () =>
    run.stage === 'DRAFT' ? undefined : `report ${run.id ?? ''} is not a draft (${run.stage})`;
  setHandler(getReportRunQuery, () => run);
  setHandler(
    saveReportAnalysisUpdate,
    async ({ actor, input }) => {
      saving += 1;
      try {
        const analysis = { ...input, by: actor.user, at: new Date(Date.now()).toISOString() };
        await deliver.saveReportAnalysis({ id: run.id!, analysis });
        run.analysisBy = actor.user;
        return run;
      } finally {
        saving -= 1;
      }
    },
    { validator: ({ input }) => refuse(notDraft() ?? analysisProblem(input, topics)) },
  );
  setHandler(
    approveReportUpdate,
    ({ actor }) => {
      approved = true;
      run.approvedBy = actor.user;
      return run;
    },
    { validator: (_cmd) => refuse(notDraft()) },
  );

  const p = await plan.planReport({
    kind: request.kind,
    period: request.period,
    at: at.toISOString(),
    requestedBy: request.requestedBy ?? 'schedule',
  });
  run.id = p.id;
  const release = drafting && request.deliver !== false && request.release !== 'now' ? p.release : undefined;
  // The draft window counts from the run's (scheduled) time: the Schedule's 09:00 + hold.
  const sendAt = release?.send === 'scheduled' ? at.getTime() + parseDuration(release.hold) : undefined;
  const produced = await produce.produceReport({
    plan: p,
    runId: info.runId,
    ...(drafting ? { workflowId: info.workflowId } : {}),
    ...(release
      ? { draft: { send: release.send, ...(sendAt ? { sendAt: new Date(sendAt).toISOString() } : {}) } }
      : {}),
  });
  topics = produced.topics ?? [];
  if (release) {
    run.stage = 'DRAFT';
    run.send = release.send;
    if (sendAt !== undefined) run.sendAt = new Date(sendAt).toISOString();
    if (sendAt !== undefined) await condition(() => approved, Math.max(sendAt - Date.now(), 1));
    else await condition(() => approved);
    run.stage = 'SENDING';
    // An analysis being saved when the draft was approved goes out with it.
    await condition(() => saving === 0);
  }
  const delivered =
    request.deliver === false
      ? undefined
      : await deliver.deliverReport({
          id: p.id,
          idempotencyKey: `report:${p.id}:${info.runId}`,
          ...(run.approvedBy ? { approvedBy: run.approvedBy } : {}),
        });
  run.stage = 'DONE';
  return { ...produced, kind: p.kind, period: p.period, ...(delivered ? { delivered } : {}) };
}

/** Rebuilds the per-day rollups of every day a projection marked changed (hourly Schedule). */
export async function reportRollupsWorkflow(): Promise<{ rebuilt: number; passes: number }> {
  return produce.refreshReportRollups();
}
