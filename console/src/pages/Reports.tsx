// Weekly and monthly reports (R9): the list, one report with its charts and tables, and the
// downloads (the HTML page and every CSV table), fetched with the person's token.
import { useState } from 'react';
import type { Report } from '../../../activities/reports/model';
import { ApiError, get, getBlob, post } from '../api';
import { BarChart, ColumnChart } from '../components/charts';
import { ErrorNote, Loading, Section } from '../components/bits';
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
        {id ? <ReportView id={id} /> : <p className="muted">{t('reports.pick')}</p>}
      </div>
    </main>
  );
}

function ReportView({ id }: { id: string }) {
  const { t, lang } = useT();
  const data = useData(
    () => get<Report & { revision: number; links: ReportLinks }>(`/v1/reports/${encodeURIComponent(id)}`),
    [id],
  );
  const [error, setError] = useState<unknown>();
  if (data.loading && !data.value) return <Loading />;
  if (!data.value) return <ErrorNote error={data.error} />;
  const r = data.value;
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
      </Section>
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
