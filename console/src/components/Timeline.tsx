// The complaint's history: every action with the person who did it (R10.2), every contact with the
// customer and each attempt's result, recordings kept as evidence (playable) and signatures.
import { useEffect, useState } from 'react';
import { complaintPath, getBlob, type ComplaintView } from '../api';
import { useT } from '../i18n';
import { formatDateTime } from '../time';

type Recording = ComplaintView['consentEvidence'][number];

/** Fetches the recording with the person's token (an <audio src> cannot send it) and plays it. */
function RecordingPlayer({ ticketId, rec }: { ticketId: string; rec: Recording }) {
  const { t, lang } = useT();
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  const load = () => {
    getBlob(complaintPath(ticketId, `recordings/${encodeURIComponent(rec.id)}`)).then(
      (blob) => setUrl(URL.createObjectURL(blob)),
      (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
    );
  };
  return (
    <li data-testid="recording">
      {formatDateTime(rec.capturedAt, lang)} · {rec.durationSec}s · SHA-256 {rec.sha256.slice(0, 12)}…{' '}
      {url ? (
        <audio controls src={url} />
      ) : (
        <button type="button" onClick={load}>
          {t('timeline.play')}
        </button>
      )}
      {error && <span className="error"> {error}</span>}
    </li>
  );
}

interface Signature {
  by?: string;
  signer?: string;
  at?: string;
  signedAt?: string;
  statement?: string;
}

export function Timeline({ view }: { view: ComplaintView }) {
  const { t, lang } = useT();
  // Signatures (R5.5) come with the consent page when it lands; shown when the view has them.
  const signatures = ((view as unknown as { signatures?: Signature[] }).signatures ?? []).filter(Boolean);
  return (
    <div data-testid="timeline">
      <ol className="timeline">
        {[...view.timeline].reverse().map((e, i) => (
          <li key={`${e.at}-${i}`} data-testid="timeline-entry">
            <time>{formatDateTime(e.at, lang)}</time> <strong>{t.e('action', e.action)}</strong>{' '}
            <span className="actor" data-testid="actor">
              {e.actor}
            </span>
            {e.detail && <div className="detail">{e.detail}</div>}
          </li>
        ))}
      </ol>
      <h3>{t('timeline.contacts')}</h3>
      {view.contacts.length === 0 ? (
        <p className="muted">{t('timeline.noContacts')}</p>
      ) : (
        <table className="list compact" data-testid="contacts">
          <thead>
            <tr>
              <th>{t('timeline.purpose')}</th>
              <th>{t('timeline.started')}</th>
              <th>{t('timeline.by')}</th>
              <th>{t('timeline.attempts')}</th>
              <th>{t('timeline.outcome')}</th>
            </tr>
          </thead>
          <tbody>
            {view.contacts.map((c) => (
              <tr key={c.workflowId}>
                <td>
                  {t.e('purpose', c.purpose)} #{c.round} ({c.channel})
                </td>
                <td>{formatDateTime(c.startedAt, lang)}</td>
                <td>{c.by}</td>
                <td>
                  {(c.attempts ?? []).map((a, i) => (
                    <div key={i}>
                      {formatDateTime(a.at, lang)} {a.channel}: {a.result}
                    </div>
                  ))}
                </td>
                <td>
                  {c.endedAt
                    ? `${c.reached ? t('timeline.reached') : t('timeline.notReached')} · ${c.method ?? ''} ${c.answer ?? ''}`
                    : t('timeline.inProgress')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t('timeline.recordings')}</h3>
      {view.consentEvidence.length === 0 ? (
        <p className="muted">{t('timeline.noRecordings')}</p>
      ) : (
        <ul>
          {view.consentEvidence.map((r) => (
            <RecordingPlayer key={r.id} ticketId={view.ticketId} rec={r} />
          ))}
        </ul>
      )}
      <h3>{t('timeline.signatures')}</h3>
      {signatures.length === 0 ? (
        <p className="muted">{t('timeline.noSignatures')}</p>
      ) : (
        <ul>
          {signatures.map((s, i) => (
            <li key={i}>
              {formatDateTime(s.signedAt ?? s.at, lang)} · {s.signer ?? s.by} {s.statement ?? ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
