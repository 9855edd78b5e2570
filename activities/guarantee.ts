// Guarantee-area activities (R7.3), built from their clients: KPI reading through the configured
// network data adapter (the same sources as the evidence activities), the area read model and the
// periodic test tasks in MongoDB. The alert and test e-mails go through the notification outbox.
import type { Logger } from 'pino';
import { newestPerCell } from '../domain/policy/guarantee';
import type { NetworkSources } from './evidence/sources';
import type { KpiSample } from '../domain/evidence';
import { areaDocOf, guaranteeModels, type GuaranteeModels } from './guarantee-models';
import type { GuaranteeActivities } from './guarantee-types';
import { isDuplicateKey, type Models } from './models';

export interface GuaranteeDeps {
  models: Models;
  network: NetworkSources;
  logger: Logger;
  /** Defaults to the models on the connection of `models`. */
  guaranteeModels?: GuaranteeModels;
  /** Role → mobile numbers (ROLE_PHONES): who is texted when a test task is overdue (R7.4). */
  rolePhones?: Record<string, string[]>;
}

const H = 3_600_000;

export function createGuaranteeActivities(deps: GuaranteeDeps): GuaranteeActivities {
  const store = deps.guaranteeModels ?? guaranteeModels(deps.models.Complaint.db);
  const log = deps.logger.child({ component: 'guarantee' });

  return {
    async readAreaKpis(input) {
      const atMs = Date.parse(input.at);
      const window = {
        from: new Date(atMs - input.lookbackMs).toISOString(),
        to: new Date(atMs + 1).toISOString(),
      };
      // At most one row per cell and hour: this limit never cuts off the newest rows.
      const limit = input.cells.length * (Math.ceil(input.lookbackMs / H) + 1);
      const started = Date.now();
      const rows = await deps.network.kpis.kpis(input.cells, window, limit);
      const newest: KpiSample[] = [...newestPerCell(rows, atMs, input.lookbackMs).values()];
      log.debug(
        { areaId: input.areaId, rows: rows.length, cells: newest.length, ms: Date.now() - started },
        'guarantee-area KPIs read',
      );
      return newest;
    },

    async projectGuaranteeArea(view) {
      try {
        await store.Area.updateOne(
          { _id: view.areaId, version: { $lt: view.version } },
          { $set: areaDocOf(view) },
          { upsert: true },
        );
        return { applied: true };
      } catch (err) {
        // The version filter did not match an existing document: a newer version is already there.
        if (isDuplicateKey(err)) return { applied: false };
        throw err;
      }
    },

    async createGuaranteeTest(task) {
      try {
        await store.Test.create({
          _id: task.taskId,
          areaId: task.areaId,
          areaName: task.areaName,
          itemId: task.itemId,
          slot: task.slot,
          title: task.title,
          role: task.role,
          cells: task.cells,
          ...(task.place ? { place: task.place } : {}),
          ...(task.assignee ? { assignee: task.assignee } : {}),
          status: 'OPEN',
          scheduledAt: new Date(task.scheduledAt),
          dueAt: new Date(task.dueAt),
          createdAt: new Date(),
        });
        log.info({ areaId: task.areaId, taskId: task.taskId }, 'guarantee-area test task created');
        return { created: true };
      } catch (err) {
        if (isDuplicateKey(err)) return { created: false };
        throw err;
      }
    },

    async recordGuaranteeTestResult(record) {
      // Only an open task is closed: a retry after the write finds it DONE and changes nothing.
      const res = await store.Test.updateOne(
        { _id: record.taskId, status: 'OPEN' },
        {
          $set: {
            status: 'DONE',
            result: record.result,
            doneAt: new Date(record.doneAt),
            doneBy: record.doneBy,
            late: record.late,
          },
        },
      );
      log.info({ areaId: record.areaId, taskId: record.taskId, late: record.late }, 'guarantee test done');
      return { applied: res.modifiedCount > 0 };
    },

    async markGuaranteeTestOverdue(input) {
      await store.Test.updateOne(
        { _id: input.taskId, status: 'OPEN' },
        { $set: { escalatedAt: new Date(input.escalatedAt) } },
      );
      log.info({ taskId: input.taskId, role: input.role }, 'guarantee test overdue: escalated');
      return { phones: deps.rolePhones?.[input.role] ?? [] };
    },

    async cancelGuaranteeTests(input) {
      const res = await store.Test.updateMany(
        { _id: { $in: input.taskIds }, status: 'OPEN' },
        { $set: { status: 'CANCELLED', cancelledAt: new Date(input.at), cancelReason: input.reason } },
      );
      log.info(
        { areaId: input.areaId, cancelled: res.modifiedCount },
        'guarantee tests cancelled: area ended',
      );
      return { cancelled: res.modifiedCount };
    },
  };
}
