// The complaint workflow: one durable workflow per complaint, from intake to a closed loop.
// A thin entry: the steps and handlers live in one module per concern (handlers.ts lists them).
import { allHandlersFinished, condition, patched, workflowInfo } from '@temporalio/workflow';
import { careCallback } from './care';
import type { ComplaintInput, ComplaintOutcome } from './contract';
import { createCtx } from './ctx';
import { gatherAndAttach } from './evidence';
import { startClockRunner } from './escalation';
import { registerHandlers } from './handlers';
import { trackHot } from './hot';
import { reportToArea } from './incident';
import { acknowledgeIntake, detectRepeat, policyCriteria, selectPolicy } from './intake';
import { drainMail } from './mail';
import { commit, startProjector } from './projection';
import { startIntakeClocks } from './state';
import { startTicketEvents } from './tmf-events';
import { informVip, recogniseVip, vipMilestoneDue } from './vip';

export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintOutcome> {
  const ctx = createCtx(input);
  const { state } = ctx;
  // Added after the first release (issue 23): projections go out one at a time, as deltas.
  startProjector(state);
  registerHandlers(ctx);
  // Added after the first release (issue 19, T3, T4): TMF621 events and the work-order reply.
  startTicketEvents(ctx);
  // Added after the first release (complaints started before it are not reported, R8.1). Before
  // anything else, in parallel with the intake steps: the leaders must hear of a burst at once (R8.2).
  if (patched('mass-incident-area-watch')) ctx.background.push(reportToArea(ctx));

  // Added after the first release: a VIP is recognised by the number (R7.1, R7.2).
  if (patched('vip-profile-lookup')) await recogniseVip(ctx);
  const policy = await selectPolicy(policyCriteria(state));
  // Clocks run from the moment Temporal accepted the complaint (the intake request started it).
  startIntakeClocks(state, policy, workflowInfo().startTime.getTime(), input.submittedBy);
  await detectRepeat(state);
  await commit(state);

  for (const clock of Object.values(state.clockMap)) startClockRunner(ctx, clock);
  // Added after the first release (R4.7): hot complaints' clocks tighten, and one left unsolved escalates.
  if (patched('hot-complaint-tracking')) ctx.background.push(trackHot(ctx));
  ctx.background.push(acknowledgeIntake(state));
  ctx.background.push(gatherAndAttach(ctx, undefined, 'system', { untilComplete: true }));

  // Added after the first release (#9): the staff e-mails of a step go out together and beside
  // the step's commit, not one after the other before it; 1,000 breaches in one minute were
  // escalated minutes late because each waited for three activities in a row.
  const together = patched('main-loop-parallel-notify');
  const pending = () => state.dirty || ctx.mail.length > 0 || vipMilestoneDue(ctx);
  for (;;) {
    await condition(() => state.stage === 'CLOSED' || pending());
    if (pending()) {
      state.dirty = false;
      ctx.onChange?.();
      if (together) {
        await Promise.all([drainMail(ctx, { parallel: true }), informVip(ctx).then(() => commit(state))]);
        continue;
      }
      await drainMail(ctx);
      await informVip(ctx);
      await commit(state);
      continue;
    }
    // Closed: the VIP's assistants get the result report (R7.2); the care callback some days later
    // either confirms it (done) or reopens it (R6.1).
    await informVip(ctx);
    if (!(await careCallback(ctx))) break;
    await commit(state);
  }

  // Background work ends on its own once every clock has stopped.
  while (ctx.background.length > 0) await ctx.background.shift();
  await condition(allHandlersFinished);
  const view = await commit(state);
  return {
    ticketId: state.ticketId,
    stage: state.stage,
    closedAt: state.closedAt ?? '',
    slaBreached: view.slaBreached,
  };
}
