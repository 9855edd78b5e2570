// The area watch (R8.1): one workflow per area, started by the first complaint's signal-with-start
// and signalled by every later one. Being one single-threaded workflow per area, it sees every
// complaint of the area in order, so a burst starts exactly one incident however many complaints
// arrive at the same moment. It ends on its own when the area has been quiet for a window.
import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { burstIn, incidentId, pruneArrivals, type Arrival } from '../../domain/policy/mass-incident';
import { parseDuration } from '../../domain/policy/durations';
import {
  areaWatchWorkflowId,
  complaintFiledSignal,
  getAreaWatchQuery,
  incidentEndedSignal,
  linkComplaintSignal,
  linkComplaintsSignal,
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
  // Each complaint is reported twice (by the intake API at once, by its workflow as the durable
  // path): the second report is dropped, and complaints that arrive while an incident is open go to
  // it in one signal per batch instead of one awaited signal each (R8.1, R8.2 under a burst).
  const batched = patched('watch-batch-forward');
  const seen = new Map<string, number>((input.seen ?? []).map((a) => [a.ticketId, a.at]));
  const firstSighting = (f: ComplaintFiled): boolean => {
    if (!batched) return true;
    if (seen.has(f.ticketId)) return false;
    seen.set(f.ticketId, f.at);
    return true;
  };
  const forgetBefore = (cutoff: number) => {
    for (const [ticketId, at] of seen) if (at < cutoff) seen.delete(ticketId);
  };

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
      forgetBefore(Date.now() - windowMs);
      if (active === undefined && arrivals.length === 0) break;
      continue;
    }
    while (queue.length > 0) {
      if (batched && active !== undefined) {
        const taken = queue.splice(0).filter(firstSighting);
        if (taken.length === 0) continue;
        last = taken[taken.length - 1];
        try {
          await getExternalWorkflowHandle(active).signal(
            linkComplaintsSignal,
            taken.map(({ ticketId, at }) => ({ ticketId, at })),
          );
          continue;
        } catch {
          // The incident has finished: these complaints may start the next burst.
          active = undefined;
          for (const f of taken) seen.delete(f.ticketId);
          queue.unshift(...taken);
          continue;
        }
      }
      const filed = queue.shift()!;
      if (!firstSighting(filed)) continue;
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
      if (batched) forgetBefore(now - parseDuration(filed.rule.window));
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
        seen: [...seen].map(([ticketId, at]) => ({ ticketId, at })),
      });
    }
  }
  return { incidentsStarted: started };
}
