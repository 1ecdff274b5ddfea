// T rows × α columns, each cell the KD gain (distilled − baseline of the same seed, mean over
// seeds) with ± 2 SE as text, coloured on a scale diverging at 0; a cell within noise is hatched
// and says so. One image for assistive technology, with a summary as its name.

import type { SweepReport } from '../../sweepConfig';
import { usePalette } from '../colors';
import { useT } from '../i18n';
import { heatColor } from './heatScale';
import { cellVerdict } from './interpret';

export function GainHeatmap({ report }: { report: SweepReport }) {
  const { t, fmt } = useT();
  const pal = usePalette();
  const maxAbs = Math.max(...report.cells.map((c) => Math.abs(c.gain.gain)), 1e-9);
  const se2 = (se: number) => fmt.pts(2 * se).replace(/^\+/, '');
  const cellText = (i: number) => {
    const c = report.cells[i];
    return t('experiments.heatmap.cell', {
      t: fmt.num(c.temperature),
      a: fmt.num(c.alpha),
      gain: fmt.pts(c.gain.gain),
      se2: se2(c.gain.se),
    });
  };
  const summary = report.cells.map((_, i) => cellText(i)).join('; ');
  const A = report.alphas.length;
  return (
    <figure className="heatmap" data-testid="sweep-heatmap">
      <figcaption className="small">
        <b>{t('experiments.heatmap.title')}</b>{' '}
        <span className="muted">
          {t('experiments.heatmap.step', {
            step: report.step,
            steps: report.steps,
            seeds: report.seeds.length,
            rows: fmt.int(report.rows),
          })}
        </span>
      </figcaption>
      <div
        className="heatmap-grid"
        role="img"
        aria-label={t('experiments.heatmap.aria', { summary })}
        style={{ gridTemplateColumns: `auto repeat(${A}, minmax(6.5em, 1fr))` }}
      >
        <span className="heatmap-corner small muted">{t('experiments.heatmap.corner')}</span>
        {report.alphas.map((a) => (
          <span key={a} className="heatmap-head small">
            α = {fmt.num(a)}
          </span>
        ))}
        {report.temperatures.map((T, ti) => (
          <div key={T} style={{ display: 'contents' }}>
            <span className="heatmap-head small">T = {fmt.num(T)}</span>
            {report.alphas.map((a, ai) => {
              const i = ti * A + ai;
              const c = report.cells[i];
              const verdict = cellVerdict(c);
              const ref = report.reference.t === ti && report.reference.a === ai;
              return (
                <span
                  key={a}
                  className={`heatmap-cell verdict-${verdict}${ref ? ' reference' : ''}`}
                  data-testid="sweep-cell"
                  data-verdict={verdict}
                  title={cellText(i)}
                  style={heatColor(c.gain.gain, maxAbs, pal)}
                >
                  <span className="heatmap-gain">{fmt.pts(c.gain.gain)}</span>
                  <span className="heatmap-se">± {se2(c.gain.se)}</span>
                  <span className="heatmap-acc">{fmt.pct(c.accuracy)}</span>
                  {verdict === 'noise' ? <span className="heatmap-noise">{t('experiments.heatmap.noise')}</span> : null}
                </span>
              );
            })}
          </div>
        ))}
      </div>
      <p className="small muted">
        {t('experiments.heatmap.legend', {
          baseline: fmt.pct(report.baselineAccuracy),
          teacher: fmt.pct(report.teacherAccuracy),
        })}
      </p>
    </figure>
  );
}
