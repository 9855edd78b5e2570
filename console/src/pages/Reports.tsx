// Weekly and monthly reports (R9): the list, one report with its charts and tables, and the
// downloads (the HTML page and every CSV table), fetched with the person's token. A draft (R9.4)
// takes the interface person's written analysis and rectification measures of its hot topics
// (PUT …/analysis) and is approved, which sends it (POST …/approve), by the roles allowed.
import { useState, type FormEvent } from 'react';
import type { HotTopic, Report } from '../../../activities/reports/model';
import type {
  ReportStatus,
  WrittenAnalysis as WrittenReportAnalysis,
} from '../../../domain/reports/analysis';
import { ApiError, get, getBlob, post, put } from '../api';
import { BarChart, ColumnChart } from '../components/charts';
import { ErrorNote, Loading, Section } from '../components/bits';
import { FieldError, FormError, problemOf, type Problem } from '../components/problem';
import { useT } from '../i18n';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { formatDateTime } from '../time';
import { useData } from '../useData';

interface ReportLinks {
  self: string;
  html: string;
  csv: Record<string, string>;
}
/** GET /v1/reports/{id}: the report, where it stands (R9.4) and its links. */
type ReportDoc = Report & {
  revision: number;
  status: ReportStatus;
  draft?: { send: 'scheduled' | 'approval'; sendAt?: string };
  sentAt?: string;
  sentTo?: string[];
  approvedBy?: string;
  links: ReportLinks;
};
/** What the draft's updates answer (the report run). */
interface ReportRun {
  stage: string;
  analysisBy?: string;
  approvedBy?: string;
}
interface ReportItem {
  id: string;
  kind: 'weekly' | 'monthly';
  period: string;
  revision: number;
  generatedAt: string;
  links: ReportLinks;
}

/** Saves a file the API serves only with a token: fetch → blob → a temporary link. */
async function download(path: string, fileName: string): Promise<void> {
  const blob = await getBlob(path);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function Reports({ id }: { id?: string }) {
  const { t, lang } = useT();
  const session = useSession();
  const list = useData(() => get<{ items: ReportItem[] }>('/v1/reports?limit=50'), []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const produce = async (kind: 'weekly' | 'monthly') => {
    setBusy(true);
    setError(undefined);
    try {
      const out = await post<{ id: string }>('/v1/reports', { kind, deliver: false });
      list.reload();
      navigate(`/reports/${encodeURIComponent(out.id)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main data-testid="reports">
      <div className="page-head">
        <h1>{t('nav.reports')}</h1>
        {session.can('POST /v1/reports') && (
          <div className="toolbar">
            <button type="button" disabled={busy} onClick={() => void produce('weekly')}>
              {t('reports.produceWeekly')}
            </button>
            <button type="button" disabled={busy} onClick={() => void produce('monthly')}>
              {t('reports.produceMonthly')}
            </button>
          </div>
        )}
      </div>
      <ErrorNote error={error} />
      <div className="columns reports-layout">
        <Section title={t('reports.list')} id="report-list">
          {list.loading && !list.value && <Loading />}
          <ErrorNote error={list.error} />
          {list.value?.items.length === 0 && <p className="muted">{t('reports.none')}</p>}
          <ul className="report-list">
            {list.value?.items.map((r) => (
              <li key={r.id} className={r.id === id ? 'active' : ''}>
                <Link to={`/reports/${encodeURIComponent(r.id)}`}>
                  {t.e('reportKind', r.kind)} {r.period}
                </Link>{' '}
                <span className="muted">
                  r{r.revision} · {formatDateTime(r.generatedAt, lang)}
                </span>
              </li>
            ))}
          </ul>
        </Section>
        {id ? <ReportView key={id} id={id} /> : <p className="muted">{t('reports.pick')}</p>}
      </div>
    </main>
  );
}

function ReportView({ id }: { id: string }) {
  const { t, lang } = useT();
  const session = useSession();
  const data = useData(() => get<ReportDoc>(`/v1/reports/${encodeURIComponent(id)}`), [id]);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();
  // Approved here: the run sends it now; the stored status follows once it is sent.
  const [approved, setApproved] = useState(false);
  if (data.loading && !data.value) return <Loading />;
  if (!data.value) return <ErrorNote error={data.error} />;
  const r = data.value;
  const writes =
    r.status === 'DRAFT' &&
    !approved &&
    (session.can('PUT /v1/reports/{id}/analysis') || session.can('POST /v1/reports/{id}/approve'));
  const f = r.figures;
  const save = (path: string, name: string) =>
    download(path, name).catch((err: unknown) => setError(err instanceof ApiError ? err : String(err)));
  const dayLabel = (d: string) => d.slice(5);

  return (
    <div className="report" data-testid="report">
      <Section
        title={`${t.e('reportKind', r.kind)} ${r.period} (${r.from.slice(0, 10)} – ${r.to.slice(0, 10)})`}
        id="report-overview"
      >
        <p>
          {t('reports.total', { n: r.overview.total, prev: r.overview.previous })}
          {r.overview.changePct !== null
            ? ` (${r.overview.changePct > 0 ? '+' : ''}${r.overview.changePct}%)`
            : ''}
        </p>
        <ul>
          {r.overview.highlights.map((h, i) => (
            <li key={i}>{h}</li>
          ))}
        </ul>
        <div className="downloads" data-testid="downloads">
          <strong>{t('reports.downloads')}:</strong>{' '}
          <button type="button" className="link" onClick={() => void save(r.links.html, `${r.id}.html`)}>
            HTML
          </button>
          {Object.entries(r.links.csv).map(([table, path]) => (
            <button
              key={table}
              type="button"
              className="link"
              onClick={() => void save(path, `${r.id}-${table}.csv`)}
            >
              {table}.csv
            </button>
          ))}
        </div>
        <ErrorNote error={error} />
        <p className="muted">
          {t('reports.generated', {
            at: formatDateTime(r.generatedAt, lang),
            by: r.requestedBy,
            rev: r.revision,
          })}
        </p>
        <ReportState report={r} />
        {notice && (
          <p className="notice" role="status" data-testid="notice">
            {notice}
          </p>
        )}
      </Section>
      {writes && (
        <DraftForm
          key={`${r.id}-${r.revision}`}
          report={r}
          onSaved={(by) => {
            setNotice(t('reports.saved', { by }));
            data.reload();
          }}
          onApproved={(by) => {
            setApproved(true);
            setNotice(t('reports.approved', { by }));
            data.reload();
          }}
        />
      )}
      {r.written && <WrittenAnalysis report={r} written={r.written} />}
      <Section title={t('reports.daily')} id="report-daily">
        <ColumnChart
          title={t('reports.daily')}
          points={r.daily.map((d) => ({ label: dayLabel(d.day), value: d.count, previous: d.previous }))}
        />
      </Section>
      <div className="columns">
        <Section title={t('reports.byCategory')} id="report-categories">
          <BarChart
            title={t('reports.byCategory')}
            bars={f.byCategory.map((c) => ({ label: t.e('category', c.key), value: c.count }))}
          />
        </Section>
        <Section title={t('reports.clocks')} id="report-clocks">
          <BarChart
            title={t('reports.clocks')}
            unit="%"
            bars={f.clocks.map((c) => ({ label: t.e('clock', c.clock), value: c.metPct ?? 0 }))}
          />
          <p className="muted">
            {t('reports.replied', { pct: f.replied.pct ?? '—', n: f.replied.notReplied })} ·{' '}
            {t('reports.firstReply', { pct: f.firstReply.within48hPct ?? '—' })}
          </p>
        </Section>
      </div>
      {r.trend.length > 0 && (
        <Section title={t('reports.trend')} id="report-trend">
          <ColumnChart
            title={t('reports.trend')}
            points={r.trend.map((p) => ({ label: p.period, value: p.count }))}
          />
        </Section>
      )}
      <Section title={t('reports.hotTopics')} id="report-hot">
        {r.topFive.length === 0 ? (
          <p className="muted">{t('reports.noHot')}</p>
        ) : (
          <table className="list compact">
            <thead>
              <tr>
                <th>{t('field.category')}</th>
                <th>{t('field.region')}</th>
                <th>{t('dashboard.complaints')}</th>
                <th>{t('reports.analysis')}</th>
                <th>{t('reports.measures')}</th>
              </tr>
            </thead>
            <tbody>
              {r.topFive.map((h) => (
                <tr key={h.key}>
                  <td>{t.e('category', h.category)}</td>
                  <td>{h.region}</td>
                  <td>
                    {h.count} ({h.previous})
                  </td>
                  <td>{h.analysis}</td>
                  <td>{h.measures.map((m) => `${m.text} ×${m.count}`).join('; ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      {r.previousHot.length > 0 && (
        <Section title={t('reports.previousHot')} id="report-previous-hot">
          <table className="list compact">
            <thead>
              <tr>
                <th>{t('field.category')}</th>
                <th>{t('field.region')}</th>
                <th>{t('reports.lastCount')}</th>
                <th>{t('reports.count')}</th>
                <th>{t('reports.status')}</th>
              </tr>
            </thead>
            <tbody>
              {r.previousHot.map((h) => (
                <tr key={h.key}>
                  <td>{t.e('category', h.category)}</td>
                  <td>{h.region}</td>
                  <td>{h.lastCount}</td>
                  <td>{h.count}</td>
                  <td>{h.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
    </div>
  );
}

/** Where the report stands: a draft waiting for its analysis and release, or sent (R9.4). */
function ReportState({ report: r }: { report: ReportDoc }) {
  const { t, lang } = useT();
  if (r.status === 'DRAFT')
    return (
      <p data-testid="report-status" data-status="DRAFT">
        <span className="badge">
          {r.draft?.send === 'scheduled' && r.draft.sendAt
            ? t('reports.draft', { at: formatDateTime(r.draft.sendAt, lang) })
            : t('reports.draftApproval')}
        </span>
      </p>
    );
  if (r.status === 'SENT')
    return (
      <p data-testid="report-status" data-status="SENT">
        {t('reports.sent', {
          at: r.sentAt ? formatDateTime(r.sentAt, lang) : '—',
          to: (r.sentTo ?? []).join(', ') || '—',
        })}
        {r.approvedBy ? ` · ${t('reports.approvedBy', { by: r.approvedBy })}` : ''}
      </p>
    );
  return null;
}

/** What the interface person wrote into the report, as it is sent (R9.4). */
function WrittenAnalysis({ report: r, written: w }: { report: ReportDoc; written: WrittenReportAnalysis }) {
  const { t, lang } = useT();
  const topicOf = (key: string) => r.hotTopics.find((h) => h.key === key);
  return (
    <Section title={t('reports.writtenTitle')} id="report-written">
      <p className="muted">{t('reports.written', { by: w.by, at: formatDateTime(w.at, lang) })}</p>
      {w.summary && <p>{w.summary}</p>}
      {w.topics.map((topic) => {
        const h = topicOf(topic.key);
        return (
          <div key={topic.key} data-testid="written-topic" data-topic={topic.key}>
            <h3>{h ? `${t.e('category', h.category)} · ${h.region}` : topic.key}</h3>
            <p>{topic.analysis}</p>
            <ol>
              {topic.measures.map((m, i) => (
                <li key={i}>{m}</li>
              ))}
            </ol>
          </div>
        );
      })}
    </Section>
  );
}

interface TopicDraft {
  analysis: string;
  measures: string[];
}

/**
 * The API names a topic by its place in the body it was sent (`topics.0.analysis` from the schema,
 * `topics[0].analysis: …` from the draft's check); the form shows it beside that topic's field,
 * named `<hot topic key>.analysis` or `<hot topic key>.measures`.
 */
function topicProblem(err: unknown, sentKeys: string[]): Problem {
  const problem = problemOf(err);
  const fields: Record<string, string> = {};
  const place = (index: string, field: string, message: string) => {
    const key = sentKeys[Number(index)];
    if (key === undefined) return;
    const name = `${key}.${field}`;
    fields[name] = fields[name] ? `${fields[name]}; ${message}` : message;
  };
  for (const [field, message] of Object.entries(problem.fields)) {
    const m = /^topics\.(\d+)\.(analysis|measures)/.exec(field);
    if (m) place(m[1] ?? '', m[2] ?? '', message);
    else fields[field] = message;
  }
  if (err instanceof ApiError)
    for (const m of err.message.matchAll(/topics\[(\d+)\]\.(analysis|measures|key): ([^;]*)/g))
      place(m[1] ?? '', m[2] === 'key' ? 'analysis' : (m[2] ?? ''), (m[3] ?? '').trim());
  return { ...problem, fields };
}

/** The draft's analysis (PUT …/analysis) and its approval (POST …/approve), for the roles allowed. */
function DraftForm({
  report: r,
  onSaved,
  onApproved,
}: {
  report: ReportDoc;
  onSaved: (by: string) => void;
  onApproved: (by: string) => void;
}) {
  const { t } = useT();
  const session = useSession();
  const path = `/v1/reports/${encodeURIComponent(r.id)}`;
  const [summary, setSummary] = useState(r.written?.summary ?? '');
  const [topics, setTopics] = useState<Record<string, TopicDraft>>(() =>
    Object.fromEntries(
      r.hotTopics.map((h) => {
        const w = r.written?.topics.find((x) => x.key === h.key);
        return [
          h.key,
          { analysis: w?.analysis ?? '', measures: w?.measures.length ? [...w.measures] : [''] },
        ];
      }),
    ),
  );
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);

  const change = (key: string, next: (d: TopicDraft) => TopicDraft) =>
    setTopics((all) => ({ ...all, [key]: next(all[key] ?? { analysis: '', measures: [''] }) }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    // A topic left blank is not analysed; one with any text goes, and the API checks it (≥ 1 measure).
    const written = r.hotTopics
      .map((h) => ({ key: h.key, draft: topics[h.key] ?? { analysis: '', measures: [] } }))
      .filter(({ draft }) => draft.analysis.trim() || draft.measures.some((m) => m.trim()));
    const body = {
      ...(summary.trim() ? { summary: summary.trim() } : {}),
      topics: written.map(({ key, draft }) => ({
        key,
        analysis: draft.analysis.trim(),
        measures: draft.measures.map((m) => m.trim()).filter(Boolean),
      })),
    };
    setBusy(true);
    setProblem(undefined);
    try {
      const run = await put<ReportRun>(`${path}/analysis`, body);
      onSaved(run.analysisBy ?? session.me.user);
    } catch (err) {
      setProblem(
        topicProblem(
          err,
          written.map((w) => w.key),
        ),
      );
    } finally {
      setBusy(false);
    }
  };

  const approve = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const run = await post<ReportRun>(`${path}/approve`, note.trim() ? { note: note.trim() } : {});
      onApproved(run.approvedBy ?? session.me.user);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  const topicTitle = (h: HotTopic) =>
    `${t.e('category', h.category)} · ${h.region} (${h.count}; ${h.reasons.join(', ')})`;
  return (
    <Section title={t('reports.write')} id="report-draft">
      <p className="muted">{t('reports.writeIntro')}</p>
      {session.can('PUT /v1/reports/{id}/analysis') && (
        <form onSubmit={(e) => void save(e)} noValidate data-testid="analysis-form">
          <div className="field">
            <label htmlFor="report-summary">{t('reports.summary')}</label>
            <textarea
              id="report-summary"
              name="summary"
              rows={2}
              value={summary}
              onChange={(e) => setSummary(e.target.value)}
            />
            <FieldError problem={problem} name="summary" />
          </div>
          {r.hotTopics.length === 0 && <p className="muted">{t('reports.noHot')}</p>}
          {r.hotTopics.map((h, i) => {
            const d = topics[h.key] ?? { analysis: '', measures: [''] };
            return (
              <fieldset key={h.key} data-testid="draft-topic" data-topic={h.key}>
                <legend>{topicTitle(h)}</legend>
                <div className="field">
                  <label htmlFor={`topic-${i}-analysis`}>{t('reports.topicAnalysis')}</label>
                  <textarea
                    id={`topic-${i}-analysis`}
                    name="analysis"
                    rows={3}
                    value={d.analysis}
                    onChange={(e) => change(h.key, (x) => ({ ...x, analysis: e.target.value }))}
                    aria-invalid={!!problem?.fields[`${h.key}.analysis`]}
                  />
                  <FieldError problem={problem} name={`${h.key}.analysis`} />
                </div>
                {d.measures.map((m, j) => (
                  <div key={j} className="field measure">
                    <label htmlFor={`topic-${i}-measure-${j}`}>{t('reports.measure', { n: j + 1 })}</label>
                    <input
                      id={`topic-${i}-measure-${j}`}
                      name="measure"
                      value={m}
                      onChange={(e) =>
                        change(h.key, (x) => ({
                          ...x,
                          measures: x.measures.map((old, k) => (k === j ? e.target.value : old)),
                        }))
                      }
                    />
                    {d.measures.length > 1 && (
                      <button
                        type="button"
                        className="link"
                        onClick={() =>
                          change(h.key, (x) => ({ ...x, measures: x.measures.filter((_, k) => k !== j) }))
                        }
                      >
                        {t('reports.removeMeasure')}
                      </button>
                    )}
                  </div>
                ))}
                <FieldError problem={problem} name={`${h.key}.measures`} />
                <button
                  type="button"
                  className="link"
                  onClick={() => change(h.key, (x) => ({ ...x, measures: [...x.measures, ''] }))}
                >
                  {t('reports.addMeasure')}
                </button>
              </fieldset>
            );
          })}
          <button type="submit" disabled={busy}>
            {t('reports.save')}
          </button>
        </form>
      )}
      {session.can('POST /v1/reports/{id}/approve') && (
        <div className="approve" data-testid="approve">
          <div className="field">
            <label htmlFor="report-approve-note">{t('reports.approveNote')}</label>
            <input
              id="report-approve-note"
              name="approveNote"
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
            <FieldError problem={problem} name="note" />
          </div>
          <button type="button" disabled={busy} onClick={() => void approve()}>
            {t('reports.approve')}
          </button>
        </div>
      )}
      <FormError problem={problem} />
    </Section>
  );
}
