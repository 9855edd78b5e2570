// The complaint workflow's small context: its state, the background tasks it started, the e-mails
// it queued, and the one function that changes the stage.
import type { CancellationScope } from '@temporalio/workflow';
import type { SendEmailInput } from '../../activities/types';
import type { VipAssistant } from '../../activities/vip';
import type { VipLocator } from '../../domain/policy/vip-places';
import type { SmsReplyInput } from '../contact/contract';
import type { ComplaintInput, Stage, TimelineEntry } from './contract';
import { createState, record, type ComplaintState } from './state';

/** The workflow's moving parts: its state and the background tasks (clock runners) it started. */
export interface Ctx {
  state: ComplaintState;
  background: Promise<unknown>[];
  /** E-mails queued by handlers and signals, sent by the main loop. */
  mail: SendEmailInput[];
  mailSeq: number;
  /** The VIP's assistants to keep informed (R7.2); personal data, kept out of the view. */
  vipAssistants?: VipAssistant[];
  /** What locates a VIP's evidence (R7.5): IMSI for the CHR, the profile's places; kept out of the view. */
  vipLocator?: VipLocator;
  /** Customer SMS routed to this workflow while an on-site appointment waits for the answer (R3.3). */
  smsInbox?: SmsReplyInput[];
  /** The holding notice of a mass incident while it is under way (R8.4): resolving drops it. */
  holdingNotice?: CancellationScope;
  /** Tells the dispatching systems what changed (TMF621 events, tmf-events.ts); set once they are on. */
  onChange?: () => void;
}

export function createCtx(input: ComplaintInput): Ctx {
  return { state: createState(input), background: [], mail: [], mailSeq: 0 };
}

/**
 * The only place the stage changes (R2.1): with the timeline entry that says why, when there is
 * one (a reply that did not reach the customer returns to RESOLVED without an entry of its own).
 */
export function setStage(
  ctx: Ctx,
  stage: Stage,
  why?: Omit<TimelineEntry, 'at'>,
  at: number = Date.now(),
): void {
  if (why) record(ctx.state, why, at);
  ctx.state.stage = stage;
  ctx.onChange?.();
}
