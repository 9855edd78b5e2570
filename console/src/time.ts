// Live time: one shared clock that ticks every second, and the formats of deadlines.
import { useSyncExternalStore } from 'react';
import type { Lang } from './i18n';

let now = Date.now();
const listeners = new Set<() => void>();
let timer: number | undefined;

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  if (timer === undefined)
    timer = window.setInterval(() => {
      now = Date.now();
      listeners.forEach((l) => l());
    }, 1000);
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && timer !== undefined) {
      window.clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The current time, re-rendering the caller every second (countdowns). */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

/** `2d 03:04:05` / `03:04:05`; negative = overdue by that much. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const s = Math.floor(abs / 1000);
  const d = Math.floor(s / 86_400);
  const hh = String(Math.floor((s % 86_400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${d > 0 ? `${d}d ` : ''}${hh}:${mm}:${ss}`;
}

/** Shanghai time: the operator's working day, whatever the browser's zone. */
export const TIME_ZONE = 'Asia/Shanghai';

export function formatDateTime(iso: string | undefined | null, lang: Lang): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'zh-CN' ? 'zh-CN' : 'en-GB', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(d);
}
