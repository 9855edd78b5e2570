// A complaint as a TMF621 v5 TroubleTicket (T1, T2): every field comes from the complaint's view
// (the workflow's state as projected), so TMF and /v1 show the same complaint. The field-by-field
// table is docs/tmf621.md. Personal numbers: in full only where /v1 shows them (one complaint to
// its readers); lists mask them as /v1's lists do.
import { appointmentText, contactWindowText } from '../../domain/policy/contact-window';
import type { ComplaintView } from '../../workflows/complaint/contract';
import { statusChangeHistory, tmfStatusOf } from './status';

export const TMF_BASE = '/tmf-api/troubleTicket/v5';
export const TICKET_PATH = `${TMF_BASE}/troubleTicket`;

/** Masks a personal number as /v1's lists do: the first six and the last two characters. */
export function maskNumber(n: string): string {
  return n.length <= 8 ? '****' : `${n.slice(0, 6)}****${n.slice(-2)}`;
}

/** Marks the line of `extra` that carries the requested resolution date (no field of its own yet). */
export const REQUESTED_RESOLUTION_PREFIX = '[requestedResolutionDate] ';

type Json = Record<string, unknown>;

export interface TicketOptions {
  /** mask the customer's numbers and IMEI (lists) */
  mask: boolean;
}

export const ticketHref = (ticketId: string) => `${TICKET_PATH}/${encodeURIComponent(ticketId)}`;

/** TMF severity: Critical for a major complaint (R5.3), Major for an urgent one, Minor otherwise. */
export function severityOf(view: Pick<ComplaintView, 'major' | 'input'>): 'Critical' | 'Major' | 'Minor' {
  if (view.major) return 'Critical';
  return view.input.urgency === 'URGENT' ? 'Major' : 'Minor';
}

export function priorityOf(view: Pick<ComplaintView, 'input'>): 'High' | 'Medium' {
  return view.input.urgency === 'URGENT' ? 'High' : 'Medium';
}

function chars(entries: [string, string | number | undefined][]): Json[] {
  return entries
    .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
    .map(([name, value]) =>
      typeof value === 'number'
        ? { '@type': 'IntegerCharacteristic', name, valueType: 'integer', value }
        : { '@type': 'StringCharacteristic', name, valueType: 'string', value },
    );
}

function characteristicsOf(view: ComplaintView, show: (n: string) => string): Json[] {
  const i = view.input;
  // The customer's current window and appointment (R4.8), as the create takes them.
  const cw = view.contactPreferences?.contactWindow;
  const ap = view.contactPreferences?.appointment;
  return chars([
    ['callbackNumber', show(i.numbers.callback)],
    ['callingNumber', i.numbers.calling && show(i.numbers.calling)],
    ['calledNumber', i.numbers.called && show(i.numbers.called)],
    ['frequency', i.occurrence.frequency],
    ['occurrenceSince', i.occurrence.since],
    ['timeOfDay', i.occurrence.timeOfDay],
    ['terminalModel', i.terminal.model],
    ['imei', i.terminal.imei && show(i.terminal.imei)],
    ['vipLevel', i.customer.vipLevel],
    ['language', i.customer.language],
    ['contactWindow', cw && contactWindowText(cw)],
    ['appointment', ap && appointmentText(ap)],
    ['stage', view.stage],
    ['rounds', view.rounds],
    ['escalationLevel', view.escalationLevel],
    ['rootCause', view.resolution?.rootCause],
    ['actions', view.resolution?.actions],
    ['cause', view.resolution?.cause],
  ]);
}

const entityRef = (id: string, referredType: string, name?: string): Json => ({
  '@type': 'EntityRef',
  id,
  '@referredType': referredType,
  ...(name ? { name } : {}),
});

/** Where the problem is: region, serving cell, address, coordinates. */
function relatedEntitiesOf(view: ComplaintView): Json[] {
  const l = view.input.location;
  const out: Json[] = [
    { '@type': 'RelatedEntity', role: 'region', entity: entityRef(l.region, 'GeographicSite') },
  ];
  if (l.cellId)
    out.push({ '@type': 'RelatedEntity', role: 'servingCell', entity: entityRef(l.cellId, 'Cell') });
  if (l.address)
    out.push({
      '@type': 'RelatedEntity',
      role: 'address',
      entity: entityRef('address', 'GeographicAddress', l.address),
    });
  if (l.coordinates)
    out.push({
      '@type': 'RelatedEntity',
      role: 'coordinates',
      entity: entityRef(`${l.coordinates.lat},${l.coordinates.lng}`, 'GeographicLocation'),
    });
  return out;
}

const party = (role: string, id: string, referredType: string, extra: Json = {}): Json => ({
  '@type': 'RelatedPartyRefOrPartyRoleRef',
  role,
  partyOrPartyRole: { '@type': 'PartyRef', id, '@referredType': referredType, ...extra },
});

function relatedPartiesOf(view: ComplaintView, show: (n: string) => string): Json[] {
  const c = view.input.customer;
  const out = [
    party('customer', 'customer', 'Individual', {
      ...(c.name ? { name: c.name } : {}),
      contactMedium: [
        {
          '@type': 'PhoneContactMedium',
          contactType: 'callback',
          preferred: true,
          phoneNumber: show(view.input.numbers.callback),
        },
      ],
    }),
    party('originator', view.input.submittedBy, 'Organization'),
  ];
  if (view.assignee) out.push(party('handler', view.assignee, 'Individual'));
  return out;
}

const note = (id: string, author: string, date: string, text: string): Json => ({
  '@type': 'Note',
  id,
  author,
  date,
  text,
});

/** The notes people added (timeline NOTE, through /v1 or a TMF PATCH), numbered in their order. */
function addedNotes(view: ComplaintView) {
  return view.timeline.filter((e) => e.action === 'NOTE').map((e, i) => ({ id: `note-${i + 1}`, entry: e }));
}

/**
 * The work record as notes: the intake's remark, triage, verifications, findings, resolution,
 * replies, then the notes people added (`note-<n>`).
 */
export function notesOf(view: ComplaintView): Json[] {
  const out: Json[] = [];
  const extra = intakeRemark(view.input.extra);
  if (extra) out.push(note('intake', view.input.submittedBy, view.input.receivedAt, extra));
  if (view.triage?.note) out.push(note('triage', view.triage.by, view.triage.at, view.triage.note));
  view.verifications.forEach((v, i) =>
    out.push(note(`verification-${i + 1}`, v.by, v.at, `${v.department}: ${v.result}`)),
  );
  view.findings.forEach((f, i) =>
    out.push(note(`findings-${i + 1}`, f.by, f.at, `checked: ${f.checked}\nfound: ${f.found}`)),
  );
  const r = view.resolution;
  if (r)
    out.push(
      note('resolution', r.by, r.at, `${r.summary}\nroot cause: ${r.rootCause}\nactions: ${r.actions}`),
    );
  view.replies.forEach((r, i) =>
    out.push(note(`reply-${i + 1}`, r.by, r.at, `${r.kind} reply by ${r.method}: ${r.summary}`)),
  );
  for (const { id, entry } of addedNotes(view)) out.push(note(id, entry.actor, entry.at, entry.detail ?? ''));
  return out;
}

/** The intake's remark without the line that carries the requested resolution date. */
function intakeRemark(extra: string | undefined): string | undefined {
  const text = (extra ?? '')
    .split('\n')
    .filter((l) => !l.startsWith(REQUESTED_RESOLUTION_PREFIX))
    .join('\n')
    .trim();
  return text || undefined;
}

export function requestedResolutionOf(extra: string | undefined): string | undefined {
  const line = (extra ?? '').split('\n').find((l) => l.startsWith(REQUESTED_RESOLUTION_PREFIX));
  return line?.slice(REQUESTED_RESOLUTION_PREFIX.length).trim() || undefined;
}

/**
 * Recordings and signatures by reference (the link /v1 serves them at), then the references the
 * notes carry (`note-<n>-<k>`, the link as given, with its MIME type when known); never content.
 */
export function attachmentsOf(view: ComplaintView): Json[] {
  const base = `/v1/complaints/${encodeURIComponent(view.ticketId)}`;
  const evidence = view.consentEvidence.map((e): Json => {
    const signature = e.kind === 'signature';
    return {
      '@type': 'AttachmentRef',
      id: e.id,
      '@referredType': 'Attachment',
      name: signature ? 'customer signature' : 'call recording',
      description: `${signature ? 'signature' : 'recording'} captured ${e.capturedAt}, SHA-256 ${e.sha256}`,
      url: `${base}/${signature ? 'signatures' : 'recordings'}/${encodeURIComponent(e.id)}`,
    };
  });
  const linked = addedNotes(view).flatMap(({ id, entry }) =>
    (entry.attachments ?? []).map((a, k): Json => ({
      '@type': 'AttachmentRef',
      id: `${id}-${k + 1}`,
      '@referredType': 'Attachment',
      name: a.name,
      description: `attached to ${id} by ${entry.actor} at ${entry.at}`,
      url: a.url,
      ...(a.mimeType ? { mimeType: a.mimeType } : {}),
    })),
  );
  return [...evidence, ...linked];
}

/** Repeats (R6.2) and the mass incident (R8.4) the complaint belongs to. */
function relationshipsOf(view: ComplaintView): Json[] {
  const out: Json[] = (view.repeatOf ?? []).map((r) => ({
    '@type': 'TroubleTicketRelationship',
    id: r.ticketId,
    href: ticketHref(r.ticketId),
    '@referredType': 'TroubleTicket',
    relationshipType: r.by === 'number' ? 'repeatOfSameNumber' : 'repeatOfSameCell',
  }));
  if (view.incident)
    out.push({
      '@type': 'TroubleTicketRelationship',
      id: view.incident.incidentId,
      href: `/v1/incidents/${encodeURIComponent(view.incident.incidentId)}`,
      '@referredType': 'MassIncident',
      relationshipType: 'partOfMassIncident',
    });
  return out;
}

const handlingDue = (view: ComplaintView) => view.clocks.find((c) => c.name === 'handling')?.dueAt;

/** The complaint as a TroubleTicket (TMF621 v5.0.1 TroubleTicket_RES). */
export function toTroubleTicket(view: ComplaintView, opts: TicketOptions): Json {
  const show = opts.mask ? maskNumber : (n: string) => n;
  const i = view.input;
  const history = statusChangeHistory(view);
  const last = history.at(-1);
  const requested = requestedResolutionOf(i.extra);
  const expected = handlingDue(view);
  const ticket: Json = {
    '@type': 'TroubleTicket',
    id: view.ticketId,
    href: ticketHref(view.ticketId),
    name: `${i.category} ${i.location.cellId ?? i.location.region}`,
    description: i.description,
    severity: severityOf(view),
    priority: priorityOf(view),
    ticketType: i.category,
    channel: { '@type': 'ChannelRef', id: i.channel, name: i.channel },
    creationDate: i.receivedAt,
    lastUpdate: view.timeline.at(-1)?.at ?? i.receivedAt,
    ...(requested ? { requestedResolutionDate: requested } : {}),
    ...(expected ? { expectedResolutionDate: expected } : {}),
    ...(view.resolution ? { resolutionDate: view.resolution.at } : {}),
    externalIdentifier: [
      { '@type': 'ExternalIdentifier', id: i.externalId, owner: i.channel, externalIdentifierType: 'ticket' },
    ],
    status: tmfStatusOf(view),
    ...(last ? { statusChangeDate: last.statusChangeDate, statusChangeReason: last.statusChangeReason } : {}),
    statusChangeHistory: history,
    relatedParty: relatedPartiesOf(view, show),
    relatedEntity: relatedEntitiesOf(view),
    note: notesOf(view),
    attachment: attachmentsOf(view),
    troubleTicketRelationship: relationshipsOf(view),
    troubleTicketSpecification: {
      '@type': 'TroubleTicketSpecificationRef',
      id: i.category,
      href: `${TMF_BASE}/troubleTicketSpecification/${i.category}`,
    },
    troubleTicketCharacteristic: characteristicsOf(view, show),
  };
  return ticket;
}

/** TMF630 attribute selection: the named first-level fields, always with id, href and @type. */
export function selectFields(ticket: Json, fields: readonly string[] | undefined): Json {
  if (!fields) return ticket;
  const keep = new Set(['id', 'href', '@type', ...fields]);
  return Object.fromEntries(Object.entries(ticket).filter(([k]) => keep.has(k)));
}
