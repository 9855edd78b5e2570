// The network evidence of a complaint and its pre-diagnosis (R3.1, R3.2, R3.6, R8.5): gathered at
// intake (again for the sources that failed) and on a handler's request, attached to the complaint.
// Deterministic: all I/O is in the evidence activities; a source that fails after its retries
// becomes a gap shown to the handler, never a failed complaint.
import {
  ActivityFailure,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  TimeoutFailure,
  upsertMemo,
} from '@temporalio/workflow';
import type { EvidenceActivities } from '../../activities/evidence/types';
import type {
  CellLocation,
  EvidenceBundle,
  EvidenceOutcome,
  EvidenceQuery,
  SourceName,
  SourceResult,
  TimeWindow,
} from '../../domain/evidence';
import type { IncidentActivities } from '../../activities/incidents';
import type { VipLocator } from '../../domain/policy/vip-places';
import { checkOpen } from '../../domain/policy/lifecycle';
import { withKnownIssues, type KnownIssueRef } from '../../domain/policy/mass-incident';
import {
  assembleBundle,
  buildEvidenceQuery,
  evidenceOutcome,
  evidenceWindow,
  preDiagnosisLine,
} from '../../domain/policy/prediagnosis';
import {
  regatherEvidenceUpdate,
  type Acting,
  type ComplaintInput,
  type RegatherEvidenceInput,
} from './contract';
import type { Ctx } from './ctx';
import { act, refuse } from './handler-kit';
import { facts, record, type ComplaintState } from './state';

export type { EvidenceOutcome } from '../../domain/evidence';

const knowledge = proxyActivities<IncidentActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '4s', maximumAttempts: 3 },
});

const evidence = proxyActivities<EvidenceActivities>({
  startToCloseTimeout: '8s',
  scheduleToCloseTimeout: '25s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '4s', maximumAttempts: 3 },
});

function failureText(err: ActivityFailure): string {
  const cause = err.cause;
  if (cause instanceof TimeoutFailure) return '数据源超时（重试后仍无结果）';
  return `数据源出错：${cause?.message ?? err.message}`;
}

async function fromSource<T>(
  source: SourceName,
  started: number,
  call: () => Promise<T[]>,
): Promise<SourceResult<T>> {
  try {
    const items = await call();
    return { source, ok: true, items, total: items.length, ms: Date.now() - started };
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    return { source, ok: false, gap: failureText(err), ms: Date.now() - started, retryable: true };
  }
}

/** When sources that timed out or failed are gathered again at intake (R3.6): 2 and 10 minutes later. */
export const REGATHER_AFTER_MS = [2 * 60_000, 10 * 60_000];

/** The sources of an outcome that timed out or failed (not those that could not be asked). */
export function missingSources(outcome: EvidenceOutcome): SourceName[] {
  const b = outcome.bundle;
  return (['kpis', 'alarms', 'changes', 'interference', 'chr'] as const).filter((s) => {
    const r = b[s];
    return r !== undefined && !r.ok && r.retryable === true;
  });
}

async function locate(input: ComplaintInput, vip?: VipLocator): Promise<CellLocation> {
  try {
    // A VIP's places are passed only when they can help: the same call as before otherwise (R7.5).
    const places = vip?.places.length ? vip.places : undefined;
    return await (places
      ? evidence.locateCells(input.location, places)
      : evidence.locateCells(input.location));
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const gap = `小区定位失败（${failureText(err)}）`;
    // The named cell can still be queried by its id.
    return input.location.cellId
      ? { method: 'cellId', servingCellId: input.location.cellId, neighbours: [], gaps: [gap] }
      : { method: 'none', neighbours: [], gaps: [gap] };
  }
}

/** The CHR query of a VIP: by the callback number and, when the profile has it, the IMSI (R7.5). */
function chrQuery(q: EvidenceQuery, vip?: VipLocator): { stored: EvidenceQuery; asked: EvidenceQuery } {
  if (!q.vip || !vip?.imsi) return { stored: q, asked: q };
  const keys: ('msisdn' | 'imsi')[] = [...(q.msisdn ? (['msisdn'] as const) : []), 'imsi'];
  // The stored query says the IMSI was used; only the activity sees the IMSI itself.
  const stored = { ...q, subscriberKeys: keys };
  return { stored, asked: { ...stored, imsi: vip.imsi } };
}

/**
 * Locates the complaint's cells, queries the five sources in parallel, turns failures into gaps
 * and pre-diagnoses. `window` defaults to occurrence.since (or 7 days before intake) → intake;
 * the CHR is read for VIP complaints only, by the callback number and the profile's IMSI; an
 * address-only VIP complaint is located through the profile's places (R7.5).
 */
export async function gatherEvidence(
  input: ComplaintInput,
  window?: TimeWindow,
  vip?: VipLocator,
): Promise<EvidenceOutcome> {
  const started = Date.now();
  const location = await locate(input, vip);
  const { stored: q, asked } = chrQuery(
    buildEvidenceQuery(input, location, window ?? evidenceWindow(input)),
    vip,
  );
  const located = q.cells.length > 0;
  const bySource = <T>(source: SourceName, call: () => Promise<T[]>): Promise<SourceResult<T>> =>
    located
      ? fromSource(source, started, call)
      : Promise.resolve({ source, ok: false, gap: '未定位到小区，无法按小区查询' });

  const [kpis, alarms, changes, interference, chr] = await Promise.all([
    bySource('kpis', () => evidence.evidenceKpis(q)),
    bySource('alarms', () => evidence.evidenceAlarms(q)),
    bySource('changes', () => evidence.evidenceChanges(q)),
    bySource('interference', () => evidence.evidenceInterference(q)),
    // The CHR is per subscriber: it needs no cell.
    q.vip ? fromSource('chr', started, () => evidence.evidenceChr(asked)) : undefined,
  ]);

  const bundle: EvidenceBundle = assembleBundle(input, location, q, {
    kpis,
    alarms,
    changes,
    interference,
    chr,
  });
  const outcome = evidenceOutcome(bundle, new Date().toISOString(), Date.now() - started);
  log.info('pre-diagnosis ready', {
    ticketId: input.ticketId,
    top: outcome.hypotheses[0]?.cause ?? 'none',
    gaps: outcome.bundle.gaps.length,
  });
  return outcome;
}

/** Closed incidents of the complaint's site or cells; none when the knowledge base does not answer. */
async function knownIssuesOf(outcome: EvidenceOutcome): Promise<KnownIssueRef[]> {
  const q = outcome.bundle.query;
  try {
    return await knowledge.knownIssues({ cellIds: q.cells, siteIds: q.siteIds, region: '' });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    log.warn('knowledge base not read', { ticketId: q.ticketId, error: err.cause?.message });
    return [];
  }
}

/**
 * Gathers the network evidence and the ranked pre-diagnosis (R3.1, R3.2) before anyone goes on site;
 * the one-line diagnosis goes into the memo so the Temporal Web UI shows it.
 */
export async function gatherAndAttach(
  ctx: Ctx,
  window?: { from: string; to: string },
  by = 'system',
  opts: { untilComplete?: boolean } = {},
): Promise<void> {
  const { state } = ctx;
  let outcome = await gatherEvidence(state.input, window, ctx.vipLocator);
  // Added after the first release: the knowledge base of closed mass incidents (R8.5).
  let known: KnownIssueRef[] = [];
  if (patched('knowledge-base-prediagnosis')) {
    known = await knownIssuesOf(outcome);
    outcome = withKnownIssues(outcome, known);
  }
  attachEvidence(state, outcome, by);
  // Added after the first release (#25): a source that timed out or failed is gathered again a
  // little later, the same window, and the pre-diagnosis is updated when it arrives (R3.6).
  if (!opts.untilComplete || missingSources(outcome).length === 0 || !patched('evidence-regather-gaps'))
    return;
  for (const after of REGATHER_AFTER_MS) {
    await sleep(after);
    // A handler's own re-gathering (another window) since then wins; a closed complaint is left.
    if (state.evidence !== outcome || state.stage === 'CLOSED') return;
    const missing = missingSources(outcome);
    const again = withKnownIssues(
      await gatherEvidence(state.input, outcome.bundle.query.window, ctx.vipLocator),
      known,
    );
    if (state.evidence !== outcome) return;
    outcome = again;
    attachEvidence(state, outcome, by, `gathered again for ${missing.join(', ')}: `);
    if (missingSources(outcome).length === 0) return;
  }
}

function attachEvidence(state: ComplaintState, outcome: EvidenceOutcome, by: string, prefix = ''): void {
  state.evidence = outcome;
  const line = preDiagnosisLine(outcome);
  upsertMemo({ preDiagnosis: line });
  record(
    state,
    {
      actor: by,
      action: 'EVIDENCE_GATHERED',
      detail: `${prefix}${line} (${outcome.bundle.gaps.length} gaps)`,
    },
    Date.now(),
  );
  state.dirty = true;
}

/** A handler gathers again for another window; the update answers once the evidence is attached. */
export function regatherEvidence(ctx: Ctx, { actor, input }: Acting<RegatherEvidenceInput>): Promise<void> {
  return gatherAndAttach(ctx, input, actor.user);
}

export function registerEvidenceHandlers(ctx: Ctx): void {
  setHandler(regatherEvidenceUpdate, (cmd) => act(ctx, regatherEvidence, cmd), {
    validator: (_cmd) => refuse(checkOpen(facts(ctx.state), 'gather evidence for')),
  });
}
