// TMF621 dead letters (GET /v1/admin/tmf/dead-letters, issue 19 T3): hub events and work-order
// replies that did not reach the dispatching system after the last retry; an admin re-sends one.
import { useState } from 'react';
import { get, post } from '../api';
import type { components } from '../api-types';
import { ErrorNote, Loading } from '../components/bits';
import { useT } from '../i18n';
import { Link } from '../router';
import { formatDateTime } from '../time';
import { useData } from '../useData';

type DeadLetterList = components['schemas']['TmfDeadLetterList'];
type Row = components['schemas']['TmfOutboxRow'];

export function DeadLetters() {
  const { t, lang } = useT();
  const data = useData(() => get<DeadLetterList>('/v1/admin/tmf/dead-letters'), []);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [outcome, setOutcome] = useState<Row>();
  const items = data.value?.items ?? [];
  const redeliver = (id: string) => {
    setBusy(id);
    setError(undefined);
    post<Row>(`/v1/admin/tmf/dead-letters/${encodeURIComponent(id)}/redeliver`, {})
      .then((row) => {
        setOutcome(row);
        data.reload();
      }, setError)
      .finally(() => setBusy(undefined));
  };
  return (
    <main>
      <h1>{t.e('nav', 'deadLetters')}</h1>
      <p className="muted">{t.e('deadLetters', 'intro')}</p>
      <div className="toolbar">
        <button type="button" onClick={data.reload}>
          {t('common.refresh')}
        </button>
      </div>
      {data.loading && !data.value && <Loading />}
      <ErrorNote error={data.error ?? error} />
      {outcome && (
        <p className="muted" data-testid="redeliver-outcome">
          {outcome.id}: {outcome.state}
          {outcome.lastError ? ` (${outcome.lastError})` : ''}
        </p>
      )}
      {data.value && items.length === 0 && <p className="muted">{t.e('deadLetters', 'empty')}</p>}
      {items.length > 0 && (
        <table className="list" data-testid="dead-letters">
          <thead>
            <tr>
              <th>{t('field.ticket')}</th>
              <th>{t.e('deadLetters', 'what')}</th>
              <th>{t.e('deadLetters', 'to')}</th>
              <th>{t.e('deadLetters', 'attempts')}</th>
              <th>{t.e('deadLetters', 'lastError')}</th>
              <th>{t.e('deadLetters', 'deadAt')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.id} data-testid="dead-letter" data-id={r.id}>
                <td>
                  <Link to={`/complaints/${encodeURIComponent(r.ticketId)}`}>{r.ticketId}</Link>
                </td>
                <td>
                  {r.kind === 'reply' ? t.e('deadLetters', 'reply') : r.eventType}
                  <br />
                  <code>{r.eventId}</code>
                </td>
                <td>
                  <code>{r.url}</code>
                </td>
                <td>{r.attempts}</td>
                <td>{r.lastError ?? '—'}</td>
                <td>{r.deadAt ? formatDateTime(r.deadAt, lang) : '—'}</td>
                <td>
                  <button type="button" disabled={busy !== undefined} onClick={() => redeliver(r.id)}>
                    {t.e('deadLetters', 'redeliver')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
