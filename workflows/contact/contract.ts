// Contract of the customer-contact workflow (R4.3, R4.4, R4.5, R5.5, R6.1, R8.4): one workflow per
// contact round of a complaint — a reply call (phone first), SMS as the supplement with the
// customer's confirmation, or an SMS notice that asks nothing, inside the allowed hours; started by
// the complaint workflow as a child.
// The API imports this file (signals from the Twilio webhooks); it holds no logic with side effects.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ContactPolicy } from '../../domain/policy/contact-policy';
import type { CustomerAnswer } from '../../domain/policy/customer-answer';
import type { Appointment, HoursWindow } from '../../domain/policy/quiet-hours';
import type { ContactPurpose, RecordingEvidence } from '../../domain/contact';

// The purposes, the webhook base and the recording evidence are domain (domain/contact.ts).
export * from '../../domain/contact';

export type { ContactPolicy } from '../../domain/policy/contact-policy';
export type { CustomerAnswer } from '../../domain/policy/customer-answer';

/** The contact workflow runs on the complaint task queue (one worker fleet). */
export const CONTACT_TASK_QUEUE = 'complaints';
export const CONTACT_WORKFLOW_TYPE = 'customerContactWorkflow';

/** `contact-<ticket>-<purpose>-<round>`: a contact round is started once, whatever retries happen. */
export function contactWorkflowId(ticketId: string, purpose: ContactPurpose, round: number): string {
  return `contact-${ticketId}-${purpose}-${round}`;
}

/** Workflow ids the webhooks accept in their path (what contactWorkflowId makes). */
export const CONTACT_WORKFLOW_ID_PATTERN = /^contact-[A-Za-z0-9._:-]{1,160}$/;

/** Idempotency keys of every call and SMS, made from (ticket, purpose, round, attempt). */
export const contactKeys = {
  call: (ticketId: string, purpose: ContactPurpose, round: number, attempt: number) =>
    `${ticketId}:call:${purpose}:${round}:${attempt}`,
  sms: (ticketId: string, purpose: ContactPurpose, round: number, step: 'confirm' | 'clarify' | 'notice') =>
    `${ticketId}:sms:${purpose}:${round}:${step}`,
  evidence: (ticketId: string, purpose: ContactPurpose, round: number, attempt: number) =>
    `${ticketId}:recording:${purpose}:${round}:${attempt}`,
};

export interface ContactInput {
  ticketId: string;
  purpose: ContactPurpose;
  /** 1 for the first contact of this purpose; a new round (e.g. after NO_ANSWER) gets new keys. */
  round: number;
  /** The customer's number, E.164. */
  to: string;
  language: 'zh-CN' | 'en';
  /** What we tell the customer: the reply summary (said on the call, written in the SMS). */
  message: string;
  /**
   * PHONE_FIRST: calls by policy, then SMS; SMS_ONLY: the handler chose SMS. Both ask for the
   * customer's confirmation (R4.3). SMS_NOTICE: one SMS that informs and asks nothing (the holding
   * notice of a mass incident, R8.4); the contact ends once it is sent.
   */
  channel: 'PHONE_FIRST' | 'SMS_ONLY' | 'SMS_NOTICE';
  /** The customer agreed to the call being recorded (R5.5): the whole call is recorded as evidence. */
  recordConsent: boolean;
  /** IANA time zone of the customer, e.g. Asia/Shanghai. */
  timeZone: string;
  /** Overrides policy.allowedHours for this customer (their habits, R4.4). */
  allowedHours?: HoursWindow;
  /** An agreed time slot (ISO instants): calls go inside it while it lasts (R4.4). */
  appointment?: Appointment;
  policy: ContactPolicy;
}

export type ContactChannel = 'PHONE' | 'SMS';

/** BUSY, NO_ANSWER, FAILED, CANCELED come from Twilio; TIMEOUT = no final status before callTimeout. */
export type CallResult = 'ANSWERED' | 'BUSY' | 'NO_ANSWER' | 'FAILED' | 'CANCELED' | 'TIMEOUT' | 'NOT_PLACED';
/** SENT = handed to Twilio; REPLIED = the customer answered it; NOT_SENT = Twilio refused it. */
export type SmsResult = 'SENT' | 'REPLIED' | 'NOT_SENT';

export interface ContactAttempt {
  channel: ContactChannel;
  /** 1, 2, … per channel (calls) or per step (SMS). */
  n: number;
  /** Workflow time the call was placed or the SMS sent (ISO). */
  at: string;
  result: CallResult | SmsResult;
  /** Twilio CallSid or MessageSid. */
  sid?: string;
  /** What the customer answered on this attempt, if anything. */
  answer?: CustomerAnswer;
  /** The idempotency key the attempt was made with. */
  key: string;
  detail?: string;
}

export interface ContactOutcome {
  /**
   * A reply reached the customer: the call was answered, or the customer answered the SMS. For an
   * SMS_NOTICE: the notice was handed to the SMS provider (its delivery status reaches the
   * complaint's timeline like that of every SMS).
   */
  reached: boolean;
  /** How the customer was reached (the channel of the answer); NONE when not reached. */
  method: 'PHONE' | 'SMS' | 'NONE';
  /**
   * SATISFIED / NOT_SATISFIED: the customer confirmed (key 1/2 or SMS reply) — the reply counts
   * (R4.3). NO_ANSWER: nobody answered before the deadlines; UNCLEAR: an answer that said neither;
   * NOT_ASKED: an SMS_NOTICE, which asks nothing.
   */
  answer: CustomerAnswer | 'NO_ANSWER' | 'NOT_ASKED';
  attempts: ContactAttempt[];
  /** The recorded reply call (R5.5), when recordConsent and the call was answered. */
  recording?: RecordingEvidence;
  /** When the customer's answer arrived (ISO). */
  confirmedAt?: string;
}

export type ContactStage = 'WAITING_FOR_WINDOW' | 'CALLING' | 'WAITING_FOR_SMS_REPLY' | 'DONE';

export interface ContactView {
  workflowId: string;
  ticketId: string;
  purpose: ContactPurpose;
  round: number;
  channel: ContactInput['channel'];
  stage: ContactStage;
  /** When the next call or SMS is due (a quiet-hours or retry timer), ISO. */
  nextActionAt?: string;
  attempts: ContactAttempt[];
  smsReplies: { at: string; body: string; answer: CustomerAnswer; messageSid?: string }[];
  recording?: RecordingEvidence;
  outcome?: ContactOutcome;
}

/** Twilio voice events for one call attempt, forwarded by the signed webhooks. */
export interface CallEventInput {
  /** The attempt the call belongs to (from the webhook URL the call was placed with). */
  attempt: number;
  callSid: string;
  kind: 'STATUS' | 'GATHER' | 'RECORDING';
  /** Call status (STATUS) or recording status (RECORDING). */
  status?: string;
  /** DTMF the customer pressed (GATHER). */
  digits?: string;
  /** What the customer said (GATHER with speech). */
  speech?: string;
  recording?: { sid: string; url: string; durationSec: number };
}

/** An inbound SMS from the customer's number while this contact is active. */
export interface SmsReplyInput {
  from: string;
  body: string;
  messageSid: string;
}

export const callEventSignal = defineSignal<[CallEventInput]>('callEvent');
export const smsReplySignal = defineSignal<[SmsReplyInput]>('smsReply');
export const getContactQuery = defineQuery<ContactView>('getContact');

/**
 * The customer's window or agreed appointment changed while this contact runs (R4.8): the complaint
 * sends the new terms, and a wait for the window is computed again from them. An absent
 * `allowedHours` falls back to the policy's, an absent `appointment` clears it.
 */
export interface ContactWindowChange {
  timeZone: string;
  allowedHours?: HoursWindow;
  appointment?: Appointment;
}
export const contactWindowSignal = defineSignal<[ContactWindowChange]>('contactWindowChanged');

/** A reply counts for R4.3/R4.5 only when the customer confirmed it (key 1/2 or an SMS answer). */
export function contactConfirmed(outcome: ContactOutcome): boolean {
  return outcome.reached && (outcome.answer === 'SATISFIED' || outcome.answer === 'NOT_SATISFIED');
}
