// The projection of the complaint: the read model in MongoDB and the search attributes that let
// the Temporal Web UI find it, written together with a version number (a late retry never
// overwrites newer state).
import { upsertSearchAttributes } from '@temporalio/workflow';
import { ComplaintStage, SlaBreached, SlaState } from '../search-attributes';
import type { ComplaintView } from './contract';
import { data } from './proxies';
import { slaState, toView, type ComplaintState } from './state';

/** Bumps the version, refreshes search attributes and projects the read model. */
export async function commit(state: ComplaintState): Promise<ComplaintView> {
  state.version += 1;
  const view = toView(state, Date.now());
  upsertSearchAttributes([
    { key: ComplaintStage, value: state.stage },
    { key: SlaBreached, value: view.slaBreached },
    { key: SlaState, value: slaState(view, state) },
  ]);
  await data.projectComplaint(view);
  return view;
}
