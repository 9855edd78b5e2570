// Data model of the Twilio simulator. Everything is kept in memory.
import type { CustomerScript } from './customers';

export type MessageStatus =
  'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'receiving' | 'received';

export type MessageDirection = 'outbound-api' | 'outbound-reply' | 'inbound';

export interface MessageRecord {
  sid: string;
  accountSid: string;
  direction: MessageDirection;
  from: string;
  to: string;
  body: string;
  status: MessageStatus;
  numSegments: number;
  dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
  errorCode: number | null;
  errorMessage: string | null;
  statusCallback: string | null;
  messagingServiceSid: string | null;
  apiBaseUrl: string;
}

export type CallStatus =
  'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';
export type CallDirection = 'outbound-api' | 'inbound';
export type HttpMethod = 'GET' | 'POST';
export type CallStatusEvent = 'initiated' | 'ringing' | 'answered' | 'completed';
export type RecordingStatusEvent = 'in-progress' | 'completed' | 'absent';

/** What happened on a call, in order. Times are wall-clock ISO strings. */
export type CallEvent =
  | { type: 'status'; at: string; status: CallStatus | 'initiated' }
  | { type: 'twiml'; at: string; url: string | null; method: HttpMethod | null; httpStatus: number | null }
  | { type: 'say'; at: string; text: string; language: string; voice: string | null; inGather: boolean }
  | { type: 'play'; at: string; url: string; inGather: boolean }
  | { type: 'pause'; at: string; seconds: number; inGather: boolean }
  | {
      type: 'gather';
      at: string;
      input: string[];
      digits: string | null;
      speech: string | null;
      confidence: number | null;
      action: string | null;
    }
  | {
      type: 'record';
      at: string;
      recordingSid: string | null;
      durationSeconds: number;
      finishedBy: 'key' | 'timeout' | 'hangup' | 'silence';
    }
  | { type: 'redirect'; at: string; url: string }
  | { type: 'hangup'; at: string; by: 'twiml' | 'customer' | 'end-of-document' }
  | { type: 'unsupported'; at: string; verb: string }
  | { type: 'error'; at: string; code: number; message: string };

export interface CallRecord {
  sid: string;
  accountSid: string;
  direction: CallDirection;
  from: string;
  to: string;
  status: CallStatus;
  dateCreated: Date;
  dateUpdated: Date;
  startTime: Date | null;
  endTime: Date | null;
  /** Simulated talk time in seconds (from answer to hang-up), set when the call ends. */
  durationSeconds: number | null;
  url: string | null;
  method: HttpMethod;
  fallbackUrl: string | null;
  fallbackMethod: HttpMethod;
  twiml: string | null;
  statusCallback: string | null;
  statusCallbackEvents: CallStatusEvent[];
  statusCallbackMethod: HttpMethod;
  record: boolean;
  recordingStatusCallback: string | null;
  recordingStatusCallbackEvents: RecordingStatusEvent[];
  recordingStatusCallbackMethod: HttpMethod;
  events: CallEvent[];
  apiBaseUrl: string;
}

export type RecordingSource = 'RecordVerb' | 'OutboundAPI';

export interface RecordingRecord {
  sid: string;
  accountSid: string;
  callSid: string;
  source: RecordingSource;
  status: 'in-progress' | 'completed';
  durationSeconds: number;
  channels: number;
  dateCreated: Date;
  dateUpdated: Date;
  startTime: Date;
  apiBaseUrl: string;
}

export type WebhookKind =
  | 'message-status'
  | 'inbound-sms'
  | 'call-status'
  | 'voice-url'
  | 'gather-action'
  | 'record-action'
  | 'redirect'
  | 'recording-status';

export interface WebhookAttempt {
  at: string;
  status: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookLogEntry {
  id: number;
  at: string;
  kind: WebhookKind;
  resourceSid: string;
  method: HttpMethod;
  url: string;
  params: Record<string, string>;
  signature: string;
  idempotencyToken: string;
  attempts: WebhookAttempt[];
  /** HTTP status of the last attempt, null on network error or while pending. */
  status: number | null;
  ok: boolean;
}

/** Where inbound traffic for one of "our" numbers goes (like an IncomingPhoneNumber). */
export interface NumberConfig {
  number: string;
  smsUrl: string | null;
  smsMethod: HttpMethod;
  voiceUrl: string | null;
  voiceMethod: HttpMethod;
  statusCallback: string | null;
}

export interface SimState {
  accountSid: string;
  messages: Map<string, MessageRecord>;
  calls: Map<string, CallRecord>;
  recordings: Map<string, RecordingRecord>;
  webhooks: WebhookLogEntry[];
  customers: Map<string, CustomerScript>;
  /** How many scripted SMS replies each customer has sent since its script was set. */
  customerReplies: Map<string, number>;
  numbers: Map<string, NumberConfig>;
}

export function createState(accountSid: string): SimState {
  return {
    accountSid,
    messages: new Map(),
    calls: new Map(),
    recordings: new Map(),
    webhooks: [],
    customers: new Map(),
    customerReplies: new Map(),
    numbers: new Map(),
  };
}
