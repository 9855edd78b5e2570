// Voice: drives a call through its statuses as the scripted customer behaves, sends status
// callbacks, fetches and runs TwiML, and records calls.
import { createRecording, customerFor, type SimContext } from './context';
import type { CustomerScript } from './customers';
import { sleep } from './lifecycle';
import { recordingMediaUrl, TwilioApiError } from './resources';
import { runTwiml, type CallEventInput, type TwimlHost, type TwimlSource } from './twiml';
import type {
  CallEvent,
  CallRecord,
  CallStatus,
  CallStatusEvent,
  HttpMethod,
  RecordingRecord,
} from './types';
import { API_VERSION, geoParams, newSid, rfc2822 } from './util';

export type OutboundCallInput = Pick<
  CallRecord,
  | 'from'
  | 'to'
  | 'url'
  | 'method'
  | 'fallbackUrl'
  | 'fallbackMethod'
  | 'twiml'
  | 'statusCallback'
  | 'statusCallbackEvents'
  | 'statusCallbackMethod'
  | 'record'
  | 'recordingStatusCallback'
  | 'recordingStatusCallbackEvents'
  | 'recordingStatusCallbackMethod'
  | 'apiBaseUrl'
>;

export interface InboundCallInput {
  from: string;
  to: string;
  apiBaseUrl: string;
}

/** SIP response codes Twilio reports with the final status. */
const SIP_CODES: Record<string, number> = { completed: 200, busy: 486, 'no-answer': 487, failed: 404 };

export class Voice {
  constructor(private readonly ctx: SimContext) {}

  place(input: OutboundCallInput): CallRecord {
    const call = this.newCall({ ...input, direction: 'outbound-api', status: 'queued' });
    this.ctx.lifecycle.spawn(`call ${call.sid}`, (signal) =>
      new CallSession(this.ctx, call, signal).runOutbound(),
    );
    return call;
  }

  /** A customer calls one of our numbers; its voiceUrl must be configured. */
  receive(input: InboundCallInput): CallRecord {
    const number = this.ctx.state.numbers.get(input.to);
    if (!number?.voiceUrl) {
      throw new TwilioApiError(
        400,
        21218,
        `No voiceUrl is configured for ${input.to} (PUT /_sim/numbers/...)`,
      );
    }
    const call = this.newCall({
      from: input.from,
      to: input.to,
      url: number.voiceUrl,
      method: number.voiceMethod,
      fallbackUrl: null,
      fallbackMethod: 'POST',
      twiml: null,
      statusCallback: number.statusCallback,
      statusCallbackEvents: ['completed'],
      statusCallbackMethod: 'POST',
      record: false,
      recordingStatusCallback: null,
      recordingStatusCallbackEvents: ['completed'],
      recordingStatusCallbackMethod: 'POST',
      apiBaseUrl: input.apiBaseUrl,
      direction: 'inbound',
      status: 'ringing',
    });
    this.ctx.lifecycle.spawn(`call ${call.sid}`, (signal) =>
      new CallSession(this.ctx, call, signal).runInbound(),
    );
    return call;
  }

  private newCall(input: OutboundCallInput & Pick<CallRecord, 'direction' | 'status'>): CallRecord {
    const now = new Date();
    const call: CallRecord = {
      ...input,
      sid: newSid('CA'),
      accountSid: this.ctx.accountSid,
      dateCreated: now,
      dateUpdated: now,
      startTime: null,
      endTime: null,
      durationSeconds: null,
      events: [],
    };
    this.ctx.state.calls.set(call.sid, call);
    return call;
  }
}

class CallSession implements TwimlHost {
  readonly customer: CustomerScript;
  private sequence = 0;
  private talkSeconds = 0;
  private callbacks: Promise<void> = Promise.resolve();
  private callRecording: RecordingRecord | null = null;

  constructor(
    readonly ctx: SimContext,
    readonly call: CallRecord,
    readonly signal: AbortSignal,
  ) {
    this.customer = customerFor(ctx, call.direction === 'inbound' ? call.from : call.to);
  }

  async runOutbound(): Promise<void> {
    const step = this.ctx.stepDelayMs;
    this.event({ type: 'status', status: 'initiated' });
    this.statusCallback('initiated', 'initiated');
    await sleep(step, this.signal);
    const outcome = this.customer.invalid ? 'failed' : this.customer.call;
    if (outcome === 'failed') return this.finish('failed');
    if (outcome === 'busy') {
      await sleep(step, this.signal);
      return this.finish('busy');
    }
    this.setStatus('ringing');
    this.statusCallback('ringing', 'ringing');
    await sleep(step, this.signal);
    if (outcome === 'no-answer') return this.finish('no-answer');
    this.answer();
    await runTwiml(this, this.firstSource());
    await this.finish('completed');
  }

  async runInbound(): Promise<void> {
    this.event({ type: 'status', status: 'ringing' });
    await runTwiml(this, this.firstSource(), () => this.answer());
    await this.finish('completed');
  }

  // ---- TwimlHost ----

  addTalkTime(seconds: number): void {
    this.talkSeconds += seconds;
  }

  event(e: CallEventInput): void {
    this.call.events.push({ ...e, at: new Date().toISOString() } as CallEvent);
  }

  voiceParams(): Record<string, string> {
    const { call } = this;
    return {
      AccountSid: call.accountSid,
      ApiVersion: API_VERSION,
      CallSid: call.sid,
      CallStatus: call.status,
      Called: call.to,
      Caller: call.from,
      Direction: call.direction,
      From: call.from,
      To: call.to,
      ...geoParams('Called', call.to),
      ...geoParams('Caller', call.from),
      ...geoParams('From', call.from),
      ...geoParams('To', call.to),
    };
  }

  /** Queues a webhook that must not hold up the call (callbacks keep their order). */
  enqueue(name: string, task: () => Promise<void>): void {
    this.callbacks = this.callbacks.then(task).catch((err: unknown) => {
      if (!this.signal.aborted) this.ctx.log(`${name} for ${this.call.sid} failed: ${String(err)}`);
    });
  }

  recordingParams(rec: RecordingRecord): Record<string, string> {
    return {
      AccountSid: rec.accountSid,
      CallSid: rec.callSid,
      ErrorCode: '0',
      RecordingChannels: String(rec.channels),
      RecordingSid: rec.sid,
      RecordingSource: rec.source,
      RecordingStartTime: rfc2822(rec.startTime),
      RecordingStatus: rec.status,
      RecordingTrack: 'both',
      RecordingUrl: recordingMediaUrl(rec),
      ...(rec.status === 'completed' ? { RecordingDuration: String(rec.durationSeconds) } : {}),
    };
  }

  // ---- call progress ----

  private firstSource(): TwimlSource {
    const { call } = this;
    if (call.twiml !== null) return { kind: 'inline', xml: call.twiml };
    return {
      kind: 'fetch',
      url: call.url ?? '',
      method: call.method,
      extra: {},
      webhookKind: 'voice-url',
      fallback: call.fallbackUrl ? { url: call.fallbackUrl, method: call.fallbackMethod } : null,
    };
  }

  private setStatus(status: CallStatus): void {
    this.call.status = status;
    this.call.dateUpdated = new Date();
    this.event({ type: 'status', status });
  }

  private answer(): void {
    this.call.startTime = new Date();
    this.setStatus('in-progress');
    this.statusCallback('answered', 'in-progress');
    if (!this.call.record) return;
    const rec = createRecording(this.ctx, {
      callSid: this.call.sid,
      source: 'OutboundAPI',
      status: 'in-progress',
      durationSeconds: 0,
      apiBaseUrl: this.call.apiBaseUrl,
    });
    this.callRecording = rec;
    if (this.call.recordingStatusCallbackEvents.includes('in-progress'))
      this.recordingCallback(rec, 'in-progress');
  }

  private async finish(status: CallStatus): Promise<void> {
    const { call } = this;
    const answered = call.startTime !== null;
    call.endTime = new Date();
    call.durationSeconds = answered ? Math.max(1, this.talkSeconds) : 0;
    this.setStatus(status);
    const extra: Record<string, string> = {
      CallDuration: String(call.durationSeconds),
      Duration: String(Math.ceil(call.durationSeconds / 60)),
      SipResponseCode: String(SIP_CODES[status] ?? 500),
    };
    const rec = this.callRecording;
    if (rec) {
      rec.status = 'completed';
      rec.durationSeconds = call.durationSeconds;
      rec.dateUpdated = new Date();
      Object.assign(extra, {
        RecordingDuration: String(rec.durationSeconds),
        RecordingSid: rec.sid,
        RecordingUrl: recordingMediaUrl(rec),
      });
    }
    this.statusCallback('completed', status, extra);
    if (rec && this.call.recordingStatusCallbackEvents.includes('completed'))
      this.recordingCallback(rec, 'completed');
    await this.callbacks;
  }

  private statusCallback(
    event: CallStatusEvent,
    callStatus: string,
    extra: Record<string, string> = {},
  ): void {
    const { call } = this;
    if (!call.statusCallback || !call.statusCallbackEvents.includes(event)) return;
    const url = call.statusCallback;
    const params: Record<string, string> = {
      ...this.voiceParams(),
      CallStatus: callStatus,
      CallbackSource: 'call-progress-events',
      SequenceNumber: String(this.sequence++),
      Timestamp: rfc2822(new Date()),
      ...extra,
    };
    this.enqueue(`status callback ${event}`, async () => {
      await this.ctx.webhooks.send(
        { kind: 'call-status', resourceSid: call.sid, url, method: call.statusCallbackMethod, params },
        this.signal,
      );
    });
  }

  private recordingCallback(rec: RecordingRecord, status: 'in-progress' | 'completed'): void {
    const url = this.call.recordingStatusCallback;
    if (!url) return;
    const params = { ...this.recordingParams(rec), RecordingStatus: status };
    const method: HttpMethod = this.call.recordingStatusCallbackMethod;
    this.enqueue('recording status callback', async () => {
      await this.ctx.webhooks.send(
        { kind: 'recording-status', resourceSid: rec.sid, url, method, params },
        this.signal,
      );
    });
  }
}
