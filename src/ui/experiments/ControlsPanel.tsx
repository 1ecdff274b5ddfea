// Where the gain comes from: the reference cell's distilled students beside the controls trained at
// the same T and α (random teacher, permuted teacher) or with no teacher (label smoothing), each as a
// gain over the same seed's baseline and as a share of the reference gain; then calibration, the
// baseline before and after post-hoc temperature scaling beside the distilled student; then the
// reading in one sentence each.

import type { SweepReport } from '../../sweepConfig';
import { Tr, useT } from '../i18n';
import { CONTROL_LABEL, interpretSweep, shareOf } from './interpret';

export function ControlsPanel({ report }: { report: SweepReport }) {
  const { t, fmt } = useT();
  const reading = interpretSweep(report, fmt);
  const ref = report.cells[report.reference.t * report.alphas.length + report.reference.a];
  const se2 = (se: number) => fmt.pts(2 * se).replace(/^\+/, '');
  const refValues = { t: fmt.num(ref.temperature), a: fmt.num(ref.alpha) };
  const cal = report.calibration;
  return (
    <div className="sweep-controls" data-testid="sweep-controls">
      {report.controls.length ? (
        <table className="metrics-table small">
          <caption>{t('experiments.controls.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('experiments.controls.colModel')}</th>
              <th scope="col">{t('experiments.controls.colAcc')}</th>
              <th scope="col">{t('experiments.controls.colGain')}</th>
              <th scope="col">{t('experiments.controls.colShare')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('experiments.controls.reference', refValues)}</th>
              <td>{fmt.pct(ref.accuracy)}</td>
              <td>
                {fmt.pts(ref.gain.gain)} ± {se2(ref.gain.se)}
              </td>
              <td>{fmt.pct(1, 0)}</td>
            </tr>
            {report.controls.map((c) => (
              <tr key={c.control} data-testid={`sweep-control-${c.control}`}>
                <th scope="row">{t(CONTROL_LABEL[c.control])}</th>
                <td>{fmt.pct(c.accuracy)}</td>
                <td>
                  {fmt.pts(c.gain.gain)} ± {se2(c.gain.se)}
                </td>
                <td>{ref.gain.gain !== 0 ? fmt.pct(shareOf(c.gain.gain, ref.gain.gain), 0) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {cal ? (
        <table className="metrics-table small" data-testid="sweep-calibration">
          <caption>
            {t('experiments.calibration.title', { fit: fmt.int(cal.fitRows), held: fmt.int(cal.heldOutRows) })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('experiments.controls.colModel')}</th>
              <th scope="col">{t('experiments.calibration.colNll')}</th>
              <th scope="col">{t('experiments.calibration.colEce')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{t('experiments.calibration.baseline')}</th>
              <td>{fmt.fixed(cal.nllBefore, 3)}</td>
              <td>{fmt.pct(cal.eceBefore)}</td>
            </tr>
            <tr>
              <th scope="row">{t('experiments.calibration.scaled', { t: fmt.fixed(cal.temperature, 2) })}</th>
              <td>{fmt.fixed(cal.nllAfter, 3)}</td>
              <td>{fmt.pct(cal.eceAfter)}</td>
            </tr>
            <tr>
              <th scope="row">{t('experiments.controls.reference', refValues)}</th>
              <td>{fmt.fixed(cal.distilledNll, 3)}</td>
              <td>{fmt.pct(cal.distilledEce)}</td>
            </tr>
          </tbody>
        </table>
      ) : null}
      <div className="sweep-reading" data-testid="sweep-reading">
        <p>
          <Tr k={reading.grid.key} values={reading.grid.values} />
        </p>
        {[...reading.controls, ...reading.calibration].map((l, i) => (
          <p key={i}>
            <Tr k={l.key} values={l.values} />
          </p>
        ))}
      </div>
    </div>
  );
}
