// The report workflow on the Temporal test server with recording fake activities (R9.3).
import { planFor } from '../../activities/reports/activities';
import type {
  DeliverReportInput,
  PlanReportInput,
  ProduceReportInput,
  ReportActivities,
} from '../../activities/reports/types';
import type { ReportRequest, ReportResult } from '../../workflows/report/contract';
import { useTimeSkippingWorker } from '../support/time-skipping';

const taskQueue = 'reports-test';
const calls: { plan: PlanReportInput[]; produce: ProduceReportInput[]; deliver: DeliverReportInput[] } = {
  plan: [],
  produce: [],
  deliver: [],
};
let failDeliveries = 0;

const activities: ReportActivities = {
  planReport: async (input) => {
    calls.plan.push(input);
    return planFor(input, 'Asia/Shanghai');
  },
  produceReport: async (input) => {
    calls.produce.push(input);
    return {
      id: input.plan.id,
      revision: 1,
      generatedAt: '2026-11-30T01:00:05.000Z',
      total: 19,
      hotTopics: 3,
      source: 'rollups',
    };
  },
  deliverReport: async (input) => {
    calls.deliver.push(input);
    if (failDeliveries > 0) {
      failDeliveries -= 1;
      throw new Error('SMTP relay not answering');
    }
    return {
      to: ['interface@operator.example'],
      messageId: `<${input.idempotencyKey}>`,
      alreadySent: false,
      attachments: [],
    };
  },
  refreshReportRollups: async () => ({ rebuilt: 7, passes: 1 }),
};

const env = useTimeSkippingWorker(taskQueue, activities);

beforeEach(() => {
  calls.plan.length = 0;
  calls.produce.length = 0;
  calls.deliver.length = 0;
});

const run = (workflowId: string, request: ReportRequest) =>
  env().client.workflow.execute('reportWorkflow', {
    taskQueue,
    workflowId,
    args: [request],
  }) as Promise<ReportResult>;

describe('R9.3 report workflow', () => {
  it('R9.3 a scheduled run reports the week completed at its scheduled time and e-mails it once per run', async () => {
    // Schedules start workflows as <workflowId>-<scheduled time>.
    const result = await run('report-weekly-scheduled-2026-11-30T01:00:00Z', {
      kind: 'weekly',
      requestedBy: 'schedule',
    });
    expect(calls.plan).toEqual([
      { kind: 'weekly', period: undefined, at: '2026-11-30T01:00:00.000Z', requestedBy: 'schedule' },
    ]);
    expect(calls.produce[0]!.plan).toMatchObject({
      id: 'weekly-2026-W48',
      period: '2026-W48',
      previousPeriod: '2026-W47',
    });
    const runId = calls.produce[0]!.runId;
    expect(calls.deliver).toEqual([
      { id: 'weekly-2026-W48', idempotencyKey: `report:weekly-2026-W48:${runId}` },
    ]);
    expect(result).toMatchObject({ id: 'weekly-2026-W48', kind: 'weekly', period: '2026-W48', total: 19 });
    expect(result.delivered?.to).toEqual(['interface@operator.example']);
  });

  it('R9.3 a monthly run on the first of the month reports the month before', async () => {
    await run('report-monthly-scheduled-2026-12-01T01:00:00Z', { kind: 'monthly' });
    expect(calls.produce[0]!.plan).toMatchObject({ id: 'monthly-2026-11', from: '2026-10-31T16:00:00.000Z' });
  });

  it('R9.2 an on-demand run names its period and may skip the e-mail', async () => {
    const result = await run('report-monthly-2026-10', {
      kind: 'monthly',
      period: '2026-10',
      deliver: false,
      requestedBy: 'analyst.sun',
    });
    expect(calls.plan[0]).toMatchObject({ period: '2026-10', requestedBy: 'analyst.sun' });
    expect(calls.deliver).toEqual([]);
    expect(result.delivered).toBeUndefined();
  });

  it('R9.3 a failed delivery is retried with the same idempotency key (the outbox sends it once)', async () => {
    failDeliveries = 2;
    await run('report-weekly-2026-W47', { kind: 'weekly', period: '2026-W47' });
    expect(calls.deliver).toHaveLength(3);
    expect(new Set(calls.deliver.map((d) => d.idempotencyKey)).size).toBe(1);
  });

  it('R9 the rollup workflow refreshes the changed days', async () => {
    const out = await env().client.workflow.execute('reportRollupsWorkflow', {
      taskQueue,
      workflowId: 'report-rollups-test',
      args: [],
    });
    expect(out).toEqual({ rebuilt: 7, passes: 1 });
  });
});
