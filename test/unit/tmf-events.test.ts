// TMF621 events and the work-order reply (issue 19, T3, T4), the pure parts: which events a change
// makes, the reply's R4.6 fields, the hub query, and the event bodies validated against the
// published v5.0.1 document's event schemas.
import {
  CONTACT_NUMBER_REQUIRED,
  ticketChanges,
  ticketFactsOf,
  tmfEventBody,
  workOrderReplyKey,
  workOrderReplyOf,
  type TicketEvent,
  type TicketFacts,
  type TicketFactsSource,
} from '../../domain/tmf/events';
import { hubMatches, parseHubQuery, type HubCriteria } from '../../domain/tmf/hub-query';
import { statusFromFacts, STAGE_STATUS } from '../../domain/tmf/status';
import { statusFromFacts as apiStatusFromFacts } from '../../api/tmf/status';
import { workOrderReplyBody } from '../../activities/tmf-events';
import { schemaProblems } from '../support/tmf-schema';

const source = (over: Partial<TicketFactsSource> = {}): TicketFactsSource => ({
  ticketId: 'EMOS-T3-1',
  stage: 'RECEIVED',
  input: {
    channel: 'EMOS',
    externalId: 'T3-1',
    category: 'DROPPED_CALLS',
    description: '室内信号差，经常掉线',
    receivedAt: '2026-12-01T00:00:00.000Z',
    urgency: 'NORMAL',
  },
  team: 'haidian',
  paused: false,
  heldByIncident: false,
  ...over,
});
const facts = (over: Partial<TicketFactsSource> = {}) => ticketFactsOf(source(over));

const WORK = {
  ticketId: 'EMOS-T3-1',
  rounds: 1,
  findings: [{ checked: '话统与告警', found: '服务小区退服' }],
  resolution: {
    summary: '恢复小区后信号正常，已复测',
    rootCause: '小区退服',
    actions: '恢复小区并复测',
    by: 'handler.li',
    at: '2026-12-01T02:00:00.000Z',
  },
  replies: [
    { kind: 'FINAL', summary: '电话告知已恢复', customerConfirmed: true, satisfied: true, counts: true },
  ],
};

function event(over: Partial<TicketEvent> = {}): TicketEvent {
  return {
    eventId: 'EMOS-T3-1:1',
    eventType: 'TroubleTicketCreateEvent',
    eventTime: '2026-12-01T00:00:01.000Z',
    ticket: facts(),
    ...over,
  };
}

describe('T3 which events a change of the ticket makes', () => {
  it('T3 the first facts make the create event; nothing changed makes nothing', () => {
    expect(ticketChanges(undefined, facts())).toEqual([{ eventType: 'TroubleTicketCreateEvent' }]);
    expect(ticketChanges(facts(), facts())).toEqual([]);
  });

  it('T3 a status change is a StatusChangeEvent; resolved adds the ResolvedEvent with the resolve reply, closed carries the close reply', () => {
    const inProgress = facts({ stage: 'IN_PROGRESS' });
    expect(ticketChanges(facts(), inProgress)).toEqual([{ eventType: 'TroubleTicketStatusChangeEvent' }]);
    expect(ticketChanges(inProgress, facts({ stage: 'RESOLVED' }))).toEqual([
      { eventType: 'TroubleTicketStatusChangeEvent' },
      { eventType: 'TroubleTicketResolvedEvent', replyStep: 'resolve' },
    ]);
    // answering the customer keeps the status: no event
    expect(ticketChanges(facts({ stage: 'RESOLVED' }), facts({ stage: 'REPLYING' }))).toEqual([]);
    expect(ticketChanges(facts({ stage: 'REPLYING' }), facts({ stage: 'CLOSED' }))).toEqual([
      { eventType: 'TroubleTicketStatusChangeEvent', replyStep: 'close' },
    ]);
    // a paused clock and a mass incident change the status without a stage change
    expect(ticketChanges(inProgress, facts({ stage: 'IN_PROGRESS', paused: true }))[0]?.eventType).toBe(
      'TroubleTicketStatusChangeEvent',
    );
    expect(facts({ stage: 'IN_PROGRESS', heldByIncident: true }).status).toBe('held');
  });

  it('T3 severity, priority and assignment changes are one AttributeValueChangeEvent naming them', () => {
    const before = facts({ stage: 'IN_PROGRESS' });
    const after = facts({ stage: 'IN_PROGRESS', major: { reason: 'x' }, assignee: 'handler.li' });
    expect(after.severity).toBe('Critical');
    expect(ticketChanges(before, after)).toEqual([
      { eventType: 'TroubleTicketAttributeValueChangeEvent', changed: ['severity', 'assignee'] },
    ]);
  });

  it('T3 the workflow and the API use the one status mapping', () => {
    expect(apiStatusFromFacts).toBe(statusFromFacts);
    expect(STAGE_STATUS.TRANSFERRED).toBe('pending');
  });
});

describe('T4 the structured work-order reply', () => {
  it('T4 resolve carries what was checked, found, the cause and the actions; close also what the customer was told and confirmed', () => {
    const resolve = workOrderReplyOf(WORK, 'resolve');
    expect(resolve).toMatchObject({
      key: 'EMOS-T3-1:reply:resolve:1',
      checked: '话统与告警',
      found: '服务小区退服',
      rootCause: '小区退服',
      actions: '恢复小区并复测',
      summary: '恢复小区后信号正常，已复测',
    });
    expect(resolve.customerTold).toBeUndefined();
    const close = workOrderReplyOf({ ...WORK, rounds: 2 }, 'close');
    expect(close).toMatchObject({
      key: 'EMOS-T3-1:reply:close:2',
      customerTold: '电话告知已恢复',
      customerConfirmed: true,
      satisfied: true,
    });
    expect(workOrderReplyKey('A-1', 'close', 3)).toBe('A-1:reply:close:3');
  });

  it('T4 the HTTP reply body names the dispatching ticket and the key', () => {
    const reply = workOrderReplyOf(WORK, 'resolve');
    const body = workOrderReplyBody(event({ reply }), reply, 'http://api.example');
    expect(body).toMatchObject({
      idempotencyKey: reply.key,
      externalId: 'T3-1',
      channel: 'EMOS',
      href: 'http://api.example/tmf-api/troubleTicket/v5/troubleTicket/EMOS-T3-1',
      rootCause: '小区退服',
    });
  });
});

describe('T3 the hub query (TMF630 attribute filtering over events)', () => {
  const ok = (q: string): HubCriteria => {
    const r = parseHubQuery(q);
    if ('error' in r) throw new Error(r.error);
    return r.criteria;
  };

  it('T3 parses bare and event-prefixed attributes, a comma meaning any of', () => {
    expect(ok('')).toEqual({});
    expect(ok('eventType=TroubleTicketResolvedEvent,TroubleTicketStatusChangeEvent&channel.id=emos')).toEqual(
      {
        eventType: ['TroubleTicketResolvedEvent', 'TroubleTicketStatusChangeEvent'],
        'channel.id': ['emos'],
      },
    );
    expect(ok('event.troubleTicket.status=resolved')).toEqual({ status: ['resolved'] });
  });

  it('T3 refuses what it does not filter on, unknown values, repeats and empty values', () => {
    for (const q of [
      'sort=id',
      'status=done',
      'eventType=TicketDeleted',
      'status=resolved&status=closed',
      'status=',
      'status',
    ]) {
      expect(parseHubQuery(q)).toHaveProperty('error');
    }
  });

  it('T3 matches every attribute, channel without regard to case', () => {
    const resolved = event({ eventType: 'TroubleTicketResolvedEvent', ticket: facts({ stage: 'RESOLVED' }) });
    expect(hubMatches({}, resolved)).toBe(true);
    expect(hubMatches(ok('eventType=TroubleTicketResolvedEvent&channel.id=emos'), resolved)).toBe(true);
    expect(hubMatches(ok('status=resolved,closed&externalIdentifier.id=T3-1'), resolved)).toBe(true);
    expect(hubMatches(ok('status=closed'), resolved)).toBe(false);
    expect(hubMatches(ok('channel.name=GREEN_NET'), resolved)).toBe(false);
    expect(hubMatches(ok('severity=Minor&ticketType=DROPPED_CALLS'), resolved)).toBe(true);
  });
});

describe('T3 event bodies fit the published TMF621 v5.0.1 event schemas', () => {
  const resolvedFacts: TicketFacts = facts({ stage: 'RESOLVED' });
  const cases: TicketEvent[] = [
    event(),
    event({
      eventId: 'EMOS-T3-1:2',
      eventType: 'TroubleTicketStatusChangeEvent',
      ticket: facts({ stage: 'IN_PROGRESS' }),
      statusChangeReason: 'TRIAGED: SELF',
    }),
    event({
      eventId: 'EMOS-T3-1:3',
      eventType: 'TroubleTicketAttributeValueChangeEvent',
      changed: ['assignee'],
      ticket: facts({ assignee: 'handler.li' }),
    }),
    event({
      eventId: 'EMOS-T3-1:4',
      eventType: 'TroubleTicketResolvedEvent',
      ticket: resolvedFacts,
      reply: workOrderReplyOf(WORK, 'resolve'),
    }),
    event({
      eventId: 'EMOS-T3-1:5',
      eventType: 'TroubleTicketStatusChangeEvent',
      ticket: facts({ stage: 'CLOSED' }),
      reply: workOrderReplyOf(WORK, 'close'),
    }),
    event({
      eventId: 'EMOS-T3-1:6',
      eventType: 'TroubleTicketInformationRequiredEvent',
      informationRequired: CONTACT_NUMBER_REQUIRED,
    }),
  ];
  it.each(cases.map((c) => [c.eventType, c] as const))('T3 %s', (type, e) => {
    const body = tmfEventBody(e);
    expect(schemaProblems(type, body)).toEqual([]);
    expect(body).toMatchObject({ '@type': type, eventId: e.eventId, eventType: type });
    // no personal number travels in an event
    expect(JSON.stringify(body)).not.toMatch(/\+86\d{6,}/);
  });

  it('T3 the reply rides the ResolvedEvent as notes and characteristics', () => {
    const body = tmfEventBody(cases[3]!) as { event: { troubleTicket: Record<string, unknown> } };
    const t = body.event.troubleTicket;
    const chars = t.troubleTicketCharacteristic as { name: string; value: unknown }[];
    expect(chars.find((c) => c.name === 'workOrderReplyKey')?.value).toBe('EMOS-T3-1:reply:resolve:1');
    expect(chars.find((c) => c.name === 'rootCause')?.value).toBe('小区退服');
    expect((t.note as { text: string }[]).map((n) => n.text)).toContain('checked: 话统与告警');
    expect(t.status).toBe('resolved');
    expect(t.resolutionDate).toBe('2026-12-01T02:00:00.000Z');
  });
});
