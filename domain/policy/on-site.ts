// On-site tests (R3.3): the rules for the slots offered to a customer, the reading of the
// customer's SMS answer, and when results may be recorded. Pure functions, no Temporal imports.
import type { OnSiteTest, TimeSlot } from '../complaint';
import { isInsideHours, type HoursWindow } from './quiet-hours';

export const MAX_SLOTS = 4;
const MIN = 60_000;
const MAX_SLOT_MS = 4 * 60 * MIN;
const MIN_NOTICE_MS = 60 * MIN;
const MAX_AHEAD_MS = 14 * 24 * 60 * MIN;

/** What is wrong with the offered slots (undefined = fine): no intrusive visits (R3.3, R4.4). */
export function checkSlots(
  slots: TimeSlot[],
  now: number,
  timeZone: string,
  hours: HoursWindow,
): string | undefined {
  if (slots.length === 0 || slots.length > MAX_SLOTS) return `offer 1 to ${MAX_SLOTS} slots`;
  for (const [i, s] of slots.entries()) {
    const from = Date.parse(s.from);
    const to = Date.parse(s.to);
    const at = `slots[${i}]`;
    if (Number.isNaN(from) || Number.isNaN(to)) return `${at}: from and to must be ISO 8601 instants`;
    if (to <= from) return `${at}: ends before it starts`;
    if (to - from > MAX_SLOT_MS) return `${at}: a slot is at most 4 hours`;
    if (from < now + MIN_NOTICE_MS) return `${at}: give the customer at least an hour's notice`;
    if (from > now + MAX_AHEAD_MS) return `${at}: more than 14 days ahead`;
    if (!isInsideHours(from, timeZone, hours) || !isInsideHours(to - 1, timeZone, hours))
      return `${at}: outside the customer's allowed hours ${hours.from}–${hours.to} (no intrusive visits)`;
  }
  const sorted = [...slots].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  for (let i = 1; i < sorted.length; i += 1)
    if (Date.parse(sorted[i]!.from) < Date.parse(sorted[i - 1]!.to)) return 'slots overlap';
  return undefined;
}

/** How long the customer's choice is waited for: until 2 h before the first slot, at most 24 h. */
export function answerDeadline(slots: TimeSlot[], now: number): number {
  const first = Math.min(...slots.map((s) => Date.parse(s.from)));
  return Math.max(now + 10 * MIN, Math.min(now + 24 * 60 * MIN, first - 2 * 60 * MIN));
}

export type SlotAnswer = { kind: 'CHOSEN'; index: number } | { kind: 'DECLINED' } | { kind: 'UNCLEAR' };

const DECLINE = new Set(['0', '否', '不', '不用', '不需要', '不要', 'no', 'n']);

/** Reads the customer's SMS: the number of a slot, 0 / 不需要 to decline, anything else is unclear. */
export function readSlotAnswer(body: string, slots: number): SlotAnswer {
  const text = body
    .trim()
    .toLowerCase()
    .replace(/[。.!！\s]+$/u, '');
  if (DECLINE.has(text)) return { kind: 'DECLINED' };
  const digits = text.replace(/[^\d]/g, '');
  const n = Number(digits);
  if (digits.length > 0 && digits.length <= 2 && n >= 1 && n <= slots)
    return { kind: 'CHOSEN', index: n - 1 };
  return { kind: 'UNCLEAR' };
}

/** Results are recorded only for a booked test, and not before the slot the customer chose begins. */
export function checkOnSiteResult(test: OnSiteTest | undefined, now: number): string | undefined {
  if (!test || test.status !== 'BOOKED')
    return 'no booked on-site test: propose slots and let the customer choose first';
  if (now < Date.parse(test.chosen!.from))
    return `the visit is booked for ${test.chosen!.from}: results can be recorded from then on (no visit outside the chosen slot)`;
  return undefined;
}
