// Control-API views of the simulator state (camelCase, ISO dates) and the HTML overview page.
import { recordingMediaUrl } from './resources';
import type {
  CallRecord,
  MessageRecord,
  NumberConfig,
  RecordingRecord,
  SimState,
  WebhookLogEntry,
} from './types';
import type { CustomerScript } from './customers';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function messageView(m: MessageRecord) {
  return {
    sid: m.sid,
    direction: m.direction,
    from: m.from,
    to: m.to,
    body: m.body,
    status: m.status,
    errorCode: m.errorCode,
    errorMessage: m.errorMessage,
    numSegments: m.numSegments,
    statusCallback: m.statusCallback,
    dateCreated: iso(m.dateCreated),
    dateSent: iso(m.dateSent),
    dateUpdated: iso(m.dateUpdated),
  };
}

export function callView(c: CallRecord, state: SimState) {
  const said: { text: string; language: string; voice: string | null }[] = [];
  const gathered: { digits: string | null; speech: string | null; confidence: number | null }[] = [];
  for (const e of c.events) {
    if (e.type === 'say') said.push({ text: e.text, language: e.language, voice: e.voice });
    if (e.type === 'gather') gathered.push({ digits: e.digits, speech: e.speech, confidence: e.confidence });
  }
  return {
    sid: c.sid,
    direction: c.direction,
    from: c.from,
    to: c.to,
    status: c.status,
    durationSeconds: c.durationSeconds,
    dateCreated: iso(c.dateCreated),
    startTime: iso(c.startTime),
    endTime: iso(c.endTime),
    url: c.url,
    twiml: c.twiml,
    statusCallback: c.statusCallback,
    statusCallbackEvents: c.statusCallbackEvents,
    record: c.record,
    recordingStatusCallback: c.recordingStatusCallback,
    said,
    gathered,
    recordings: [...state.recordings.values()].filter((r) => r.callSid === c.sid).map((r) => r.sid),
    errors: c.events.flatMap((e) => (e.type === 'error' ? [{ code: e.code, message: e.message }] : [])),
    events: c.events,
  };
}

export function recordingView(r: RecordingRecord) {
  return {
    sid: r.sid,
    callSid: r.callSid,
    source: r.source,
    status: r.status,
    durationSeconds: r.durationSeconds,
    dateCreated: iso(r.dateCreated),
    mediaUrl: recordingMediaUrl(r),
  };
}

export function customerView(number: string, script: CustomerScript) {
  return { number, ...script };
}

export function numberView(n: NumberConfig) {
  return { ...n };
}

export function webhookView(w: WebhookLogEntry) {
  return { ...w };
}

// ---- HTML ----

function esc(value: unknown): string {
  const s =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function table(title: string, headers: string[], rows: unknown[][]): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body =
    rows.length === 0
      ? `<tr><td colspan="${headers.length}" class="empty">none</td></tr>`
      : rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<h2>${esc(title)} (${rows.length})</h2>\n<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function describeEvent(e: CallRecord['events'][number]): string {
  switch (e.type) {
    case 'status':
      return `status ${e.status}`;
    case 'twiml':
      return e.url ? `TwiML ${e.method} ${e.url} → ${e.httpStatus ?? 'network error'}` : 'TwiML (inline)';
    case 'say':
      return `${e.inGather ? '  ' : ''}Say [${e.language}] ${e.text}`;
    case 'play':
      return `Play ${e.url}`;
    case 'pause':
      return `Pause ${e.seconds}s`;
    case 'gather':
      return `Gather ${e.input.join('+')}: ${e.digits ?? e.speech ?? '(no input)'}`;
    case 'record':
      return `Record ${e.durationSeconds}s ${e.recordingSid ?? ''} (${e.finishedBy})`;
    case 'redirect':
      return `Redirect ${e.url}`;
    case 'hangup':
      return `Hangup (${e.by})`;
    case 'unsupported':
      return `unsupported <${e.verb}>`;
    case 'error':
      return `error ${e.code}: ${e.message}`;
  }
}

export function renderOverview(state: SimState): string {
  const newestFirst = <T>(it: Iterable<T>): T[] => [...it].reverse();
  const sections = [
    table(
      'Customers',
      ['number', 'call', 'digits', 'speech', 'recordSeconds', 'smsReply', 'smsDelivery', 'invalid'],
      [...state.customers].map(([n, c]) => [
        n,
        c.call,
        c.digits,
        c.speech,
        c.recordSeconds,
        c.smsReply ? `${c.smsReply.body} (after ${c.smsReply.afterMs} ms)` : '',
        c.smsDelivery,
        c.invalid,
      ]),
    ),
    table(
      'Numbers',
      ['number', 'smsUrl', 'voiceUrl', 'statusCallback'],
      [...state.numbers.values()].map((n) => [n.number, n.smsUrl, n.voiceUrl, n.statusCallback]),
    ),
    table(
      'Messages',
      ['created', 'sid', 'direction', 'from', 'to', 'status', 'error', 'body'],
      newestFirst(state.messages.values()).map((m) => [
        m.dateCreated.toISOString(),
        m.sid,
        m.direction,
        m.from,
        m.to,
        m.status,
        m.errorCode,
        m.body,
      ]),
    ),
    table(
      'Calls',
      ['created', 'sid', 'direction', 'from', 'to', 'status', 'duration', 'events'],
      newestFirst(state.calls.values()).map((c) => [
        c.dateCreated.toISOString(),
        c.sid,
        c.direction,
        c.from,
        c.to,
        c.status,
        c.durationSeconds,
        c.events.map(describeEvent).join('\n'),
      ]),
    ),
    table(
      'Recordings',
      ['created', 'sid', 'call', 'source', 'status', 'seconds', 'media'],
      newestFirst(state.recordings.values()).map((r) => [
        r.dateCreated.toISOString(),
        r.sid,
        r.callSid,
        r.source,
        r.status,
        r.durationSeconds,
        recordingMediaUrl(r),
      ]),
    ),
    table(
      'Webhooks (latest 200)',
      ['at', 'kind', 'resource', 'method', 'url', 'status', 'attempts', 'params'],
      newestFirst(state.webhooks)
        .slice(0, 200)
        .map((w) => [
          w.at,
          w.kind,
          w.resourceSid,
          w.method,
          w.url,
          w.status ?? w.attempts.at(-1)?.error ?? 'pending',
          w.attempts.length,
          Object.entries(w.params)
            .filter(([, v]) => v !== '')
            .map(([k, v]) => `${k}=${v}`)
            .join('\n'),
        ]),
    ),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Twilio simulator</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:1.5em}
th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top;white-space:pre-wrap;word-break:break-word}
th{background:#f3f3f3}td.empty{color:#888;font-style:italic}h2{margin:1em 0 .4em;font-size:1.1em}
</style></head><body>
<h1>Twilio simulator</h1>
<p>Account ${esc(state.accountSid)} · <a href="/_sim">reload</a> · JSON: <a href="/_sim/messages">messages</a>,
<a href="/_sim/calls">calls</a>, <a href="/_sim/recordings">recordings</a>, <a href="/_sim/webhooks">webhooks</a></p>
${sections.join('\n')}
</body></html>`;
}
