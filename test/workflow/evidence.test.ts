// The evidence step of the complaint workflow (gatherEvidence) on the Temporal time-skipping test
// server: the five sources in parallel, a failing or hanging source left as a gap, never a failure.
import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import pino from 'pino';
import { createEvidenceActivities } from '../../activities/evidence/activities';
import { createMemoryNetworkSources } from '../../activities/evidence/memory';
import type { EvidenceActivities, EvidenceOutcome, TimeWindow } from '../../activities/evidence/types';
import { generateNetworkData } from '../../infra/network-data/generate';
import type { ComplaintInput, TimelineEntry } from '../../workflows/complaint/contract';
import { rediagnose } from '../../domain/policy/prediagnosis';
import { complaintOf } from '../support/evidence';
import { createTimeSkippingEnv } from '../support/time-skipping';

const TASK_QUEUE = 'evidence-workflow-test';
const { data, manifest } = generateNetworkData({ end: new Date('2026-11-27T21:00:00Z') });
const scenario = (id: string) => complaintOf(manifest.scenarios.find((s) => s.id === id)!);
const real = createEvidenceActivities({
  sources: createMemoryNetworkSources(data),
  logger: pino({ level: 'silent' }),
});

type Name = keyof EvidenceActivities;
const calls: Record<string, number> = {};
const failing = new Set<Name>();
const hanging = new Set<Name>();
/** Fails this many calls, then answers (a source that recovers). */
const failFirst = new Map<Name, number>();

const activities = Object.fromEntries(
  (Object.keys(real) as Name[]).map((name) => [
    name,
    async (arg: never) => {
      calls[name] = (calls[name] ?? 0) + 1;
      if (failing.has(name)) throw new Error(`${name}: connection refused`);
      const left = failFirst.get(name) ?? 0;
      if (left > 0) {
        failFirst.set(name, left - 1);
        throw new Error(`${name}: connection refused`);
      }
      if (hanging.has(name)) await Context.current().sleep(30_000);
      return (real[name] as (a: never) => Promise<unknown>)(arg);
    },
  ]),
) as unknown as EvidenceActivities;

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./evidence-workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: bundle,
    // The knowledge base the intake gathering reads (R8.5): empty here.
    activities: { ...activities, knownIssues: async () => [] },
  });
  running = worker.run();
}, 300_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

beforeEach(() => {
  failing.clear();
  hanging.clear();
  failFirst.clear();
  for (const k of Object.keys(calls)) delete calls[k];
});

let n = 0;
function gather(input: ComplaintInput, window?: TimeWindow): Promise<EvidenceOutcome> {
  n += 1;
  return env.client.workflow.execute('evidenceTestWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: `evidence-${input.ticketId}-${n}`,
    args: window ? [input, window] : [input],
  });
}

describe('R3.1 evidence gathered automatically at intake (workflow step)', () => {
  it('R3.1 R3.2 all five sources are queried in parallel and the pre-diagnosis is on the outcome (VIP: CHR first)', async () => {
    const out = await gather(scenario('vip-call-drop'));
    for (const source of ['kpis', 'alarms', 'changes', 'interference', 'chr'] as const)
      expect({ source, ok: out.bundle[source]?.ok }).toEqual({ source, ok: true });
    expect(calls).toMatchObject({
      locateCells: 1,
      evidenceKpis: 1,
      evidenceAlarms: 1,
      evidenceChanges: 1,
      evidenceInterference: 1,
      evidenceChr: 1,
    });
    expect(out.cells.servingCellId).toBe('460-00-12352-1');
    expect(out.hypotheses[0]?.cause).toBe('CALL_FAILURE_SIGNALLING');
    expect(out.bundle.gaps).toEqual([]);
    expect(out.draft.found).toMatch(/^预判（按可能性排序）：\n1\. 信令回溯：通话中断/);
    expect(Date.parse(out.gatheredAt)).not.toBeNaN();
  });

  it('R3.1 a source that keeps failing is retried, then shown as a gap; the complaint does not fail', async () => {
    failing.add('evidenceInterference');
    const out = await gather(scenario('alarm'));
    expect(calls.evidenceInterference).toBe(3);
    expect(out.bundle.interference).toMatchObject({ source: 'interference', ok: false });
    expect(out.bundle.gaps).toEqual([
      expect.stringMatching(/^干扰分析：数据源出错：evidenceInterference: connection refused/),
    ]);
    expect(out.hypotheses[0]?.cause).toBe('FAULT_ALARM');
    expect(out.draft.checked).toMatch(/未能核查：干扰分析/);
    expect(out.draft.found).toMatch(/1 项证据缺失/);
  });

  it('R3.1 a source that does not answer times out into a gap; the others still count', async () => {
    hanging.add('evidenceAlarms');
    const out = await gather(scenario('cutover'));
    expect(out.bundle.alarms).toMatchObject({ ok: false, gap: '数据源超时（重试后仍无结果）' });
    expect(out.bundle.gaps).toEqual(['故障告警：数据源超时（重试后仍无结果）']);
    expect(out.hypotheses[0]?.cause).toBe('RECENT_CHANGE');
  }, 120_000);

  it('R3.1 a complaint without a locatable place: the cell sources are gaps, the VIP CHR is still read', async () => {
    const input = {
      ...scenario('vip-call-drop'),
      location: { region: 'haidian', address: '北京市海淀区中关村大街1号' },
    };
    const out = await gather(input);
    expect(calls.evidenceKpis).toBeUndefined();
    expect(out.bundle.kpis).toMatchObject({ ok: false, gap: '未定位到小区，无法按小区查询' });
    expect(out.bundle.chr?.ok).toBe(true);
    expect(out.bundle.gaps[0]).toMatch(/离线环境无地理编码/);
    expect(out.hypotheses[0]?.cause).toBe('CALL_FAILURE_SIGNALLING');
  });

  it('R3.1 the gathering can be re-run for another window', async () => {
    const window = { from: '2026-11-10T00:00:00.000Z', to: '2026-11-12T00:00:00.000Z' };
    const out = await gather(scenario('cutover'), window);
    expect(out.bundle.query.window).toEqual(window);
    expect(out.hypotheses.map((h) => h.cause)).not.toContain('RECENT_CHANGE');
  });
});

describe('R3.6 live equals offline: the stored pre-diagnosis and missing evidence', () => {
  it('R3.6 the outcome the workflow stores re-diagnoses to the same hypotheses, each with evidence for and against', async () => {
    for (const s of manifest.scenarios) {
      const out = await gather(complaintOf(s));
      expect({ id: s.id, hypotheses: rediagnose(out) }).toEqual({ id: s.id, hypotheses: out.hypotheses });
      expect(out.hypotheses[0]!.for![0]!.weight).toBeGreaterThan(0);
      expect(out.bundle.complaint?.category).toBe(s.complaint.category);
    }
  });

  it('R3.6 a source that failed is a named gap, gathered again automatically, and the pre-diagnosis is updated when it arrives', async () => {
    failFirst.set('evidenceKpis', 3); // the three attempts of the intake gathering
    n += 1;
    const input = scenario('capacity');
    const { evidence, timeline } = (await env.client.workflow.execute('intakeEvidenceTestWorkflow', {
      taskQueue: TASK_QUEUE,
      workflowId: `evidence-intake-${input.ticketId}-${n}`,
      args: [input],
    })) as { evidence: EvidenceOutcome; timeline: TimelineEntry[] };
    const gathered = timeline.filter((t) => t.action === 'EVIDENCE_GATHERED');
    expect(gathered).toHaveLength(2);
    expect(gathered[0]!.detail).toMatch(/\(1 gaps\)$/);
    expect(gathered[1]!.detail).toMatch(/^gathered again for kpis: CAPACITY .*\(0 gaps\)$/);
    expect(Date.parse(gathered[1]!.at) - Date.parse(gathered[0]!.at)).toBeGreaterThanOrEqual(2 * 60_000);
    expect(calls.evidenceKpis).toBe(4);
    expect(evidence.bundle.kpis.ok).toBe(true);
    expect(evidence.bundle.gaps).toEqual([]);
    expect(evidence.hypotheses[0]?.cause).toBe('CAPACITY');
    expect(rediagnose(evidence)).toEqual(evidence.hypotheses);
  }, 120_000);

  it('R3.6 without the KPIs the gap is named and no radio cause is claimed', async () => {
    failing.add('evidenceKpis');
    const out = await gather(scenario('capacity'));
    expect(out.bundle.gaps).toEqual([expect.stringMatching(/^话统指标：数据源出错/)]);
    expect(out.hypotheses.map((h) => h.cause)).not.toContain('NO_RADIO_CAUSE');
    expect(rediagnose(out)).toEqual(out.hypotheses);
  });
});
