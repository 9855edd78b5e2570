// Small shared pieces: countdowns, stage badges, flags, loading and error states.
import type { ReactNode } from 'react';
import type { ComplaintSummary } from '../api';
import { useT } from '../i18n';
import { formatDateTime, formatDuration, useNow } from '../time';

/** A live countdown to `due` (ticks every second); red once overdue, amber within the hour. */
export function Countdown({ due }: { due?: string | null }) {
  const now = useNow();
  const { t, lang } = useT();
  if (!due) return <span className="muted">—</span>;
  const left = new Date(due).getTime() - now;
  const cls = left < 0 ? 'overdue' : left < 3_600_000 ? 'soon' : 'ok';
  return (
    <span className={`countdown ${cls}`} title={formatDateTime(due, lang)} data-testid="countdown">
      {left < 0 ? t('time.overdue', { d: formatDuration(left) }) : formatDuration(left)}
    </span>
  );
}

export function StageBadge({ stage }: { stage: string }) {
  const { t } = useT();
  return (
    <span className={`badge stage-${stage}`} data-testid="stage">
      {t.e('stage', stage)}
    </span>
  );
}

export function Flags({
  c,
}: {
  c: Pick<ComplaintSummary, 'vipLevel' | 'hot' | 'slaBreached' | 'escalationLevel' | 'awaitingAckRole'> & {
    major?: boolean | object;
  };
}) {
  const { t } = useT();
  return (
    <span className="flags">
      {c.vipLevel > 0 && <span className="flag vip">VIP{c.vipLevel}</span>}
      {c.hot && <span className="flag hot">{t('flag.hot')}</span>}
      {c.slaBreached && <span className="flag breached">{t('flag.breached')}</span>}
      {c.escalationLevel > 0 && (
        <span className="flag escalated">{t('flag.escalated', { level: c.escalationLevel })}</span>
      )}
      {c.awaitingAckRole && (
        <span className="flag ack">{t('flag.awaitingAck', { role: t.e('role', c.awaitingAckRole) })}</span>
      )}
      {c.major && <span className="flag major">{t('flag.major')}</span>}
    </span>
  );
}

export function Loading() {
  const { t } = useT();
  return <p className="muted">{t('common.loading')}</p>;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}

export function Section({ title, children, id }: { title: ReactNode; children: ReactNode; id?: string }) {
  return (
    <section className="card" data-testid={id} aria-label={typeof title === 'string' ? title : undefined}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
