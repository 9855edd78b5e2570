// The projection of the complaint: the read model in MongoDB and the search attributes that let
// the Temporal Web UI find it, written together with a version number (a late retry never
// overwrites newer state).
//
// Since issue 23 (complaints started from then on, `patched('projection-deltas')`): one projection
// of a complaint at a time, the commits made while one is under way go out together in the next
// (a step's commit, its signal's and the main loop's become one), and each projection after the
// first carries only what changed (domain/projection-change.ts) — the whole view of ~5–10 kB went
// into the history ten times per complaint before. The search attributes are upserted only when
// they change. Complaints started earlier project the whole view at every commit, as they did.
import { patched, upsertSearchAttributes } from '@temporalio/workflow';
import { diffView } from '../../domain/projection-change';
import { ComplaintStage, SlaBreached, SlaState } from '../search-attributes';
import type { ComplaintView } from './contract';
import { data } from './proxies';
import { slaState, toView, type ComplaintState, type Projector } from './state';

/** Turns projection by deltas on for complaints started from this release on. */
export function startProjector(state: ComplaintState): void {
  if (patched('projection-deltas')) state.projector = { tail: Promise.resolve() };
}

/**
 * Projects the state: resolves with the view once a projection that includes every change made
 * before the call is written.
 */
export function commit(state: ComplaintState): Promise<ComplaintView> {
  const p = state.projector;
  if (!p) return commitWhole(state);
  if (!p.next) {
    const next = p.tail.then(() => project(state, p));
    p.next = next;
    p.tail = next.catch(() => undefined);
  }
  return p.next;
}

/** One projection: the changes of every commit since the last one started, as a delta. */
async function project(state: ComplaintState, p: Projector): Promise<ComplaintView> {
  p.next = undefined; // commits from now on go out with the next projection
  state.version += 1;
  const view = toView(state, Date.now());
  const attributes = searchAttributesOf(state, view);
  const key = attributes.map((a) => a.value).join('|');
  if (key !== p.attributes) {
    upsertSearchAttributes(attributes);
    p.attributes = key;
  }
  const { change, record } = diffView(p.last, view);
  p.last = undefined; // until it is written: a projection that fails is followed by the whole view
  const out = await data.projectComplaintChange(change);
  // The read model did not hold the version the delta applies to (restored, or written by another
  // version of the code): the whole view puts it right.
  if (out.resync) await data.projectComplaintChange({ full: view });
  p.last = record;
  return view;
}

/** Before issue 23: bumps the version, refreshes search attributes and projects the whole view. */
async function commitWhole(state: ComplaintState): Promise<ComplaintView> {
  state.version += 1;
  const view = toView(state, Date.now());
  upsertSearchAttributes(searchAttributesOf(state, view));
  await data.projectComplaint(view);
  return view;
}

/** What the Temporal Web UI finds a complaint by: its stage, whether it breached, its SLA state. */
function searchAttributesOf(state: ComplaintState, view: ComplaintView) {
  return [
    { key: ComplaintStage, value: state.stage },
    { key: SlaBreached, value: view.slaBreached },
    { key: SlaState, value: slaState(view, state) },
  ];
}
