// The read model's versioned upsert writes every field of the summary, including the ones that
// became empty (found by the console, issue #10: an acknowledged escalation stayed "awaiting").
// That is R5.7: an escalation the role acknowledged must leave the role's escalated-to-me list,
// which the read model's awaitingAckRole drives.
import { setAndUnset } from '../../activities/projection';

describe("R5.7 an acknowledged escalation leaves the role's list: the read model forgets what the complaint no longer has", () => {
  it('R5.7 undefined fields are unset, defined ones set (an acknowledged escalation no longer awaits)', () => {
    const update = setAndUnset({
      _id: 'EMOS-1',
      version: 7,
      escalationLevel: 1,
      awaitingAckRole: undefined,
      nextDueAt: undefined,
      hot: false,
    });
    expect(update).toEqual({
      $set: { _id: 'EMOS-1', version: 7, escalationLevel: 1, hot: false },
      $unset: { awaitingAckRole: '', nextDueAt: '' },
    });
  });

  it('R5.7 a document without undefined fields is a plain $set (an escalation still awaiting keeps its role)', () => {
    expect(setAndUnset({ _id: 'EMOS-1', version: 1, awaitingAckRole: 'supervisor' })).toEqual({
      $set: { _id: 'EMOS-1', version: 1, awaitingAckRole: 'supervisor' },
    });
  });
});
