// Charts as inline SVG (no chart library, nothing from a CDN).

export interface Bar {
  label: string;
  value: number;
  /** extra CSS class, e.g. the stage */
  tone?: string;
}

/** Horizontal bars with their values; one row per bar. */
export function BarChart({ bars, title, unit = '' }: { bars: Bar[]; title: string; unit?: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const row = 26;
  const labelW = 150;
  const width = 520;
  const barW = width - labelW - 60;
  const height = bars.length * row + 8;
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      className="chart"
      role="img"
      aria-label={title}
      data-testid="bar-chart"
    >
      <title>{title}</title>
      {bars.map((b, i) => {
        const y = 4 + i * row;
        const w = (b.value / max) * barW;
        return (
          <g key={b.label} className={`bar ${b.tone ?? ''}`}>
            <text x={labelW - 8} y={y + row / 2 + 4} textAnchor="end" className="bar-label">
              {b.label}
            </text>
            <rect x={labelW} y={y + 3} width={Math.max(w, b.value > 0 ? 2 : 0)} height={row - 8} rx={3} />
            <text x={labelW + w + 6} y={y + row / 2 + 4} className="bar-value">
              {b.value}
              {unit}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Vertical columns over time (e.g. complaints a day), with an optional previous-period line. */
export function ColumnChart({
  points,
  title,
}: {
  points: { label: string; value: number; previous?: number | null }[];
  title: string;
}) {
  const width = 560;
  const height = 200;
  const pad = { l: 36, r: 8, t: 10, b: 36 };
  const max = Math.max(1, ...points.map((p) => Math.max(p.value, p.previous ?? 0)));
  const n = Math.max(points.length, 1);
  const step = (width - pad.l - pad.r) / n;
  const y = (v: number) => height - pad.b - (v / max) * (height - pad.t - pad.b);
  const prev = points
    .map((p, i) => (p.previous == null ? null : `${pad.l + step * i + step / 2},${y(p.previous)}`))
    .filter(Boolean);
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      className="chart"
      role="img"
      aria-label={title}
      data-testid="column-chart"
    >
      <title>{title}</title>
      <line x1={pad.l} y1={height - pad.b} x2={width - pad.r} y2={height - pad.b} className="axis" />
      <text x={pad.l - 6} y={pad.t + 8} textAnchor="end" className="bar-value">
        {max}
      </text>
      {points.map((p, i) => {
        const x = pad.l + step * i;
        return (
          <g key={p.label} className="bar">
            <rect
              x={x + step * 0.15}
              y={y(p.value)}
              width={step * 0.7}
              height={height - pad.b - y(p.value)}
              rx={2}
            />
            <text x={x + step / 2} y={height - pad.b + 14} textAnchor="middle" className="bar-label small">
              {p.label}
            </text>
          </g>
        );
      })}
      {prev.length > 1 && <polyline points={prev.join(' ')} className="previous" />}
    </svg>
  );
}
