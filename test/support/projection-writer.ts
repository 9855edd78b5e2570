// One worker process's projection writes, for the D3 projection-order test
// (test/integration/projection-order.test.ts): run with tsx, it writes the complaint views of its
// plan through the product's projection activity, round by round (each round's complaints at
// once), from the moment it reads a line on stdin (so that two such processes start together and
// race), and prints what it did.
import { readFileSync } from 'node:fs';
import { connectMongo, createModels } from '../../activities/models';
import { createProjectionActivities } from '../../activities/projection';
import type { ComplaintView } from '../../domain/complaint';
import { complaintInput } from './fixtures';

export interface WriterPlan {
  /** Rounds of writes; a round's writes run concurrently. */
  rounds: { externalId: string; version: number }[][];
}

/** The view of complaint `externalId` at `version` (its stage and fields change with the version). */
export function viewAt(externalId: string, version: number): ComplaintView {
  const input = complaintInput({ externalId, receivedAt: '2026-12-01T08:00:00.000Z' });
  return {
    ticketId: input.ticketId,
    workflowId: `complaint-${input.ticketId}`,
    stage: version % 2 ? 'IN_PROGRESS' : 'TRIAGE',
    version,
    input,
    verifications: [],
    findings: [],
    replies: [],
    escalations: [],
    escalationLevel: version % 3,
    awaitingAckRole: version % 3 ? 'supervisor' : undefined,
    team: 'haidian',
    assignments: [],
    rounds: 1,
    contacts: [],
    consentEvidence: [],
    hot: false,
    policyHistory: [],
    clocks: [],
    slaBreached: false,
    timeline: Array.from({ length: version }, (_, i) => ({
      at: new Date(Date.parse('2026-12-01T08:00:00.000Z') + i * 60_000).toISOString(),
      actor: 'writer',
      action: `STEP_${i + 1}`,
    })),
  } as unknown as ComplaintView;
}

async function main(): Promise<void> {
  const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as WriterPlan;
  // Generous deadlines: the test machine may be loaded; the order, not the speed, is under test.
  const mongo = await connectMongo(process.env.MONGODB_URI!, { waitMs: 120_000, answerMs: 120_000 });
  const { projectComplaint } = createProjectionActivities({ models: createModels(mongo) });
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  let applied = 0;
  let writes = 0;
  for (const round of plan.rounds) {
    const results = await Promise.all(round.map((w) => projectComplaint(viewAt(w.externalId, w.version))));
    writes += results.length;
    applied += results.filter((r) => r.applied).length;
  }
  await mongo.close();
  process.stdout.write(`${JSON.stringify({ writes, applied })}\n`);
  process.exit(0);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
