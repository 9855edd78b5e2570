// The customer's own contact window and agreed appointment (R4.8): set at intake or by a handler
// before CLOSED, on the timeline, and honoured by every call and SMS to the customer — the contact
// workflow gets them as its terms (reply.ts), a change reaches the contacts under way by a signal,
// and the complaint's own SMS (intake acknowledgement, on-site slots, signature link) wait for them.
import { condition, getExternalWorkflowHandle, log, patched, setHandler } from '@temporalio/workflow';
import { DEFAULT_CONTACT_POLICY } from '../../domain/policy/contact-policy';
import {
  checkSetContactPreferences,
  contactTerms,
  describeContactPreferences,
  mergeContactPreferences,
  nextCustomerContactAt,
  type ContactPreferences,
} from '../../domain/policy/contact-window';
import { contactWindowSignal } from '../contact/contract';
import {
  setContactPreferencesUpdate,
  type Acting,
  type ContactPreferencesInput,
  type ContactRecord,
} from './contract';
import type { Ctx } from './ctx';
import { act, refuse } from './handler-kit';
import { record, type ComplaintState } from './state';

const iso = (ms: number) => new Date(ms).toISOString();

/** The customer's preferences without who set them. */
function preferencesOf(state: ComplaintState): ContactPreferences | undefined {
  if (!state.contactPreferences) return undefined;
  const { by: _by, at: _at, ...prefs } = state.contactPreferences;
  return prefs;
}

/** The policy's allowed hours (the default ones before the policy snapshot exists). */
function policyHours(state: ComplaintState) {
  return state.policy?.contact.allowedHours ?? DEFAULT_CONTACT_POLICY.allowedHours;
}

/** What a contact to this customer is given: their time zone, window and appointment. */
export function customerContactTerms(state: ComplaintState) {
  return contactTerms(preferencesOf(state));
}

/**
 * Notes on the contact record when its first call or SMS waits for the customer's window (the
 * view says until when); `announce` also puts it on the timeline. Only for customers who gave
 * preferences: other contacts keep their views as before.
 */
export function noteContactWindow(
  ctx: Ctx,
  entry: ContactRecord,
  announce: boolean,
  now: number = Date.now(),
): void {
  const { state } = ctx;
  const prefs = preferencesOf(state);
  if (!prefs) return;
  const kind = entry.channel === 'PHONE_FIRST' ? 'call' : 'sms';
  const at = nextCustomerContactAt(now, prefs, policyHours(state), kind);
  if (at <= now) {
    delete entry.windowOpensAt;
    return;
  }
  entry.windowOpensAt = iso(at);
  if (announce)
    record(
      state,
      {
        actor: 'system',
        action: 'CONTACT_WAITS_FOR_WINDOW',
        detail: `${entry.purpose} round ${entry.round} until ${entry.windowOpensAt} (${describeContactPreferences(prefs)})`,
      },
      now,
    );
}

/** The handler sets or changes the customer's window or appointment; contacts under way follow it. */
export function setContactPreferences(ctx: Ctx, { actor, input }: Acting<ContactPreferencesInput>): void {
  const { state } = ctx;
  const now = Date.now();
  const prefs = mergeContactPreferences(preferencesOf(state), input);
  state.contactPreferences = { ...prefs, by: actor.user, at: iso(now) };
  record(
    state,
    { actor: actor.user, action: 'CONTACT_PREFERENCES_SET', detail: describeContactPreferences(prefs) },
    now,
  );
  const terms = contactTerms(prefs);
  for (const entry of state.contacts.filter((c) => c.endedAt === undefined)) {
    noteContactWindow(ctx, entry, true, now);
    // The contact computes its wait again from the new terms (a contact that already ended ignores it).
    ctx.background.push(
      getExternalWorkflowHandle(entry.workflowId)
        .signal(contactWindowSignal, terms)
        .catch((err: unknown) =>
          log.info('contact window change not delivered', {
            workflowId: entry.workflowId,
            error: String(err),
          }),
        ),
    );
  }
}

/**
 * Waits until the customer may be called or texted (R4.8): for the complaint's own messages to the
 * customer. A change of the preferences while waiting computes the wait again. Customers without
 * preferences are not held (as before R4.8): undefined, and the caller must not await at all — one
 * more await would move its command after another task's in recorded histories.
 */
export function untilCustomerWindow(state: ComplaintState, kind: 'call' | 'sms'): Promise<void> | undefined {
  if (!state.contactPreferences || !patched('customer-contact-window')) return undefined;
  return waitForCustomerWindow(state, kind);
}

async function waitForCustomerWindow(state: ComplaintState, kind: 'call' | 'sms'): Promise<void> {
  for (;;) {
    const seen = state.contactPreferences;
    const at = nextCustomerContactAt(Date.now(), preferencesOf(state), policyHours(state), kind);
    const delay = at - Date.now();
    if (delay <= 0) return;
    if (!(await condition(() => state.contactPreferences !== seen, delay))) return;
  }
}

export function registerContactWindowHandlers(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(setContactPreferencesUpdate, (cmd) => act(ctx, setContactPreferences, cmd), {
    validator: ({ input }) => refuse(checkSetContactPreferences(state.stage, input, Date.now())),
  });
}
