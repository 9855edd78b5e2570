// R3.1 R3.2 the window of a re-gathering of the evidence (api/schemas RegatherEvidenceSchema):
// two ISO instants, from before to, at most 31 days apart; sent on as UTC.
import { RegatherEvidenceSchema } from '../../api/schemas';

const issuesOf = (body: unknown) => {
  const r = RegatherEvidenceSchema.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('R3.1 R3.2 the window of a re-gathering', () => {
  it('R3.1 two instants with offsets are accepted and sent on as UTC', () => {
    expect(
      RegatherEvidenceSchema.parse({ from: '2026-11-20T08:00:00+08:00', to: '2026-11-21T00:00:00Z' }),
    ).toEqual({
      from: '2026-11-20T00:00:00.000Z',
      to: '2026-11-21T00:00:00.000Z',
    });
    expect(issuesOf({ from: '2026-10-21T00:00:00Z', to: '2026-11-21T00:00:00Z' })).toEqual([]);
  });

  it('R3.1 a bad window is refused naming the field: not an instant, to before from, longer than 31 days', () => {
    expect(issuesOf({ from: '2026-11-20T08:00:00', to: '2026-11-21T00:00:00Z' })).toEqual([
      expect.stringMatching(/^from: an ISO 8601 instant with its offset/),
    ]);
    expect(issuesOf({ from: '2026-11-22T00:00:00Z', to: '2026-11-21T00:00:00Z' })).toEqual([
      'to: must be after from (2026-11-22T00:00:00Z)',
    ]);
    expect(issuesOf({ from: '2026-11-21T00:00:00Z', to: '2026-11-21T00:00:00Z' })).toEqual([
      'to: must be after from (2026-11-21T00:00:00Z)',
    ]);
    expect(issuesOf({ from: '2026-10-01T00:00:00Z', to: '2026-11-21T00:00:00Z' })).toEqual([
      'to: the window is at most 31 days; from → to is 51.0 days',
    ]);
    expect(issuesOf({ from: '2026-11-20T00:00:00Z' })).toEqual([expect.stringMatching(/^to: /)]);
    expect(issuesOf({ from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z', cells: [] })).toEqual([
      expect.stringMatching(/Unrecognized key: "cells"/),
    ]);
  });
});
