// confusion[true][predicted] as a grid of cells shaded by row-normalised frequency.

import { mixHex, readableOn } from '../contrast';
import { useT } from '../i18n';

interface Props {
  title: string;
  confusion: number[][];
  classes: string[];
  color: string;
  /** The card's background: cells mix from it to `color`; counts are black or white, whichever reads better (≥ 4.5:1 either way). */
  card?: string;
}

/** Names short enough to head a column as they are (e.g. modadd's "0"…"12"); else columns are numbered 1…k. */
function columnHeads(classes: string[]): { heads: string[]; numbered: boolean } {
  const short = classes.every((c) => c.length <= 3);
  return short ? { heads: classes, numbered: false } : { heads: classes.map((_, i) => String(i + 1)), numbered: true };
}

/**
 * Every class is shown when the grid fits (up to 16 classes: modadd's 13 included); both axes are
 * labelled — true class down the rows, predicted class along the columns — and each cell's count is
 * written in the colour that reads best on it.
 */
export function ConfusionMatrix({ title, confusion, classes, color, card = '#ffffff' }: Props) {
  const { t } = useT();
  const k = confusion.length;
  const showNames = k <= 16;
  const { heads, numbered } = columnHeads(classes);
  const rowName = (i: number) => (numbered ? `${i + 1} ${classes[i]}` : classes[i]);
  return (
    <figure className="confusion" style={{ maxWidth: k > 8 ? 420 : 280 }}>
      <figcaption className="small">
        <b>{title}</b> <span className="muted">{t('metrics.confusionAxes')}</span>
      </figcaption>
      <div className="confusion-axes small muted" aria-hidden="true">
        <span>{t('insight.axis.truth')}</span>
        <span>{t('insight.axis.predicted')}</span>
      </div>
      <div
        className="confusion-grid"
        style={{ gridTemplateColumns: `${showNames ? 'minmax(2.5em, auto) ' : ''}repeat(${k}, minmax(14px, 1fr))` }}
        role="table"
        aria-label={t('metrics.confusionAria', { title })}
      >
        {showNames ? (
          <div role="row" style={{ display: 'contents' }}>
            <span role="columnheader" className="confusion-corner" />
            {heads.map((h, j) => (
              <span role="columnheader" key={j} className="confusion-head small" title={classes[j]}>
                {h}
              </span>
            ))}
          </div>
        ) : null}
        {confusion.map((row, i) => {
          const total = row.reduce((a, b) => a + b, 0) || 1;
          return (
            <div className="confusion-row" role="row" key={i} style={{ display: 'contents' }}>
              {showNames ? (
                <span className="confusion-name small" role="rowheader" title={classes[i]}>
                  {rowName(i)}
                </span>
              ) : null}
              {row.map((n, j) => {
                const f = n / total;
                const bg = mixHex(card, color, f);
                return (
                  <span
                    role="cell"
                    key={j}
                    className={`confusion-cell${i === j ? ' diag' : ''}`}
                    title={t('metrics.confusionCell', { truth: classes[i], predicted: classes[j], count: n })}
                    style={{ background: bg, color: readableOn(bg, '#000000', '#ffffff') }}
                  >
                    {k <= 16 ? n : ''}
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
