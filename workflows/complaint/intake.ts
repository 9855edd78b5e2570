// The intake steps of a complaint: the policy that applies to it, the earlier complaints it
// repeats (R6.2), and the customer's acknowledgement by SMS.
import { ActivityFailure, log } from '@temporalio/workflow';
import type { PolicyCriteria } from '../../domain/policy/sla';
import { formatDuration } from '../../domain/policy/durations';
import { untilCustomerWindow } from './contact-window';
import { commit } from './projection';
import { data, notify } from './proxies';
import { record, type ComplaintState } from './state';

export const selectPolicy = data.selectPolicy;

/** What selects the complaint's policy: its channel, category, VIP level and urgency. */
export function policyCriteria(state: ComplaintState): PolicyCriteria {
  return {
    channel: state.input.channel,
    category: state.input.category,
    vipLevel: state.input.customer.vipLevel,
    urgency: state.input.urgency,
  };
}

/** Links earlier complaints from the same number or about the same cell within the window (R6.2). */
export async function detectRepeat(state: ComplaintState): Promise<void> {
  const since = new Date(Date.now() - state.policy!.repeatWindowMs).toISOString();
  const earlier = await data.findEarlierComplaints({
    ticketId: state.ticketId,
    callback: state.input.numbers.callback,
    cellId: state.input.location.cellId,
    since,
  });
  if (earlier.length === 0) return;
  state.repeatOf = earlier;
  const detail = earlier.map((e) => `${e.ticketId} (${e.by})`).join(', ');
  record(state, { actor: 'system', action: 'REPEAT_OF', detail }, Date.now());
}

/** Sends the zh-CN intake acknowledgement; a failure is recorded, never fatal. */
export async function acknowledgeIntake(state: ComplaintState): Promise<void> {
  const { input } = state;
  const due = state.clockMap.firstReply;
  // Inside the customer's own window when they gave one (R4.8).
  const wait = untilCustomerWindow(state, 'sms');
  if (wait) await wait;
  try {
    const sms = await notify.sendSms({
      idempotencyKey: `${state.ticketId}:sms:intake-ack`,
      ticketId: state.ticketId,
      to: input.numbers.callback,
      template: 'intakeAcknowledgement',
      language: input.customer.language,
      vars: { ticketId: state.ticketId, firstReplyWithin: due ? formatDuration(due.budgetMs) : '48h' },
    });
    record(state, { actor: 'system', action: 'ACK_SMS_SENT', detail: sms.sid }, Date.now());
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('intake acknowledgement SMS failed', { ticketId: state.ticketId, error: err.cause?.message });
    record(state, { actor: 'system', action: 'ACK_SMS_FAILED', detail: err.cause?.message }, Date.now());
  }
  await commit(state);
}
