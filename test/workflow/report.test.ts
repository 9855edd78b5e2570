// The report workflow on the Temporal test server with recording fake activities (R9.3).
import { planFor } from '../../activities/reports/activities';
import type {
  DeliverReportInput,
  PlanReportInput,
  ProduceReportInput,
  ReportActivities,
  SaveReportAnalysisInput,
} from '../../activities/reports/types';
import type { ReportRelease } from '../../domain/reports/analysis';
import {
  approveReportUpdate,
  getReportRunQuery,
  saveReportAnalysisUpdate,
  type ReportRequest,
  type ReportResult,
} from '../../workflows/report/contract';
import { useTimeSkippingWorker } from '../support/time-skipping';

const taskQueue = 'reports-test';
const calls: {
  plan: PlanReportInput[];
  produce: ProduceReportInput[];
  deliver: DeliverReportInput[];
  saved: SaveReportAnalysisInput[];
  order: string[];
} = { plan: [], produce: [], deliver: [], saved: [], order: [] };
let failDeliveries = 0;
/** The release policy planReport hands out (REPORT_RELEASE); none = the first release's send at once. */
let release: ReportRelease | undefined;
const iface = { user: 'interface.chen', roles: ['interface'] };

const activities: ReportActivities = {
  planReport: async (input) => {
    calls.plan.push(input);
    return planFor(input, 'Asia/Shanghai', release);
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
      topics: ['DROPPED_CALLS|chaoyang', 'SLOW_DATA|xicheng', 'VOICE_QUALITY|haidian'],
    };
  },
  saveReportAnalysis: async (input) => {
    calls.saved.push(input);
    calls.order.push(`save:${input.analysis.by}`);
  },
  deliverReport: async (input) => {
    calls.deliver.push(input);
    calls.order.push('deliver');
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
  calls.saved.length = 0;
  calls.order.length = 0;
  release = undefined;
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

describe('R9.4 the draft: the interface person writes the analysis before it is sent', () => {
  // A period per test: a run another test left waiting cannot be mistaken for this one's.
  const start = (workflowId: string, period: string) =>
    env().client.workflow.start('reportWorkflow', {
      taskQueue,
      workflowId,
      args: [{ kind: 'weekly', period, requestedBy: 'schedule' } satisfies ReportRequest],
    });
  const delivered = (id: string) => calls.deliver.filter((d) => d.id === id);
  const analysis = {
    summary: '本周掉话集中在朝阳区，已定位为传输割接后的参数问题。',
    topics: [
      {
        key: 'DROPPED_CALLS|chaoyang',
        analysis: '朝阳区掉话投诉 10 单，集中在割接后的三个站点',
        measures: ['回退割接参数', '增加夜间巡检'],
      },
    ],
  };
  const draftOf = async (handle: Awaited<ReturnType<typeof start>>) => {
    for (let i = 0; i < 100; i += 1) {
      const run = await handle.query(getReportRunQuery).catch(() => undefined);
      if (run?.stage === 'DRAFT') return run;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the run never became a draft');
  };

  it('R9.4 a scheduled release holds the draft until its send time; the analysis written meanwhile goes out with it', async () => {
    release = { send: 'scheduled', hold: '8h' };
    const handle = await start('report-weekly-draft-scheduled', '2026-W45');
    const startedAt = await env().currentTimeMs();
    const run = await draftOf(handle);
    expect(run.send).toBe('scheduled');
    expect(Date.parse(run.sendAt!) - startedAt).toBeGreaterThan(7.9 * 3_600_000);
    expect(calls.produce[0]!.draft).toEqual({ send: 'scheduled', sendAt: run.sendAt });
    // A topic that is not hot in this report is refused, naming it.
    const refused = await handle
      .executeUpdate(saveReportAnalysisUpdate, {
        args: [{ actor: iface, input: { topics: [{ ...analysis.topics[0]!, key: 'NO_DATA|xicheng' }] } }],
      })
      .then(
        () => 'accepted',
        (err: Error) => (err.cause as Error | undefined)?.message ?? err.message,
      );
    expect(refused).toMatch(/NO_DATA\|xicheng is not a hot topic/);
    const saved = await handle.executeUpdate(saveReportAnalysisUpdate, {
      args: [{ actor: iface, input: analysis }],
    });
    expect(saved).toMatchObject({ stage: 'DRAFT', analysisBy: 'interface.chen' });
    expect(delivered('weekly-2026-W45')).toEqual([]);
    const result = await handle.result();
    expect(calls.order).toEqual(['save:interface.chen', 'deliver']);
    expect(calls.saved[0]!.analysis).toMatchObject({ ...analysis, by: 'interface.chen' });
    expect(calls.deliver[0]!.approvedBy).toBeUndefined();
    expect((await env().currentTimeMs()) - startedAt).toBeGreaterThanOrEqual(8 * 3_600_000 - 1_000);
    expect(result.delivered?.to).toEqual(['interface@operator.example']);
  });

  it('R9.4 a release by approval waits however long it takes and sends at once when approved', async () => {
    release = { send: 'approval', hold: '8h' };
    const handle = await start('report-weekly-draft-approval', '2026-W44');
    const run = await draftOf(handle);
    expect(run).toMatchObject({ stage: 'DRAFT', send: 'approval' });
    expect(run.sendAt).toBeUndefined();
    await env().sleep('7d');
    expect(delivered('weekly-2026-W44')).toEqual([]);
    expect((await handle.query(getReportRunQuery)).stage).toBe('DRAFT');
    const approved = await handle.executeUpdate(approveReportUpdate, { args: [{ actor: iface, input: {} }] });
    expect(approved.approvedBy).toBe('interface.chen');
    await handle.result();
    expect(delivered('weekly-2026-W44')).toEqual([expect.objectContaining({ approvedBy: 'interface.chen' })]);
  });

  it('R9.4 an on-demand run that asks for no draft is sent at once, whatever the release policy', async () => {
    release = { send: 'approval', hold: '8h' };
    await run('report-weekly-now', { kind: 'weekly', period: '2026-W47', release: 'now' });
    expect(calls.produce[0]!.draft).toBeUndefined();
    expect(calls.deliver).toHaveLength(1);
  });
});
