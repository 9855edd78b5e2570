// What a complaint is filed with (R1): channels, categories, stages, the ticket and workflow ids,
// and the intake input. The bottom of the complaint's vocabulary: the evidence records and the
// pure policy need it, and it imports nothing.

export const CHANNELS = ['EMOS', 'GREEN_NET', 'OTHER', 'OPT_CENTER_URGENT', 'LEADER_ASSIGNED'] as const;

export type Channel = (typeof CHANNELS)[number];

export const CATEGORIES = [
  'NO_SIGNAL',
  'WEAK_SIGNAL',
  'DROPPED_CALLS',
  'CALL_SETUP_FAILURE',
  'VOICE_QUALITY',
  'SLOW_DATA',
  'NO_DATA',
  'OTHER',
] as const;

export type Category = (typeof CATEGORIES)[number];

export const STAGES = [
  'RECEIVED',
  'TRIAGED',
  'TRANSFERRED',
  'IN_PROGRESS',
  'RESOLVED',
  'REPLYING',
  'CLOSED',
  'REOPENED',
] as const;

export type Stage = (typeof STAGES)[number];

export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Ticket id derived from (channel, external ticket id): the same ticket is always the same complaint (R1.3). */
export function ticketIdFor(channel: Channel, externalId: string): string {
  return `${channel}-${externalId}`;
}

export function complaintWorkflowId(ticketId: string): string {
  return `complaint-${ticketId}`;
}

export interface Actor {
  user: string;
  roles: string[];
}

export interface ComplaintInput {
  ticketId: string;
  channel: Channel;
  externalId: string;
  category: Category;
  urgency: 'NORMAL' | 'URGENT';
  description: string;
  location: {
    region: string;
    address?: string;
    coordinates?: { lat: number; lng: number };
    cellId?: string;
  };
  occurrence: { since?: string; frequency: 'ALWAYS' | 'DAILY' | 'INTERMITTENT' | 'ONCE'; timeOfDay?: string };
  terminal: { model?: string; imei?: string };
  numbers: { callback: string; calling?: string; called?: string };
  customer: { name?: string; vipLevel: number; language: 'zh-CN' | 'en' };
  extra?: string;
  /** The days and hours the customer can be reached, in their time zone (R4.8). */
  contactWindow?: ContactWindow;
  /** A time agreed with the customer for the call (R4.8). */
  appointment?: AgreedAppointment;
  receivedAt: string;
  submittedBy: string;
}

/** Local weekdays, Monday first. */
export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * When the customer can be reached (R4.8): local wall-clock 'HH:MM' from (inclusive) to (exclusive)
 * in an IANA time zone; `to` before `from` crosses midnight, from = to is the whole day. `days`: the
 * local weekdays on which the window opens (all days when absent).
 */
export interface ContactWindow {
  timeZone: string;
  from: string;
  to: string;
  days?: Weekday[];
}

/** A time agreed with the customer (R4.8): ISO instants with an offset, and the customer's IANA zone. */
export interface AgreedAppointment {
  from: string;
  to: string;
  timeZone: string;
}
