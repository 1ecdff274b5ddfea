// The sweep in words: one reading of the grid, one of the controls (how much of the reference
// cell's gain a teacher without dark knowledge, or no teacher at all, reproduces), one of
// calibration (temperature scaling of the baseline against the distilled student). Every number is
// the report's, which the worker computed from the models. Pure: components render the keys.

import type { TKey } from '../../i18n/catalog';
import type { MemberControl, SweepCellReport, SweepReport } from '../../sweepConfig';
import type { Format } from '../i18n';
import { verdictFor, type Line, type Verdict } from '../summary';

export const CONTROL_LABEL: Record<MemberControl, TKey> = {
  'random-teacher': 'experiments.control.random',
  permuted: 'experiments.control.permuted',
  'label-smoothing': 'experiments.control.smoothing',
};

export const cellVerdict = (c: Pick<SweepCellReport, 'gain'>): Verdict => verdictFor(c.gain.gain, c.gain.se);

/** The fraction of the reference cell's gain a control reproduces (its own gain over the same baselines ÷ the cell's). */
export function shareOf(control: number, reference: number): number {
  return control / reference;
}

export interface SweepReading {
  grid: Line;
  /** The reference cell's gain, then what the teacher-free controls and the permuted teacher reproduce of it. */
  controls: Line[];
  /** Temperature scaling's numbers, then the comparison with the distilled student. */
  calibration: Line[];
}

const ratio = (x: number) => Math.max(0, Math.min(1, x));

export function interpretSweep(r: SweepReport, fmt: Format): SweepReading {
  const best = r.cells.reduce((a, b) => (b.gain.gain > a.gain.gain ? b : a));
  const above = r.cells.filter((c) => cellVerdict(c) === 'helps').length;
  const grid: Line = {
    key: 'experiments.read.grid',
    values: {
      t: fmt.num(best.temperature),
      a: fmt.num(best.alpha),
      gain: fmt.pts(best.gain.gain),
      se2: fmt.pts(2 * best.gain.se).replace(/^\+/, ''),
      above,
      total: r.cells.length,
      seeds: r.seeds.length,
    },
  };
  const ref = r.cells[r.reference.t * r.alphas.length + r.reference.a];
  const controls: Line[] = [];
  if (r.controls.length) {
    const base = { t: fmt.num(ref.temperature), a: fmt.num(ref.alpha), gain: fmt.pts(ref.gain.gain) };
    if (cellVerdict(ref) !== 'helps') {
      controls.push({ key: 'experiments.read.controlsNoise', values: base });
    } else {
      controls.push({ key: 'experiments.read.controlsHead', values: base });
      const share = (k: MemberControl) => {
        const c = r.controls.find((x) => x.control === k);
        return c ? shareOf(c.gain.gain, ref.gain.gain) : null;
      };
      const pct = (x: number | null) => (x === null ? '—' : fmt.pct(x, 0));
      const smoothing = share('label-smoothing');
      const random = share('random-teacher');
      if (smoothing !== null || random !== null) {
        // What no teacher (label smoothing) or a teacher that knows nothing (random) reproduces: regularisation.
        const most = Math.max(smoothing ?? -Infinity, random ?? -Infinity);
        controls.push({
          key: most >= 0.5 ? 'experiments.read.regularMuch' : 'experiments.read.regularLittle',
          values: { smoothing: pct(smoothing), random: pct(random) },
        });
      }
      const permuted = share('permuted');
      if (permuted !== null) {
        // The permuted teacher keeps each row's top answer and the whole distribution's shape; only the
        // ranking of the wrong answers is gone: what it does not reproduce is dark knowledge.
        const dark = ratio(1 - permuted);
        controls.push({
          key: dark >= 0.5 ? 'experiments.read.darkMost' : 'experiments.read.darkLittle',
          values: { permuted: pct(permuted), dark: fmt.pct(dark, 0) },
        });
      }
    }
  }
  const calibration: Line[] = [];
  const c = r.calibration;
  if (c) {
    calibration.push({
      key: 'experiments.read.calibrationHead',
      values: {
        t: fmt.fixed(c.temperature, 2),
        before: fmt.fixed(c.nllBefore, 3),
        after: fmt.fixed(c.nllAfter, 3),
        eceBefore: fmt.pct(c.eceBefore),
        eceAfter: fmt.pct(c.eceAfter),
        dNll: fmt.fixed(c.distilledNll, 3),
        dEce: fmt.pct(c.distilledEce),
        fit: fmt.int(c.fitRows),
        held: fmt.int(c.heldOutRows),
      },
    });
    const nll = c.distilledNll < c.nllAfter;
    const ece = c.distilledEce < c.eceAfter;
    calibration.push({
      key:
        nll && ece
          ? 'experiments.read.calibrationKd'
          : !nll && !ece
            ? 'experiments.read.calibrationScaling'
            : nll
              ? 'experiments.read.calibrationMixedNll'
              : 'experiments.read.calibrationMixedEce',
      values: {},
    });
  }
  return { grid, controls, calibration };
}
