// The complaint's place and the cells involved, drawn as SVG from coordinates (no map tiles:
// nothing may be fetched from the internet). Each cell is a sector in its antenna direction;
// the serving cell is highlighted, the complaint is the red pin, with a scale bar in metres.
import type { ComplaintView } from '../api';
import { useT } from '../i18n';

interface Point {
  id: string;
  siteId?: string;
  sector?: number;
  lat: number;
  lng: number;
  azimuth?: number;
  beamwidth?: number;
  serving?: boolean;
}

const W = 520;
const H = 360;
const PAD = 48;
const M_PER_DEG_LAT = 111_320;

function sectorPath(x: number, y: number, azimuth: number, width: number, r: number): string {
  const rad = (deg: number) => ((deg - 90) * Math.PI) / 180;
  const a = rad(azimuth - width / 2);
  const b = rad(azimuth + width / 2);
  const large = width > 180 ? 1 : 0;
  return `M${x},${y} L${x + r * Math.cos(a)},${y + r * Math.sin(a)} A${r},${r} 0 ${large} 1 ${x + r * Math.cos(b)},${y + r * Math.sin(b)} Z`;
}

function niceMetres(m: number): number {
  const pow = 10 ** Math.floor(Math.log10(Math.max(m, 1)));
  for (const k of [5, 2, 1]) if (k * pow <= m) return k * pow;
  return pow;
}

export function CellMap({ view }: { view: ComplaintView }) {
  const { t } = useT();
  const cells = view.evidence?.cells;
  const points: Point[] = [];
  const serving = cells?.serving;
  if (serving) points.push({ ...serving, id: serving.cellId, serving: true });
  for (const n of cells?.neighbours ?? [])
    if (n.cellId !== serving?.cellId) points.push({ ...n, id: n.cellId });
  // One label per site (its sectors share the mast); each sector is numbered at its tip.
  const sites = new Map<string, Point>();
  for (const p of points) if (!sites.has(p.siteId ?? p.id)) sites.set(p.siteId ?? p.id, p);
  const here = view.input.location.coordinates;
  if (points.length === 0 && !here)
    return (
      <p className="muted" data-testid="map-none">
        {t('map.none')}
      </p>
    );

  const all = [...points, ...(here ? [{ id: 'complaint', ...here }] : [])];
  const lat0 = all.reduce((s, p) => s + p.lat, 0) / all.length;
  const mPerDegLng = M_PER_DEG_LAT * Math.cos((lat0 * Math.PI) / 180);
  const xs = all.map((p) => p.lng * mPerDegLng);
  const ys = all.map((p) => p.lat * M_PER_DEG_LAT);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const minY = Math.min(...ys);
  const maxY = Math.max(...ys);
  // At least 600 m across, so that one point alone still gets a sensible scale.
  const spanM = Math.max(maxX - minX, maxY - minY, 600);
  const scale = Math.min((W - 2 * PAD) / spanM, (H - 2 * PAD) / spanM);
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const px = (p: { lat: number; lng: number }) => ({
    x: W / 2 + (p.lng * mPerDegLng - cx) * scale,
    y: H / 2 - (p.lat * M_PER_DEG_LAT - cy) * scale,
  });
  const bar = niceMetres(spanM / 4);
  const sectorR = Math.max(18, Math.min(60, 150 * scale));

  return (
    <figure className="map" data-testid="cell-map">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('map.title')}>
        <rect x={0} y={0} width={W} height={H} className="map-bg" />
        {points.map((p) => {
          const { x, y } = px(p);
          const tip = p.azimuth === undefined ? undefined : ((p.azimuth - 90) * Math.PI) / 180;
          return (
            <g key={p.id} className={p.serving ? 'cell serving' : 'cell'} data-cell={p.id}>
              <title>{p.id}</title>
              {p.azimuth !== undefined && (
                <path d={sectorPath(x, y, p.azimuth, p.beamwidth ?? 65, sectorR)} className="sector" />
              )}
              {tip !== undefined && p.sector !== undefined && (
                <text
                  x={x + (sectorR + 8) * Math.cos(tip)}
                  y={y + (sectorR + 8) * Math.sin(tip) + 4}
                  textAnchor="middle"
                  className="sector-label"
                >
                  {p.sector}
                </text>
              )}
            </g>
          );
        })}
        {[...sites.entries()].map(([site, p]) => {
          const { x, y } = px(p);
          return (
            <g key={site} className="site-mark">
              <circle cx={x} cy={y} r={4} className="site" />
              <text x={x + 7} y={y - 7} className="cell-label">
                {site}
              </text>
            </g>
          );
        })}
        {here &&
          (() => {
            const { x, y } = px(here);
            return (
              <g className="pin" data-testid="map-pin">
                <path d={`M${x},${y} l-7,-16 a8,8 0 1 1 14,0 z`} />
                <circle cx={x} cy={y - 19} r={3} className="pin-dot" />
              </g>
            );
          })()}
        <g className="scale">
          <line x1={16} y1={H - 16} x2={16 + bar * scale} y2={H - 16} />
          <text x={16} y={H - 22}>
            {bar >= 1000 ? `${bar / 1000} km` : `${bar} m`}
          </text>
        </g>
        <text x={W - 16} y={24} className="north" textAnchor="end">
          N ↑
        </text>
      </svg>
      <figcaption className="muted">
        {t('map.caption', {
          method: cells?.method ?? '—',
          n: points.length,
          serving: cells?.servingCellId ?? '—',
        })}
        {cells?.gaps?.length ? ` · ${cells.gaps.join('; ')}` : ''}
      </figcaption>
    </figure>
  );
}
