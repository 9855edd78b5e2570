// The complaint workflow on the real Temporal time-skipping test server. Activities are
// recording fakes here (this is a test of the workflow logic); the integration suite runs the real ones.
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { ComplaintActivities, SendEmailInput, SendSmsInput } from '../../activities/types';
import {
  closeUpdate,
  complaintWorkflowId,
  escalateSignal,
  getComplaintQuery,
  recordFindingsUpdate,
  recordReplyUpdate,
  resolveUpdate,
  triageUpdate,
  type Actor,
  type ComplaintInput,
  type ComplaintView,
} from '../../workflows/complaint/contract';
import { DEFAULT_POLICY_SET } from '../../workflows/policy/default-policies';
import { selectPolicy } from '../../workflows/policy/sla';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { complaintInput } from '../support/fixtures';
import { createTimeSkippingEnv, workflowBundle } from '../support/time-skipping';

const TASK_QUEUE = 'complaints-workflow-test';
const handler: Actor = { user: 'handler.li', roles: ['handler'] };
const supervisor: Actor = { user: 'supervisor.wang', roles: ['supervisor'] };

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const emails: (SendEmailInput & { workflowTime: number })[] = [];
const sms: SendSmsInput[] = [];
const projections: ComplaintView[] = [];

const activities: ComplaintActivities = {
  selectPolicy: async (c) => selectPolicy(DEFAULT_POLICY_SET, c),
  projectComplaint: async (view) => {
    projections.push(view);
    return { applied: true };
  },
  sendSms: async (input) => {
    sms.push(input);
    return {
      sid: `SM${'0'.repeat(30)}${sms.length.toString().padStart(2, '0')}`,
      status: 'queued',
      alreadySent: false,
    };
  },
  sendEmail: async (input) => {
    emails.push({ ...input, workflowTime: Date.now() });
    return { messageId: `<${input.idempotencyKey}@test>`, alreadySent: false };
  },
};

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities,
  });
  running = worker.run();
}, 300_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

async function start(input: ComplaintInput = complaintInput()): Promise<WorkflowHandle> {
  return env.client.workflow.start('complaintWorkflow', {
    taskQueue: TASK_QUEUE,
    workflowId: complaintWorkflowId(input.ticketId),
    args: [input],
  });
}

/** Polls the workflow's query until `ok` holds (real time; short waits do not need time skipping). */
async function until(
  handle: WorkflowHandle,
  ok: (v: ComplaintView) => boolean,
  timeoutMs = 20_000,
): Promise<ComplaintView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await handle.query(getComplaintQuery);
    if (ok(view)) return view;
    if (Date.now() > deadline)
      throw new Error(`condition not reached; last view: ${JSON.stringify(view).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `npm run record:histories` keeps these histories for the replay test (test/replay/histories). */
async function keepHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const file = path.resolve(__dirname, '../replay/histories', `${name}.history.pb`);
  writeFileSync(file, temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
}

const mailsFor = (ticketId: string) => emails.filter((e) => e.ticketId === ticketId);
const H = 3_600_000;

describe('R4.2 first reply within 48 hours', () => {
  it('R4.2 first reply is due 48 h after intake: supervisors are warned before and told at the breach', async () => {
    const input = complaintInput();
    const handle = await start(input);
    const t0 = (await handle.describe()).startTime.getTime();
    await env.sleep('49h');
    const view = await handle.query(getComplaintQuery);
    const first = view.clocks.find((c) => c.name === 'firstReply')!;
    expect(first.state).toBe('breached');
    expect(Date.parse(first.dueAt) - t0).toBe(48 * H);
    const keys = mailsFor(input.ticketId).map((m) => m.idempotencyKey);
    expect(keys).toEqual(
      expect.arrayContaining([
        `${input.ticketId}:mail:firstReply:warn-1`,
        `${input.ticketId}:mail:firstReply:breach`,
      ]),
    );
    const breach = mailsFor(input.ticketId).find((m) => m.idempotencyKey.endsWith('firstReply:breach'))!;
    expect(breach.template).toBe('clockBreached');
    expect(view.slaBreached).toBe(true);
    const described = await handle.describe();
    expect(described.searchAttributes.SlaBreached).toEqual([true]);
    expect(view.timeline.map((t) => t.action)).toEqual(
      expect.arrayContaining(['CLOCK_WARNING', 'CLOCK_BREACHED']),
    );
    await handle.terminate('test done');
    await keepHistory(handle, 'first-reply-breached');
  });

  it('R4.2 a first reply by phone inside the window stops the clock: no breach e-mail', async () => {
    const input = complaintInput();
    const handle = await start(input);
    await handle.executeUpdate(triageUpdate, { args: [{ actor: handler, input: { decision: 'SELF' } }] });
    await env.sleep('3h');
    const view = await handle.executeUpdate(recordReplyUpdate, {
      args: [
        {
          actor: handler,
          input: { kind: 'FIRST', method: 'PHONE', summary: '已电话告知正在排查', customerConfirmed: true },
        },
      ],
    });
    expect(view.clocks.find((c) => c.name === 'firstReply')!.state).toBe('met');
    await env.sleep('50h');
    const keys = mailsFor(input.ticketId).map((m) => m.idempotencyKey);
    expect(keys.some((k) => k.includes(':firstReply:'))).toBe(false);
    await handle.terminate('test done');
  });

  it('R4.3 an unconfirmed SMS first reply does not stop the first-reply clock', async () => {
    const input = complaintInput();
    const handle = await start(input);
    const view = await handle.executeUpdate(recordReplyUpdate, {
      args: [
        {
          actor: handler,
          input: { kind: 'FIRST', method: 'SMS', summary: '短信告知', customerConfirmed: false },
        },
      ],
    });
    expect(view.clocks.find((c) => c.name === 'firstReply')!.state).toBe('running');
    expect(view.replies[0]!.counts).toBe(false);
    await handle.terminate('test done');
  });
});

describe('R1.4 R2.1 R4.5 the daily lifecycle', () => {
  it('R1.4 the workflow starts at intake, snapshots its policy and sends the zh-CN acknowledgement', async () => {
    const input = complaintInput();
    const handle = await start(input);
    const view = await until(handle, (v) => v.timeline.some((t) => t.action === 'ACK_SMS_SENT'));
    expect(view.stage).toBe('RECEIVED');
    expect(view.policy?.id).toBe('standard');
    const ack = sms.find((s) => s.ticketId === input.ticketId)!;
    expect(ack.idempotencyKey).toBe(`${input.ticketId}:sms:intake-ack`);
    expect(ack.language).toBe('zh-CN');
    expect(projections.some((p) => p.ticketId === input.ticketId && p.stage === 'RECEIVED')).toBe(true);
    await handle.terminate('test done');
  });

  it('R4.5 triage, findings, resolve, reply and close; close without a reply is refused', async () => {
    const input = complaintInput();
    const handle = await start(input);
    const act = <T>(def: { name: string }, actor: Actor, body: T) =>
      handle.executeUpdate<ComplaintView, [{ actor: Actor; input: T }]>(def.name, {
        args: [{ actor, input: body }],
      });

    let view = await act(triageUpdate, handler, { decision: 'TEAM', note: '组内处理' });
    expect(view.stage).toBe('IN_PROGRESS');
    await expect(
      act(resolveUpdate, handler, { summary: '更换天线后恢复正常', rootCause: '天线故障', actions: '更换' }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    view = await act(recordFindingsUpdate, handler, {
      checked: '话统指标、告警',
      found: '小区 12345-1 驻波告警',
      onSite: false,
    });
    view = await act(resolveUpdate, handler, {
      summary: '更换天线后恢复正常',
      rootCause: '天线驻波比异常',
      actions: '更换天馈',
    });
    expect(view.stage).toBe('RESOLVED');
    const refused = await act(closeUpdate, handler, {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toMatch(
      /cannot close a complaint in stage RESOLVED/,
    );
    view = await act(recordReplyUpdate, handler, {
      kind: 'FINAL',
      method: 'PHONE',
      summary: '电话回复：天线已更换，信号恢复',
      customerConfirmed: true,
      satisfied: true,
    });
    expect(view.stage).toBe('REPLYING');
    view = await act(closeUpdate, handler, { note: '客户满意' });
    expect(view.stage).toBe('CLOSED');
    const result = await handle.result();
    expect(result).toMatchObject({ ticketId: input.ticketId, stage: 'CLOSED', slaBreached: false });
    const human = view.timeline.filter((t) => t.actor === handler.user).map((t) => t.action);
    expect(human).toEqual(['TRIAGED', 'FINDINGS', 'RESOLVED', 'REPLIED', 'CLOSED']);
    expect(view.timeline[0]).toMatchObject({ action: 'RECEIVED', actor: 'emos-gateway' });
    await keepHistory(handle, 'daily-lifecycle-closed');
  });

  it('R10.2 every human action records who did it', async () => {
    const input = complaintInput();
    const handle = await start(input);
    const view = await handle.executeUpdate(triageUpdate, {
      args: [
        { actor: handler, input: { decision: 'TRANSFER', department: 'network', note: '转网络部查证' } },
      ],
    });
    expect(view.stage).toBe('TRANSFERRED');
    expect(view.triage).toMatchObject({ by: 'handler.li', department: 'network' });
    expect(view.timeline.at(-1)).toMatchObject({
      actor: 'handler.li',
      action: 'TRIAGED',
      detail: 'TRANSFER → network',
    });
    await handle.terminate('test done');
  });

  it('R5.2 a supervisor escalation is recorded and e-mailed to the supervisors', async () => {
    const input = complaintInput();
    const handle = await start(input);
    await handle.signal(escalateSignal, { actor: supervisor, input: { level: 2, reason: '客户多次投诉' } });
    const view = await until(
      handle,
      (v) => v.escalationLevel > 0 && mailsFor(input.ticketId).some((m) => m.template === 'escalation'),
    );
    expect(view.escalationLevel).toBe(2);
    const mail = mailsFor(input.ticketId).find((m) => m.template === 'escalation')!;
    expect(mail.idempotencyKey).toBe(`${input.ticketId}:mail:escalation:1`);
    expect(mail.vars).toMatchObject({ level: '2', by: 'supervisor.wang' });
    await handle.terminate('test done');
    await keepHistory(handle, 'escalated');
  });

  it('R7.2 a VIP complaint gets the tighter VIP policy', async () => {
    const input = complaintInput({ customer: { vipLevel: 2, language: 'zh-CN' } });
    const handle = await start(input);
    const view = await until(handle, (v) => v.policy !== undefined);
    expect(view.policy?.id).toBe('vip');
    expect(view.clocks.find((c) => c.name === 'firstReply')!.targetMs).toBe(2 * H);
    await handle.terminate('test done');
  });
});
