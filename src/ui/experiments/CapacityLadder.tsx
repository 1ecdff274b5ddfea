// The capacity ladder: one stack per student size, run one after another; the gain at the reference
// cell (and the best cell) against the student's parameter count, with ± 2 SE bars. A table with the
// numbers and a small chart named by its summary.

import type { SweepReport } from '../../sweepConfig';
import { usePalette } from '../colors';
import { useT } from '../i18n';

const W = 320;
const H = 150;
const PAD = { left: 48, right: 12, top: 10, bottom: 28 };

export function CapacityLadder({ reports }: { reports: SweepReport[] }) {
  const { t, fmt } = useT();
  const pal = usePalette();
  if (!reports.length) return null;
  const refOf = (r: SweepReport) => r.cells[r.reference.t * r.alphas.length + r.reference.a];
  const bestOf = (r: SweepReport) => r.cells.reduce((a, b) => (b.gain.gain > a.gain.gain ? b : a));
  const se2 = (se: number) => fmt.pts(2 * se).replace(/^\+/, '');
  const ref0 = refOf(reports[0]);
  const summary = reports
    .map((r) =>
      t('experiments.ladder.point', {
        student: r.student,
        gain: fmt.pts(refOf(r).gain.gain),
        se2: se2(refOf(r).gain.se),
      }),
    )
    .join('; ');
  // y: gain in points, covering every ± 2 SE bar and 0; x: the sizes in order, evenly spaced.
  const lo = Math.min(0, ...reports.map((r) => refOf(r).gain.gain - 2 * refOf(r).gain.se));
  const hi = Math.max(0, ...reports.map((r) => refOf(r).gain.gain + 2 * refOf(r).gain.se));
  const span = hi - lo || 1;
  const y = (g: number) => PAD.top + ((hi - g) / span) * (H - PAD.top - PAD.bottom);
  const x = (i: number) => PAD.left + ((i + 0.5) / reports.length) * (W - PAD.left - PAD.right);
  return (
    <div className="sweep-ladder" data-testid="sweep-ladder">
      <h3>{t('experiments.ladder.title')}</h3>
      <svg
        width={W}
        height={H}
        role="img"
        aria-label={t('experiments.ladder.aria', { t: fmt.num(ref0.temperature), a: fmt.num(ref0.alpha), summary })}
      >
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke={pal.reference} strokeDasharray="4 3" />
        <text x={PAD.left - 6} y={y(hi) + 4} textAnchor="end" fontSize="10" fill={pal.axis}>
          {fmt.pts(hi)}
        </text>
        <text x={PAD.left - 6} y={y(0) + 4} textAnchor="end" fontSize="10" fill={pal.axis}>
          0
        </text>
        {reports.map((r, i) => {
          const c = refOf(r);
          return (
            <g key={r.group}>
              <line
                x1={x(i)}
                x2={x(i)}
                y1={y(c.gain.gain - 2 * c.gain.se)}
                y2={y(c.gain.gain + 2 * c.gain.se)}
                stroke={pal.role.student}
                strokeWidth={2}
              />
              <circle cx={x(i)} cy={y(c.gain.gain)} r={4} fill={pal.role.student} />
              <text x={x(i)} y={H - 10} textAnchor="middle" fontSize="10" fill={pal.axis}>
                {r.student}
              </text>
            </g>
          );
        })}
      </svg>
      <table className="metrics-table small">
        <thead>
          <tr>
            <th scope="col">{t('experiments.ladder.colSize')}</th>
            <th scope="col">{t('experiments.ladder.colParams')}</th>
            <th scope="col">{t('experiments.ladder.colBaseline')}</th>
            <th scope="col">
              {t('experiments.ladder.colRef', { t: fmt.num(ref0.temperature), a: fmt.num(ref0.alpha) })}
            </th>
            <th scope="col">{t('experiments.ladder.colBest')}</th>
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => {
            const c = refOf(r);
            const b = bestOf(r);
            return (
              <tr key={r.group}>
                <th scope="row">{r.student}</th>
                <td>{fmt.compact(r.parameters)}</td>
                <td>{fmt.pct(r.baselineAccuracy)}</td>
                <td>
                  {fmt.pts(c.gain.gain)} ± {se2(c.gain.se)}
                  {r.final ? '' : ` ${t('experiments.ladder.partial', { step: r.step })}`}
                </td>
                <td>
                  {t('experiments.ladder.best', {
                    gain: fmt.pts(b.gain.gain),
                    t: fmt.num(b.temperature),
                    a: fmt.num(b.alpha),
                  })}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
