// Update and query handlers of the guarantee-area workflow. Validators are synchronous and
// read-only: a refused update writes nothing to the history (HTTP 409 at the API). Handlers only
// change the state; the main loop projects it and reschedules the checks and tests.
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import {
  AREA_LIMITS,
  applyChange,
  areaProblems,
  mayRecordResult,
  reconcileTestProgress,
  skipMissedTests,
  testResultProblems,
  type GuaranteeAreaChange,
} from '../../domain/policy/guarantee';
import {
  changeAreaUpdate,
  endAreaUpdate,
  getAreaQuery,
  pauseAreaUpdate,
  recordTestResultUpdate,
  resumeAreaUpdate,
  type Acting,
  type RecordTestResultInput,
  type ResumeAreaInput,
  type TestResultRecord,
} from './contract';
import { closeOpenAlert, storeTestResult } from './steps';
import { iso, toView, touch, type Ctx } from './state';

function refuse(reason: string | undefined): void {
  if (reason)
    throw ApplicationFailure.create({ type: 'InvalidTransition', message: reason, nonRetryable: true });
}

const reasonProblem = (reason: unknown) =>
  typeof reason === 'string' && reason.trim() ? undefined : 'a reason is required';

/** Why a result cannot close this task now (undefined = it can). */
function resultRefusal(ctx: Ctx, { actor, input }: Acting<RecordTestResultInput>): string | undefined {
  const task = (ctx.state.openTests ?? []).find((t) => t.taskId === input?.taskId);
  if (!task) return `test task ${String(input?.taskId)} is not open in guarantee area ${ctx.state.areaId}`;
  if (!mayRecordResult(task, actor))
    return `test task ${task.taskId} is assigned to ${task.assignee ?? 'the area managers'}`;
  const problems = testResultProblems(input.result);
  return problems.length ? problems.join('; ') : undefined;
}

/** Closes an open test task with its result; the counters say whether it came in time (R7.4). */
async function recordTestResult(
  ctx: Ctx,
  { actor, input }: Acting<RecordTestResultInput>,
): Promise<TestResultRecord> {
  const { state } = ctx;
  const at = Date.now();
  const open = state.openTests ?? [];
  const task = open.find((t) => t.taskId === input.taskId)!;
  const late = at > Date.parse(task.dueAt);
  state.openTests = open.filter((t) => t.taskId !== task.taskId);
  state.testsDone = (state.testsDone ?? 0) + 1;
  if (late) state.testsDoneLate = (state.testsDoneLate ?? 0) + 1;
  touch(ctx, at);
  const record: TestResultRecord = {
    taskId: task.taskId,
    areaId: state.areaId,
    status: 'DONE',
    result: input.result,
    doneAt: iso(at),
    doneBy: actor.user,
    late,
  };
  await storeTestResult(record);
  return record;
}

export function registerHandlers(ctx: Ctx): void {
  const { state } = ctx;
  const now = () => Date.now();
  const notEnded = () => (state.ended ? `guarantee area ${state.areaId} has ended` : undefined);

  setHandler(getAreaQuery, () => toView(ctx));

  setHandler(
    pauseAreaUpdate,
    ({ actor, input }) => {
      state.paused = { at: iso(now()), by: actor.user, reason: input.reason.trim() };
      touch(ctx, now());
      return toView(ctx);
    },
    {
      validator: ({ input }) =>
        refuse(notEnded() ?? (state.paused ? 'the area is already paused' : reasonProblem(input?.reason))),
    },
  );

  setHandler(
    resumeAreaUpdate,
    (_cmd: Acting<ResumeAreaInput>) => {
      state.paused = undefined;
      // Watching starts again at once; tests that fell due while paused are skipped.
      state.nextCheckAt = iso(now());
      state.tests = skipMissedTests(state.tests, now());
      touch(ctx, now());
      return toView(ctx);
    },
    {
      validator: (_cmd: Acting<ResumeAreaInput>) =>
        refuse(notEnded() ?? (state.paused ? undefined : 'the area is not paused')),
    },
  );

  setHandler(
    changeAreaUpdate,
    ({ input }: Acting<GuaranteeAreaChange>) => {
      state.definition = applyChange(state.definition, input);
      state.tests = reconcileTestProgress(state.definition.testPlan, state.tests, now());
      // A change takes effect at once: the next check runs now (unless paused).
      state.nextCheckAt = iso(now());
      touch(ctx, now());
      return toView(ctx);
    },
    {
      validator: ({ input }) => {
        refuse(notEnded());
        if (!input || Object.keys(input).length === 0) refuse('nothing to change');
        let problems: string[];
        try {
          problems = areaProblems(applyChange(state.definition, input), AREA_LIMITS.hardMinIntervalMs);
        } catch (err) {
          problems = [`not a valid change: ${(err as Error).message}`];
        }
        refuse(problems.length ? problems.join('; ') : undefined);
      },
    },
  );

  setHandler(recordTestResultUpdate, (cmd) => recordTestResult(ctx, cmd), {
    validator: (cmd) => refuse(notEnded() ?? resultRefusal(ctx, cmd)),
  });

  setHandler(
    endAreaUpdate,
    ({ actor, input }) => {
      state.ended = { at: iso(now()), by: actor.user, reason: input.reason.trim() };
      state.paused = undefined;
      closeOpenAlert(ctx, now());
      touch(ctx, now());
      return toView(ctx);
    },
    { validator: ({ input }) => refuse(notEnded() ?? reasonProblem(input?.reason)) },
  );
}
