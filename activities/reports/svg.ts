// Charts as inline SVG, generated on the server (R9.3: reports are read as pictures). No browser,
// no CDN, no script: the same markup shows in the API's page and in an e-mail client. Pure.

export const PALETTE = ['#2f6fb0', '#b0b8c4', '#d9822b', '#c23b3b', '#3f9a5b', '#8a5cb8', '#6b7785'];

export function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

function frame(title: string, width: number, height: number, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" ${FONT} font-size="11"><title>${esc(title)}</title>` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/>` +
    `<text x="8" y="16" font-size="13" font-weight="bold" fill="#222">${esc(title)}</text>${body}</svg>`
  );
}

function legend(names: string[], colors: string[], x: number, y: number): string {
  let out = '';
  let cx = x;
  names.forEach((name, i) => {
    out += `<rect x="${cx}" y="${y - 9}" width="10" height="10" fill="${colors[i % colors.length]}"/>`;
    out += `<text x="${cx + 14}" y="${y}" fill="#333">${esc(name)}</text>`;
    cx += 24 + name.length * 6.5;
  });
  return out;
}

/** A nice upper bound for an axis of four steps (each step 1, 2 or 5 × 10ⁿ, at least 1). */
export function niceMax(max: number): number {
  const raw = Math.max(max, 1) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => Math.max(1, m * p)).find((s) => s >= raw) ?? 10 * p;
  return 4 * step;
}

export interface Series {
  name: string;
  values: (number | null)[];
}

/** Lines over labelled points (e.g. complaints per day, this period against the previous one). */
export function lineChart(opts: {
  title: string;
  labels: string[];
  series: Series[];
  width?: number;
  height?: number;
}): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 240;
  const left = 44;
  const right = 28;
  const top = 40;
  const bottom = 36;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const n = opts.labels.length;
  const max = niceMax(Math.max(0, ...opts.series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const x = (i: number) => left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  let body = legend(
    opts.series.map((s) => s.name),
    PALETTE,
    width - 12 - opts.series.reduce((w, s) => w + 24 + s.name.length * 6.5, 0),
    16,
  );
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    body += `<line x1="${left}" y1="${y(v)}" x2="${width - right}" y2="${y(v)}" stroke="#e3e6ea"/>`;
    body += `<text x="${left - 4}" y="${y(v) + 4}" text-anchor="end" fill="#555">${num(v)}</text>`;
  }
  const every = Math.max(1, Math.ceil(n / 12));
  opts.labels.forEach((label, i) => {
    if (i % every === 0 || i === n - 1)
      body += `<text x="${x(i)}" y="${height - bottom + 14}" text-anchor="middle" fill="#555">${esc(label)}</text>`;
  });
  opts.series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    const pts = s.values
      .map((v, i) => (v === null ? undefined : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
      .filter((p): p is string => p !== undefined);
    if (pts.length > 1)
      body += `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>`;
    s.values.forEach((v, i) => {
      if (v !== null)
        body += `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5" fill="${color}"><title>${esc(`${s.name} ${opts.labels[i]}: ${v}`)}</title></circle>`;
    });
  });
  return frame(opts.title, width, height, body);
}

/** Horizontal bars, one group per row and one bar per series (e.g. this period and the previous). */
export function barChart(opts: {
  title: string;
  rows: { label: string; values: number[] }[];
  seriesNames: string[];
  width?: number;
  unit?: string;
}): string {
  const width = opts.width ?? 640;
  const labelW = 150;
  const top = 30;
  const barH = 12;
  const groupH = barH * opts.seriesNames.length + 8;
  const height = top + Math.max(1, opts.rows.length) * groupH + 10;
  const plotW = width - labelW - 60;
  const max = niceMax(Math.max(0, ...opts.rows.flatMap((r) => r.values)));
  let body = legend(
    opts.seriesNames,
    PALETTE,
    width - 12 - opts.seriesNames.reduce((w, n) => w + 24 + n.length * 6.5, 0),
    16,
  );
  opts.rows.forEach((r, ri) => {
    const gy = top + ri * groupH;
    body += `<text x="${labelW - 6}" y="${gy + groupH / 2 + 2}" text-anchor="end" fill="#333">${esc(r.label)}</text>`;
    r.values.forEach((v, si) => {
      const w = (v / max) * plotW;
      const by = gy + si * barH + 2;
      body += `<rect x="${labelW}" y="${by}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${r.label} — ${opts.seriesNames[si]}: ${v}${opts.unit ?? ''}`)}</title></rect>`;
      body += `<text x="${(labelW + w + 4).toFixed(1)}" y="${by + barH - 3}" fill="#333">${num(v)}${esc(opts.unit ?? '')}</text>`;
    });
  });
  if (opts.rows.length === 0) body += `<text x="${labelW}" y="${top + 10}" fill="#777">no data</text>`;
  return frame(opts.title, width, height, body);
}

/** 100 % stacked horizontal bars (e.g. each clock: met, met late, breached, open). */
export function stackedChart(opts: {
  title: string;
  rows: { label: string; parts: number[] }[];
  partNames: string[];
  colors: string[];
  width?: number;
}): string {
  const width = opts.width ?? 640;
  const labelW = 150;
  const top = 40;
  const rowH = 22;
  const height = top + Math.max(1, opts.rows.length) * rowH + 10;
  const plotW = width - labelW - 20;
  let body = legend(opts.partNames, opts.colors, labelW, 30);
  opts.rows.forEach((r, ri) => {
    const y = top + ri * rowH;
    const total = r.parts.reduce((s, v) => s + v, 0);
    body += `<text x="${labelW - 6}" y="${y + 13}" text-anchor="end" fill="#333">${esc(r.label)}</text>`;
    let x = labelW;
    r.parts.forEach((v, pi) => {
      if (v === 0 || total === 0) return;
      const w = (v / total) * plotW;
      const share = Math.round((v / total) * 1000) / 10;
      body += `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${opts.colors[pi % opts.colors.length]}"><title>${esc(`${r.label} — ${opts.partNames[pi]}: ${v} (${share} %)`)}</title></rect>`;
      if (w > 34)
        body += `<text x="${(x + w / 2).toFixed(1)}" y="${y + 12}" text-anchor="middle" fill="#fff">${share}%</text>`;
      x += w;
    });
    if (total === 0) body += `<text x="${labelW}" y="${y + 13}" fill="#777">none</text>`;
  });
  if (opts.rows.length === 0) body += `<text x="${labelW}" y="${top + 12}" fill="#777">no data</text>`;
  return frame(opts.title, width, height, body);
}

/** Vertical columns over labelled periods (e.g. complaints in each of the last weeks). */
export function columnChart(opts: {
  title: string;
  labels: string[];
  values: number[];
  width?: number;
  height?: number;
  highlightLast?: boolean;
}): string {
  const width = opts.width ?? 640;
  const height = opts.height ?? 220;
  const left = 44;
  const top = 38;
  const bottom = 36;
  const plotW = width - left - 12;
  const plotH = height - top - bottom;
  const n = Math.max(1, opts.labels.length);
  const max = niceMax(Math.max(0, ...opts.values));
  const slot = plotW / n;
  let body = '';
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    const y = top + plotH - (v / max) * plotH;
    body += `<line x1="${left}" y1="${y}" x2="${width - 12}" y2="${y}" stroke="#e3e6ea"/>`;
    body += `<text x="${left - 4}" y="${y + 4}" text-anchor="end" fill="#555">${num(v)}</text>`;
  }
  opts.values.forEach((v, i) => {
    const h = (v / max) * plotH;
    const x = left + i * slot + slot * 0.15;
    const color = opts.highlightLast && i === opts.values.length - 1 ? PALETTE[0] : PALETTE[1];
    body += `<rect x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${esc(`${opts.labels[i]}: ${v}`)}</title></rect>`;
    body += `<text x="${(x + slot * 0.35).toFixed(1)}" y="${(top + plotH - h - 3).toFixed(1)}" text-anchor="middle" fill="#333">${num(v)}</text>`;
    body += `<text x="${(x + slot * 0.35).toFixed(1)}" y="${height - bottom + 14}" text-anchor="middle" fill="#555">${esc(opts.labels[i] ?? '')}</text>`;
  });
  return frame(opts.title, width, height, body);
}
