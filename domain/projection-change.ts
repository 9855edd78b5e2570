// What one projection of a complaint carries since issue 23: the first projection (and any resync)
// the whole view, every later one only what changed since the projection before it — the top-level
// fields whose value changed, the fields that became empty, and the timeline entries added. The
// workflow makes it (diffView) from a small record of what it last projected; the read model
// applies it with a version guard (activities/projection.ts); applyChange is the same change on a
// view in memory (the workflow tests' fake read model and the unit tests). Pure and deterministic.
import type { ComplaintView, TimelineEntry } from './complaint';

/** A change relative to version `base` of the stored view. */
export interface ComplaintViewDelta {
  ticketId: string;
  /** the stored version this applies to */
  base: number;
  /** the version the view has after it */
  version: number;
  /** top-level fields with their new value (never `timeline`, `version`) */
  set: Partial<ComplaintView>;
  /** top-level fields that became empty */
  unset: string[];
  /** the timeline entries added; the first is `timeline[timelineFrom]` */
  timelineFrom: number;
  timeline: TimelineEntry[];
}

export type ComplaintChange = { full: ComplaintView } | { delta: ComplaintViewDelta };

/**
 * What the workflow last projected: each field's JSON and the timeline's length. (A 53-bit hash of
 * the JSON instead was tried: no smaller heap per complaint in `bench:workflow-heap`, and hashing in
 * JavaScript took 13 % of the workflow thread's CPU in the 1,000-deadline profile; comparing two
 * strings costs next to nothing.)
 */
export interface ProjectedRecord {
  version: number;
  fields: Record<string, string>;
  timeline: number;
}

function fieldsOf(view: ComplaintView): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(view)) {
    if (key === 'timeline' || key === 'version' || value === undefined) continue;
    fields[key] = JSON.stringify(value);
  }
  return fields;
}

/** The record of a view projected whole. */
export function recordOf(view: ComplaintView): ProjectedRecord {
  return { version: view.version, fields: fieldsOf(view), timeline: view.timeline.length };
}

/**
 * The change from what was last projected (`last`) to `view`, and the record to keep once it is
 * applied. Without a record, or when the timeline got shorter than what was projected (it only grows
 * in the workflow, so this means a record that no longer fits), the whole view.
 */
export function diffView(
  last: ProjectedRecord | undefined,
  view: ComplaintView,
): { change: ComplaintChange; record: ProjectedRecord } {
  if (!last || view.timeline.length < last.timeline)
    return { change: { full: view }, record: recordOf(view) };
  const fields = fieldsOf(view);
  const set: Record<string, unknown> = {};
  for (const [key, json] of Object.entries(fields))
    if (last.fields[key] !== json) set[key] = (view as unknown as Record<string, unknown>)[key];
  const unset = Object.keys(last.fields).filter((key) => !(key in fields));
  return {
    change: {
      delta: {
        ticketId: view.ticketId,
        base: last.version,
        version: view.version,
        set: set as Partial<ComplaintView>,
        unset,
        timelineFrom: last.timeline,
        timeline: view.timeline.slice(last.timeline),
      },
    },
    record: { version: view.version, fields, timeline: view.timeline.length },
  };
}

/** The view after the change; undefined when a delta does not apply to `view` (another version). */
export function applyChange(
  view: ComplaintView | undefined,
  change: ComplaintChange,
): ComplaintView | undefined {
  if ('full' in change) return change.full;
  const d = change.delta;
  if (!view || view.version !== d.base || view.timeline.length !== d.timelineFrom) return undefined;
  const next: Record<string, unknown> = { ...view, ...d.set, version: d.version };
  for (const key of d.unset) delete next[key];
  next.timeline = [...view.timeline, ...d.timeline];
  return next as unknown as ComplaintView;
}
