// The hot list (GET /v1/hot-complaints, R4.7): the open hot and difficult complaints (热点、难点),
// why each is hot, since when, the clocks past their deadline and the time left to solve it; the
// interface person gets the same list by e-mail every day.
import { get } from '../api';
import type { components } from '../api-types';
import { Countdown, ErrorNote, Loading, StageBadge } from '../components/bits';
import { useT } from '../i18n';
import { Link } from '../router';
import { formatDateTime, formatDuration } from '../time';
import { useData } from '../useData';

type HotList = components['schemas']['HotList'];

export function HotList() {
  const { t, lang } = useT();
  const data = useData(() => get<HotList>('/v1/hot-complaints'), []);
  const items = data.value?.items ?? [];
  return (
    <main>
      <h1>{t.e('nav', 'hot')}</h1>
      <p className="muted">{t.e('hot', 'intro')}</p>
      <div className="toolbar">
        <button type="button" onClick={data.reload}>
          {t('common.refresh')}
        </button>
      </div>
      {data.loading && !data.value && <Loading />}
      <ErrorNote error={data.error} />
      {data.value && items.length === 0 && <p className="muted">{t.e('hot', 'empty')}</p>}
      {items.length > 0 && (
        <table className="list" data-testid="hot-list">
          <thead>
            <tr>
              <th>{t('field.ticket')}</th>
              <th>{t('field.stage')}</th>
              <th>{t('field.region')}</th>
              <th>{t.e('hot', 'why')}</th>
              <th>{t.e('hot', 'since')}</th>
              <th>{t.e('hot', 'overdueClocks')}</th>
              <th>{t.e('hot', 'solveBy')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.ticketId} data-testid="hot-row" data-ticket={c.ticketId}>
                <td>
                  <Link to={`/complaints/${encodeURIComponent(c.ticketId)}`}>{c.ticketId}</Link>
                </td>
                <td>
                  <StageBadge stage={c.stage} />
                </td>
                <td>{c.region}</td>
                <td>
                  {c.reasons.map((r) => t.e('hotReason', r)).join(', ')}
                  {c.unsolvedEscalations > 0 && (
                    <span className="flag escalated"> ↑{c.unsolvedEscalations}</span>
                  )}
                </td>
                <td>{formatDateTime(c.hotSince, lang)}</td>
                <td>
                  {c.overdueClocks.length === 0
                    ? '—'
                    : c.overdueClocks
                        .map((k) => `${t.e('clock', k.name)} −${formatDuration(k.overdueMs)}`)
                        .join('; ')}
                </td>
                <td>{c.solvedAt ? t.e('hot', 'solved') : <Countdown due={c.solveBy} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
