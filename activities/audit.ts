// The audit trail (S5, R10.2): append-only, one hash chain per complaint.
//
//   hash(n) = sha256( hash(n-1) ‖ canonical JSON of entry n without its hash )
//
// Personal detail (issue 22, S8.3): an entry's detail text and IP address may hold personal data,
// which must be erasable without breaking the chain. Entries written since (v 2) are hashed over a
// digest of them instead — personalDigest = sha256(salt ‖ canonical JSON of {detail, ip}), with a
// random salt kept beside them — so erasing removes detail, ip and salt, keeps the digest and the
// hash, and records who erased it and why; verify still checks every hash and link, and the detail
// against its digest while it is there. Without the salt the digest cannot be matched to a guessed
// detail (a phone number has few enough values to try them all). Entries written before (no v)
// are hashed over the detail itself: their detail can be erased only with that content check given
// up (verify counts them as erasedUnchecked, their links are still checked).
//
// A unique index on (ticketId, seq) makes two concurrent appends race for the same seq: the loser
// gets a duplicate-key error, reads the new head and tries again, so the chain never forks. A head
// document per complaint (last seq and hash) lets verify notice a deleted last entry. No
// transactions, no $lookup: runs on FerretDB v1 and MongoDB alike.
//
// Two sources append: the API (every accepted human action: who, role, what, when, from which IP,
// stage before and after) and the worker, after each projection (the complaint's timeline entries
// not yet audited: system actions such as clocks, SMS, breaches, and the workflow's own record of
// human actions). dedupeKey (unique) makes a repeated append of the same event a no-op.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { ComplaintView } from '../domain/complaint';
import { isDuplicateKey, modelOn } from './models';

export interface AuditInput {
  ticketId: string;
  /** ISO instant of the action */
  at: string;
  /** who: a person, a system (emos-gateway), 'system' or 'twilio' */
  actor: string;
  roles: string[];
  /** api = a request to the API; workflow = the complaint's own timeline */
  source: 'api' | 'workflow';
  action: string;
  detail?: string;
  /** client IP (api entries) */
  ip?: string;
  stageBefore?: string;
  stageAfter?: string;
  /** workflow entries: position in the complaint's timeline */
  timelineIndex?: number;
  /** unique per event; a second append with the same key is dropped */
  dedupeKey?: string;
}

/** Who erased an entry's personal detail, when and why (not part of the hash). */
export interface AuditErasure {
  at: string;
  by: string;
  reason: string;
}

export interface AuditEntry extends Required<
  Pick<AuditInput, 'ticketId' | 'at' | 'actor' | 'roles' | 'source' | 'action'>
> {
  seq: number;
  /** 2: hashed over personalDigest instead of detail and ip (absent on older entries). */
  v?: 2;
  detail?: string;
  ip?: string;
  /** v 2: sha256(salt ‖ canonical {detail, ip}); kept when the detail is erased. */
  personalDigest?: string;
  /** v 2: random, kept beside the detail and erased with it (not part of the hash). */
  salt?: string;
  erased?: AuditErasure;
  stageBefore?: string;
  stageAfter?: string;
  timelineIndex?: number;
  dedupeKey: string;
  prevHash: string;
  hash: string;
}

interface AuditDoc extends AuditEntry {
  _id: string;
}

interface AuditHeadDoc {
  _id: string;
  seq: number;
  hash: string;
  /** The highest timeline index of the complaint's workflow entries audited so far. */
  workflowIndex?: number;
}

export const GENESIS_HASH = '0'.repeat(64);
/** The fields hashed in entries written before personal digests (no v). */
const FIELDS = [
  'ticketId',
  'seq',
  'at',
  'actor',
  'roles',
  'source',
  'action',
  'detail',
  'ip',
  'stageBefore',
  'stageAfter',
  'timelineIndex',
  'dedupeKey',
  'prevHash',
] as const;
/** The fields hashed in v 2 entries: the digest of detail and ip instead of the texts. */
const FIELDS_V2 = [...FIELDS.filter((f) => f !== 'detail' && f !== 'ip'), 'v', 'personalDigest'] as const;

const auditSchema = new Schema<AuditDoc>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: String, required: true },
    actor: { type: String, required: true },
    roles: [String],
    source: { type: String, required: true },
    action: { type: String, required: true },
    detail: String,
    ip: String,
    stageBefore: String,
    stageAfter: String,
    timelineIndex: Number,
    dedupeKey: { type: String, required: true },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
    v: Number,
    personalDigest: String,
    salt: String,
    erased: { at: String, by: String, reason: String },
  },
  { versionKey: false, collection: 'audit' },
);
auditSchema.index({ ticketId: 1, seq: 1 }, { unique: true });
auditSchema.index({ dedupeKey: 1 }, { unique: true });
auditSchema.index({ ticketId: 1, timelineIndex: -1 });

const headSchema = new Schema<AuditHeadDoc>(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
    hash: String,
    workflowIndex: Number,
  },
  { versionKey: false, collection: 'audit_heads' },
);

/** JSON with sorted keys and no undefined values: the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash of an entry: over the previous hash and the canonical JSON of its fields. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  const fields: Record<string, unknown> = {};
  for (const f of entry.v === 2 ? FIELDS_V2 : FIELDS) fields[f] = entry[f];
  return createHash('sha256').update(entry.prevHash).update(canonicalJson(fields)).digest('hex');
}

/** The digest a v 2 entry keeps of its personal detail (see the head of this file). */
export function personalDigest(salt: string, detail: string | undefined, ip: string | undefined): string {
  return createHash('sha256').update(salt).update(canonicalJson({ detail, ip })).digest('hex');
}

/** A v 2 entry's digest fields for a detail and ip (none when both are absent). */
export function sealPersonal(
  detail: string | undefined,
  ip: string | undefined,
): Pick<AuditEntry, 'personalDigest' | 'salt'> {
  if (detail === undefined && ip === undefined) return {};
  const salt = randomBytes(16).toString('hex');
  return { salt, personalDigest: personalDigest(salt, detail, ip) };
}

/** What is wrong with one entry on its own (hash and personal digest); empty: nothing. */
export function entryProblems(e: AuditEntry): string[] {
  const problems: string[] = [];
  const { hash, salt: _salt, erased: _erased, ...rest } = e;
  const unchecked = e.v !== 2 && e.erased !== undefined;
  if (!unchecked && entryHash(rest) !== hash) problems.push('content does not match its hash (modified)');
  if (e.v === 2 && e.personalDigest !== undefined) {
    if (e.salt !== undefined) {
      if (personalDigest(e.salt, e.detail, e.ip) !== e.personalDigest)
        problems.push('detail or IP does not match its digest (modified)');
    } else if (!e.erased) problems.push('detail removed without a record of its erasure');
    else if (e.detail !== undefined || e.ip !== undefined)
      problems.push('erased, but a detail or IP is there again (modified)');
  }
  return problems;
}

export interface VerifyResult {
  ticketId: string;
  ok: boolean;
  entries: number;
  headSeq: number;
  /** Entries whose personal detail was erased (their hash and links still verified). */
  erased: number;
  /** Of those, entries written before digests: only their links could be checked. */
  erasedUnchecked: number;
  problems: { seq: number; problem: string }[];
}

export interface AuditStore {
  /** `newChain`: the request that appends created the complaint (its chain's head is not read first). */
  append(input: AuditInput, opts?: { newChain?: boolean }): Promise<AuditEntry | undefined>;
  list(ticketId: string): Promise<AuditEntry[]>;
  verify(ticketId: string): Promise<VerifyResult>;
  /** Appends the complaint's timeline entries that are not yet audited. */
  auditTimeline(view: Pick<ComplaintView, 'ticketId' | 'stage' | 'timeline'>): Promise<number>;
  /**
   * Erases the personal detail (detail text, IP) of every entry of a chain, keeping each entry's
   * hash and digest and recording the erasure on it; returns how many entries it changed.
   */
  eraseDetails(ticketId: string, erasure: AuditErasure): Promise<number>;
  init(): Promise<void>;
  Audit: Model<AuditDoc>;
  Head: Model<AuditHeadDoc>;
}

const MAX_RETRIES = 50;

export function createAuditStore(connection: Connection = mongoose.connection): AuditStore {
  const Audit = modelOn<AuditDoc>(connection, 'Audit', auditSchema);
  const Head = modelOn<AuditHeadDoc>(connection, 'AuditHead', headSchema);

  /**
   * The chain's last entry, read by `_id` only (index lookups on FerretDB too, where a query by
   * ticketId scans every complaint's entries): the head document, then forward entry by entry
   * while a later one exists (the head lags when a concurrent append has not moved it yet).
   */
  async function last(
    ticketId: string,
    knownHead?: AuditHeadDoc | null,
  ): Promise<{ seq: number; hash: string } | null> {
    const head = knownHead !== undefined ? knownHead : await Head.findById(ticketId).lean<AuditHeadDoc>();
    let seq = head?.seq ?? 0;
    let hash = head?.hash ?? GENESIS_HASH;
    for (;;) {
      const next = await Audit.findById(`${ticketId}:${seq + 1}`).lean<AuditDoc>();
      if (!next) break;
      seq = next.seq;
      hash = next.hash;
    }
    return seq === 0 ? null : { seq, hash };
  }

  /** Moves the head to `seq` unless a later entry did; true when it moved. */
  async function moveHead(
    ticketId: string,
    seq: number,
    hash: string,
    workflowIndex?: number,
  ): Promise<boolean> {
    try {
      const res = await Head.updateOne(
        { _id: ticketId, seq: { $lt: seq } },
        workflowIndex === undefined
          ? { $set: { seq, hash } }
          : { $set: { seq, hash }, $max: { workflowIndex } },
        { upsert: true },
      );
      return res.modifiedCount + res.upsertedCount > 0;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a later entry already moved it
      return false;
    }
  }

  /**
   * Inserts one entry after `after` (the chain's last entry as the caller knows it; read when
   * undefined) without moving the head. Returns the entry, or undefined when this event was already
   * audited (its dedupeKey exists). Losing the seq to a concurrent append re-reads the chain's end.
   */
  async function insert(
    input: AuditInput,
    dedupeKey: string,
    after?: { seq: number; hash: string } | null,
  ): Promise<AuditEntry | undefined> {
    let prev = after;
    for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
      if (prev === undefined) prev = await last(input.ticketId);
      const entry = chained(input, dedupeKey, prev);
      try {
        // lean: no mongoose document built and validated for an entry made here (issue 23).
        await Audit.insertMany([docOf(entry)], { lean: true });
        return entry;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (await Audit.exists({ dedupeKey })) return undefined; // this event is already audited
        // Another append took this seq: read the new end and try again.
        prev = undefined;
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5 * (attempt + 1))));
      }
    }
    throw new Error(`audit append for ${input.ticketId} kept losing the race (${MAX_RETRIES} tries)`);
  }

  /**
   * Issue 23: entries chained one after the other from `after`, inserted in one ordered request;
   * returns how many went in before a conflict (another append took a seq, or an entry was already
   * audited), after which nothing of the batch is written and the caller goes on one by one.
   */
  async function insertChained(
    items: { input: AuditInput; dedupeKey: string }[],
    after: { seq: number; hash: string } | null,
  ): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let prev = after;
    for (const { input, dedupeKey } of items) {
      const entry = chained(input, dedupeKey, prev);
      entries.push(entry);
      prev = { seq: entry.seq, hash: entry.hash };
    }
    try {
      await Audit.insertMany(entries.map(docOf), { ordered: true, lean: true });
      return entries;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const first = (err as { writeErrors?: { index?: number; err?: { index?: number } }[] })
        .writeErrors?.[0];
      const index = first?.index ?? first?.err?.index;
      // Not knowing how many went in, claim none: the one-by-one path meets them by dedupeKey.
      return entries.slice(0, typeof index === 'number' ? index : 0);
    }
  }

  /**
   * `newChain`: the complaint was created by this request, so its chain is (almost certainly)
   * empty and the head is not read first (issue 23: one request fewer before an intake answers);
   * if the worker audited its first timeline entries already, the insert meets their seq and reads
   * the chain's end, as after a lagging head.
   */
  async function append(input: AuditInput, { newChain = false } = {}): Promise<AuditEntry | undefined> {
    // After the head as it reads (issue 23: one read, not the head and then a walk to find no
    // later entry); when the head lags, the insert meets that entry's seq and reads the chain's end.
    const head = newChain ? null : await Head.findById(input.ticketId).lean<AuditHeadDoc>();
    const entry = await insert(
      input,
      input.dedupeKey ?? `${input.source}:${randomUUID()}`,
      head ? { seq: head.seq, hash: head.hash } : null,
    );
    if (entry) await moveHead(entry.ticketId, entry.seq, entry.hash);
    return entry;
  }

  async function list(ticketId: string): Promise<AuditEntry[]> {
    const docs = await Audit.find({ ticketId }).sort({ seq: 1 }).lean<AuditDoc[]>();
    return docs.map(({ _id: _ignored, ...entry }) => entry);
  }

  async function verify(ticketId: string): Promise<VerifyResult> {
    // The head first: entries are inserted before the head moves to them, so every entry up to the
    // head is there when the list is read after it. Read the other way round, an append finishing
    // in between looked like entries removed at the end (seen once in CI, 2026-12-04).
    const head = await Head.findById(ticketId).lean<AuditHeadDoc>();
    const entries = await list(ticketId);
    const problems: VerifyResult['problems'] = [];
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let erased = 0;
    let erasedUnchecked = 0;
    for (const e of entries) {
      if (e.erased) {
        erased += 1;
        if (e.v !== 2) erasedUnchecked += 1;
      }
      if (e.seq !== expectedSeq)
        problems.push({ seq: expectedSeq, problem: `entry ${expectedSeq} is missing (next is ${e.seq})` });
      if (e.prevHash !== prevHash)
        problems.push({
          seq: e.seq,
          problem: 'does not link to the entry before it (an entry was removed or changed)',
        });
      for (const problem of entryProblems(e)) problems.push({ seq: e.seq, problem });
      prevHash = e.hash;
      expectedSeq = e.seq + 1;
    }
    const lastSeq = entries.at(-1)?.seq ?? 0;
    const headSeq = head?.seq ?? 0;
    if (headSeq > lastSeq)
      problems.push({
        seq: headSeq,
        problem: `entries after ${lastSeq} up to ${headSeq} are missing (removed at the end)`,
      });
    else if (head && head.seq === lastSeq && head.hash !== prevHash)
      problems.push({ seq: headSeq, problem: 'the last entry does not match the recorded head (modified)' });
    return {
      ticketId,
      ok: problems.length === 0,
      entries: entries.length,
      headSeq,
      erased,
      erasedUnchecked,
      problems,
    };
  }

  async function auditTimeline(
    view: Pick<ComplaintView, 'ticketId' | 'stage' | 'timeline'>,
  ): Promise<number> {
    const head = await Head.findById(view.ticketId).lean<AuditHeadDoc>();
    // No head: a new complaint, nothing audited yet (an append whose head move is still in flight
    // is caught by its dedupeKey). A head without the marker (written before it existed, or by an
    // API action before the first projection): found once by a query, then kept in the head. The
    // query reads the audit collection by ticket, which FerretDB answers with a scan: asked for
    // every new complaint it made intake slower as complaints accumulated (issue 9, 10,000 run).
    const done = !head
      ? -1
      : (head.workflowIndex ??
        (
          await Audit.findOne({ ticketId: view.ticketId, source: 'workflow' })
            .sort({ timelineIndex: -1 })
            .lean<AuditDoc>()
        )?.timelineIndex ??
        -1);
    const from = done + 1;
    if (view.timeline.length <= from) return 0;
    // Each entry links to the one just written; the head moves once at the end (4 round trips per
    // entry before, 1 now; readers walk past a lagging head). The first links to the head without
    // walking past it first (issue 23): when the head lags (an append has not moved it yet), the
    // insert meets that entry's seq and reads the chain's end then.
    let end: { seq: number; hash: string } | null | undefined = head
      ? { seq: head.seq, hash: head.hash }
      : await last(view.ticketId, head);
    let newest: AuditEntry | undefined;
    let appended = 0;
    const item = (i: number): { input: AuditInput; dedupeKey: string } => {
      const t = view.timeline[i]!;
      return {
        input: {
          ticketId: view.ticketId,
          at: t.at,
          actor: t.actor,
          roles: [],
          source: 'workflow',
          action: t.action,
          detail: t.detail,
          timelineIndex: i,
          stageAfter: i === view.timeline.length - 1 ? view.stage : undefined,
        },
        dedupeKey: `workflow:${view.ticketId}:${i}`,
      };
    };
    let i = from;
    // Issue 23: the new entries in one request; after a conflict, one by one from there.
    if (end !== undefined) {
      const items = Array.from({ length: view.timeline.length - from }, (_, k) => item(from + k));
      const added = await insertChained(items, end);
      appended += added.length;
      i += added.length;
      newest = added.at(-1) ?? newest;
      end = i < view.timeline.length ? undefined : end;
    }
    for (; i < view.timeline.length; i++) {
      const { input, dedupeKey } = item(i);
      const added = await insert(input, dedupeKey, end);
      if (added) {
        appended += 1;
        newest = added;
        end = { seq: added.seq, hash: added.hash };
      } else end = undefined; // already audited by a concurrent projection: read the end again
    }
    const workflowIndex = view.timeline.length - 1;
    // The head's move and the audited index in one write; when a later append already moved the
    // head past this entry, the index alone.
    if (!newest || !(await moveHead(view.ticketId, newest.seq, newest.hash, workflowIndex)))
      await Head.updateOne({ _id: view.ticketId }, { $max: { workflowIndex } });
    return appended;
  }

  async function eraseDetails(ticketId: string, erasure: AuditErasure): Promise<number> {
    // Two equality queries, not one $or (FerretDB v1 evaluates $or over the whole collection).
    let changed = 0;
    for (const field of ['detail', 'ip', 'salt'] as const) {
      const res = await Audit.updateMany(
        { ticketId, [field]: { $exists: true } },
        { $unset: { detail: '', ip: '', salt: '' }, $set: { erased: erasure } },
      );
      changed += res.modifiedCount;
    }
    return changed;
  }

  async function init(): Promise<void> {
    await Promise.all([Audit.init(), Head.init()]);
  }

  return { append, list, verify, auditTimeline, eraseDetails, init, Audit, Head };
}

/** The entry that follows `prev` in the chain (hash over it and the link). */
function chained(
  input: AuditInput,
  dedupeKey: string,
  prev: { seq: number; hash: string } | null,
): AuditEntry {
  const base: Omit<AuditEntry, 'hash'> = {
    ticketId: input.ticketId,
    seq: (prev?.seq ?? 0) + 1,
    at: input.at,
    actor: input.actor,
    roles: [...input.roles],
    source: input.source,
    action: input.action,
    detail: input.detail,
    ip: input.ip,
    stageBefore: input.stageBefore,
    stageAfter: input.stageAfter,
    timelineIndex: input.timelineIndex,
    dedupeKey,
    prevHash: prev?.hash ?? GENESIS_HASH,
    v: 2,
    ...sealPersonal(input.detail, input.ip),
  };
  return { ...base, hash: entryHash(base) };
}

/** The stored document of an entry (`_id` = `<ticketId>:<seq>`, what makes a seq taken once). */
function docOf(entry: AuditEntry): AuditDoc {
  return { _id: `${entry.ticketId}:${entry.seq}`, ...stripUndefined(entry) };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * After each projection (activities/projection.ts `afterProject`), the complaint's timeline entries
 * not yet audited are appended (system actions and the workflow's record of human ones). An audit
 * failure is logged, never fails the projection: the next projection appends what is missing.
 */
export function timelineAuditor(deps: {
  models: { Complaint: { db: Connection } };
  logger?: { error(o: object, m: string): void };
}): (view: ComplaintView) => Promise<void> {
  const store = createAuditStore(deps.models.Complaint.db);
  return async (view) => {
    try {
      await store.auditTimeline(view);
    } catch (err) {
      deps.logger?.error(
        { err, ticketId: view.ticketId },
        'audit of the timeline failed; retried at the next projection',
      );
    }
  };
}
