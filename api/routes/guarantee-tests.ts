// Test tasks of the guarantee areas (R7.4): the worklist across areas (the VIP manager sees every
// task, an assignee their own) from the read model, and the result that closes a task. The result
// goes through the area's workflow (an update), which stops watching the task's due time and
// stores the result; the read model is only read here.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Router, type RequestHandler } from 'express';
import type { Connection } from 'mongoose';
import { guaranteeModels, type GuaranteeTestDoc } from '../../activities/guarantee-models';
import { mayRecordResult, TEST_MANAGER_ROLES } from '../../domain/policy/guarantee';
import {
  guaranteeWorkflowId,
  recordTestResultUpdate,
  type Acting,
  type RecordTestResultInput,
  type TestResultRecord,
} from '../../workflows/guarantee/contract';
import { actorOf } from '../auth';
import { HttpError, notFound } from '../errors';
import { TestResultSchema, TestTaskIdParam, TestTaskListQuery } from '../guarantee-schemas';
import { forbidden, serve } from '../guard';

export interface GuaranteeTestRouteDeps {
  client: Client;
  mongo: Connection;
}

type Handler = Parameters<RequestHandler>;
const route =
  (fn: (...args: Handler) => Promise<void>): RequestHandler =>
  (req, res, next) => {
    fn(req, res, next).catch(next);
  };

const isManager = (roles: readonly string[]) =>
  roles.some((r) => (TEST_MANAGER_ROLES as readonly string[]).includes(r));

/** The list's filter: managers see every task (an assignee filter if asked), others their own. */
function taskFilter(
  q: ReturnType<typeof TestTaskListQuery.parse>,
  actor: { user: string; roles: string[] },
  now: Date,
): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (!isManager(actor.roles)) filter.assignee = { $in: [actor.user, ...actor.roles] };
  else if (q.assignee) filter.assignee = q.assignee;
  if (q.areaId) filter.areaId = q.areaId;
  if (q.state === 'open') filter.status = 'OPEN';
  if (q.state === 'done') filter.status = 'DONE';
  if (q.state === 'overdue') Object.assign(filter, { status: 'OPEN', dueAt: { $lte: now } });
  return filter;
}

function itemOf({ _id, ...d }: GuaranteeTestDoc, now: Date) {
  return {
    taskId: _id,
    ...d,
    overdue: d.status === 'OPEN' && d.dueAt.getTime() <= now.getTime(),
    links: { area: `/v1/guarantee-areas/${encodeURIComponent(d.areaId)}` },
  };
}

const ended = (areaId: string) =>
  new HttpError(409, 'area_ended', `guarantee area ${areaId} has ended; its test tasks take no results`);

export function guaranteeTestRoutes(deps: GuaranteeTestRouteDeps): Router {
  const r = Router();
  const store = guaranteeModels(deps.mongo);

  serve(
    r,
    '/v1/guarantee-tests',
    'listGuaranteeTestTasks',
    route(async (req, res) => {
      const q = TestTaskListQuery.parse(req.query);
      const now = new Date();
      const docs = await store.Test.find(taskFilter(q, actorOf(req), now))
        .sort({ dueAt: 1 })
        .limit(q.limit)
        .lean();
      res.json({ items: docs.map((d) => itemOf(d, now)) });
    }),
  );

  serve(
    r,
    '/v1/guarantee-tests',
    'recordGuaranteeTestResult',
    route(async (req, res) => {
      const taskId = TestTaskIdParam.parse(req.params.taskId);
      const result = TestResultSchema.parse(req.body);
      const actor = actorOf(req);
      const task = await store.Test.findById(taskId).lean();
      if (!task) throw notFound(`test task ${taskId}`);
      if (!mayRecordResult(task, actor))
        throw forbidden(`test task ${taskId} is assigned to ${task.assignee ?? 'the area managers'}`);
      if (task.status === 'DONE') throw new HttpError(409, 'conflict', `test task ${taskId} is already done`);
      const handle = deps.client.workflow.getHandle(guaranteeWorkflowId(task.areaId));
      try {
        const done = await handle.executeUpdate<TestResultRecord, [Acting<RecordTestResultInput>]>(
          recordTestResultUpdate,
          { args: [{ actor, input: { taskId, result } }] },
        );
        res.json(done);
      } catch (err) {
        // The area's workflow has completed: the server answers "not found" or "already completed".
        if (
          err instanceof WorkflowNotFoundError ||
          (err instanceof Error && /workflow execution already completed/i.test(err.message))
        )
          throw ended(task.areaId);
        throw err;
      }
    }),
  );

  return r;
}
