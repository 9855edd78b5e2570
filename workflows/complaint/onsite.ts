// The on-site test (实地测试, R3.3) as a task in the complaint workflow: the handler offers slots,
// the customer picks one by SMS (inbound SMS from the number come to this workflow while it waits),
// the engineer is e-mailed the chosen slot only, and the results are recorded as findings.
import { ActivityFailure, condition, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ContactActivities } from '../../activities/contact-types';
import { smsReplySignal, type SmsReplyInput } from '../contact/contract';
import {
  checkProposeOnSiteTest,
  checkRecordOnSiteResult,
  onSiteWaiting,
} from '../../domain/policy/complaint-checks';
import { answerDeadline, readSlotAnswer } from '../../domain/policy/on-site';
import { formatLocal } from '../../domain/policy/prediagnosis';
import {
  complaintWorkflowId,
  proposeOnSiteTestUpdate,
  recordOnSiteResultUpdate,
  type Acting,
  type OnSiteResultInput,
  type OnSiteTest,
  type ProposeOnSiteTestInput,
  type TimeSlot,
} from './contract';
import type { Ctx } from './ctx';
import { customerContactTerms, untilCustomerWindow } from './contact-window';
import { act, refuse } from './handler-kit';
import { backToWork } from './handling';
import { queueMailTo } from './mail';
import { facts, record, type ComplaintState } from './state';

const contact = proxyActivities<ContactActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 10 },
});

const slotText = (s: TimeSlot) => `${formatLocal(s.from)}–${formatLocal(s.to).slice(11)}`;

/** Offers the slots by SMS and waits, until its deadline, for the customer's choice. */
export async function runOnSiteTest(ctx: Ctx, test: OnSiteTest): Promise<void> {
  const { state } = ctx;
  const to = state.input.numbers.callback;
  const workflowId = complaintWorkflowId(state.ticketId);
  const key = (step: string) => `${state.ticketId}:sms:ON_SITE_TEST:${test.round}:${step}`;
  const base = {
    ticketId: state.ticketId,
    to,
    language: state.input.customer.language,
    purpose: 'ON_SITE_TEST' as const,
  };
  const inbox = (ctx.smsInbox ??= []);
  inbox.length = 0;
  try {
    await contact.registerActiveContact({
      to,
      workflowId,
      ticketId: state.ticketId,
      purpose: 'ON_SITE_TEST',
    });
    // The slots go inside the customer's own window (R4.8); the answer is waited for from then on.
    const before = Date.now();
    const wait = untilCustomerWindow(state, 'sms');
    if (wait) await wait;
    if (Date.now() > before) test.answerBy = new Date(answerDeadline(test.slots, Date.now())).toISOString();
    await contact.sendContactSms({
      ...base,
      idempotencyKey: key('slots'),
      template: 'onSiteSlots',
      vars: {
        ticketId: state.ticketId,
        slots: test.slots.map((s, i) => `${i + 1}) ${slotText(s)}`).join('；'),
      },
    });
    record(
      state,
      {
        actor: 'system',
        action: 'ON_SITE_SLOTS_SENT',
        detail: `round ${test.round}, ${test.slots.length} slots`,
      },
      Date.now(),
    );
    state.dirty = true;
    const deadline = Date.parse(test.answerBy);
    while (test.status === 'WAITING_CUSTOMER') {
      const left = deadline - Date.now();
      if (left <= 0 || !(await condition(() => inbox.length > 0, left))) {
        test.status = 'NO_ANSWER';
        record(
          state,
          { actor: 'system', action: 'ON_SITE_NO_ANSWER', detail: `round ${test.round}` },
          Date.now(),
        );
        break;
      }
      const reply = inbox.shift()!;
      const answer = readSlotAnswer(reply.body, test.slots.length);
      test.answer = reply.body;
      if (answer.kind === 'DECLINED') {
        test.status = 'DECLINED';
        record(
          state,
          { actor: 'customer', action: 'ON_SITE_DECLINED', detail: `round ${test.round}` },
          Date.now(),
        );
      } else if (answer.kind === 'CHOSEN') {
        book(ctx, test, test.slots[answer.index]!);
        const later = untilCustomerWindow(state, 'sms');
        if (later) await later;
        await contact.sendContactSms({
          ...base,
          idempotencyKey: key('booked'),
          template: 'onSiteBooked',
          vars: { ticketId: state.ticketId, slot: slotText(test.chosen!), engineer: test.engineer.name },
        });
      } else {
        record(
          state,
          { actor: 'customer', action: 'ON_SITE_UNCLEAR_ANSWER', detail: reply.body.slice(0, 40) },
          Date.now(),
        );
      }
      state.dirty = true;
    }
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('on-site appointment failed', { ticketId: state.ticketId, error: err.cause?.message });
    test.status = 'NO_ANSWER';
    record(state, { actor: 'system', action: 'ON_SITE_SMS_FAILED', detail: err.cause?.message }, Date.now());
  } finally {
    await contact.clearActiveContact({ to, workflowId }).catch(() => undefined);
    state.dirty = true;
  }
}

/** The customer chose a slot: booked, and the engineer is told of that slot only. */
function book(ctx: Ctx, test: OnSiteTest, slot: TimeSlot): void {
  const { state } = ctx;
  test.status = 'BOOKED';
  test.chosen = slot;
  test.bookedAt = new Date(Date.now()).toISOString();
  record(state, { actor: 'customer', action: 'ON_SITE_BOOKED', detail: slotText(slot) }, Date.now());
  queueMailTo(ctx, `on-site-${test.round}`, {
    to: [test.engineer.email],
    template: 'onSiteTestBooked',
    vars: {
      ticketId: state.ticketId,
      stage: state.stage,
      region: state.input.location.region,
      engineer: test.engineer.name,
      slot: slotText(slot),
      address: test.address ?? state.input.location.address ?? '',
      description: state.input.description,
      preDiagnosis: state.evidence?.hypotheses[0]?.title['zh-CN'] ?? '',
      note: test.note ?? '',
    },
  });
}

/** The complaint's on-site tests; the list is made with the first one. */
function onSiteTests(state: ComplaintState): OnSiteTest[] {
  return (state.onSiteTests ??= []);
}

/** The handler offers slots: the SMS goes out and the customer's answer is waited for. */
export function proposeOnSiteTest(ctx: Ctx, { actor, input }: Acting<ProposeOnSiteTestInput>): void {
  const { state } = ctx;
  const now = Date.now();
  const test: OnSiteTest = {
    round: onSiteTests(state).length + 1,
    status: 'WAITING_CUSTOMER',
    slots: input.slots,
    engineer: input.engineer,
    address: input.address,
    note: input.note,
    proposedBy: actor.user,
    proposedAt: new Date(now).toISOString(),
    answerBy: new Date(answerDeadline(input.slots, now)).toISOString(),
  };
  onSiteTests(state).push(test);
  record(
    state,
    {
      actor: actor.user,
      action: 'ON_SITE_PROPOSED',
      detail: `round ${test.round}: ${input.slots.length} slots`,
    },
    now,
  );
  ctx.background.push(runOnSiteTest(ctx, test));
}

/** The engineer's measurements and conclusion: the booked test is done, and they are findings. */
export function recordOnSiteResult(ctx: Ctx, { actor, input }: Acting<OnSiteResultInput>): void {
  const { state } = ctx;
  const at = new Date(Date.now()).toISOString();
  const test = onSiteTests(state).find((t) => t.status === 'BOOKED')!;
  test.status = 'DONE';
  test.result = { ...input, by: actor.user, at };
  const measured = input.measurements.map((m) => `${m.name} ${m.value}${m.unit ?? ''}`).join(', ');
  state.findings.push({
    checked: `实地测试 on-site test ${test.chosen!.from.slice(0, 16)}: ${measured}`,
    found: input.conclusion,
    onSite: true,
    by: actor.user,
    at,
  });
  backToWork(ctx, { actor: actor.user, action: 'ON_SITE_RESULT', detail: input.conclusion.slice(0, 120) });
}

/** An SMS from the customer's number while an appointment waits is their answer to the slots. */
export function keepSlotAnswer(ctx: Ctx, reply: SmsReplyInput): void {
  if (onSiteWaiting(ctx.state.onSiteTests)) (ctx.smsInbox ??= []).push(reply);
}

export function registerOnSiteHandlers(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(proposeOnSiteTestUpdate, (cmd) => act(ctx, proposeOnSiteTest, cmd), {
    validator: ({ input }) => {
      // The slots lie inside the customer's own window when they gave one (R4.8).
      const terms = customerContactTerms(state);
      const hours = state.policy ? (terms.allowedHours ?? state.policy.contact.allowedHours) : undefined;
      refuse(
        checkProposeOnSiteTest(
          facts(state),
          state.onSiteTests,
          input.slots,
          Date.now(),
          hours,
          terms.timeZone,
        ),
      );
    },
  });
  setHandler(recordOnSiteResultUpdate, (cmd) => act(ctx, recordOnSiteResult, cmd), {
    validator: (_cmd) => refuse(checkRecordOnSiteResult(facts(state), state.onSiteTests, Date.now())),
  });
  setHandler(smsReplySignal, (reply) => keepSlotAnswer(ctx, reply));
}
