// Update, signal and query handlers of the complaint workflow. Validators are synchronous and
// read-only: a refused action writes nothing to the history (HTTP 409 at the API).
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import * as rules from '../policy/lifecycle';
import {
  closeUpdate,
  contactEventSignal,
  escalateSignal,
  getComplaintQuery,
  recordFindingsUpdate,
  recordReplyUpdate,
  recordVerificationUpdate,
  resolveUpdate,
  triageUpdate,
} from './contract';
import { commit } from './steps';
import { facts, record, stopClock, toView, type ComplaintState } from './state';

function refuse(reason: string | undefined): void {
  if (reason)
    throw ApplicationFailure.create({ type: 'InvalidTransition', message: reason, nonRetryable: true });
}

export function registerHandlers(state: ComplaintState): void {
  const now = () => Date.now();
  const iso = () => new Date(now()).toISOString();
  // Updates that arrive in the first seconds wait until the policy snapshot and clocks exist.
  const ready = () => condition(() => state.policy !== undefined);

  setHandler(getComplaintQuery, () => toView(state, now()));

  setHandler(
    triageUpdate,
    async ({ actor, input }) => {
      await ready();
      state.triage = { ...input, by: actor.user, at: iso() };
      const stage = rules.stageAfterTriage(input.decision);
      const detail = input.decision === 'TRANSFER' ? `TRANSFER → ${input.department}` : input.decision;
      record(state, { actor: actor.user, action: 'TRIAGED', detail }, now(), stage);
      return commit(state);
    },
    { validator: ({ input }) => refuse(rules.checkTriage(facts(state), input.decision, input.department)) },
  );

  setHandler(
    recordVerificationUpdate,
    async ({ actor, input }) => {
      await ready();
      state.verifications.push({ ...input, by: actor.user, at: iso() });
      record(
        state,
        { actor: actor.user, action: 'VERIFIED', detail: input.department },
        now(),
        'IN_PROGRESS',
      );
      return commit(state);
    },
    { validator: ({ input }) => refuse(rules.checkVerification(facts(state), input.department)) },
  );

  setHandler(
    recordFindingsUpdate,
    async ({ actor, input }) => {
      await ready();
      state.findings.push({ ...input, by: actor.user, at: iso() });
      const stage = state.stage === 'REOPENED' ? 'IN_PROGRESS' : undefined;
      record(
        state,
        { actor: actor.user, action: 'FINDINGS', detail: input.found.slice(0, 120) },
        now(),
        stage,
      );
      return commit(state);
    },
    { validator: (_cmd) => refuse(rules.checkFindings(facts(state))) },
  );

  setHandler(
    resolveUpdate,
    async ({ actor, input }) => {
      await ready();
      state.resolution = { ...input, by: actor.user, at: iso() };
      record(state, { actor: actor.user, action: 'RESOLVED', detail: input.rootCause }, now(), 'RESOLVED');
      return commit(state);
    },
    { validator: (_cmd) => refuse(rules.checkResolve(facts(state))) },
  );

  setHandler(
    recordReplyUpdate,
    async ({ actor, input }) => {
      await ready();
      const counts = rules.replyCounts(input.method, input.customerConfirmed);
      state.replies.push({ ...input, counts, by: actor.user, at: iso() });
      // Any reply the customer actually received meets the first-reply clock (R4.2).
      if (counts) stopClock(state, 'firstReply', now());
      let stage = state.stage;
      if (input.kind === 'FINAL') {
        stage = rules.stageAfterFinalReply(counts, input.satisfied);
        if (counts) stopClock(state, 'handling', now());
      }
      const detail = `${input.kind} by ${input.method}${counts ? '' : ' (awaiting confirmation)'}`;
      record(state, { actor: actor.user, action: 'REPLIED', detail }, now(), stage);
      return commit(state);
    },
    { validator: ({ input }) => refuse(rules.checkReply(facts(state), input.kind)) },
  );

  setHandler(
    closeUpdate,
    async ({ actor, input }) => {
      await ready();
      state.closedAt = iso();
      record(state, { actor: actor.user, action: 'CLOSED', detail: input.note }, now(), 'CLOSED');
      stopClock(state, 'firstReply', now());
      stopClock(state, 'handling', now());
      return commit(state);
    },
    { validator: (_cmd) => refuse(rules.checkClose(facts(state))) },
  );

  setHandler(escalateSignal, ({ actor, input }) => {
    state.escalations.push({ ...input, by: actor.user, at: iso() });
    state.escalationLevel = Math.max(state.escalationLevel, input.level);
    record(
      state,
      { actor: actor.user, action: 'ESCALATED', detail: `L${input.level}: ${input.reason}` },
      now(),
    );
    state.dirty = true;
  });

  setHandler(contactEventSignal, (event) => {
    record(
      state,
      { actor: 'twilio', action: event.kind, detail: `${event.purpose}: ${event.status}` },
      now(),
    );
    state.dirty = true;
  });
}
