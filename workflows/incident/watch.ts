// The area watch (R8.1): one workflow per area, started by the first complaint's signal-with-start
// and signalled by every later one. Being one single-threaded workflow per area, it sees every
// complaint of the area in order, so a burst starts exactly one incident however many complaints
// arrive at the same moment. It ends on its own when the area has been quiet for a window.
import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { burstIn, incidentId, pruneArrivals, type Arrival } from '../policy/mass-incident';
import { parseDuration } from '../policy/durations';
import {
  areaWatchWorkflowId,
  complaintFiledSignal,
  getAreaWatchQuery,
  incidentEndedSignal,
  linkComplaintSignal,
  type AreaWatchInput,
  type ComplaintFiled,
} from './contract';
import { massIncidentWorkflow } from './workflow';

export async function areaWatchWorkflow(input: AreaWatchInput): Promise<{ incidentsStarted: number }> {
  const queue: ComplaintFiled[] = [];
  let arrivals: Arrival[] = input.arrivals ?? [];
  let active = input.activeIncidentId;
  let started = input.incidentsStarted ?? 0;
  let last: ComplaintFiled | undefined;

  setHandler(complaintFiledSignal, (filed) => void queue.push(filed));
  setHandler(incidentEndedSignal, ({ incidentId: id }) => {
    if (active === id) active = undefined;
  });
  setHandler(getAreaWatchQuery, () => ({
    areaKey: input.areaKey,
    arrivals: arrivals.length,
    activeIncidentId: active,
    incidentsStarted: started,
  }));

  for (;;) {
    const windowMs = last ? parseDuration(last.rule.window) : 30 * 60_000;
    const woke = await condition(() => queue.length > 0, windowMs);
    if (!woke) {
      // Quiet for a whole window and no incident open: nothing left to watch.
      arrivals = last ? pruneArrivals(arrivals, last.rule, Date.now()) : [];
      if (active === undefined && arrivals.length === 0) break;
      continue;
    }
    while (queue.length > 0) {
      const filed = queue.shift()!;
      last = filed;
      if (active !== undefined) {
        // An open incident in the area takes every new complaint (R8.4).
        try {
          await getExternalWorkflowHandle(active).signal(linkComplaintSignal, {
            ticketId: filed.ticketId,
            at: filed.at,
          });
          continue;
        } catch {
          // The incident has finished: this complaint may start the next burst.
          active = undefined;
        }
      }
      const now = Math.max(Date.now(), filed.at);
      arrivals = pruneArrivals([...arrivals, { ticketId: filed.ticketId, at: filed.at }], filed.rule, now);
      const burst = burstIn(arrivals, filed.rule, now);
      if (!burst) continue;
      const base = incidentId(input.areaKey, burst[0]!.at);
      const id = started === 0 ? base : `${base}-${started + 1}`;
      try {
        await startChild(massIncidentWorkflow, {
          workflowId: id,
          args: [
            {
              incidentId: id,
              area: filed.area,
              rule: filed.rule,
              policy: filed.policy,
              burst,
              watchWorkflowId: areaWatchWorkflowId(input.areaKey),
            },
          ],
          // The incident outlives this watch's runs (continue-as-new) and the watch itself.
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
      } catch (err) {
        // Started already (a watch run that ended and came back within the same minute): it is ours.
        if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
      }
      active = id;
      started += 1;
      arrivals = [];
    }
    if (workflowInfo().continueAsNewSuggested && queue.length === 0) {
      await continueAsNew<typeof areaWatchWorkflow>({
        areaKey: input.areaKey,
        arrivals,
        activeIncidentId: active,
        incidentsStarted: started,
      });
    }
  }
  return { incidentsStarted: started };
}
