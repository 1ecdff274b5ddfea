// An (L, L) attention map as SVG: rows are query positions, columns the positions they attend to.

import { useT } from '../i18n';

interface Props {
  values: readonly number[];
  size: number;
  tokens: readonly string[];
  title: string;
  /** 'seq' for probabilities in [0, 1]; 'div' for signed differences. */
  scale: 'seq' | 'div';
}

/** Colour of a value: white → violet for probabilities, blue ← white → red for differences. */
export function cellColor(v: number, scale: 'seq' | 'div', maxAbs = 1): string {
  if (scale === 'seq') {
    const t = Math.max(0, Math.min(1, v));
    const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
    return `rgb(${mix(248, 76)},${mix(250, 29)},${mix(252, 149)})`;
  }
  const t = Math.max(-1, Math.min(1, v / (maxAbs || 1)));
  const w = 248;
  if (t >= 0)
    return `rgb(${Math.round(w + (200 - w) * t)},${Math.round(w + (38 - w) * t)},${Math.round(w + (38 - w) * t)})`;
  return `rgb(${Math.round(w + (37 - w) * -t)},${Math.round(w + (99 - w) * -t)},${Math.round(w + (235 - w) * -t)})`;
}

const short = (t: string) => (t.length > 7 ? t.slice(0, 6) + '…' : t);

export function Heatmap({ values, size, tokens, title, scale }: Props) {
  const { t, fmt } = useT();
  const L = Math.round(Math.sqrt(values.length));
  if (L === 0) return <div className="heatmap-empty">—</div>;
  const labels = L <= 24;
  const pad = labels ? 46 : 0;
  const cell = (size - pad) / L;
  const maxAbs = scale === 'div' ? Math.max(1e-6, ...values.map(Math.abs)) : 1;
  return (
    <figure className="heatmap">
      <figcaption className="small">{title}</figcaption>
      <svg
        viewBox={`0 0 ${size} ${size}`}
        width={size}
        height={size}
        role="img"
        aria-label={t('attention.heatmapAria', { title, count: L })}
      >
        {labels
          ? tokens.slice(0, L).map((t, i) => (
              <g key={i} fontSize={Math.min(10, cell * 0.9)} fill="#475569">
                <text x={pad - 3} y={pad + (i + 0.7) * cell} textAnchor="end">
                  {short(t)}
                </text>
                <text transform={`translate(${pad + (i + 0.7) * cell},${pad - 3}) rotate(-60)`}>{short(t)}</text>
              </g>
            ))
          : null}
        {values.map((v, i) => (
          <rect
            key={i}
            x={pad + (i % L) * cell}
            y={pad + Math.floor(i / L) * cell}
            width={cell + 0.3}
            height={cell + 0.3}
            fill={cellColor(v, scale, maxAbs)}
          />
        ))}
      </svg>
      {scale === 'div' ? (
        <div className="small muted">{t('attention.maxDiff', { value: fmt.fixed(maxAbs, 2) })}</div>
      ) : null}
    </figure>
  );
}
