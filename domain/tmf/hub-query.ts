// The query of a TMF621 hub subscription (T3): TMF630 attribute filtering over the events, the same
// form as the TroubleTicket list's filters (`name=value`, a comma means "any of", `&` between
// attributes), parsed once when the hub is registered and matched against each event in the
// activity that delivers it. Attributes may be given bare (`status=resolved`) or as the event names
// them (`event.troubleTicket.status=resolved`). An attribute ClosedLoop does not filter on is
// refused at registration rather than ignored, so a subscriber never gets more than it asked for.
import { TMF_STATUSES } from './status';
import { TICKET_EVENT_TYPES, type TicketEvent } from './events';

const ATTRIBUTES = [
  'eventType',
  'id',
  'status',
  'severity',
  'priority',
  'ticketType',
  'channel.id',
  'channel.name',
  'externalIdentifier.id',
  'externalIdentifier.owner',
] as const;
type Attribute = (typeof ATTRIBUTES)[number];

/** Allowed values where the set is closed (others take any text). */
const VALUES: Partial<Record<Attribute, readonly string[]>> = {
  eventType: TICKET_EVENT_TYPES,
  status: TMF_STATUSES,
  severity: ['Critical', 'Major', 'Minor'],
  priority: ['High', 'Medium'],
};

/** Attribute → the values any of which matches (an empty criteria list matches every event). */
export type HubCriteria = Partial<Record<Attribute, string[]>>;

export type HubQueryResult = { criteria: HubCriteria } | { error: string };

const PREFIX = 'event.troubleTicket.';
export const MAX_HUB_QUERY = 2000;

export function parseHubQuery(query: string | undefined): HubQueryResult {
  const q = (query ?? '').trim().replace(/^\?/, '');
  if (q.length > MAX_HUB_QUERY) return { error: `query: at most ${MAX_HUB_QUERY} characters` };
  const criteria: HubCriteria = {};
  if (!q) return { criteria };
  for (const part of q.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return { error: `query: '${part.slice(0, 40)}' is not name=value` };
    let name: string;
    let raw: string;
    try {
      name = decodeURIComponent(part.slice(0, eq)).trim();
      raw = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      return { error: `query: '${part.slice(0, 40)}' is not URL-encoded properly` };
    }
    const attr = (name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name) as Attribute;
    if (!ATTRIBUTES.includes(attr))
      return { error: `query: '${name.slice(0, 60)}' is not filtered on: one of ${ATTRIBUTES.join(', ')}` };
    if (criteria[attr]) return { error: `query: '${attr}' given twice` };
    const values = raw.split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) return { error: `query: '${attr}' has an empty value` };
    const allowed = VALUES[attr];
    const bad = allowed && values.find((v) => !allowed.includes(v));
    if (bad) return { error: `query: ${attr} '${bad.slice(0, 40)}' is not one of ${allowed.join(', ')}` };
    criteria[attr] = values;
  }
  return { criteria };
}

function valueOf(attr: Attribute, e: TicketEvent): string {
  const t = e.ticket;
  switch (attr) {
    case 'eventType':
      return e.eventType;
    case 'id':
      return t.ticketId;
    case 'status':
      return t.status;
    case 'severity':
      return t.severity;
    case 'priority':
      return t.priority;
    case 'ticketType':
      return t.category;
    case 'channel.id':
    case 'channel.name':
    case 'externalIdentifier.owner':
      return t.channel;
    case 'externalIdentifier.id':
      return t.externalId;
  }
}

const CASE_INSENSITIVE: readonly Attribute[] = ['channel.id', 'channel.name', 'externalIdentifier.owner'];

/** True when the event has, for every attribute of the criteria, one of its values. */
export function hubMatches(criteria: HubCriteria, e: TicketEvent): boolean {
  return (Object.entries(criteria) as [Attribute, string[]][]).every(([attr, values]) => {
    const v = valueOf(attr, e);
    return CASE_INSENSITIVE.includes(attr)
      ? values.some((x) => x.toLowerCase() === v.toLowerCase())
      : values.includes(v);
  });
}
