// Fake contact activities that play Twilio and scripted customers for workflow tests: placing a
// call signals its events (status, key pressed, recording) back to the contact workflow the way
// the webhooks do; an SMS may be answered with a smsReply signal. The integration suite runs the
// real activities against the Twilio simulator.
import type { Client } from '@temporalio/client';
import type { ContactActivities, PlaceCallInput, SendContactSmsInput } from '../../activities/contact-types';
import { callEventSignal, smsReplySignal } from '../../workflows/contact/contract';

export type CallBehaviour = 'answer' | 'busy' | 'no-answer' | 'failed' | 'silent';
export interface Customer {
  /** One behaviour per call attempt (the last one repeats). */
  calls: CallBehaviour[];
  /** Key pressed when answering. */
  digits?: string;
  /** Replies to the SMS in order: the first SMS gets replies[0], … (undefined = no reply). */
  smsReplies?: (string | undefined)[];
}

export interface FakeContact {
  activities: ContactActivities;
  customers: Map<string, Customer>;
  calls: PlaceCallInput[];
  sms: SendContactSmsInput[];
  /** Customer number → the contact workflow inbound SMS go to (what registerActiveContact keeps). */
  routes: Map<string, string>;
}

export function createFakeContact(
  client: () => Client,
  fallback: Customer = { calls: ['no-answer'] },
): FakeContact {
  const customers = new Map<string, Customer>();
  const calls: PlaceCallInput[] = [];
  const sms: SendContactSmsInput[] = [];
  const routes = new Map<string, string>();
  let sidCounter = 0;
  const sid = (prefix: string) => prefix + (++sidCounter).toString(16).padStart(32, '0');
  const handleOf = (workflowId: string) => client().workflow.getHandle(workflowId);

  const activities: ContactActivities = {
    async placeCall(input) {
      calls.push(input);
      const customer = customers.get(input.to) ?? fallback;
      const behaviour = customer.calls[Math.min(input.attempt - 1, customer.calls.length - 1)] ?? 'no-answer';
      const callSid = sid('CA');
      const h = handleOf(input.workflowId);
      const event = { attempt: input.attempt, callSid };
      // Twilio's webhooks may arrive before the REST answer: signal first, return afterwards.
      if (behaviour === 'answer') {
        await h.signal(callEventSignal, { ...event, kind: 'STATUS', status: 'in-progress' });
        if (customer.digits)
          await h.signal(callEventSignal, { ...event, kind: 'GATHER', digits: customer.digits });
        await h.signal(callEventSignal, { ...event, kind: 'STATUS', status: 'completed' });
        if (input.record) {
          await h.signal(callEventSignal, {
            ...event,
            kind: 'RECORDING',
            status: 'completed',
            recording: {
              sid: sid('RE'),
              url: `https://api.twilio.com/Recordings/${callSid}`,
              durationSec: 12,
            },
          });
        }
      } else if (behaviour !== 'silent') {
        await h.signal(callEventSignal, { ...event, kind: 'STATUS', status: behaviour });
      }
      return { callSid, status: 'queued', alreadyPlaced: false };
    },
    async sendContactSms(input) {
      sms.push(input);
      const mine = sms.filter((s) => s.to === input.to).length;
      const reply = (customers.get(input.to) ?? fallback).smsReplies?.[mine - 1];
      const workflowId = routes.get(input.to);
      if (reply !== undefined && workflowId) {
        await handleOf(workflowId).signal(smsReplySignal, {
          from: input.to,
          body: reply,
          messageSid: sid('SM'),
        });
      }
      return { sid: sid('SM'), status: 'queued', alreadySent: false };
    },
    async storeRecordingEvidence(input) {
      return {
        id: input.evidenceId,
        sid: input.recordingSid ?? 'RE-looked-up',
        callSid: input.callSid,
        url: input.recordingUrl ?? '',
        durationSec: input.durationSec ?? 0,
        sha256: 'ab'.repeat(32),
        bytes: 1234,
        capturedAt: new Date().toISOString(),
      };
    },
    async registerActiveContact(input) {
      routes.set(input.to, input.workflowId);
    },
    async clearActiveContact(input) {
      if (routes.get(input.to) === input.workflowId) routes.delete(input.to);
    },
  };
  return { activities, customers, calls, sms, routes };
}
