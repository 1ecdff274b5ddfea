// confusion[true][predicted] as a grid of cells shaded by row-normalised frequency.

import { useT } from '../i18n';

interface Props {
  title: string;
  confusion: number[][];
  classes: string[];
  color: string;
}

export function ConfusionMatrix({ title, confusion, classes, color }: Props) {
  const { t } = useT();
  const k = confusion.length;
  const showNames = k <= 6;
  return (
    <figure className="confusion">
      <figcaption className="small">
        <b>{title}</b> <span className="muted">{t('metrics.confusionAxes')}</span>
      </figcaption>
      <div className="confusion-grid" style={{ gridTemplateColumns: `${showNames ? 'minmax(3em, auto) ' : ''}repeat(${k}, minmax(14px, 1fr))` }} role="table" aria-label={t('metrics.confusionAria', { title })}>
        {confusion.map((row, i) => {
          const total = row.reduce((a, b) => a + b, 0) || 1;
          return (
            <div className="confusion-row" role="row" key={i} style={{ display: 'contents' }}>
              {showNames ? (
                <span className="confusion-name small" role="rowheader">
                  {classes[i]}
                </span>
              ) : null}
              {row.map((n, j) => {
                const f = n / total;
                return (
                  <span
                    role="cell"
                    key={j}
                    className={`confusion-cell${i === j ? ' diag' : ''}`}
                    title={t('metrics.confusionCell', { truth: classes[i], predicted: classes[j], count: n })}
                    style={{ background: `color-mix(in srgb, ${color} ${Math.round(f * 100)}%, white)`, color: f > 0.55 ? 'white' : '#1f2937' }}
                  >
                    {k <= 8 ? n : ''}
                  </span>
                );
              })}
            </div>
          );
        })}
      </div>
    </figure>
  );
}
