// Helpers for the evidence tests: a complaint from a synthetic scenario, and the gathering done
// directly over the activities (what the workflow step does, without Temporal).
import type {
  EvidenceActivities,
  EvidenceBundle,
  EvidenceOutcome,
  SourceName,
  SourceResult,
  TimeWindow,
} from '../../activities/evidence/types';
import type { Scenario } from '../../infra/network-data/generate';
import type { ComplaintInput } from '../../workflows/complaint/contract';
import {
  assembleBundle,
  buildEvidenceQuery,
  evidenceOutcome,
  evidenceWindow,
} from '../../domain/policy/prediagnosis';

export function complaintOf(s: Scenario): ComplaintInput {
  const c = s.complaint;
  return {
    ticketId: `EMOS-${c.externalId}`,
    channel: 'EMOS',
    externalId: c.externalId,
    category: c.category as ComplaintInput['category'],
    urgency: 'NORMAL',
    description: c.description,
    location: c.location,
    occurrence: c.occurrence,
    terminal: c.terminal,
    numbers: c.numbers,
    customer: c.customer,
    receivedAt: s.receivedAt,
    submittedBy: 'emos-gateway',
  };
}

async function settle<T>(source: SourceName, call: () => Promise<T[]>): Promise<SourceResult<T>> {
  const started = Date.now();
  try {
    const items = await call();
    return { source, ok: true, items, total: items.length, ms: Date.now() - started };
  } catch (err) {
    return { source, ok: false, gap: (err as Error).message };
  }
}

/** Locates, queries every source in parallel and pre-diagnoses, as gatherEvidence does (same assembly). */
export async function gatherDirect(
  acts: EvidenceActivities,
  input: ComplaintInput,
  window: TimeWindow = evidenceWindow(input),
): Promise<{ bundle: EvidenceBundle; outcome: EvidenceOutcome; ms: number }> {
  const started = Date.now();
  const location = await acts.locateCells(input.location);
  const q = buildEvidenceQuery(input, location, window);
  const [kpis, alarms, changes, interference, chr] = await Promise.all([
    settle('kpis', () => acts.evidenceKpis(q)),
    settle('alarms', () => acts.evidenceAlarms(q)),
    settle('changes', () => acts.evidenceChanges(q)),
    settle('interference', () => acts.evidenceInterference(q)),
    q.vip ? settle('chr', () => acts.evidenceChr(q)) : undefined,
  ]);
  const bundle: EvidenceBundle = assembleBundle(input, location, q, {
    kpis,
    alarms,
    changes,
    interference,
    chr,
  });
  const outcome = evidenceOutcome(bundle, new Date().toISOString(), Date.now() - started);
  return { bundle, outcome, ms: Date.now() - started };
}
