// A tiny workflow for the evidence tests: runs the complaint's evidence step on its own.
import type { TimeWindow } from '../../activities/evidence/types';
import { gatherEvidence, type EvidenceOutcome } from '../../workflows/complaint/evidence';
import type { ComplaintInput } from '../../workflows/complaint/contract';

export async function evidenceTestWorkflow(
  input: ComplaintInput,
  window?: TimeWindow,
): Promise<EvidenceOutcome> {
  return gatherEvidence(input, window);
}
