// Twilio REST resource representations (JSON as api.twilio.com returns it) and error bodies.
import type { CallRecord, MessageRecord, RecordingRecord } from './types';
import { API_VERSION, rfc2822, rfc2822OrNull } from './util';

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }

  toJSON(): TwilioErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

export const badRequest = (code: number, message: string): TwilioApiError =>
  new TwilioApiError(400, code, message);
export const notFound = (path: string): TwilioApiError =>
  new TwilioApiError(404, 20404, `The requested resource ${path} was not found`);

export function accountPath(accountSid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}`;
}

export function recordingMediaUrl(rec: RecordingRecord): string {
  return `${rec.apiBaseUrl}${accountPath(rec.accountSid)}/Recordings/${rec.sid}`;
}

export function messageJson(m: MessageRecord): Record<string, unknown> {
  const uri = `${accountPath(m.accountSid)}/Messages/${m.sid}`;
  return {
    body: m.body,
    num_segments: String(m.numSegments),
    direction: m.direction,
    from: m.from,
    to: m.to,
    date_updated: rfc2822(m.dateUpdated),
    price: null,
    error_message: m.errorMessage,
    uri: `${uri}.json`,
    account_sid: m.accountSid,
    num_media: '0',
    status: m.status,
    messaging_service_sid: m.messagingServiceSid,
    sid: m.sid,
    date_sent: rfc2822OrNull(m.dateSent),
    date_created: rfc2822(m.dateCreated),
    error_code: m.errorCode,
    price_unit: 'USD',
    api_version: API_VERSION,
    subresource_uris: { media: `${uri}/Media.json`, feedback: `${uri}/Feedback.json` },
  };
}

export function callJson(c: CallRecord): Record<string, unknown> {
  const uri = `${accountPath(c.accountSid)}/Calls/${c.sid}`;
  return {
    sid: c.sid,
    date_created: rfc2822(c.dateCreated),
    date_updated: rfc2822(c.dateUpdated),
    parent_call_sid: null,
    account_sid: c.accountSid,
    to: c.to,
    to_formatted: c.to,
    from: c.from,
    from_formatted: c.from,
    phone_number_sid: null,
    status: c.status,
    start_time: rfc2822OrNull(c.startTime),
    end_time: rfc2822OrNull(c.endTime),
    duration: c.durationSeconds === null ? null : String(c.durationSeconds),
    price: null,
    price_unit: 'USD',
    direction: c.direction,
    answered_by: null,
    api_version: API_VERSION,
    forwarded_from: null,
    group_sid: null,
    caller_name: null,
    queue_time: '0',
    trunk_sid: null,
    uri: `${uri}.json`,
    subresource_uris: {
      feedback: `${uri}/Feedback.json`,
      notifications: `${uri}/Notifications.json`,
      recordings: `${uri}/Recordings.json`,
      streams: `${uri}/Streams.json`,
      payments: `${uri}/Payments.json`,
      user_defined_message_subscriptions: `${uri}/UserDefinedMessageSubscriptions.json`,
      user_defined_messages: `${uri}/UserDefinedMessages.json`,
      events: `${uri}/Events.json`,
      siprec: `${uri}/Siprec.json`,
      transcriptions: `${uri}/Transcriptions.json`,
    },
  };
}

export function recordingJson(r: RecordingRecord): Record<string, unknown> {
  const uri = `${accountPath(r.accountSid)}/Recordings/${r.sid}`;
  return {
    account_sid: r.accountSid,
    api_version: API_VERSION,
    call_sid: r.callSid,
    conference_sid: null,
    date_created: rfc2822(r.dateCreated),
    date_updated: rfc2822(r.dateUpdated),
    start_time: rfc2822(r.startTime),
    duration: r.status === 'completed' ? String(r.durationSeconds) : '-1',
    sid: r.sid,
    price: null,
    price_unit: 'USD',
    status: r.status,
    channels: r.channels,
    source: r.source,
    error_code: null,
    uri: `${uri}.json`,
    encryption_details: null,
    subresource_uris: {
      add_on_results: `${uri}/AddOnResults.json`,
      transcriptions: `${uri}/Transcriptions.json`,
    },
    media_url: recordingMediaUrl(r),
  };
}
