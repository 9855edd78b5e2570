// Workflow step: gather the network evidence of a complaint and pre-diagnose it (R3.1, R3.2).
// Deterministic: all I/O is in the evidence activities; a source that fails after its retries
// becomes a gap shown to the handler, never a failed complaint.
import { ActivityFailure, log, proxyActivities, TimeoutFailure } from '@temporalio/workflow';
import type {
  CellLocation,
  EvidenceActivities,
  EvidenceBundle,
  EvidenceOutcome,
  EvidenceQuery,
  SourceName,
  SourceResult,
  TimeWindow,
} from '../../activities/evidence/types';
import { assembleBundle, buildEvidenceQuery, evidenceOutcome, evidenceWindow } from '../policy/prediagnosis';
import type { ComplaintInput } from './contract';

export type { EvidenceOutcome } from '../../activities/evidence/types';

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

async function locate(input: ComplaintInput): Promise<CellLocation> {
  try {
    return await evidence.locateCells(input.location);
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    const gap = `小区定位失败（${failureText(err)}）`;
    // The named cell can still be queried by its id.
    return input.location.cellId
      ? { method: 'cellId', servingCellId: input.location.cellId, neighbours: [], gaps: [gap] }
      : { method: 'none', neighbours: [], gaps: [gap] };
  }
}

/**
 * Locates the complaint's cells, queries the five sources in parallel, turns failures into gaps
 * and pre-diagnoses. `window` defaults to occurrence.since (or 7 days before intake) → intake;
 * the CHR is read for VIP complaints only, by the callback number.
 */
export async function gatherEvidence(input: ComplaintInput, window?: TimeWindow): Promise<EvidenceOutcome> {
  const started = Date.now();
  const location = await locate(input);
  const q: EvidenceQuery = buildEvidenceQuery(input, location, window ?? evidenceWindow(input));
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
    q.vip ? fromSource('chr', started, () => evidence.evidenceChr(q)) : undefined,
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
