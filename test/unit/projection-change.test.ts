// Projection by deltas (issue 23, domain/projection-change.ts): what a projection carries after the
// first, and that applying it to the view before gives exactly the view after. S10: the read model
// keeps up under a month's load because a projection no longer carries the whole view.
import { applyChange, diffView, recordOf, type ComplaintChange } from '../../domain/projection-change';
import type { ComplaintView } from '../../domain/complaint';
import { createState, record, toView, type ComplaintState } from '../../workflows/complaint/state';
import { complaintInput } from '../support/fixtures';

const T0 = Date.parse('2026-12-01T08:00:00Z');

/** The view as projected: a copy, as the activity receives it (the state's arrays keep growing). */
function viewOf(state: ComplaintState, version: number): ComplaintView {
  state.version = version;
  return structuredClone(toView(state, T0));
}

function delta(change: ComplaintChange) {
  if (!('delta' in change)) throw new Error('expected a delta');
  return change.delta;
}

describe('S10 a projection after the first carries only what changed', () => {
  it('S10 the first projection, and one without a record, is the whole view', () => {
    const state = createState(complaintInput());
    const view = viewOf(state, 1);
    const { change, record: rec } = diffView(undefined, view);
    expect(change).toEqual({ full: view });
    expect(rec).toEqual(recordOf(view));
  });

  it('S10 a changed field, an emptied field and the new timeline entries, nothing else', () => {
    const state = createState(complaintInput());
    state.assignee = 'handler.li';
    record(state, { actor: 'handler.li', action: 'TRIAGED', detail: 'SELF' }, T0);
    const before = viewOf(state, 1);
    const last = recordOf(before);

    state.stage = 'IN_PROGRESS';
    state.assignee = undefined;
    record(state, { actor: 'handler.li', action: 'FINDINGS', detail: 'antenna tilt' }, T0 + 1000);
    record(state, { actor: 'system', action: 'NOTE', detail: 'x' }, T0 + 2000);
    const after = viewOf(state, 2);

    const d = delta(diffView(last, after).change);
    expect(d).toMatchObject({ ticketId: after.ticketId, base: 1, version: 2, timelineFrom: 2 });
    expect(Object.keys(d.set)).toEqual(['stage']);
    expect(d.unset).toEqual(['assignee']);
    expect(d.timeline.map((t) => t.action)).toEqual(['FINDINGS', 'NOTE']);
    // The unchanged input, policy and lists are not sent again.
    expect(JSON.stringify(d).length).toBeLessThan(JSON.stringify(after).length / 3);
    expect(applyChange(before, { delta: d })).toEqual(after);
  });

  it('S10 a run of changes applied one after the other rebuilds every view exactly', () => {
    const state = createState(complaintInput());
    let stored = viewOf(state, 1);
    let last = recordOf(stored);
    const steps: ((s: ComplaintState) => void)[] = [
      (s) => (s.stage = 'TRIAGED'),
      (s) => s.findings.push({ by: 'a', at: 'b', summary: 'cell down', rootCause: 'HARDWARE' } as never),
      (s) => (s.escalationLevel = 2),
      (s) => record(s, { actor: 'system', action: 'CLOCK_BREACHED', detail: 'firstReply' }, T0 + 5),
      () => undefined, // nothing changed: an empty delta
      (s) => (s.major = undefined),
      (s) => (s.disputeProne = { reason: 'r', by: 'x', at: 'y' } as never),
      (s) => (s.disputeProne = undefined),
    ];
    steps.forEach((step, i) => {
      step(state);
      const view = viewOf(state, i + 2);
      const { change, record: rec } = diffView(last, view);
      const next = applyChange(stored, change);
      expect(next).toEqual(view);
      stored = next!;
      last = rec;
    });
  });

  it('S10 a delta applies only to the version and timeline it was made from (else the whole view is sent)', () => {
    const state = createState(complaintInput());
    const v1 = viewOf(state, 1);
    const last = recordOf(v1);
    record(state, { actor: 'system', action: 'NOTE' }, T0);
    const v2 = viewOf(state, 2);
    const { change } = diffView(last, v2);
    expect(applyChange({ ...v1, version: 3 }, change)).toBeUndefined();
    expect(applyChange({ ...v1, timeline: [] }, change)).toBeUndefined();
    expect(applyChange(undefined, change)).toBeUndefined();
    // A record ahead of the view (a timeline shorter than projected) falls back to the whole view.
    expect(diffView({ ...last, timeline: 9 }, v2).change).toEqual({ full: v2 });
  });
});
