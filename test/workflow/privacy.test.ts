// The privacy workflows (issue 22) on the Temporal test server with recording fake activities:
// the retention sweep's paging, continue-as-new and totals (S8.1), and a person's request — legal
// holds, one audit step per action, the outcome recorded last, failures recorded (S8.2).
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { PrivacyActivities } from '../../activities/privacy/types';
import { DEFAULT_RETENTION_POLICY } from '../../domain/policy/retention';
import type {
  EraseComplaintInput,
  EraseComplaintResult,
  FoundSummary,
  PrivacyRequestInput,
  PrivacyRequestResult,
  SweepResult,
} from '../../workflows/privacy/contract';
import { useTimeSkippingWorker } from '../support/time-skipping';

const taskQueue = 'privacy-test';

/** Every activity call in order, with its input. */
let calls: { name: string; input: unknown }[] = [];
let pages = 0;
let found: FoundSummary;
let failFind = false;

const fakes: PrivacyActivities = {
  loadRetentionPolicy: async () => DEFAULT_RETENTION_POLICY,
  applyTemporalRetention: async () => ({ namespace: 'default', hours: 720, changed: true }),
  findRetentionCandidates: async ({ after }) => {
    const page = after ? Number(after.ticketId.split('-')[1]) + 1 : 0;
    const last = page === pages - 1;
    return {
      candidates: [
        {
          ticketId: `T-${page}`,
          closedAt: '2025-01-01T00:00:00.000Z',
          kinds: ['complaintPersonal', 'recordings'],
        },
      ],
      scanned: 1,
      ...(last ? {} : { next: { closedAt: '2025-01-01T00:00:00.000Z', ticketId: `T-${page}` } }),
    };
  },
  eraseComplaintData: async (input: EraseComplaintInput): Promise<EraseComplaintResult> => {
    if (input.ticketId === 'T-1' || input.ticketId === 'EMOS-RUNNING')
      return {
        ticketId: input.ticketId,
        skipped: 'its workflow still runs',
        kinds: [],
        removed: {},
        workflowsDeleted: 0,
      };
    return {
      ticketId: input.ticketId,
      kinds: input.kinds,
      removed: { complaint_views: 1 },
      workflowsDeleted: 2,
    };
  },
  dropExpiredNumberHashes: async () => 3,
  expireVipProfiles: async () => 1,
  expireExports: async () => 0,
  recordSweep: async () => undefined,
  findPersonalData: async () => {
    if (failFind)
      throw ApplicationFailure.nonRetryable('request PR-x no longer holds its number', 'SubjectGone');
    return found;
  },
  exportPersonalData: async () => ({ bytes: 1234, expiresAt: '2026-12-12T00:00:00.000Z' }),
  eraseSubjectData: async () => ({ vip_profiles: 1, outbox: 2 }),
  recordRequestStep: async () => undefined,
  finishRequest: async () => undefined,
};

/** The fakes, each recording its call. */
const activities = Object.fromEntries(
  Object.entries(fakes).map(([name, fn]) => [
    name,
    (input: unknown) => {
      calls.push({ name, input });
      return (fn as (i: unknown) => Promise<unknown>)(input);
    },
  ]),
);

const env = useTimeSkippingWorker(taskQueue, activities);

beforeEach(() => {
  calls = [];
  failFind = false;
});

const named = (name: string) => calls.filter((c) => c.name === name).map((c) => c.input);

describe('S8.1 the retention sweep', () => {
  it('S8.1 pages through every candidate, continues as new after 20 pages, and records one outcome with the totals', async () => {
    pages = 23;
    const result = await env().client.workflow.execute('retentionSweepWorkflow', {
      taskQueue,
      workflowId: 'sweep-test-1',
      args: [{ trigger: 'test' }],
    });
    const r = result as SweepResult;
    expect(named('findRetentionCandidates')).toHaveLength(23);
    // The namespace retention once per sweep, not again after continue-as-new.
    expect(named('applyTemporalRetention')).toHaveLength(1);
    expect(r.totals).toMatchObject({
      complaints: 22,
      skipped: 1,
      workflowsDeleted: 44,
      byKind: { complaintPersonal: 22, recordings: 22 },
      hashesDropped: 3,
      vipProfilesDeleted: 1,
    });
    expect(named('recordSweep')).toEqual([
      expect.objectContaining({
        workflowId: 'sweep-test-1',
        trigger: 'test',
        result: expect.objectContaining({ totals: r.totals }),
      }),
    ]);
    const erased = named('eraseComplaintData') as EraseComplaintInput[];
    expect(erased.map((e) => e.ticketId)).toEqual(Array.from({ length: 23 }, (_v, i) => `T-${i}`));
    expect(erased[0]!.cause).toEqual({ type: 'retention', ref: 'sweep-test-1', by: 'retention-sweep' });
  });
});

describe('S8.2 a request of a person', () => {
  const start = (input: PrivacyRequestInput) =>
    env().client.workflow.execute('privacyRequestWorkflow', {
      taskQueue,
      workflowId: `privacy-${input.requestId}`,
      args: [input],
    }) as Promise<PrivacyRequestResult>;

  it('S8.2 erasure erases what no legal hold keeps, records each step once, and the outcome last', async () => {
    found = {
      complaints: [
        { ticketId: 'EMOS-CLOSED', stage: 'CLOSED' },
        {
          ticketId: 'EMOS-DISPUTED',
          stage: 'CLOSED',
          hold: 'dispute-prone: kept as evidence for the dispute',
        },
        { ticketId: 'EMOS-RUNNING', stage: 'CLOSED' },
      ],
      contacts: 1,
      outbox: 2,
      recordings: 0,
      signatures: 0,
      vipProfile: true,
      auditEntries: 9,
      workflows: 4,
    };
    const r = await start({ requestId: 'PR-20261205-erase1', kind: 'ERASE', requestedBy: 'privacy.officer' });
    expect(r).toMatchObject({
      state: 'DONE',
      erased: ['EMOS-CLOSED'],
      held: [
        { ticketId: 'EMOS-DISPUTED', reason: expect.stringMatching(/dispute-prone/) },
        { ticketId: 'EMOS-RUNNING', reason: 'its workflow still runs' },
      ],
    });
    expect((named('eraseComplaintData') as EraseComplaintInput[]).map((e) => e.ticketId)).toEqual([
      'EMOS-CLOSED',
      'EMOS-RUNNING',
    ]);
    expect(named('eraseSubjectData')).toEqual([
      { requestId: 'PR-20261205-erase1', heldTickets: ['EMOS-DISPUTED', 'EMOS-RUNNING'] },
    ]);
    const steps = named('recordRequestStep') as { key: string; action: string }[];
    expect(steps.map((s) => s.action)).toEqual(['FOUND', 'ERASED', 'HELD', 'HELD', 'ERASED_SUBJECT', 'DONE']);
    expect(new Set(steps.map((s) => s.key)).size).toBe(steps.length);
    // The outcome is written after the trail's last step.
    expect(calls.map((c) => c.name).slice(-2)).toEqual(['recordRequestStep', 'finishRequest']);
    // No activity of the request is ever given a number.
    expect(JSON.stringify(calls)).not.toMatch(/\+\d{8,}/);
  });

  it('S8.2 an export produces the document and erases nothing', async () => {
    const r = await start({ requestId: 'PR-20261205-export1', kind: 'EXPORT', requestedBy: 'admin.root' });
    expect(r).toMatchObject({ state: 'DONE', exportBytes: 1234, erased: [], held: [] });
    expect(named('eraseComplaintData')).toEqual([]);
    expect(named('eraseSubjectData')).toEqual([]);
    expect((named('recordRequestStep') as { action: string }[]).map((s) => s.action)).toEqual([
      'FOUND',
      'EXPORTED',
      'DONE',
    ]);
  });

  it('S8.2 a request that cannot go on fails, with FAILED in its trail and its outcome recorded', async () => {
    failFind = true;
    const err = await start({
      requestId: 'PR-20261205-fail1',
      kind: 'ERASE',
      requestedBy: 'admin.root',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((named('recordRequestStep') as { action: string }[]).map((s) => s.action)).toEqual(['FAILED']);
    expect(named('finishRequest')).toEqual([
      expect.objectContaining({
        status: expect.objectContaining({ state: 'FAILED' }),
        error: expect.any(String),
      }),
    ]);
  });
});
