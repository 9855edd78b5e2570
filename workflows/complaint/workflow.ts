// The complaint workflow: one durable workflow per complaint, from intake to a closed loop.
// A thin entry that hands off to named steps (steps.ts) and handlers (handlers.ts).
import { allHandlersFinished, condition, workflowInfo } from '@temporalio/workflow';
import type { ComplaintInput, ComplaintOutcome } from './contract';
import { registerHandlers } from './handlers';
import { createState, startClocks } from './state';
import { acknowledgeIntake, commit, notifyEscalations, runClock, selectPolicy } from './steps';

export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintOutcome> {
  const state = createState(input);
  registerHandlers(state);

  const policy = await selectPolicy({
    channel: input.channel,
    category: input.category,
    vipLevel: input.customer.vipLevel,
    urgency: input.urgency,
  });
  // Clocks run from the moment Temporal accepted the complaint (the intake request started it).
  startClocks(state, policy, workflowInfo().startTime.getTime());
  await commit(state);

  const background = [runClock(state, 'firstReply'), runClock(state, 'handling'), acknowledgeIntake(state)];

  const pending = () => state.dirty || state.escalationsNotified < state.escalations.length;
  while (state.stage !== 'CLOSED') {
    await condition(() => state.stage === 'CLOSED' || pending());
    if (!pending()) continue;
    state.dirty = false;
    await notifyEscalations(state);
    await commit(state);
  }

  await Promise.all(background);
  await condition(allHandlersFinished);
  const view = await commit(state);
  return {
    ticketId: state.ticketId,
    stage: state.stage,
    closedAt: state.closedAt ?? '',
    slaBreached: view.slaBreached,
  };
}
