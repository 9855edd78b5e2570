// The handling of a complaint (R4.6, R4.5): who works on it, what was checked and found, the
// resolution beside the pre-diagnosis (R3.5), closing once the customer was replied to, and the
// notes people add to the work record (TMF621 note and attachment references, issue 19).
import { setHandler } from '@temporalio/workflow';
import { checkNote } from '../../domain/policy/complaint-checks';
import { checkDiagnosis } from '../../domain/policy/diagnosis-check';
import { checkClose, checkFindings, checkOpen, checkResolve } from '../../domain/policy/lifecycle';
import {
  addNoteUpdate,
  assignUpdate,
  closeUpdate,
  recordFindingsUpdate,
  resolveUpdate,
  type Acting,
  type AssignInput,
  type CloseInput,
  type FindingsInput,
  type NoteInput,
  type ResolveInput,
  type TimelineEntry,
} from './contract';
import { stopNamedClock } from './clocks';
import { setStage, type Ctx } from './ctx';
import { act, refuse } from './handler-kit';
import { facts, record } from './state';

export function assign(ctx: Ctx, { actor, input }: Acting<AssignInput>): void {
  const { state } = ctx;
  state.assignments.push({ ...input, by: actor.user, at: new Date(Date.now()).toISOString() });
  state.assignee = input.assignee;
  if (input.team) state.team = input.team;
  record(
    state,
    {
      actor: actor.user,
      action: 'ASSIGNED',
      detail: `${input.assignee}${input.team ? ` (${input.team})` : ''}`,
    },
    Date.now(),
  );
}

/** Findings on a reopened complaint put it back to work (R5.4). */
export function recordFindings(ctx: Ctx, { actor, input }: Acting<FindingsInput>): void {
  const { state } = ctx;
  state.findings.push({ ...input, by: actor.user, at: new Date(Date.now()).toISOString() });
  backToWork(ctx, { actor: actor.user, action: 'FINDINGS', detail: input.found.slice(0, 120) });
}

/** Records what was done; a complaint that was reopened is in progress again. */
export function backToWork(ctx: Ctx, why: Omit<TimelineEntry, 'at'>): void {
  if (ctx.state.stage === 'REOPENED') setStage(ctx, 'IN_PROGRESS', why);
  else record(ctx.state, why, Date.now());
}

export function resolve(ctx: Ctx, { actor, input }: Acting<ResolveInput>): void {
  const { state } = ctx;
  state.resolution = {
    ...input,
    by: actor.user,
    at: new Date(Date.now()).toISOString(),
    ...(input.cause ? { diagnosis: checkDiagnosis(state.evidence?.hypotheses, input.cause) } : {}),
  };
  setStage(ctx, 'RESOLVED', { actor: actor.user, action: 'RESOLVED', detail: input.rootCause });
}

/** Closing stops every clock. */
export function close(ctx: Ctx, { actor, input }: Acting<CloseInput>): void {
  const { state } = ctx;
  const now = Date.now();
  state.closedAt = new Date(now).toISOString();
  setStage(ctx, 'CLOSED', { actor: actor.user, action: 'CLOSED', detail: input.note }, now);
  for (const name of Object.keys(state.clockMap)) stopNamedClock(state, name, now);
}

/**
 * A note on the work record: the timeline entry NOTE with its author, the text and the attachment
 * references. It records what a person wants kept and changes nothing else (stage, clocks).
 */
export function addNote(ctx: Ctx, { actor, input }: Acting<NoteInput>): void {
  const attachments = (input.attachments ?? []).map((a) => ({
    name: a.name.trim(),
    url: a.url,
    ...(a.mimeType ? { mimeType: a.mimeType } : {}),
  }));
  record(
    ctx.state,
    {
      actor: actor.user,
      action: 'NOTE',
      detail: input.text.trim(),
      ...(attachments.length ? { attachments } : {}),
    },
    Date.now(),
  );
}

export function registerHandlingHandlers(ctx: Ctx): void {
  const { state } = ctx;
  setHandler(assignUpdate, (cmd) => act(ctx, assign, cmd), {
    validator: (_cmd) => refuse(checkOpen(facts(state), 'reassign')),
  });
  setHandler(recordFindingsUpdate, (cmd) => act(ctx, recordFindings, cmd), {
    validator: (_cmd) => refuse(checkFindings(facts(state))),
  });
  setHandler(resolveUpdate, (cmd) => act(ctx, resolve, cmd), {
    validator: (_cmd) => refuse(checkResolve(facts(state))),
  });
  setHandler(closeUpdate, (cmd) => act(ctx, close, cmd), {
    validator: (_cmd) => refuse(checkClose(facts(state))),
  });
  setHandler(addNoteUpdate, (cmd) => act(ctx, addNote, cmd), {
    validator: ({ input }) => refuse(checkNote(facts(state), input)),
  });
}
