// A TMF621 TroubleTicket_FVO as the /v1 intake (T1): the body is checked against the part of the
// standard ClosedLoop takes (unknown fields are refused, naming them), mapped onto the /v1 intake
// body, and then validated by the very schema /v1 uses, so both doors accept the same complaints.
// The dispatching system's ticket id comes as externalIdentifier; with the channel it makes the
// ticket id, so a second create of the same ticket is the same complaint (R1.3).
import { z, ZodError } from 'zod';
import { CATEGORIES, CHANNELS, type Channel } from '../../workflows/complaint/contract';
import { parseAppointmentText, parseContactWindowText } from '../../domain/policy/contact-window';
import { HttpError } from '../errors';
import { IntakeSchema, type IntakeBody } from '../schemas';
import { REQUESTED_RESOLUTION_PREFIX } from './ticket';

const typed = { '@type': z.string().max(100).optional(), '@baseType': z.string().max(100).optional() };
const short = z.string().trim().min(1).max(200);

const ExternalIdentifier = z
  .object({ ...typed, id: short, owner: short.optional(), externalIdentifierType: short.optional() })
  .strict();
const ChannelRef = z.object({ ...typed, id: short.optional(), name: short.optional() }).strict();
const Phone = z
  .object({
    ...typed,
    phoneNumber: z.string().max(40),
    contactType: short.optional(),
    preferred: z.boolean().optional(),
  })
  .strict();
const Party = z
  .object({
    ...typed,
    id: short.optional(),
    name: z.string().max(100).optional(),
    '@referredType': short.optional(),
    contactMedium: z.array(Phone).max(5).optional(),
  })
  .strict();
const RelatedParty = z.object({ ...typed, role: short, partyOrPartyRole: Party }).strict();
const EntityRef = z
  .object({ ...typed, id: short, name: z.string().max(500).optional(), '@referredType': short.optional() })
  .strict();
const RelatedEntity = z.object({ ...typed, role: short, entity: EntityRef }).strict();
export const CHARACTERISTICS = [
  'callbackNumber',
  'callingNumber',
  'calledNumber',
  'frequency',
  'occurrenceSince',
  'timeOfDay',
  'terminalModel',
  'imei',
  'vipLevel',
  'language',
  'contactWindow',
  'appointment',
] as const;
const Characteristic = z
  .object({
    ...typed,
    id: short.optional(),
    name: z.enum(CHARACTERISTICS, { message: `one of ${CHARACTERISTICS.join(', ')}` }),
    valueType: short.optional(),
    value: z.union([z.string().max(4000), z.number(), z.boolean()]),
  })
  .strict();
const Note = z
  .object({
    ...typed,
    id: short.optional(),
    author: short.optional(),
    date: z.iso.datetime({ offset: true }).optional(),
    text: z.string().trim().min(1).max(2000),
  })
  .strict();
const SpecRef = z
  .object({ ...typed, id: short, href: z.string().max(500).optional(), name: short.optional() })
  .strict();

const SEVERITIES = ['critical', 'major', 'minor'] as const;
const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
const lowerEnum = (values: readonly string[]) =>
  z
    .string()
    .max(40)
    .refine((v) => values.includes(v.toLowerCase()), `one of ${values.join(', ')} (any case)`);

/** The TroubleTicket_FVO fields ClosedLoop takes at creation; the others are refused by name. */
export const TroubleTicketCreateSchema = z
  .object({
    '@type': z.literal('TroubleTicket', { message: "must be 'TroubleTicket'" }),
    '@baseType': z.string().max(100).optional(),
    '@schemaLocation': z.string().max(500).optional(),
    name: z.string().max(200).optional(),
    description: z.string().trim().min(1).max(4000),
    severity: lowerEnum(SEVERITIES),
    priority: lowerEnum(PRIORITIES).optional(),
    ticketType: z.enum(CATEGORIES, { message: `a complaint category: ${CATEGORIES.join(', ')}` }),
    channel: ChannelRef.optional(),
    requestedResolutionDate: z.iso.datetime({ offset: true }).optional(),
    externalIdentifier: z.array(ExternalIdentifier).min(1, 'the dispatching ticket is required').max(5),
    note: z.array(Note).max(20).optional(),
    relatedParty: z.array(RelatedParty).max(10).optional(),
    relatedEntity: z.array(RelatedEntity).max(10).optional(),
    troubleTicketSpecification: SpecRef.optional(),
    troubleTicketCharacteristic: z.array(Characteristic).max(30).optional(),
  })
  .strict();
export type TroubleTicketCreate = z.infer<typeof TroubleTicketCreateSchema>;

/** Names a system may give its channel by (owner, channel name or id, the API key's user). */
const CHANNEL_ALIASES: Record<Channel, readonly string[]> = {
  EMOS: ['emos'],
  GREEN_NET: ['green_net', 'greennet', 'green-net', '绿网'],
  OTHER: ['other'],
  OPT_CENTER_URGENT: ['opt_center_urgent', 'opt-center-urgent', 'optcenter', '优化中心紧急转派'],
  LEADER_ASSIGNED: ['leader_assigned', 'leader-assigned', '分公司领导下派'],
};

export function channelNamed(name: string | undefined): Channel | undefined {
  if (!name) return undefined;
  const n = name.trim().toLowerCase();
  return CHANNELS.find((c) => c.toLowerCase() === n || CHANNEL_ALIASES[c].includes(n));
}

/** The channel: `channel`, else the external identifier's owner, else the caller's API key user (emos-gateway). */
export function resolveChannel(body: TroubleTicketCreate, user: string): Channel {
  const named = body.channel?.name ?? body.channel?.id;
  if (named !== undefined) {
    const c = channelNamed(named);
    if (!c) throw invalid('channel', `unknown channel '${named}': one of ${CHANNELS.join(', ')}`);
    return c;
  }
  const byOwner = channelNamed(body.externalIdentifier[0]?.owner);
  if (byOwner) return byOwner;
  const byKey = channelNamed(user.split(/[-.]/)[0]);
  if (byKey) return byKey;
  throw invalid(
    'channel',
    `say which channel the ticket comes from (channel.name or externalIdentifier.owner): one of ${CHANNELS.join(', ')}`,
  );
}

function invalid(field: string, message: string): HttpError {
  return new HttpError(400, 'validation_failed', `${field}: ${message}`, [{ field, message }]);
}

type Char = NonNullable<TroubleTicketCreate['troubleTicketCharacteristic']>[number];
const charValue = (list: Char[] | undefined, name: string) => {
  const v = list?.find((c) => c.name === name)?.value;
  return v === undefined ? undefined : typeof v === 'string' ? v : String(v);
};

function entity(body: TroubleTicketCreate, role: string) {
  return body.relatedEntity?.find((e) => e.role === role)?.entity;
}

function coordinatesOf(id: string | undefined): { lat: number; lng: number } | undefined {
  if (id === undefined) return undefined;
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(id);
  if (!m) throw invalid('relatedEntity[role=coordinates].entity.id', "'lat,lng' such as 39.98,116.31");
  return { lat: Number(m[1]), lng: Number(m[2]) };
}

/** Urgent when the dispatcher says critical or major severity, or critical or high priority. */
function urgencyOf(body: TroubleTicketCreate): 'URGENT' | 'NORMAL' | undefined {
  const severity = body.severity.toLowerCase();
  const priority = body.priority?.toLowerCase();
  if (severity === 'critical' || severity === 'major' || priority === 'critical' || priority === 'high')
    return 'URGENT';
  return undefined; // the channel's default (OPT_CENTER_URGENT is urgent) as in /v1
}

function extraOf(body: TroubleTicketCreate): string | undefined {
  const lines = (body.note ?? []).map((n) => n.text);
  if (body.requestedResolutionDate)
    lines.push(`${REQUESTED_RESOLUTION_PREFIX}${new Date(body.requestedResolutionDate).toISOString()}`);
  return lines.length ? lines.join('\n') : undefined;
}

/** A text characteristic read by its parser (R4.8); a 400 naming it when it cannot be read. */
function parsedChar<T>(
  list: Char[] | undefined,
  name: string,
  parse: (text: string) => T | string,
): T | undefined {
  const text = charValue(list, name);
  if (text === undefined) return undefined;
  const parsed = parse(text);
  if (typeof parsed === 'string') throw invalid(`troubleTicketCharacteristic[name=${name}]`, parsed);
  return parsed;
}

/** The /v1 body the TMF fields stand for, before /v1's validation. */
export function intakeCandidate(body: TroubleTicketCreate, user: string): Record<string, unknown> {
  const chars = body.troubleTicketCharacteristic;
  const customer = body.relatedParty?.find((p) => p.role === 'customer')?.partyOrPartyRole;
  const vip = charValue(chars, 'vipLevel');
  const drop = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return drop({
    channel: resolveChannel(body, user),
    externalId: body.externalIdentifier[0]!.id,
    category: body.ticketType,
    urgency: urgencyOf(body),
    description: body.description,
    location: drop({
      region: entity(body, 'region')?.id,
      cellId: entity(body, 'servingCell')?.id,
      address: entity(body, 'address')?.name ?? entity(body, 'address')?.id,
      coordinates: coordinatesOf(entity(body, 'coordinates')?.id),
    }),
    occurrence: drop({
      frequency: charValue(chars, 'frequency'),
      since: charValue(chars, 'occurrenceSince'),
      timeOfDay: charValue(chars, 'timeOfDay'),
    }),
    terminal: drop({ model: charValue(chars, 'terminalModel'), imei: charValue(chars, 'imei') }),
    numbers: drop({
      callback: customer?.contactMedium?.[0]?.phoneNumber ?? charValue(chars, 'callbackNumber'),
      calling: charValue(chars, 'callingNumber'),
      called: charValue(chars, 'calledNumber'),
    }),
    customer: drop({
      name: customer?.name,
      vipLevel: vip === undefined ? undefined : Number(vip),
      language: charValue(chars, 'language'),
    }),
    extra: extraOf(body),
    contactWindow: parsedChar(chars, 'contactWindow', parseContactWindowText),
    appointment: parsedChar(chars, 'appointment', parseAppointmentText),
  });
}

/** Where each /v1 intake field comes from in a TroubleTicket, for error messages in TMF terms. */
const TMF_FIELD: [string, string][] = [
  ['numbers.callback', 'relatedParty[role=customer].partyOrPartyRole.contactMedium[0].phoneNumber'],
  ['numbers.calling', 'troubleTicketCharacteristic[name=callingNumber]'],
  ['numbers.called', 'troubleTicketCharacteristic[name=calledNumber]'],
  ['numbers', 'relatedParty[role=customer].partyOrPartyRole.contactMedium[0].phoneNumber'],
  ['location.region', 'relatedEntity[role=region].entity.id'],
  ['location.cellId', 'relatedEntity[role=servingCell].entity.id'],
  ['location.address', 'relatedEntity[role=address].entity.name'],
  ['location', 'relatedEntity (region, and servingCell, address or coordinates)'],
  ['occurrence.frequency', 'troubleTicketCharacteristic[name=frequency]'],
  ['occurrence.since', 'troubleTicketCharacteristic[name=occurrenceSince]'],
  ['occurrence.timeOfDay', 'troubleTicketCharacteristic[name=timeOfDay]'],
  ['occurrence', 'troubleTicketCharacteristic[name=frequency]'],
  ['terminal.model', 'troubleTicketCharacteristic[name=terminalModel]'],
  ['terminal.imei', 'troubleTicketCharacteristic[name=imei]'],
  ['customer.vipLevel', 'troubleTicketCharacteristic[name=vipLevel]'],
  ['customer.language', 'troubleTicketCharacteristic[name=language]'],
  ['customer.name', 'relatedParty[role=customer].partyOrPartyRole.name'],
  ['externalId', 'externalIdentifier[0].id'],
  ['contactWindow', 'troubleTicketCharacteristic[name=contactWindow]'],
  ['appointment', 'troubleTicketCharacteristic[name=appointment]'],
  ['extra', 'note'],
];

export function tmfFieldOf(intakeField: string): string {
  const hit = TMF_FIELD.find(([f]) => intakeField === f || intakeField.startsWith(`${f}.`));
  return hit ? hit[1] : intakeField;
}

/** The /v1 intake body of a TMF create, or a 400 naming the TMF field at fault. */
export function toIntake(body: TroubleTicketCreate, user: string): IntakeBody {
  try {
    return IntakeSchema.parse(intakeCandidate(body, user));
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    const issues = err.issues.map((i) => ({
      field: tmfFieldOf(i.path.join('.') || '(body)'),
      message: i.message,
    }));
    throw new HttpError(
      400,
      'validation_failed',
      issues.map((i) => `${i.field}: ${i.message}`).join('; '),
      issues,
    );
  }
}
