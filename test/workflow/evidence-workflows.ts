// Tiny workflows for the evidence tests: the complaint's evidence step on its own, and the intake
// gathering as the complaint workflow runs it (gatherAndAttach: stored on the state, gathered again
// when a source failed).
import type { EvidenceOutcome, TimeWindow } from '../../domain/evidence';
import { gatherEvidence } from '../../workflows/complaint/evidence';
import type { ComplaintInput, TimelineEntry } from '../../workflows/complaint/contract';
import { createState } from '../../workflows/complaint/state';
import { gatherAndAttach, type Ctx } from '../../workflows/complaint/steps';

export async function evidenceTestWorkflow(
  input: ComplaintInput,
  window?: TimeWindow,
): Promise<EvidenceOutcome> {
  return gatherEvidence(input, window);
}

export async function intakeEvidenceTestWorkflow(
  input: ComplaintInput,
): Promise<{ evidence?: EvidenceOutcome; timeline: TimelineEntry[] }> {
  const ctx: Ctx = { state: createState(input), background: [], mail: [], mailSeq: 0 };
  await gatherAndAttach(ctx, undefined, 'system', { untilComplete: true });
  return { evidence: ctx.state.evidence, timeline: ctx.state.timeline };
}
