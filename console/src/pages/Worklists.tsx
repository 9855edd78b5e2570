// Worklists (GET /v1/worklists/{name}): mine, my team's, due soon, breached, escalated to me,
// hot, care callbacks nobody answered (R6.3), departments to coordinate (R2.3) — ordered by the nearest deadline, with live countdowns.
import { useMemo, useState } from 'react';
import { get, type ComplaintSummary } from '../api';
import type { operations } from '../api-types';
import { Countdown, ErrorNote, Flags, Loading, StageBadge } from '../components/bits';
import { useT } from '../i18n';
import { Link } from '../router';
import { formatDateTime } from '../time';
import { useData } from '../useData';

/** The worklists the API serves (its generated types): a tab missing here fails the typecheck. */
type WorklistName = operations['getWorklist']['parameters']['path']['name'];
export const WORKLISTS = [
  'mine',
  'team',
  'due-soon',
  'breached',
  'escalated-to-me',
  'hot',
  'care-callback',
  'coordination',
] as const satisfies readonly WorklistName[];
const everyWorklistHasATab: Exclude<WorklistName, (typeof WORKLISTS)[number]> extends never ? true : never =
  true;
void everyWorklistHasATab;

type Sort = 'deadline' | 'received';

export function Worklists({ name }: { name: string }) {
  const { t, lang } = useT();
  const [sort, setSort] = useState<Sort>('deadline');
  const data = useData(
    () =>
      get<{ items: ComplaintSummary[] }>(
        `/v1/worklists/${encodeURIComponent(name)}?limit=200${name === 'due-soon' ? '&withinHours=8' : ''}`,
      ),
    [name],
  );
  const items = useMemo(() => {
    const list = [...(data.value?.items ?? [])];
    const due = (c: ComplaintSummary) => (c.nextDueAt ? new Date(c.nextDueAt).getTime() : Infinity);
    if (sort === 'deadline') list.sort((a, b) => due(a) - due(b));
    else list.sort((a, b) => new Date(b.receivedAt).getTime() - new Date(a.receivedAt).getTime());
    return list;
  }, [data.value, sort]);

  return (
    <main>
      <h1>{t('nav.worklists')}</h1>
      <nav className="tabs" aria-label={t('nav.worklists')}>
        {WORKLISTS.map((w) => (
          <Link key={w} to={`/worklists/${w}`} className={w === name ? 'tab active' : 'tab'}>
            {t.e('worklist', w)}
          </Link>
        ))}
      </nav>
      <div className="toolbar">
        <label>
          {t('worklist.sort')}{' '}
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)} name="sort">
            <option value="deadline">{t('worklist.sortDeadline')}</option>
            <option value="received">{t('worklist.sortReceived')}</option>
          </select>
        </label>
        <button type="button" onClick={data.reload}>
          {t('common.refresh')}
        </button>
      </div>
      {data.loading && !data.value && <Loading />}
      <ErrorNote error={data.error} />
      {data.value && items.length === 0 && <p className="muted">{t('worklist.empty')}</p>}
      {items.length > 0 && (
        <table className="list" data-testid="worklist">
          <thead>
            <tr>
              <th>{t('field.ticket')}</th>
              <th>{t('field.category')}</th>
              <th>{t('field.stage')}</th>
              <th>{t('field.region')}</th>
              <th>{t('field.assignee')}</th>
              <th>{t('field.flags')}</th>
              <th>{t('field.received')}</th>
              <th>{t('field.nextDeadline')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.ticketId} data-testid="worklist-row" data-ticket={c.ticketId}>
                <td>
                  <Link to={`/complaints/${encodeURIComponent(c.ticketId)}`}>{c.ticketId}</Link>
                </td>
                <td>{t.e('category', c.category)}</td>
                <td>
                  <StageBadge stage={c.stage} />
                </td>
                <td>{c.region}</td>
                <td>{c.assignee ?? '—'}</td>
                <td>
                  <Flags c={c} />
                </td>
                <td>{formatDateTime(c.receivedAt, lang)}</td>
                <td>
                  <Countdown due={c.nextDueAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
