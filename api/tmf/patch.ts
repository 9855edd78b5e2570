// PATCH /troubleTicket/{id} (application/merge-patch+json) as the workflow's updates (T1, T2): the
// standard's fields that say what a person did become exactly the /v1 action with the /v1 body
// schema, so the workflow's validators refuse what /v1 refuses (409 with the reason) and the
// work-order checks (R4.6) answer 400 naming the part. One action per PATCH: a patch is never
// half applied. What the procedure has no action for is refused with a 400 that says so. Notes and
// attachment references are append-only: those already on the ticket (a merge patch repeats the
// whole list) are left as they are, a new one is the note action on the work record.
import { z, ZodError } from 'zod';
import type { ComplaintView } from '../../workflows/complaint/contract';
import { HttpError } from '../errors';
import { COMPLAINT_ACTIONS, type ComplaintAction } from '../operations/complaints';
import { TMF_STATUSES, tmfStatusOf, type TmfStatus } from './status';
import { attachmentsOf, notesOf } from './ticket';

export const PATCH_CHARACTERISTICS = [
  'checked',
  'found',
  'onSite',
  'rootCause',
  'actions',
  'cause',
  'department',
  'clock',
] as const;

const Characteristic = z
  .object({
    '@type': z.string().max(100).optional(),
    id: z.string().max(200).optional(),
    name: z.enum(PATCH_CHARACTERISTICS, { message: `one of ${PATCH_CHARACTERISTICS.join(', ')}` }),
    valueType: z.string().max(100).optional(),
    value: z.union([z.string().max(4000), z.boolean()]),
  })
  .strict();

/** Fields of TroubleTicket_MVO that describe the ticket as filed: fixed after creation. */
const FIXED_FIELDS = [
  'name',
  'description',
  'severity',
  'priority',
  'ticketType',
  'channel',
  'externalIdentifier',
  'relatedParty',
  'relatedEntity',
  'requestedResolutionDate',
  'troubleTicketSpecification',
] as const;
/** Fields the server sets from the procedure. */
const SERVER_FIELDS = [
  'id',
  'href',
  'creationDate',
  'lastUpdate',
  'expectedResolutionDate',
  'resolutionDate',
  'statusChangeDate',
  'statusChangeHistory',
  'troubleTicketRelationship',
] as const;

/** Note_MVO: a note already on the ticket (same id or text), or the one new note of this PATCH. */
const NoteSchema = z.strictObject({
  '@type': z.literal('Note', { message: "must be 'Note'" }),
  '@baseType': z.string().max(100).optional(),
  '@schemaLocation': z.string().max(2000).optional(),
  id: z.string().max(200).optional(),
  // Kept as the caller sent it only to recognise notes already on the ticket: the record's author
  // is the person who sent the PATCH, its date when ClosedLoop recorded it (R10.2).
  author: z.string().max(200).optional(),
  date: z.iso.datetime({ offset: true, error: 'an ISO 8601 date-time' }).optional(),
  // Notes already on the ticket may be long (a resolution); a new one is checked by the note action.
  text: z.string().max(20_000).optional(),
});

/**
 * AttachmentRefOrValue_MVO as a reference: a name and the link to a file kept elsewhere (the
 * link's own checks are the note action's). Content is refused: ClosedLoop keeps no files here.
 */
const AttachmentSchema = z
  .strictObject({
    '@type': z.enum(['AttachmentRef', 'Attachment'], {
      error: "'AttachmentRef' (or 'Attachment' with a url)",
    }),
    '@baseType': z.string().max(100).optional(),
    '@schemaLocation': z.string().max(2000).optional(),
    '@referredType': z.string().max(100).optional(),
    id: z.string().max(200).optional(),
    href: z.string().max(2000).optional(),
    name: z.string().max(1000).optional(),
    description: z.string().max(4000).optional(),
    url: z.string().max(4000).optional(),
    mimeType: z.string().max(200).optional(),
    attachmentType: z.string().max(200).optional(),
    content: z.string().optional(),
  })
  .refine((a) => a.content === undefined, {
    path: ['content'],
    error: 'ClosedLoop keeps references only: give the url of the file, not its content',
  });

export const TroubleTicketPatchSchema = z
  .object({
    '@type': z.literal('TroubleTicket', { message: "must be 'TroubleTicket'" }).optional(),
    status: z.enum(TMF_STATUSES, { message: `one of ${TMF_STATUSES.join(', ')}` }).optional(),
    statusChangeReason: z.string().trim().min(1).max(4000).optional(),
    troubleTicketCharacteristic: z.array(Characteristic).max(10).optional(),
    note: z.array(NoteSchema).max(50).optional(),
    attachment: z.array(AttachmentSchema).max(50).optional(),
  })
  .strict();
export type TroubleTicketPatch = z.infer<typeof TroubleTicketPatchSchema>;

/** One workflow update with its /v1 declaration and the body it takes. */
export interface PatchPlan {
  action: ComplaintAction;
  input: unknown;
}

function badField(field: string, message: string): HttpError {
  return new HttpError(400, 'validation_failed', `${field}: ${message}`, [{ field, message }]);
}
function refused(message: string): HttpError {
  return new HttpError(409, 'action_refused', message);
}

/** Fields the schema does not take, each refused with why (before the schema's generic message). */
export function refuseUnchangeable(body: Record<string, unknown>): void {
  for (const key of Object.keys(body)) {
    if ((FIXED_FIELDS as readonly string[]).includes(key))
      throw badField(key, 'fixed when the ticket was created; it cannot be changed');
    if ((SERVER_FIELDS as readonly string[]).includes(key))
      throw badField(key, 'set by ClosedLoop from the procedure; it cannot be changed');
  }
}

function actionById(operationId: string): ComplaintAction {
  const a = COMPLAINT_ACTIONS.find((x) => x.operationId === operationId);
  if (!a) throw new Error(`no complaint action ${operationId}`);
  return a;
}

/** Where each /v1 body field comes from in a patch, for 400s in TMF terms. */
const FIELD_OF: Record<string, string> = {
  summary: 'statusChangeReason',
  note: 'statusChangeReason',
  reason: 'statusChangeReason',
  decision: 'status',
};
const tmfField = (f: string) => FIELD_OF[f] ?? `troubleTicketCharacteristic[name=${f}]`;

/** The TMF field of a /v1 body field, from the path of a validation issue. */
type FieldOf = (path: readonly PropertyKey[]) => string;

/** Validates `input` with the action's /v1 schema; a 400 names the TMF field. */
function planOf(
  operationId: string,
  input: Record<string, unknown>,
  fieldOf: FieldOf = (path) => tmfField(String(path[0] ?? '(body)')),
): PatchPlan {
  const action = actionById(operationId);
  const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  try {
    return { action, input: action.body.parse(clean) };
  } catch (err) {
    if (!(err instanceof ZodError)) throw err;
    const issues = err.issues.map((i) => ({ field: fieldOf(i.path), message: i.message }));
    throw new HttpError(
      400,
      'validation_failed',
      issues.map((i) => `${i.field}: ${i.message}`).join('; '),
      issues,
    );
  }
}

const WHY_NOT: Partial<Record<TmfStatus, string>> = {
  acknowledged: 'a complaint is acknowledged once, when it is received; it cannot go back to acknowledged',
  held: 'a complaint is held only by the mass incident it is linked to (R8.4); link it there',
  rejected:
    'the procedure rejects no complaint: every complaint is handled and replied to before it closes (R4.5)',
  cancelled:
    'the procedure cancels no complaint: a withdrawn complaint is still replied to and closed (status closed)',
};

function statusPlan(
  status: TmfStatus,
  reason: string | undefined,
  chars: Record<string, string | boolean>,
  view: ComplaintView,
): PatchPlan | undefined {
  const current = tmfStatusOf(view);
  const why = WHY_NOT[status];
  if (why) throw refused(why);
  if (status === 'resolved') {
    if (current === 'resolved') return undefined;
    return planOf('resolveComplaint', {
      summary: reason,
      rootCause: chars.rootCause,
      actions: chars.actions,
      cause: chars.cause,
    });
  }
  if (status === 'closed') {
    if (current === 'closed') return undefined;
    return planOf('closeComplaint', { note: reason });
  }
  const pausedClock = view.clocks.find((c) => c.state === 'paused')?.name;
  if (status === 'inProgress') {
    if (view.stage === 'RECEIVED') return planOf('triageComplaint', { decision: 'SELF', note: reason });
    if (current === 'pending' && pausedClock) return planOf('resumeClock', { clock: pausedClock });
    if (current === 'inProgress') return undefined;
    throw refused(
      current === 'pending'
        ? `a department verifies it (stage ${view.stage}): the department records its verification`
        : `the complaint is ${current} (stage ${view.stage}); it cannot go back to inProgress through TMF`,
    );
  }
  // pending: a transfer to a department when it was just received, else a paused handling clock
  if (current === 'pending') return undefined;
  if (view.stage === 'RECEIVED' && chars.department !== undefined)
    return planOf('triageComplaint', { decision: 'TRANSFER', department: chars.department, note: reason });
  return planOf('pauseClock', { clock: chars.clock ?? 'handling', reason });
}

/** A name for a reference that has none: the last part of its link's path. */
function nameOfLink(url: string): string {
  const path = url.split(/[?#]/)[0] ?? url;
  return (path.split('/').filter(Boolean).at(-1) ?? url).slice(0, 200);
}

/**
 * The note action for what a patch adds to the work record: its one new note (text) with the new
 * attachment references, or a note naming the references when only they are new. Notes and
 * references already on the ticket (same id, or same text / url) are left as they are; undefined
 * when nothing is new.
 */
function notePlan(patch: TroubleTicketPatch, view: ComplaintView): PatchPlan | undefined {
  if (patch.note === undefined && patch.attachment === undefined) return undefined;
  const notes = notesOf(view);
  const noteIds = new Set(notes.map((n) => String(n.id)));
  const noteTexts = new Set(notes.map((n) => String(n.text).trim()));
  const newNotes = (patch.note ?? [])
    .map((n, i) => ({ n, i }))
    .filter(
      ({ n }) =>
        !(n.id !== undefined && noteIds.has(n.id)) && !(n.text !== undefined && noteTexts.has(n.text.trim())),
    );
  if (newNotes.length > 1)
    throw badField(
      `note[${newNotes[1]!.i}]`,
      'one new note per PATCH: add the others in PATCHes of their own',
    );
  const refs = attachmentsOf(view);
  const refIds = new Set(refs.map((a) => String(a.id)));
  const refUrls = new Set(refs.map((a) => String(a.url)));
  const newRefs = (patch.attachment ?? [])
    .map((a, i) => ({ a, i }))
    .filter(
      ({ a }) => !(a.id !== undefined && refIds.has(a.id)) && !(a.url !== undefined && refUrls.has(a.url)),
    );
  const note = newNotes[0];
  if (!note && newRefs.length === 0) return undefined;
  if (note && !note.n.text?.trim()) throw badField(`note[${note.i}].text`, 'a new note needs its text');
  const attachments = newRefs.map(({ a, i }) => {
    if (!a.url)
      throw badField(`attachment[${i}].url`, 'a new attachment reference needs the link to the file');
    return {
      name: a.name?.trim() || nameOfLink(a.url),
      url: a.url,
      ...(a.mimeType ? { mimeType: a.mimeType } : {}),
    };
  });
  const text = note?.n.text ?? `attached: ${attachments.map((a) => a.name).join(', ')}`;
  const fieldOf: FieldOf = (path) => {
    if (path[0] !== 'attachments') return note ? `note[${note.i}].text` : 'attachment';
    const ref = typeof path[1] === 'number' ? newRefs[path[1]] : undefined;
    return ref ? `attachment[${ref.i}]${path[2] === undefined ? '' : `.${String(path[2])}`}` : 'attachment';
  };
  return planOf('addNote', { text, ...(attachments.length ? { attachments } : {}) }, fieldOf);
}

/**
 * The one workflow update a merge patch stands for, or undefined when it changes nothing (the
 * status asked for is the current one, the notes and attachments are those on the ticket).
 */
export function planPatch(patch: TroubleTicketPatch, view: ComplaintView): PatchPlan | undefined {
  const note = notePlan(patch, view);
  const change = changePlan(patch, view);
  if (note && change)
    throw badField(
      patch.note !== undefined ? 'note' : 'attachment',
      'one change per PATCH: add the note (with its attachments) alone, then change the status or characteristics',
    );
  return note ?? change;
}

/** A status change or findings: the procedure's steps a patch's status and characteristics stand for. */
function changePlan(patch: TroubleTicketPatch, view: ComplaintView): PatchPlan | undefined {
  const chars: Record<string, string | boolean> = {};
  for (const c of patch.troubleTicketCharacteristic ?? []) chars[c.name] = c.value;
  const findings = chars.checked !== undefined || chars.found !== undefined;
  if (findings && patch.status !== undefined)
    throw badField(
      'status',
      'one change per PATCH: record the findings (checked, found) first, then change the status',
    );
  if (findings)
    return planOf('recordFindings', { checked: chars.checked, found: chars.found, onSite: chars.onSite });
  if (patch.status !== undefined) return statusPlan(patch.status, patch.statusChangeReason, chars, view);
  if (patch.statusChangeReason !== undefined || Object.keys(chars).length > 0)
    throw badField('status', 'a statusChangeReason or characteristic changes nothing without a status');
  return undefined;
}
