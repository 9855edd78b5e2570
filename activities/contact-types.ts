// Inputs and outputs of the customer-contact activities, shared with the workflows as types only.
import type { ContactPurpose, RecordingEvidence } from '../domain/contact';
import type { SendSmsResult } from './types';

export type ContactSmsTemplate =
  'contactConfirm' | 'contactClarify' | 'contactNotice' | 'onSiteSlots' | 'onSiteBooked';

/** Who an SMS exchange with the customer belongs to: a contact round, or an on-site test appointment (R3.3). */
export type SmsPurpose = ContactPurpose | 'ON_SITE_TEST';

export interface PlaceCallInput {
  /** `<ticket>:call:<purpose>:<round>:<attempt>`: the same key never places a second call. */
  idempotencyKey: string;
  ticketId: string;
  /** The contact workflow that receives this call's webhooks. */
  workflowId: string;
  attempt: number;
  purpose: ContactPurpose;
  to: string;
  language: 'zh-CN' | 'en';
  /** The reply summary said on the call. */
  message: string;
  /** Record the whole call (the customer consented, R5.5). */
  record: boolean;
}

export interface PlaceCallResult {
  callSid: string;
  status: string;
  /** True when an earlier attempt with the same key had already placed it. */
  alreadyPlaced: boolean;
}

export interface SendContactSmsInput {
  idempotencyKey: string;
  ticketId: string;
  to: string;
  language: 'zh-CN' | 'en';
  template: ContactSmsTemplate;
  purpose: SmsPurpose;
  vars: Record<string, string>;
}

export interface StoreRecordingEvidenceInput {
  /** `<ticket>:recording:<purpose>:<round>:<attempt>`: the evidence record's id. */
  evidenceId: string;
  ticketId: string;
  workflowId: string;
  purpose: ContactPurpose;
  callSid: string;
  /** From the recording status callback; absent = look the call's recording up at Twilio. */
  recordingSid?: string;
  recordingUrl?: string;
  durationSec?: number;
}

export interface ActiveContactInput {
  /** The customer's number (E.164): inbound SMS from it go to this workflow. */
  to: string;
  workflowId: string;
  ticketId: string;
  purpose: SmsPurpose;
}

export interface ContactActivities {
  placeCall(input: PlaceCallInput): Promise<PlaceCallResult>;
  sendContactSms(input: SendContactSmsInput): Promise<SendSmsResult>;
  storeRecordingEvidence(input: StoreRecordingEvidenceInput): Promise<RecordingEvidence>;
  registerActiveContact(input: ActiveContactInput): Promise<void>;
  clearActiveContact(input: Pick<ActiveContactInput, 'to' | 'workflowId'>): Promise<void>;
}
