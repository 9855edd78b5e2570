// The complaint workflow's daily lifecycle on the real Temporal time-skipping test server.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  closeUpdate,
  escalateSignal,
  getComplaintQuery,
  recordFindingsUpdate,
  recordReplyUpdate,
  regatherEvidenceUpdate,
  resolveUpdate,
  triageUpdate,
} from '../../workflows/complaint/contract';
import { WORKFLOW_STACK_FRAMES } from '../../workflows/stack-frames';
import { complaintInput } from '../support/fixtures';
import { H, handler, startHarness, supervisor, type Harness } from '../support/workflow-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('complaints-workflow-test');
}, 300_000);
afterAll(async () => h?.close());
afterEach(async () => h.cleanup());

/** `npm run record:histories` keeps these histories for the replay test (test/replay/histories). */
async function keepHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const file = path.resolve(__dirname, '../replay/histories', `${name}.history.pb`);
  writeFileSync(file, temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
}

describe('R4.2 first reply within 48 hours', () => {
  it('R4.2 first reply is due 48 h after intake: supervisors are warned before and told at the breach', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    const t0 = (await handle.describe()).startTime.getTime();
    await h.env.sleep('49h');
    const view = await handle.query(getComplaintQuery);
    const first = view.clocks.find((c) => c.name === 'firstReply')!;
    expect(first.state).toBe('breached');
    expect(Date.parse(first.dueAt!) - t0).toBe(48 * H);
    const keys = h.mailsFor(input.ticketId).map((m) => m.idempotencyKey);
    expect(keys.some((k) => k.startsWith(`${input.ticketId}:mail:firstReply:warn-1:`))).toBe(true);
    const breach = h.mailsFor(input.ticketId).find((m) => m.idempotencyKey.includes(':firstReply:breach:'))!;
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

  it('R4.2 R5.6 a breach is told at once: its e-mails and its projection are scheduled together, not one after the other', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    await h.env.sleep('49h');
    const view = await handle.query(getComplaintQuery);
    expect(view.timeline.map((t) => t.action)).toContain('CLOCK_BREACHED');
    const history = await handle.fetchHistory();
    // Activities scheduled by each workflow task completion.
    const byTask = new Map<string, string[]>();
    for (const e of history.events ?? []) {
      const a = e.activityTaskScheduledEventAttributes;
      if (!a) continue;
      const task = String(a.workflowTaskCompletedEventId);
      byTask.set(task, [...(byTask.get(task) ?? []), a.activityType?.name ?? '']);
    }
    const breachTask = [...byTask.values()].find(
      (types) =>
        types.includes('projectComplaintChange') && types.filter((t) => t === 'sendEmail').length >= 2,
    );
    expect(breachTask).toBeDefined();
    await handle.terminate('test done');
  });

  it('R4.2 a first reply by phone inside the window stops the clock: no breach e-mail', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    await h.env.sleep('3h');
    const view = await h.act(handle, recordReplyUpdate, handler, {
      kind: 'FIRST',
      method: 'PHONE',
      summary: '已电话告知正在排查',
      customerConfirmed: true,
    });
    expect(view.clocks.find((c) => c.name === 'firstReply')!.state).toBe('met');
    await h.env.sleep('50h');
    const keys = h.mailsFor(input.ticketId).map((m) => m.idempotencyKey);
    expect(keys.some((k) => k.includes(':firstReply:'))).toBe(false);
    await handle.terminate('test done');
  });

  it('R4.3 an unconfirmed SMS first reply does not stop the first-reply clock', async () => {
    const handle = await h.start();
    const view = await h.act(handle, recordReplyUpdate, handler, {
      kind: 'FIRST',
      method: 'SMS',
      summary: '短信告知',
      customerConfirmed: false,
    });
    expect(view.clocks.find((c) => c.name === 'firstReply')!.state).toBe('running');
    expect(view.replies[0]!.counts).toBe(false);
    await handle.terminate('test done');
  });
});

describe('R1.4 R2.1 R4.5 the daily lifecycle', () => {
  it('R1.4 the workflow starts at intake, snapshots its policy and sends the zh-CN acknowledgement', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    const view = await h.until(handle, (v) => v.timeline.some((t) => t.action === 'ACK_SMS_SENT'));
    expect(view.stage).toBe('RECEIVED');
    expect(view.policy?.id).toBe('standard');
    expect(view.clocks.map((c) => c.name)).toEqual(['acceptance', 'firstReply', 'handling']);
    const ack = h.sms.find((s) => s.ticketId === input.ticketId)!;
    expect(ack.idempotencyKey).toBe(`${input.ticketId}:sms:intake-ack`);
    expect(ack.language).toBe('zh-CN');
    expect(h.projections.some((p) => p.ticketId === input.ticketId && p.stage === 'RECEIVED')).toBe(true);
    // R3.1 R3.2 the evidence is gathered at intake and its one-line pre-diagnosis is in the memo.
    const withEvidence = await h.until(handle, (v) => v.evidence !== undefined);
    expect(withEvidence.evidence!.cells.servingCellId).toBe('460-00-12345-1');
    expect(withEvidence.timeline.some((t) => t.action === 'EVIDENCE_GATHERED')).toBe(true);
    expect(Object.keys((await handle.describe()).memo ?? {})).toContain('preDiagnosis');
    const again = await h.act(handle, regatherEvidenceUpdate, handler, {
      from: '2026-11-20T00:00:00.000Z',
      to: '2026-11-21T00:00:00.000Z',
    });
    expect(again.evidence!.bundle.query.window).toEqual({
      from: '2026-11-20T00:00:00.000Z',
      to: '2026-11-21T00:00:00.000Z',
    });
    await handle.terminate('test done');
  });

  it('R3.5 the cause a handler names when resolving is kept beside the pre-diagnosis: its rank, and whether the top one was right', async () => {
    const handle = await h.start(complaintInput());
    const { evidence } = await h.until(handle, (v) => v.evidence !== undefined);
    // The harness's evidence may rank nothing: the check is the same with an empty list.
    const ranked = evidence!.hypotheses.map((x) => x.cause);
    await h.act(handle, triageUpdate, handler, { decision: 'SELF' });
    await h.act(handle, recordFindingsUpdate, handler, {
      checked: '话统指标、告警',
      found: '小区 12345-1 驻波告警',
    });
    const view = await h.act(handle, resolveUpdate, handler, {
      summary: '更换天线后恢复正常',
      rootCause: '天线驻波比异常',
      actions: '更换天馈',
      cause: 'FAULT_ALARM',
    });
    const at = ranked.indexOf('FAULT_ALARM');
    expect(view.resolution!.diagnosis).toEqual({
      top: ranked[0] ?? 'NONE',
      found: 'FAULT_ALARM',
      rank: at >= 0 ? at + 1 : null,
      confirmed: at === 0,
    });
    // Without a cause named, nothing is claimed.
    const other = await h.start(complaintInput());
    await h.act(other, triageUpdate, handler, { decision: 'SELF' });
    await h.act(other, recordFindingsUpdate, handler, { checked: '告警', found: '无' });
    const plain = await h.act(other, resolveUpdate, handler, {
      summary: '更换天线后恢复正常',
      rootCause: '天线驻波比异常',
      actions: '更换天馈',
    });
    expect(plain.resolution!.diagnosis).toBeUndefined();
    await other.terminate('test done');
    await handle.terminate('test done');
  });

  it('R4.5 triage, findings, resolve, reply and close; close without a reply is refused', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    let view = await h.act(handle, triageUpdate, handler, { decision: 'TEAM', note: '组内处理' });
    expect(view.stage).toBe('IN_PROGRESS');
    expect(view.clocks.find((c) => c.name === 'acceptance')!.state).toBe('met');
    await expect(
      h.act(handle, resolveUpdate, handler, {
        summary: '更换天线后恢复正常',
        rootCause: '天线故障',
        actions: '更换',
      }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    view = await h.act(handle, recordFindingsUpdate, handler, {
      checked: '话统指标、告警',
      found: '小区 12345-1 驻波告警',
    });
    view = await h.act(handle, resolveUpdate, handler, {
      summary: '更换天线后恢复正常',
      rootCause: '天线驻波比异常',
      actions: '更换天馈',
    });
    expect(view.stage).toBe('RESOLVED');
    const refused = await h.act(handle, closeUpdate, handler, {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toMatch(
      /cannot close a complaint in stage RESOLVED/,
    );
    view = await h.act(handle, recordReplyUpdate, handler, {
      kind: 'FINAL',
      method: 'PHONE',
      summary: '电话回复：天线已更换，信号恢复',
      customerConfirmed: true,
      satisfied: true,
    });
    expect(view.stage).toBe('REPLYING');
    view = await h.act(handle, closeUpdate, handler, { note: '客户满意' });
    expect(view.stage).toBe('CLOSED');
    // R6.1 the care callback is scheduled (test/workflow/contact-flow.test.ts follows it through).
    view = await h.until(handle, (v) => v.careCallback?.dueAt !== undefined);
    const human = view.timeline.filter((t) => t.actor === handler.user).map((t) => t.action);
    expect(human).toEqual(['TRIAGED', 'FINDINGS', 'RESOLVED', 'REPLIED', 'CLOSED']);
    expect(view.timeline[0]).toMatchObject({ action: 'RECEIVED', actor: 'emos-gateway' });
    await keepHistory(handle, 'daily-lifecycle-closed');
  });

  it('R10.2 every human action records who did it', async () => {
    const handle = await h.start();
    const view = await h.act(handle, triageUpdate, handler, {
      decision: 'TRANSFER',
      department: 'network',
      note: '转网络部查证',
    });
    expect(view.stage).toBe('TRANSFERRED');
    expect(view.triage).toMatchObject({ by: 'handler.li', department: 'network' });
    expect(view.timeline.find((t) => t.action === 'TRIAGED')).toMatchObject({
      actor: 'handler.li',
      detail: 'TRANSFER → network',
    });
    await handle.terminate('test done');
  });

  it("R10.1 the Temporal UI's stack trace of a waiting complaint names where it waits, each stack cut to the workflow frame limit", async () => {
    const handle = await h.start();
    await h.until(handle, (v) => v.timeline.some((t) => t.action === 'ACK_SMS_SENT'));
    const trace = await handle.query<string>('__stack_trace');
    const stacks = trace.split('\n\n').map((s) => s.split('\n').filter((l) => l.trim().startsWith('at ')));
    // Where it waits: the complaint's own modules.
    expect(trace).toMatch(/workflows\/complaint\/\w[\w-]*\.ts:\d+/);
    // At most the limit's frames per stack (the SDK's hook takes two of them; V8's default, 10,
    // gives stacks of 8 here).
    expect(stacks.length).toBeGreaterThan(3);
    expect(Math.max(...stacks.map((s) => s.length))).toBeLessThanOrEqual(WORKFLOW_STACK_FRAMES - 2);
    await handle.terminate('test done');
  });

  it('R5.2 a supervisor escalation is recorded and e-mailed to the level it reaches', async () => {
    const input = complaintInput();
    const handle = await h.start(input);
    await handle.signal(escalateSignal, { actor: supervisor, input: { level: 2, reason: '客户多次投诉' } });
    const view = await h.until(
      handle,
      (v) => v.escalationLevel > 0 && h.mailsFor(input.ticketId).some((m) => m.template === 'escalation'),
    );
    expect(view.escalationLevel).toBe(2);
    expect(view.awaitingAckRole).toBe('interface');
    expect(view.hot).toBe(true);
    const mail = h.mailsFor(input.ticketId).find((m) => m.template === 'escalation')!;
    expect(mail.idempotencyKey).toMatch(new RegExp(`^${input.ticketId}:mail:escalation-L2:\\d+$`));
    expect(mail.toRole).toBe('interface');
    expect(mail.vars).toMatchObject({ level: '2', by: 'supervisor.wang', source: 'manual' });
    await handle.terminate('test done');
    await keepHistory(handle, 'escalated');
  });

  it('R7.2 a VIP complaint gets the tighter VIP policy', async () => {
    const handle = await h.start(complaintInput({ customer: { vipLevel: 2, language: 'zh-CN' } }));
    const view = await h.until(handle, (v) => v.policy !== undefined);
    expect(view.policy?.id).toBe('vip');
    expect(view.clocks.find((c) => c.name === 'firstReply')!.targetMs).toBe(2 * H);
    await handle.terminate('test done');
  });
});
