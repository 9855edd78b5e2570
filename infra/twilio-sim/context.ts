// What the simulator's flows share: state, credentials, the webhook sender, the lifecycle, timing.
import { DEFAULT_CUSTOMER, type CustomerScript } from './customers';
import type { Lifecycle } from './lifecycle';
import type { RecordingRecord, SimState } from './types';
import { newSid } from './util';
import type { WebhookSender } from './webhooks';

export interface SimContext {
  readonly state: SimState;
  readonly accountSid: string;
  readonly authToken: string;
  readonly log: (msg: string) => void;
  readonly lifecycle: Lifecycle;
  readonly webhooks: WebhookSender;
  /** Delay between simulated steps (e.g. queued → sent → delivered), in ms. */
  readonly stepDelayMs: number;
}

export function customerFor(ctx: SimContext, number: string): CustomerScript {
  return ctx.state.customers.get(number) ?? DEFAULT_CUSTOMER;
}

export function createRecording(
  ctx: SimContext,
  input: Pick<RecordingRecord, 'callSid' | 'source' | 'status' | 'durationSeconds' | 'apiBaseUrl'>,
): RecordingRecord {
  const now = new Date();
  const rec: RecordingRecord = {
    sid: newSid('RE'),
    accountSid: ctx.accountSid,
    channels: 1,
    dateCreated: now,
    dateUpdated: now,
    startTime: now,
    ...input,
  };
  ctx.state.recordings.set(rec.sid, rec);
  return rec;
}
