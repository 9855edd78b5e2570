// Anonymising a complaint's full view (issue 22, S8): the personal fields named one by one (numbers,
// IMSI/IMEI, name, address, coordinates, free text), then one pass over everything else that drops
// keys which only ever hold personal data and replaces any text that contains one of the
// complaint's personal values (a handler's note quoting the number, the evidence's copy of the
// description). What the reports and the record need stays: ids, stages, categories, region, cell,
// times, clocks, levels, decisions, the root cause and measures (the network's, not the person's).
// Pure: no I/O.
import type { ComplaintView } from '../../domain/complaint';

export const ERASED = '[erased]';

/** Keys that only ever hold personal data, wherever they appear in a view. */
const PERSONAL_KEYS = new Set(['msisdn', 'imsi', 'imei', 'coordinates', 'phone', 'email']);
/** Texts shorter than this are not searched for (they would match common words). */
const MIN_NEEDLE = 6;

/** The forms a phone number is written in: +8613912345678, 8613912345678, 13912345678. */
export function numberForms(e164: string): string[] {
  const forms = [e164, e164.replace(/^\+/, '')];
  if (e164.startsWith('+86')) forms.push(e164.slice(3));
  return forms;
}

/** The complaint's personal values, as text to search for anywhere else in the view. */
export function personalValuesOf(view: ComplaintView): string[] {
  const i = view.input;
  const numbers = [i.numbers.callback, i.numbers.calling, i.numbers.called].filter(
    (n): n is string => typeof n === 'string' && n !== ERASED,
  );
  const q = view.evidence?.bundle.query;
  const values = [
    ...numbers.flatMap(numberForms),
    i.terminal?.imei,
    i.customer.name,
    i.location.address,
    i.description,
    i.extra,
    q?.imsi,
    ...(q?.msisdn ? numberForms(q.msisdn) : []),
  ];
  return [
    ...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= MIN_NEEDLE)),
  ].filter((v) => v !== ERASED);
}

const erase = <T>(v: T | undefined): T | string | undefined => (v === undefined ? undefined : ERASED);

/** A copy of the view without the complaint's personal data. */
export function anonymiseView(view: ComplaintView): ComplaintView {
  const needles = personalValuesOf(view);
  const v = structuredClone(view);
  const i = v.input;
  i.description = ERASED;
  if (i.extra !== undefined) i.extra = ERASED;
  i.location = {
    region: i.location.region,
    ...(i.location.cellId ? { cellId: i.location.cellId } : {}),
    ...(i.location.address !== undefined ? { address: ERASED } : {}),
  };
  i.terminal = {
    ...(i.terminal?.model ? { model: i.terminal.model } : {}),
    ...(i.terminal?.imei !== undefined ? { imei: ERASED } : {}),
  };
  i.numbers = {
    callback: ERASED,
    ...(i.numbers.calling !== undefined ? { calling: ERASED } : {}),
    ...(i.numbers.called !== undefined ? { called: ERASED } : {}),
  };
  i.customer = {
    vipLevel: i.customer.vipLevel,
    language: i.customer.language,
    ...(i.customer.name !== undefined ? { name: ERASED } : {}),
  };
  if (v.triage?.note !== undefined) v.triage.note = ERASED;
  for (const f of v.findings) Object.assign(f, { checked: ERASED, found: ERASED });
  for (const x of v.verifications) x.result = ERASED;
  if (v.resolution) v.resolution.summary = ERASED;
  for (const r of v.replies) r.summary = ERASED;
  for (const e of v.escalations) e.reason = ERASED;
  for (const a of v.assignments) if (a.reason !== undefined) a.reason = ERASED;
  if (v.major) v.major.reason = ERASED;
  if (v.majorReport)
    Object.assign(v.majorReport, { title: ERASED, impact: ERASED, coordination: ERASED, result: ERASED });
  if (v.disputeProne) v.disputeProne.reason = ERASED;
  for (const c of v.contacts) for (const a of c.attempts ?? []) delete a.sid;
  for (const e of v.consentEvidence) Object.assign(e, { url: ERASED, sid: ERASED });
  for (const s of v.signatureRequests ?? []) s.message = ERASED;
  for (const t of v.onSiteTests ?? []) {
    Object.assign(t, {
      address: erase(t.address),
      note: erase(t.note),
      answer: erase(t.answer),
    });
    if (t.result) Object.assign(t.result, { conclusion: ERASED, photos: [] });
  }
  if (v.vip) v.vip.profileId = ERASED;
  for (const p of v.policyHistory) p.reason = ERASED;
  for (const t of v.timeline) if (t.detail !== undefined) t.detail = ERASED;
  // A note's attachment links may show the customer's home or papers, as on-site photos do.
  for (const t of v.timeline) if (t.attachments) t.attachments = [];
  if (v.evidence?.bundle.complaint) v.evidence.bundle.complaint.description = ERASED;
  return scrubDeep(v, needles) as ComplaintView;
}

/** Drops personal-only keys and replaces every text that contains one of `needles`, everywhere. */
export function scrubDeep(value: unknown, needles: readonly string[]): unknown {
  if (typeof value === 'string') return needles.some((n) => value.includes(n)) ? ERASED : value;
  if (Array.isArray(value)) return value.map((x) => scrubDeep(x, needles));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value as Record<string, unknown>)) {
      if (x === undefined) continue;
      if (PERSONAL_KEYS.has(k)) continue;
      out[k] = scrubDeep(x, needles);
    }
    return out;
  }
  return value;
}

/** Does `text` contain one of the values? */
export function containsAny(text: string, values: readonly string[]): boolean {
  return values.some((v) => text.includes(v));
}
