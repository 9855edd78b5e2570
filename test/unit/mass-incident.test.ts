// Pure rules of sudden mass complaints (R8): the area a complaint counts for, the burst window, the
// incident id, and what resolving and closing require.
import {
  areaOf,
  burstIn,
  checkCloseIncident,
  checkPlanItem,
  checkResolveIncident,
  DEFAULT_CONTINGENCY_PLAN,
  DEFAULT_MASS_INCIDENT_POLICY,
  itemsTickedByFinding,
  legacyChecklist,
  incidentId,
  newChecklist,
  pruneArrivals,
  validateMassIncidentPolicy,
  withKnownIssues,
  type BurstRule,
} from '../../domain/policy/mass-incident';
import { validatePolicySet } from '../../domain/policy/sla';
import { DEFAULT_POLICY_SET } from '../../domain/policy/default-policies';

const rule: BurstRule = { scope: 'site', count: 3, window: '30m' };
const M = 60_000;

describe('R8.1 recognising a burst', () => {
  it('R8.1 a complaint counts for its site before its cell, and for its region when no cell is known', () => {
    const rules = DEFAULT_MASS_INCIDENT_POLICY.rules;
    expect(areaOf({ cellId: '460-00-1-1', siteId: '460-00-1', region: 'haidian' }, rules)?.key).toBe(
      'site:460-00-1',
    );
    expect(areaOf({ cellId: '460-00-1-1', region: 'haidian' }, rules)?.key).toBe('cell:460-00-1-1');
    expect(areaOf({ region: 'haidian' }, rules)?.key).toBe('region:haidian');
    expect(areaOf({ region: 'haidian' }, [rule])).toBeUndefined();
  });

  it('R8.1 N complaints within the window make a burst; fewer, older or repeated ones do not', () => {
    const now = 100 * M;
    const three = [
      { ticketId: 'a', at: now - 20 * M },
      { ticketId: 'b', at: now - 10 * M },
      { ticketId: 'c', at: now },
    ];
    expect(burstIn(three, rule, now)?.map((a) => a.ticketId)).toEqual(['a', 'b', 'c']);
    expect(burstIn(three.slice(1), rule, now)).toBeUndefined();
    // One complaint reported twice (a retried activity) counts once.
    expect(burstIn([...three.slice(1), { ticketId: 'c', at: now }], rule, now)).toBeUndefined();
    // The first one fell out of the 30-minute window.
    expect(burstIn(three, rule, now + 11 * M)).toBeUndefined();
    expect(pruneArrivals(three, rule, now + 11 * M).map((a) => a.ticketId)).toEqual(['b', 'c']);
  });

  it('R8.1 the incident id is derived from the area and the minute the burst began', () => {
    const at = Date.parse('2026-11-27T08:30:42Z');
    expect(incidentId('site:460-00-12345', at)).toBe('INC-site:460-00-12345-202611270830');
    expect(incidentId('region:海淀', at)).toMatch(/^INC-region:__-/);
  });

  it('R8.1 thresholds are data, checked when a policy set is saved', () => {
    expect(validateMassIncidentPolicy(DEFAULT_MASS_INCIDENT_POLICY)).toEqual([]);
    const problems = validatePolicySet({
      ...DEFAULT_POLICY_SET,
      massIncident: { ...DEFAULT_MASS_INCIDENT_POLICY, rules: [{ scope: 'site', count: 1, window: 'soon' }] },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('massIncident.rules[0].count'),
        expect.stringContaining('massIncident.rules[0].window'),
      ]),
    );
  });
});

describe('R8.3 R8.5 resolving and closing', () => {
  const message = {
    customerMessage: '基站故障已修复，网络恢复正常',
    summary: '传输中断已抢通恢复，指标正常',
  };

  it('R8.3 an incident resolves only once the contingency checklist is worked through', () => {
    const list = newChecklist();
    expect(checkResolveIncident('OPEN', list, message)).toMatch(
      /changes, alarms, interference, kpis, notified, fieldTeam/,
    );
    for (const i of list) i.done = true;
    expect(checkResolveIncident('OPEN', list, message)).toBeUndefined();
    expect(checkResolveIncident('OPEN', list, { ...message, customerMessage: '好了' })).toMatch(
      /customerMessage/,
    );
    expect(checkResolveIncident('RESOLVED', list, message)).toMatch(/not OPEN/);
  });

  it('R8.5 closing needs a root cause and at least one preventive measure', () => {
    const ok = { rootCause: '施工挖断传输光缆导致基站退服', preventiveMeasures: ['建立光缆路由报备机制'] };
    expect(checkCloseIncident('RESOLVED', ok)).toBeUndefined();
    expect(checkCloseIncident('OPEN', ok)).toMatch(/only a RESOLVED/);
    expect(checkCloseIncident('RESOLVED', { ...ok, rootCause: '不详' })).toMatch(/rootCause/);
    expect(checkCloseIncident('RESOLVED', { ...ok, preventiveMeasures: ['  '] })).toMatch(
      /preventiveMeasures/,
    );
  });
});

describe('R8.5 the knowledge base in later pre-diagnoses', () => {
  it('R8.5 an earlier incident of the area becomes a ranked hypothesis with its root cause and measures', () => {
    const outcome = {
      hypotheses: [
        {
          id: 'a',
          cause: 'FAULT_ALARM',
          title: { 'zh-CN': '故障告警', en: 'Fault alarm' },
          score: 0.9,
          evidence: [],
          suggestedAction: '',
          ruleId: 'r',
        },
        {
          id: 'b',
          cause: 'CAPACITY',
          title: { 'zh-CN': '容量', en: 'Capacity' },
          score: 0.3,
          evidence: [],
          suggestedAction: '',
          ruleId: 'r',
        },
      ],
    } as unknown as Parameters<typeof withKnownIssues>[0];
    const out = withKnownIssues(outcome, [
      {
        incidentId: 'INC-site:1-202611270830',
        rootCause: '光缆中断',
        preventiveMeasures: ['增加备用路由'],
        closedAt: '2026-11-27T10:00:00Z',
      },
    ]);
    expect(out.hypotheses.map((h) => h.cause)).toEqual(['FAULT_ALARM', 'KNOWN_ISSUE', 'CAPACITY']);
    expect(out.hypotheses[1]!.evidence.join(' ')).toMatch(/INC-site:1-202611270830.*光缆中断.*增加备用路由/);
    expect(withKnownIssues(outcome, [])).toBe(outcome);
  });
});

describe('R8.6 the contingency plan is policy data', () => {
  it('R8.6 a plan item is ticked by a finding of its source, never by an answer that found nothing', () => {
    const list = newChecklist(DEFAULT_CONTINGENCY_PLAN);
    expect(itemsTickedByFinding(list, 'changes', { count: 0, top: [] })).toEqual([]);
    expect(itemsTickedByFinding(list, 'changes', undefined)).toEqual([]);
    expect(itemsTickedByFinding(list, 'alarms', { count: 2, top: ['critical X'] }).map((i) => i.id)).toEqual([
      'alarms',
    ]);
  });

  it('R8.6 a person ticks a known item only with a note', () => {
    const list = newChecklist();
    expect(checkPlanItem(list, { item: 'fieldTeam', done: true })).toMatch(/note/);
    expect(checkPlanItem(list, { item: 'fieldTeam', done: true, note: ' ' })).toMatch(/note/);
    expect(checkPlanItem(list, { item: 'coffee', done: true, note: '咖啡' })).toMatch(
      /no checklist item coffee/,
    );
    expect(checkPlanItem(list, { item: 'fieldTeam', done: true, note: '抢修队已到站' })).toBeUndefined();
    expect(checkPlanItem(list, { item: 'fieldTeam', done: false })).toBeUndefined();
  });

  it('R8.6 resolving waits for the items the plan needs before it; a first-release checklist keeps its rule', () => {
    const message = { customerMessage: '基站传输故障已修复，网络已恢复', summary: '传输光缆中断，已抢通' };
    const plan = [
      { id: 'power', title: '电源', role: 'department:power', beforeResolve: true },
      { id: 'press', title: '口径', role: 'interface', tickedBy: 'resolved' as const, beforeResolve: false },
    ];
    const list = newChecklist(plan);
    expect(checkResolveIncident('OPEN', list, message)).toMatch(/not worked through: power$/);
    list[0]!.done = true;
    expect(checkResolveIncident('OPEN', list, message)).toBeUndefined();
    const legacy = legacyChecklist().map((i) => ({ ...i, done: i.id !== 'customerMessage' }));
    expect(checkResolveIncident('OPEN', legacy, message)).toBeUndefined();
  });

  it('R8.6 a bad plan is refused naming the field', () => {
    const problems = validateMassIncidentPolicy({
      ...DEFAULT_MASS_INCIDENT_POLICY,
      plan: [
        { id: 'changes', title: 'x', role: 'department:network', tickedBy: 'changes', beforeResolve: true },
        { id: 'changes', title: 'y', role: '', beforeResolve: true },
        {
          id: 'msg',
          title: 'z',
          role: 'interface',
          tickedBy: 'weather' as never,
          beforeResolve: true,
        },
        { id: 'answer', title: 'w', role: 'interface', tickedBy: 'resolved', beforeResolve: true },
      ],
    });
    expect(problems).toEqual([
      'plan[1].id: "changes" is listed twice',
      'plan[1].role: who does it',
      'plan[2].tickedBy: one of changes, alarms, interference, kpis, notified, resolved',
      'plan[3].beforeResolve: an item ticked by the resolution cannot be needed before it',
    ]);
    expect(validateMassIncidentPolicy(DEFAULT_MASS_INCIDENT_POLICY)).toEqual([]);
  });
});
