// The staff e-mails of a complaint: queued by handlers, signals and clocks with a deterministic
// idempotency key, sent by the main loop; a non-urgent one in the staff's quiet hours waits for
// their end.
import { ActivityFailure, log, sleep } from '@temporalio/workflow';
import type { EmailTemplate, SendEmailInput } from '../../activities/types';
import { staffMailDeferredUntil, URGENT_STAFF_TEMPLATES } from '../../domain/policy/quiet-hours';
import type { Ctx } from './ctx';
import { notify } from './proxies';
import { record, type ComplaintState } from './state';

function baseVars(state: ComplaintState): Record<string, string> {
  return {
    ticketId: state.ticketId,
    stage: state.stage,
    channel: state.input.channel,
    category: state.input.category,
    region: state.input.location.region,
  };
}

/** Queues an e-mail; its key is made from the ticket, the purpose and the queue's sequence number. */
export function queueMailTo(
  ctx: Ctx,
  purpose: string,
  mail: Omit<SendEmailInput, 'idempotencyKey' | 'ticketId'>,
): void {
  ctx.mailSeq += 1;
  ctx.mail.push({
    idempotencyKey: `${ctx.state.ticketId}:mail:${purpose}:${ctx.mailSeq}`,
    ticketId: ctx.state.ticketId,
    ...mail,
  });
}

/** Queues an e-mail to the members of a role, with the complaint's own variables. */
export function queueMail(
  ctx: Ctx,
  purpose: string,
  template: EmailTemplate,
  toRole: string,
  vars: Record<string, string>,
): void {
  queueMailTo(ctx, purpose, { toRole, template, vars: { ...baseVars(ctx.state), ...vars } });
}

async function sendMail(
  state: ComplaintState,
  mail: SendEmailInput,
  opts: { markDirty?: boolean } = {},
): Promise<void> {
  try {
    await notify.sendEmail(mail);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.error('e-mail failed', { ticketId: state.ticketId, key: mail.idempotencyKey });
    record(
      state,
      { actor: 'system', action: 'NOTIFICATION_FAILED', detail: mail.idempotencyKey },
      Date.now(),
    );
    // Sent beside a commit: the failure needs a commit of its own.
    if (opts.markDirty) state.dirty = true;
  }
}

/** Urgent mail goes at once at any hour: breaches, escalations, and anything about an urgent, VIP or major complaint. */
function isUrgentMail(state: ComplaintState, mail: SendEmailInput): boolean {
  return (
    URGENT_STAFF_TEMPLATES.includes(mail.template) ||
    state.input.urgency === 'URGENT' ||
    state.input.customer.vipLevel > 0 ||
    state.major !== undefined
  );
}

/** Sends the queued e-mails in order; a non-urgent one in the staff's quiet hours waits for their end. */
export async function drainMail(ctx: Ctx, opts: { parallel?: boolean } = {}): Promise<void> {
  const { state } = ctx;
  const sending: Promise<void>[] = [];
  while (ctx.mail.length > 0) {
    const mail = ctx.mail.shift()!;
    const until = staffMailDeferredUntil(
      Date.now(),
      state.policy?.staffQuietHours,
      isUrgentMail(state, mail),
    );
    if (until === undefined) {
      if (opts.parallel) sending.push(sendMail(state, mail, { markDirty: true }));
      else await sendMail(state, mail);
      continue;
    }
    const at = new Date(until).toISOString();
    record(
      state,
      { actor: 'system', action: 'NOTIFICATION_DEFERRED', detail: `${mail.template} until ${at}` },
      Date.now(),
    );
    ctx.background.push(sendAfterQuietHours(state, mail, until));
  }
  await Promise.all(sending);
}

async function sendAfterQuietHours(
  state: ComplaintState,
  mail: SendEmailInput,
  until: number,
): Promise<void> {
  await sleep(Math.max(until - Date.now(), 1));
  await sendMail(state, mail);
  record(
    state,
    { actor: 'system', action: 'NOTIFICATION_SENT_AFTER_QUIET_HOURS', detail: mail.template },
    Date.now(),
  );
  state.dirty = true;
}
