// TMF621 events of a complaint (issue 19, T3, T4), as pure code bundled into the complaint
// workflow: the facts a dispatching system hears about (status, severity, priority, assignment),
// which events a change of those facts makes, the structured work-order reply (执行工单回复, the R4.6
// fields), and the TMF event body a hub receives. No personal data travels in an event: the
// receiver reads the full ticket at its href with its own credentials.
import type { Channel, ComplaintInput, Stage } from '../complaint-input';
import { statusFromFacts, tmfPriority, tmfSeverity, type TmfStatus } from './status';

export const TMF_TICKET_BASE = '/tmf-api/troubleTicket/v5';

export const TICKET_EVENT_TYPES = [
  'TroubleTicketCreateEvent',
  'TroubleTicketStatusChangeEvent',
  'TroubleTicketAttributeValueChangeEvent',
  'TroubleTicketResolvedEvent',
  'TroubleTicketInformationRequiredEvent',
] as const;
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];

/** What a dispatching system hears about a ticket. */
export interface TicketFacts {
  ticketId: string;
  channel: Channel;
  externalId: string;
  category: string;
  description: string;
  receivedAt: string;
  status: TmfStatus;
  severity: 'Critical' | 'Major' | 'Minor';
  priority: 'High' | 'Medium';
  assignee?: string;
  team?: string;
}

/** The attributes whose change is told as a TroubleTicketAttributeValueChangeEvent. */
export const TOLD_ATTRIBUTES = ['severity', 'priority', 'assignee', 'team'] as const;

export interface TicketFactsSource {
  ticketId: string;
  stage: Stage;
  input: Pick<
    ComplaintInput,
    'channel' | 'externalId' | 'category' | 'description' | 'receivedAt' | 'urgency'
  >;
  major?: unknown;
  assignee?: string;
  team?: string;
  /** a running clock is paused */
  paused: boolean;
  /** linked to an open mass incident */
  heldByIncident: boolean;
}

export function ticketFactsOf(s: TicketFactsSource): TicketFacts {
  return {
    ticketId: s.ticketId,
    channel: s.input.channel,
    externalId: s.input.externalId,
    category: s.input.category,
    description: s.input.description,
    receivedAt: s.input.receivedAt,
    status: statusFromFacts({ stage: s.stage, paused: s.paused, heldByIncident: s.heldByIncident }),
    severity: tmfSeverity(s.major !== undefined, s.input.urgency),
    priority: tmfPriority(s.input.urgency),
    ...(s.assignee ? { assignee: s.assignee } : {}),
    ...(s.team ? { team: s.team } : {}),
  };
}

/** One event a change makes (before it gets its id and time). */
export interface TicketChange {
  eventType: TicketEventType;
  /** the attributes that changed (AttributeValueChange) */
  changed?: string[];
  /** the work-order reply step this event carries (Resolved: resolve; StatusChange to closed: close) */
  replyStep?: WorkOrderStep;
}

/**
 * The events that going from `prev` to `next` makes: the create event first (no `prev`), then a
 * status change (resolved: also the ResolvedEvent, which carries the work-order reply; closed: the
 * status change carries it), then one attribute change naming every told attribute that changed.
 */
export function ticketChanges(prev: TicketFacts | undefined, next: TicketFacts): TicketChange[] {
  if (!prev) return [{ eventType: 'TroubleTicketCreateEvent' }];
  const out: TicketChange[] = [];
  if (prev.status !== next.status) {
    if (next.status === 'closed')
      out.push({ eventType: 'TroubleTicketStatusChangeEvent', replyStep: 'close' });
    else out.push({ eventType: 'TroubleTicketStatusChangeEvent' });
    if (next.status === 'resolved')
      out.push({ eventType: 'TroubleTicketResolvedEvent', replyStep: 'resolve' });
  }
  const changed = TOLD_ATTRIBUTES.filter((a) => prev[a] !== next[a]);
  if (changed.length) out.push({ eventType: 'TroubleTicketAttributeValueChangeEvent', changed });
  return out;
}

export type WorkOrderStep = 'resolve' | 'close';

/** The structured work-order reply (执行工单回复): the R4.6 fields, and what the customer was told. */
export interface WorkOrderReply {
  /** `<ticketId>:reply:<step>:<round>`: the dispatching system's de-duplication key */
  key: string;
  step: WorkOrderStep;
  round: number;
  checked: string;
  found: string;
  summary: string;
  rootCause: string;
  actions: string;
  cause?: string;
  /** the final reply to the customer, once given (at close) */
  customerTold?: string;
  customerConfirmed?: boolean;
  satisfied?: boolean;
  resolvedBy?: string;
  resolvedAt?: string;
}

export function workOrderReplyKey(ticketId: string, step: WorkOrderStep, round: number): string {
  return `${ticketId}:reply:${step}:${round}`;
}

export interface WorkOrderSource {
  ticketId: string;
  rounds: number;
  findings: { checked: string; found: string }[];
  resolution?: {
    summary: string;
    rootCause: string;
    actions: string;
    cause?: string;
    by: string;
    at: string;
  };
  replies: {
    kind: string;
    summary: string;
    customerConfirmed: boolean;
    satisfied?: boolean;
    counts: boolean;
  }[];
}

/** The reply of one step from the complaint's work record. */
export function workOrderReplyOf(s: WorkOrderSource, step: WorkOrderStep): WorkOrderReply {
  const join = (xs: string[]) => xs.filter(Boolean).join('；');
  const r = s.resolution;
  const final = s.replies.filter((x) => x.kind === 'FINAL' && x.counts).at(-1);
  return {
    key: workOrderReplyKey(s.ticketId, step, s.rounds),
    step,
    round: s.rounds,
    checked: join(s.findings.map((f) => f.checked)),
    found: join(s.findings.map((f) => f.found)),
    summary: r?.summary ?? '',
    rootCause: r?.rootCause ?? '',
    actions: r?.actions ?? '',
    ...(r?.cause ? { cause: r.cause } : {}),
    ...(step === 'close' && final
      ? {
          customerTold: final.summary,
          customerConfirmed: final.customerConfirmed,
          ...(final.satisfied !== undefined ? { satisfied: final.satisfied } : {}),
        }
      : {}),
    ...(r ? { resolvedBy: r.by, resolvedAt: r.at } : {}),
  };
}

/** What the procedure needs from the dispatcher (TroubleTicketInformationRequiredEvent). */
export interface InformationRequired {
  /** a JSON Patch operation on the ticket saying which field the dispatcher should supply */
  op: 'add' | 'replace';
  path: string;
  reason: string;
}

/** The customer could not be reached on the callback number: ask the dispatcher for another. */
export const CONTACT_NUMBER_REQUIRED: InformationRequired = {
  op: 'replace',
  path: '/troubleTicketCharacteristic/callbackNumber',
  reason: 'the customer could not be reached on the callback number: send a working contact number',
};

/** The input of the publishTicketEvent activity: made in the workflow, deterministic. */
export interface TicketEvent {
  /** `<ticketId>:<seq>`: the receiver's de-duplication key */
  eventId: string;
  eventType: TicketEventType;
  eventTime: string;
  ticket: TicketFacts;
  statusChangeReason?: string;
  changed?: string[];
  informationRequired?: InformationRequired;
  reply?: WorkOrderReply;
}

type Json = Record<string, unknown>;

const char = (name: string, value: string | number | boolean): Json =>
  typeof value === 'boolean'
    ? { '@type': 'BooleanCharacteristic', name, valueType: 'boolean', value }
    : typeof value === 'number'
      ? { '@type': 'IntegerCharacteristic', name, valueType: 'integer', value }
      : { '@type': 'StringCharacteristic', name, valueType: 'string', value };

/** The reply as notes (what people read) and characteristics (what a system maps field by field). */
function replyParts(reply: WorkOrderReply, at: string): { note: Json[]; chars: Json[] } {
  const lines: [string, string | undefined][] = [
    ['checked', reply.checked],
    ['found', reply.found],
    ['rootCause', reply.rootCause],
    ['actions', reply.actions],
    ['summary', reply.summary],
    ['customerTold', reply.customerTold],
  ];
  const note = lines
    .filter((l): l is [string, string] => !!l[1])
    .map(([name, text]) => ({
      '@type': 'Note',
      id: `${reply.key}:${name}`,
      author: reply.resolvedBy ?? 'ClosedLoop',
      date: at,
      text: `${name}: ${text}`,
    }));
  const chars: Json[] = [
    char('workOrderReplyKey', reply.key),
    char('workOrderReplyStep', reply.step),
    char('rounds', reply.round),
    ...lines.filter((l): l is [string, string] => !!l[1]).map(([name, text]) => char(name, text)),
    ...(reply.cause ? [char('cause', reply.cause)] : []),
    ...(reply.customerConfirmed !== undefined ? [char('customerConfirmed', reply.customerConfirmed)] : []),
    ...(reply.satisfied !== undefined ? [char('satisfied', reply.satisfied)] : []),
  ];
  return { note, chars };
}

export const ticketEventHref = (ticketId: string) =>
  `${TMF_TICKET_BASE}/troubleTicket/${encodeURIComponent(ticketId)}`;

/** The TroubleTicket of an event (TMF621 v5.0.1 `TroubleTicket`): the facts, and the reply when it carries one. */
export function eventTicket(e: TicketEvent): Json {
  const t = e.ticket;
  const reply = e.reply ? replyParts(e.reply, e.eventTime) : undefined;
  const chars = [
    ...(t.assignee ? [char('assignee', t.assignee)] : []),
    ...(t.team ? [char('team', t.team)] : []),
    ...(reply?.chars ?? []),
  ];
  return {
    '@type': 'TroubleTicket',
    id: t.ticketId,
    href: ticketEventHref(t.ticketId),
    description: t.description,
    severity: t.severity,
    priority: t.priority,
    ticketType: t.category,
    channel: { '@type': 'ChannelRef', id: t.channel, name: t.channel },
    creationDate: t.receivedAt,
    lastUpdate: e.eventTime,
    externalIdentifier: [
      { '@type': 'ExternalIdentifier', id: t.externalId, owner: t.channel, externalIdentifierType: 'ticket' },
    ],
    status: t.status,
    ...(e.eventType === 'TroubleTicketStatusChangeEvent' || e.eventType === 'TroubleTicketResolvedEvent'
      ? { statusChangeDate: e.eventTime }
      : {}),
    ...(e.statusChangeReason ? { statusChangeReason: e.statusChangeReason } : {}),
    ...(e.eventType === 'TroubleTicketResolvedEvent'
      ? { resolutionDate: e.reply?.resolvedAt ?? e.eventTime }
      : {}),
    ...(reply?.note.length ? { note: reply.note } : {}),
    ...(chars.length ? { troubleTicketCharacteristic: chars } : {}),
  };
}

const TITLES: Record<TicketEventType, string> = {
  TroubleTicketCreateEvent: 'trouble ticket created',
  TroubleTicketStatusChangeEvent: 'trouble ticket status changed',
  TroubleTicketAttributeValueChangeEvent: 'trouble ticket attributes changed',
  TroubleTicketResolvedEvent: 'trouble ticket resolved',
  TroubleTicketInformationRequiredEvent: 'information required',
};

/** The body a hub's callback receives (TMF621 v5.0.1 `<type>Event`). */
export function tmfEventBody(e: TicketEvent): Json {
  const description =
    e.informationRequired?.reason ??
    e.statusChangeReason ??
    (e.changed ? `changed: ${e.changed.join(', ')}` : undefined);
  return {
    '@type': e.eventType,
    id: e.eventId,
    eventId: e.eventId,
    eventTime: e.eventTime,
    eventType: e.eventType,
    timeOccurred: e.eventTime,
    correlationId: e.ticket.ticketId,
    domain: 'troubleTicket',
    title: TITLES[e.eventType],
    ...(description ? { description } : {}),
    priority: e.ticket.priority,
    event: {
      troubleTicket: eventTicket(e),
      ...(e.informationRequired
        ? { informationRequired: { op: e.informationRequired.op, path: e.informationRequired.path } }
        : {}),
    },
  };
}
