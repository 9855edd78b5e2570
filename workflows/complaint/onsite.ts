// The on-site test (实地测试, R3.3) as a task in the complaint workflow: the handler offers slots,
// the customer picks one by SMS (inbound SMS from the number come to this workflow while it waits),
// the engineer is e-mailed the chosen slot only, and the results are recorded as findings.
import { ActivityFailure, condition, log, proxyActivities } from '@temporalio/workflow';
import type { ContactActivities } from '../../activities/contact-types';
import { answerDeadline, readSlotAnswer } from '../policy/on-site';
import { formatLocal } from '../policy/prediagnosis';
import { complaintWorkflowId, type OnSiteTest, type TimeSlot } from './contract';
import { record } from './state';
import type { Ctx } from './steps';

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
  ctx.mailSeq += 1;
  ctx.mail.push({
    idempotencyKey: `${state.ticketId}:mail:on-site-${test.round}:${ctx.mailSeq}`,
    ticketId: state.ticketId,
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

export { answerDeadline };
