// Durations in policy data are written as strings such as "48h", "30m", "2d", "90s".
// Pure code: no Temporal imports, safe for workflows, API and tests alike.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

export function parseDuration(text: string): number {
  const match = DURATION_RE.exec(text.trim());
  if (!match) throw new Error(`invalid duration "${text}" (use e.g. 90s, 30m, 48h, 2d)`);
  const [, amount, unit] = match as unknown as [string, string, string];
  return Math.round(Number(amount) * (UNIT_MS[unit] ?? 0));
}

export function isDuration(text: string): boolean {
  return DURATION_RE.test(text.trim());
}

/** Human text for a duration in ms, e.g. 1d 2h, 47h 59m, 30s. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms / 1000));
  const d = Math.floor(rest / 86_400);
  rest -= d * 86_400;
  const h = Math.floor(rest / 3_600);
  rest -= h * 3_600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`, !d && !h && s && `${s}s`].filter(Boolean);
  return sign + (parts.length ? parts.join(' ') : '0s');
}
