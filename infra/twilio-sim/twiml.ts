// Runs voice TwiML for one call: Say, Play, Pause, Gather (with nested Say/Play/Pause), Record,
// Redirect, Hangup. Other verbs are logged as unsupported and skipped.
import type { SimContext } from './context';
import { createRecording } from './context';
import { scriptedAnswer, type CustomerScript } from './customers';
import { sleep } from './lifecycle';
import { recordingMediaUrl } from './resources';
import type {
  CallEvent,
  CallRecord,
  HttpMethod,
  RecordingRecord,
  RecordingStatusEvent,
  WebhookKind,
} from './types';
import { errorMessage } from './util';
import { isElement, parseXml, textContent, type XmlElement, type XmlNode } from './xml';

/** What the TwiML runner needs from the call it runs in. */
export interface TwimlHost {
  readonly ctx: SimContext;
  readonly call: CallRecord;
  readonly customer: CustomerScript;
  readonly signal: AbortSignal;
  event(e: CallEventInput): void;
  addTalkTime(seconds: number): void;
  voiceParams(): Record<string, string>;
  enqueue(name: string, task: () => Promise<void>): void;
  recordingParams(rec: RecordingRecord): Record<string, string>;
}

export type CallEventInput = CallEvent extends infer E ? (E extends unknown ? Omit<E, 'at'> : never) : never;

export type TwimlSource =
  | { kind: 'inline'; xml: string }
  | {
      kind: 'fetch';
      url: string;
      method: HttpMethod;
      extra: Record<string, string>;
      webhookKind: WebhookKind;
      fallback: { url: string; method: HttpMethod } | null;
    };

interface TwimlDocument {
  root: XmlElement;
  /** URL the document came from (base for relative URLs and default action), null for inline TwiML. */
  url: string | null;
}

/** `continue` = go on with the next verb. */
type Outcome = { kind: 'continue' } | { kind: 'next'; source: TwimlSource } | { kind: 'end' };

const MAX_DOCUMENTS = 50;
const MAX_VERBS = 500;
const CONTINUE: Outcome = { kind: 'continue' };
const END: Outcome = { kind: 'end' };

/** Runs TwiML from `first` until the call hangs up; `onFirstDocument` runs once the first document is loaded. */
export async function runTwiml(
  host: TwimlHost,
  first: TwimlSource,
  onFirstDocument?: () => void,
): Promise<void> {
  await new TwimlRunner(host).run(first, onFirstDocument);
}

class TwimlRunner {
  private promptIndex = 0;
  private verbs = 0;

  constructor(private readonly host: TwimlHost) {}

  async run(first: TwimlSource, onFirstDocument?: () => void): Promise<void> {
    let source: TwimlSource = first;
    for (let docs = 1; ; docs += 1) {
      if (docs > MAX_DOCUMENTS) {
        this.host.event({
          type: 'error',
          code: 21220,
          message: `More than ${MAX_DOCUMENTS} TwiML documents`,
        });
        return;
      }
      const doc = await this.load(source);
      if (docs === 1) onFirstDocument?.();
      if (!doc) return;
      const outcome = await this.execute(doc.root.children, doc.url, false);
      if (outcome.kind === 'next') source = outcome.source;
      else {
        if (outcome.kind === 'continue') this.host.event({ type: 'hangup', by: 'end-of-document' });
        return;
      }
    }
  }

  private async load(source: TwimlSource): Promise<TwimlDocument | null> {
    if (source.kind === 'inline') {
      this.host.event({ type: 'twiml', url: null, method: null, httpStatus: null });
      return this.parse(source.xml, null);
    }
    const { host } = this;
    const res = await host.ctx.webhooks.send(
      {
        kind: source.webhookKind,
        resourceSid: host.call.sid,
        url: source.url,
        method: source.method,
        params: { ...host.voiceParams(), ...source.extra },
      },
      host.signal,
    );
    host.event({ type: 'twiml', url: source.url, method: source.method, httpStatus: res.status });
    if (!res.ok) {
      const reason = res.error ?? `HTTP ${res.status}`;
      host.event({ type: 'error', code: 11200, message: `HTTP retrieval failure: ${source.url}: ${reason}` });
      if (!source.fallback) return null;
      return this.load({
        ...source,
        url: source.fallback.url,
        method: source.fallback.method,
        extra: { ...source.extra, ErrorCode: '11200', ErrorUrl: source.url },
        fallback: null,
      });
    }
    return this.parse(res.body, source.url);
  }

  private parse(xml: string, url: string | null): TwimlDocument | null {
    try {
      const root = parseXml(xml);
      if (root.name !== 'Response') throw new Error(`root element is <${root.name}>, expected <Response>`);
      return { root, url };
    } catch (err) {
      this.host.event({
        type: 'error',
        code: 12100,
        message: `Document parse failure: ${errorMessage(err)}`,
      });
      return null;
    }
  }

  private async execute(nodes: XmlNode[], docUrl: string | null, inGather: boolean): Promise<Outcome> {
    for (const verb of nodes.filter(isElement)) {
      this.verbs += 1;
      if (this.verbs > MAX_VERBS) {
        this.host.event({ type: 'error', code: 21220, message: `More than ${MAX_VERBS} TwiML verbs` });
        return END;
      }
      await sleep(0, this.host.signal);
      const outcome = await this.verb(verb, docUrl, inGather);
      if (outcome.kind !== 'continue') return outcome;
    }
    return CONTINUE;
  }

  private async verb(el: XmlElement, docUrl: string | null, inGather: boolean): Promise<Outcome> {
    const { host } = this;
    const nestable = el.name === 'Say' || el.name === 'Play' || el.name === 'Pause';
    if (inGather && !nestable) {
      host.event({ type: 'unsupported', verb: `Gather>${el.name}` });
      return CONTINUE;
    }
    switch (el.name) {
      case 'Say': {
        const text = textContent(el).replace(/\s+/g, ' ').trim();
        const loops = Math.max(1, intAttr(el, 'loop', 1));
        host.event({
          type: 'say',
          text,
          language: el.attrs.language ?? 'en-US',
          voice: el.attrs.voice ?? null,
          inGather,
        });
        host.addTalkTime(loops * Math.max(1, Math.ceil([...text].length / 6)));
        return CONTINUE;
      }
      case 'Play': {
        const url = el.attrs.digits !== undefined ? `digits:${el.attrs.digits}` : textContent(el).trim();
        host.event({ type: 'play', url, inGather });
        host.addTalkTime(Math.max(1, intAttr(el, 'loop', 1)));
        return CONTINUE;
      }
      case 'Pause': {
        const seconds = intAttr(el, 'length', 1);
        host.event({ type: 'pause', seconds, inGather });
        host.addTalkTime(seconds);
        return CONTINUE;
      }
      case 'Gather':
        return this.gather(el, docUrl);
      case 'Record':
        return this.record(el, docUrl);
      case 'Redirect': {
        const url = resolveUrl(textContent(el).trim(), docUrl);
        if (!url) {
          host.event({
            type: 'error',
            code: 11100,
            message: `Invalid <Redirect> URL: ${textContent(el).trim()}`,
          });
          return END;
        }
        host.event({ type: 'redirect', url });
        return this.fetchNext(url, methodAttr(el), {}, 'redirect');
      }
      case 'Hangup':
      case 'Reject':
        host.event({ type: 'hangup', by: 'twiml' });
        return END;
      default:
        host.event({ type: 'unsupported', verb: el.name });
        return CONTINUE;
    }
  }

  private async gather(el: XmlElement, docUrl: string | null): Promise<Outcome> {
    const { host } = this;
    const inner = await this.execute(el.children, docUrl, true);
    if (inner.kind !== 'continue') return inner;

    const input = (el.attrs.input ?? 'dtmf').split(/\s+/).filter(Boolean);
    const index = this.promptIndex++;
    const action = resolveUrl(el.attrs.action, docUrl);
    const method = methodAttr(el);
    let digits = input.includes('dtmf') ? scriptedAnswer(host.customer.digits, index) : null;
    let finishedOnKey = '';
    if (digits !== null) {
      const finishOnKey = el.attrs.finishOnKey ?? '#';
      const cut = [...digits].findIndex((d) => finishOnKey.includes(d));
      if (cut >= 0) {
        finishedOnKey = digits[cut] ?? '';
        digits = digits.slice(0, cut);
      }
      const numDigits = intAttr(el, 'numDigits', 0);
      if (numDigits > 0) digits = digits.slice(0, numDigits);
      if (digits === '') digits = null;
    }
    const speech =
      digits === null && input.includes('speech') ? scriptedAnswer(host.customer.speech, index) : null;
    const confidence = speech === null ? null : host.customer.speechConfidence;
    host.event({ type: 'gather', input, digits, speech, confidence, action });

    let extra: Record<string, string> | null = null;
    if (digits !== null) {
      host.addTalkTime(Math.max(1, digits.length));
      extra = { Digits: digits, FinishedOnKey: finishedOnKey };
    } else if (speech !== null) {
      host.addTalkTime(Math.max(1, Math.ceil([...speech].length / 4)));
      extra = {
        SpeechResult: speech,
        Confidence: String(confidence),
        Language: el.attrs.language ?? 'en-US',
      };
    } else {
      host.addTalkTime(intAttr(el, 'timeout', 5));
      if (el.attrs.actionOnEmptyResult !== 'true') return CONTINUE;
      extra = {};
    }
    if (!action) {
      host.event({
        type: 'error',
        code: 11100,
        message: '<Gather> has no action URL and the TwiML has no URL',
      });
      return CONTINUE;
    }
    return this.fetchNext(action, method, extra, 'gather-action');
  }

  private async record(el: XmlElement, docUrl: string | null): Promise<Outcome> {
    const { host } = this;
    const timeout = intAttr(el, 'timeout', 5);
    const seconds = Math.min(host.customer.recordSeconds, intAttr(el, 'maxLength', 3600));
    if (seconds <= 0) {
      // Silence: Twilio records nothing and goes on with the next verb.
      host.event({ type: 'record', recordingSid: null, durationSeconds: 0, finishedBy: 'silence' });
      host.addTalkTime(timeout);
      return CONTINUE;
    }
    const finishOnKey = el.attrs.finishOnKey ?? '1234567890*#';
    let finishedBy = host.customer.recordFinish;
    if (finishedBy === 'key' && finishOnKey === '') finishedBy = 'timeout';
    const rec = createRecording(host.ctx, {
      callSid: host.call.sid,
      source: 'RecordVerb',
      status: 'completed',
      durationSeconds: seconds,
      apiBaseUrl: host.call.apiBaseUrl,
    });
    host.event({ type: 'record', recordingSid: rec.sid, durationSeconds: seconds, finishedBy });
    host.addTalkTime(seconds + (finishedBy === 'timeout' ? timeout : 0));
    this.recordingStatusCallback(el, docUrl, rec);

    const extra: Record<string, string> = {
      RecordingDuration: String(seconds),
      RecordingSid: rec.sid,
      RecordingUrl: recordingMediaUrl(rec),
    };
    if (finishedBy === 'key') extra.Digits = finishOnKey.includes('#') ? '#' : finishOnKey.charAt(0);
    if (finishedBy === 'hangup') extra.Digits = 'hangup';
    const action = resolveUrl(el.attrs.action, docUrl);
    if (!action) {
      host.event({
        type: 'error',
        code: 11100,
        message: '<Record> has no action URL and the TwiML has no URL',
      });
      return finishedBy === 'hangup' ? END : CONTINUE;
    }
    if (finishedBy === 'hangup') {
      // The customer hung up: Twilio still requests the action URL but ignores its TwiML.
      host.event({ type: 'hangup', by: 'customer' });
      await host.ctx.webhooks.send(
        {
          kind: 'record-action',
          resourceSid: host.call.sid,
          url: action,
          method: methodAttr(el),
          params: { ...host.voiceParams(), CallStatus: 'completed', ...extra },
        },
        host.signal,
      );
      return END;
    }
    return this.fetchNext(action, methodAttr(el), extra, 'record-action');
  }

  private recordingStatusCallback(el: XmlElement, docUrl: string | null, rec: RecordingRecord): void {
    const { host } = this;
    const ref = el.attrs.recordingStatusCallback;
    const url = ref ? resolveUrl(ref, docUrl) : null;
    const events = (el.attrs.recordingStatusCallbackEvent ?? 'completed').split(
      /[\s,]+/,
    ) as RecordingStatusEvent[];
    if (!url || !events.includes('completed')) return;
    const method = methodAttr(el, 'recordingStatusCallbackMethod');
    const params = host.recordingParams(rec);
    host.enqueue('recording status callback', async () => {
      await sleep(host.ctx.stepDelayMs, host.signal);
      await host.ctx.webhooks.send(
        { kind: 'recording-status', resourceSid: rec.sid, url, method, params },
        host.signal,
      );
    });
  }

  private fetchNext(
    url: string,
    method: HttpMethod,
    extra: Record<string, string>,
    kind: WebhookKind,
  ): Outcome {
    return { kind: 'next', source: { kind: 'fetch', url, method, extra, webhookKind: kind, fallback: null } };
  }
}

/** Resolves a TwiML URL attribute; an absent one means the current document's URL (Twilio's default). */
function resolveUrl(ref: string | undefined, base: string | null): string | null {
  const trimmed = ref?.trim() ?? '';
  if (trimmed === '') return base;
  const isHttp = (u: URL): boolean => u.protocol === 'http:' || u.protocol === 'https:';
  if (URL.canParse(trimmed)) return isHttp(new URL(trimmed)) ? trimmed : null; // absolute: keep it verbatim
  if (!base || !URL.canParse(trimmed, base)) return null;
  const resolved = new URL(trimmed, base);
  return isHttp(resolved) ? resolved.toString() : null;
}

function intAttr(el: XmlElement, name: string, fallback: number): number {
  const raw = el.attrs[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
}

function methodAttr(el: XmlElement, name = 'method'): HttpMethod {
  return (el.attrs[name] ?? 'POST').toUpperCase() === 'GET' ? 'GET' : 'POST';
}
