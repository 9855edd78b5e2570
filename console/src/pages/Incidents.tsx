// Sudden mass complaints (R8): the incidents (GET /v1/incidents, the active ones first shown), and
// one incident (GET /v1/incidents/{id}): its stage, area, linked complaints, the contingency plan
// (预案, R8.3, R8.6) with who ticked each item, how and when, what the area evidence found, and the
// timeline. The roles that work an incident take ownership, tick a plan item with a note of what
// was checked and found, resolve it (every linked customer is answered, R8.4) and close it with the
// root cause and preventive measures (R8.5); the API refuses what the stage does not allow (409).
import { useState, type FormEvent } from 'react';
import type { IncidentView } from '../../../domain/incident';
import type { ChecklistItem } from '../../../domain/policy/mass-incident';
import { get, post } from '../api';
import { ErrorNote, Loading, Section } from '../components/bits';
import { FieldError, FormError, problemOf, type Problem } from '../components/problem';
import { usePageText, useT } from '../i18n';
import { Link, navigate, useRoute } from '../router';
import { useSession } from '../session';
import { formatDateTime, formatDuration } from '../time';
import { useData } from '../useData';

const TEXT = {
  en: {
    title: 'Mass incidents',
    show: 'Show',
    ACTIVE: 'active (not closed)',
    all: 'all',
    empty: 'No incident.',
    pick: 'Pick an incident.',
    incident: 'Incident',
    area: 'Area',
    region: 'Region',
    cells: 'Cells',
    stage: 'Stage',
    complaints: 'Complaints',
    since: 'Since',
    owner: 'Owner',
    noOwner: 'nobody yet',
    notified: 'Departments and leaders told {at} ({latency} after the first complaint)',
    OPEN: 'open',
    RESOLVED: 'resolved',
    CLOSED: 'closed',
    plan: 'Contingency plan',
    item: 'Item',
    who: 'Who does it',
    done: 'Done',
    how: 'Ticked by',
    finding: 'a finding of the area evidence',
    event: 'an event of the incident',
    person: 'a person',
    note: 'Note',
    beforeResolve: 'needed before resolving',
    tick: 'Tick',
    untick: 'Untick',
    tickNote: 'What was checked and found',
    ticked: 'Ticked {item}.',
    unticked: 'Unticked {item}.',
    findings: 'What the area evidence found',
    noFindings: 'The area evidence is not in yet.',
    gathered: 'Gathered {at}',
    changes: 'Upgrades and cutovers',
    alarms: 'Alarms',
    interference: 'Interference',
    kpis: 'Cell KPIs',
    gaps: 'Gaps',
    knownIssues: 'Earlier incidents in this area',
    linked: 'Linked complaints ({n})',
    linkError: 'not told: {e}',
    timeline: 'Timeline',
    at: 'When',
    actor: 'By',
    action: 'What',
    actions: 'Actions',
    owner_title: 'Take ownership',
    owner_done: 'You own the incident.',
    resolve_title: 'Resolve (every linked customer is answered)',
    resolve_done: 'Resolved: the linked customers are being answered.',
    close_title: 'Close with the root cause',
    close_done: 'Closed: the root cause and measures are in the knowledge base.',
    customerMessage: 'Message to every linked customer',
    summary: 'Summary of what was done',
    rootCause: 'Root cause',
    preventiveMeasures: 'Preventive measures, one per line',
    lessons: 'Lessons (optional)',
    ownerNote: 'Note (optional)',
    resolution: 'Resolution',
    closure: 'Closure',
  },
  'zh-CN': {
    title: '突发事件',
    show: '显示',
    ACTIVE: '未关闭',
    all: '全部',
    empty: '暂无突发事件。',
    pick: '请选择一个突发事件。',
    incident: '事件',
    area: '区域',
    region: '地区',
    cells: '小区',
    stage: '状态',
    complaints: '投诉数',
    since: '开始时间',
    owner: '负责人',
    noOwner: '尚无',
    notified: '已于 {at} 通知相关部门与领导（首个投诉后 {latency}）',
    OPEN: '处理中',
    RESOLVED: '已解决',
    CLOSED: '已关闭',
    plan: '应急预案',
    item: '项目',
    who: '负责角色',
    done: '完成',
    how: '勾选依据',
    finding: '区域证据的发现',
    event: '事件本身',
    person: '人工核查',
    note: '说明',
    beforeResolve: '解决前必须完成',
    tick: '勾选',
    untick: '取消勾选',
    tickNote: '核查了什么、发现了什么',
    ticked: '已勾选 {item}。',
    unticked: '已取消勾选 {item}。',
    findings: '区域证据',
    noFindings: '区域证据尚未收集完成。',
    gathered: '收集于 {at}',
    changes: '升级与割接',
    alarms: '告警',
    interference: '干扰',
    kpis: '小区指标',
    gaps: '缺失',
    knownIssues: '本区域以往事件',
    linked: '关联投诉（{n}）',
    linkError: '未能通知：{e}',
    timeline: '时间线',
    at: '时间',
    actor: '操作人',
    action: '操作',
    actions: '操作',
    owner_title: '认领事件',
    owner_done: '已认领该事件。',
    resolve_title: '解决（答复所有关联客户）',
    resolve_done: '已解决：正在答复关联客户。',
    close_title: '填写根因并关闭',
    close_done: '已关闭：根因与预防措施已进入知识库。',
    customerMessage: '发给所有关联客户的答复',
    summary: '处理经过',
    rootCause: '根因',
    preventiveMeasures: '预防措施，每行一条',
    lessons: '经验教训（可选）',
    ownerNote: '说明（可选）',
    resolution: '解决情况',
    closure: '关闭情况',
  },
} as const;
const useText = () => usePageText(TEXT);

interface IncidentItem {
  incidentId: string;
  areaKey: string;
  region?: string;
  stage: IncidentView['stage'];
  complaintCount: number;
  startedAt: string;
  owner?: string;
}

const path = (id: string, action = '') =>
  `/v1/incidents/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

export function Incidents({ id }: { id?: string }) {
  const tx = useText();
  const { lang } = useT();
  const { query } = useRoute();
  const stage = query.get('stage') === 'all' ? 'all' : 'ACTIVE';
  const list = useData(
    () =>
      get<{ items: IncidentItem[] }>(`/v1/incidents?limit=100${stage === 'ACTIVE' ? '&stage=ACTIVE' : ''}`),
    [stage],
  );
  const show = (s: string) => {
    const base = id ? `/incidents/${encodeURIComponent(id)}` : '/incidents';
    navigate(s === 'all' ? `${base}?stage=all` : base, true);
  };
  return (
    <main data-testid="incidents-page">
      <h1>{tx('title')}</h1>
      <div className="toolbar">
        <label>
          {tx('show')}{' '}
          <select name="stage" value={stage} onChange={(e) => show(e.target.value)}>
            <option value="ACTIVE">{tx('ACTIVE')}</option>
            <option value="all">{tx('all')}</option>
          </select>
        </label>
      </div>
      <div className="columns">
        <Section title={tx('title')} id="incident-list">
          {list.loading && !list.value && <Loading />}
          <ErrorNote error={list.error} />
          {list.value?.items.length === 0 && <p className="muted">{tx('empty')}</p>}
          {list.value && list.value.items.length > 0 && (
            <table className="list compact">
              <thead>
                <tr>
                  <th>{tx('incident')}</th>
                  <th>{tx('stage')}</th>
                  <th>{tx('complaints')}</th>
                  <th>{tx('since')}</th>
                </tr>
              </thead>
              <tbody>
                {list.value.items.map((i) => (
                  <tr
                    key={i.incidentId}
                    className={i.incidentId === id ? 'active' : ''}
                    data-testid="incident-row"
                    data-incident={i.incidentId}
                  >
                    <td>
                      <Link to={`/incidents/${encodeURIComponent(i.incidentId)}`}>{i.incidentId}</Link>
                      <br />
                      <span className="muted">
                        {i.areaKey}
                        {i.owner ? ` · ${i.owner}` : ''}
                      </span>
                    </td>
                    <td>{tx(i.stage)}</td>
                    <td>{i.complaintCount}</td>
                    <td>{formatDateTime(i.startedAt, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
        {id ? (
          <IncidentDetail key={id} id={id} onChanged={list.reload} />
        ) : (
          <p className="muted">{tx('pick')}</p>
        )}
      </div>
    </main>
  );
}

function IncidentDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const tx = useText();
  const { t, lang } = useT();
  const session = useSession();
  const data = useData(() => get<IncidentView>(path(id)), [id]);
  const [notice, setNotice] = useState<string>();
  if (data.loading && !data.value) return <Loading />;
  if (!data.value) return <ErrorNote error={data.error} />;
  const v = data.value;
  const done = (view: IncidentView, message: string) => {
    data.set(view);
    setNotice(message);
    onChanged();
  };
  const can = (action: string) => session.can(`POST /v1/incidents/{id}/${action}`);

  return (
    <div className="incident" data-testid="incident" data-stage={v.stage}>
      <Section title={`${tx('incident')} ${v.incidentId}`} id="incident-overview">
        <dl className="facts">
          <dt>{tx('stage')}</dt>
          <dd data-testid="incident-stage">{tx(v.stage)}</dd>
          <dt>{tx('area')}</dt>
          <dd>{v.areaKey}</dd>
          <dt>{tx('region')}</dt>
          <dd>{v.area.region || '—'}</dd>
          <dt>{tx('cells')}</dt>
          <dd>{v.area.cellIds.join(', ') || '—'}</dd>
          <dt>{tx('complaints')}</dt>
          <dd data-testid="incident-count">{v.complaintCount}</dd>
          <dt>{tx('since')}</dt>
          <dd>{formatDateTime(v.startedAt, lang)}</dd>
          <dt>{tx('owner')}</dt>
          <dd>{v.owner ?? tx('noOwner')}</dd>
        </dl>
        {v.notifiedAt && (
          <p className="muted">
            {tx('notified', {
              at: formatDateTime(v.notifiedAt, lang),
              latency: v.notifyLatencyMs !== undefined ? formatDuration(v.notifyLatencyMs) : '—',
            })}
          </p>
        )}
        {notice && (
          <p className="notice" role="status" data-testid="notice">
            {notice}
          </p>
        )}
      </Section>

      <Section title={tx('plan')} id="incident-plan">
        <table className="list compact">
          <thead>
            <tr>
              <th>{tx('item')}</th>
              <th>{tx('who')}</th>
              <th>{tx('done')}</th>
              <th>{tx('note')}</th>
              {can('checklist') && v.stage === 'OPEN' && <th />}
            </tr>
          </thead>
          <tbody>
            {v.checklist.map((item) => (
              <tr
                key={item.id}
                data-testid="plan-item"
                data-item={item.id}
                data-done={item.done ? 'true' : 'false'}
              >
                <td>
                  {item.title}
                  {item.beforeResolve && <span className="muted"> · {tx('beforeResolve')}</span>}
                </td>
                <td>{item.role ? t.e('role', item.role) : '—'}</td>
                <td>
                  {item.done ? (
                    <span data-testid="ticked">
                      ✓ {item.by ?? ''}
                      {item.at ? ` · ${formatDateTime(item.at, lang)}` : ''}
                      {item.how ? ` · ${tx('how')}: ${tx(item.how)}` : ''}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{item.note ?? ''}</td>
                {can('checklist') && v.stage === 'OPEN' && (
                  <td>
                    <TickForm
                      incidentId={v.incidentId}
                      item={item}
                      onDone={(view) =>
                        done(view, tx(item.done ? 'unticked' : 'ticked', { item: item.title }))
                      }
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </Section>

      <Findings view={v} />

      {(can('owner') || can('resolve') || can('close')) && v.stage !== 'CLOSED' && (
        <Section title={tx('actions')} id="incident-actions">
          <div className="action-grid">
            {can('owner') && v.stage === 'OPEN' && v.owner !== session.me.user && (
              <IncidentForm
                incidentId={v.incidentId}
                action="owner"
                title={tx('owner_title')}
                fields={[{ name: 'note', label: tx('ownerNote'), kind: 'text', optional: true }]}
                onDone={(view) => done(view, tx('owner_done'))}
              />
            )}
            {can('resolve') && v.stage === 'OPEN' && (
              <IncidentForm
                incidentId={v.incidentId}
                action="resolve"
                title={tx('resolve_title')}
                fields={[
                  { name: 'customerMessage', label: tx('customerMessage'), kind: 'textarea' },
                  { name: 'summary', label: tx('summary'), kind: 'textarea' },
                ]}
                onDone={(view) => done(view, tx('resolve_done'))}
              />
            )}
            {can('close') && v.stage === 'RESOLVED' && (
              <IncidentForm
                incidentId={v.incidentId}
                action="close"
                title={tx('close_title')}
                fields={[
                  { name: 'rootCause', label: tx('rootCause'), kind: 'textarea' },
                  { name: 'preventiveMeasures', label: tx('preventiveMeasures'), kind: 'lines' },
                  { name: 'lessons', label: tx('lessons'), kind: 'textarea', optional: true },
                ]}
                onDone={(view) => done(view, tx('close_done'))}
              />
            )}
          </div>
        </Section>
      )}

      {v.resolution && (
        <Section title={tx('resolution')} id="incident-resolution">
          <p>{v.resolution.summary}</p>
          <p className="muted">
            {v.resolution.customerMessage} — {v.resolution.by}, {formatDateTime(v.resolution.at, lang)}
          </p>
        </Section>
      )}
      {v.closure && (
        <Section title={tx('closure')} id="incident-closure">
          <p>{v.closure.rootCause}</p>
          <ul>
            {v.closure.preventiveMeasures.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
          <p className="muted">
            {v.closure.by}, {formatDateTime(v.closure.at, lang)}
          </p>
        </Section>
      )}

      <Section title={tx('linked', { n: v.complaintCount })} id="incident-linked">
        <ul className="linked">
          {v.linked.map((c) => (
            <li key={c.ticketId}>
              <Link to={`/complaints/${encodeURIComponent(c.ticketId)}`}>{c.ticketId}</Link>{' '}
              <span className="muted">
                {formatDateTime(c.linkedAt, lang)}
                {c.linkError ? ` · ${tx('linkError', { e: c.linkError })}` : ''}
              </span>
            </li>
          ))}
        </ul>
      </Section>

      <Section title={tx('timeline')} id="incident-timeline">
        <table className="list compact">
          <thead>
            <tr>
              <th>{tx('at')}</th>
              <th>{tx('actor')}</th>
              <th>{tx('action')}</th>
            </tr>
          </thead>
          <tbody>
            {v.timeline.map((e, i) => (
              <tr key={i}>
                <td>{formatDateTime(e.at, lang)}</td>
                <td>{e.actor}</td>
                <td>
                  {t.e('action', e.action)}
                  {e.detail ? <span className="muted"> · {e.detail}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}

/** What the area evidence found per source (R8.3), its gaps, and the area's earlier incidents (R8.5). */
function Findings({ view }: { view: IncidentView }) {
  const tx = useText();
  const { lang } = useT();
  const f = view.findings;
  return (
    <Section title={tx('findings')} id="incident-findings">
      {!f ? (
        <p className="muted">{tx('noFindings')}</p>
      ) : (
        <>
          <p className="muted">{tx('gathered', { at: formatDateTime(f.gatheredAt, lang) })}</p>
          <ul>
            {(['changes', 'alarms', 'interference', 'kpis'] as const).map((source) => (
              <li key={source} data-testid="finding" data-source={source}>
                {tx(source)}: {f[source].count}
                {f[source].top.length > 0 ? ` — ${f[source].top.join('; ')}` : ''}
              </li>
            ))}
          </ul>
          {f.gaps.length > 0 && (
            <p className="muted">
              {tx('gaps')}: {f.gaps.join('; ')}
            </p>
          )}
          {f.knownIssues.length > 0 && (
            <>
              <h3>{tx('knownIssues')}</h3>
              <ul>
                {f.knownIssues.map((k) => (
                  <li key={k.incidentId}>
                    {k.incidentId}: {k.rootCause} ({k.preventiveMeasures.join('; ')})
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </Section>
  );
}

/** Ticks a plan item with a note of what was checked and found (R8.6), or unticks it. */
function TickForm({
  incidentId,
  item,
  onDone,
}: {
  incidentId: string;
  item: ChecklistItem;
  onDone: (view: IncidentView) => void;
}) {
  const tx = useText();
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const send = async (done: boolean) => {
    setBusy(true);
    setProblem(undefined);
    try {
      const body = { item: item.id, done, ...(note.trim() ? { note: note.trim() } : {}) };
      onDone(await post<IncidentView>(path(incidentId, 'checklist'), body));
      setNote('');
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };
  if (item.done)
    return (
      <button type="button" className="link" disabled={busy} onClick={() => void send(false)}>
        {tx('untick')}
      </button>
    );
  return (
    <form
      data-testid={`tick-${item.id}`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void send(true);
      }}
    >
      <input
        name="note"
        aria-label={tx('tickNote')}
        placeholder={tx('tickNote')}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        aria-invalid={!!problem?.fields.note}
      />
      <FieldError problem={problem} name="note" />
      <button type="submit" disabled={busy}>
        {tx('tick')}
      </button>
      <FormError problem={problem} />
    </form>
  );
}

interface FieldSpec {
  name: string;
  label: string;
  /** lines: one array entry per non-empty line. */
  kind: 'text' | 'textarea' | 'lines';
  optional?: boolean;
}

/** One incident action (owner, resolve, close): its fields, the API's refusal beside them. */
function IncidentForm({
  incidentId,
  action,
  title,
  fields,
  onDone,
}: {
  incidentId: string;
  action: 'owner' | 'resolve' | 'close';
  title: string;
  fields: FieldSpec[];
  onDone: (view: IncidentView) => void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    for (const f of fields) {
      const raw = (values[f.name] ?? '').trim();
      if (f.kind === 'lines')
        body[f.name] = raw
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
      else if (raw || !f.optional) body[f.name] = raw;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      onDone(await post<IncidentView>(path(incidentId, action), body));
      setValues({});
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="action"
      data-testid={`incident-action-${action}`}
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <h3>{title}</h3>
      {fields.map((f) => {
        const id = `incident-${action}-${f.name}`;
        const invalid = Object.keys(problem?.fields ?? {}).some(
          (k) => k === f.name || k.startsWith(`${f.name}.`),
        );
        return (
          <div key={f.name} className="field">
            <label htmlFor={id}>{f.label}</label>
            {f.kind === 'text' ? (
              <input
                id={id}
                name={f.name}
                value={values[f.name] ?? ''}
                onChange={(e) => setValues((s) => ({ ...s, [f.name]: e.target.value }))}
                aria-invalid={invalid}
              />
            ) : (
              <textarea
                id={id}
                name={f.name}
                rows={3}
                value={values[f.name] ?? ''}
                onChange={(e) => setValues((s) => ({ ...s, [f.name]: e.target.value }))}
                aria-invalid={invalid}
              />
            )}
            <FieldError problem={problem} name={f.name} />
          </div>
        );
      })}
      <FormError problem={problem} />
      <button type="submit" disabled={busy}>
        {title}
      </button>
    </form>
  );
}
