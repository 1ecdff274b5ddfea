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
  controls: Line | null;
  calibration: Line | null;
}

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
  let controls: Line | null = null;
  if (r.controls.length) {
    const base = { t: fmt.num(ref.temperature), a: fmt.num(ref.alpha), gain: fmt.pts(ref.gain.gain) };
    if (cellVerdict(ref) !== 'helps') {
      controls = { key: 'experiments.read.controlsNoise', values: base };
    } else {
      const shares = r.controls.map((c) => ({ control: c.control, share: shareOf(c.gain.gain, ref.gain.gain) }));
      // The part no teacher-free or knowledge-free control reproduces is what needs the teacher's dark knowledge.
      const explained = Math.max(0, ...shares.filter((s) => s.control !== 'random-teacher').map((s) => s.share));
      const get = (k: MemberControl) => shares.find((s) => s.control === k);
      controls = {
        key: explained < 0.5 ? 'experiments.read.controlsDark' : 'experiments.read.controlsRegular',
        values: {
          ...base,
          random: get('random-teacher') ? fmt.pct(get('random-teacher')!.share, 0) : '—',
          permuted: get('permuted') ? fmt.pct(get('permuted')!.share, 0) : '—',
          smoothing: get('label-smoothing') ? fmt.pct(get('label-smoothing')!.share, 0) : '—',
          rest: fmt.pct(Math.max(0, 1 - explained), 0),
        },
      };
    }
  }
  let calibration: Line | null = null;
  const c = r.calibration;
  if (c) {
    calibration = {
      key: c.distilledNll < c.nllAfter ? 'experiments.read.calibrationKd' : 'experiments.read.calibrationScaling',
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
    };
  }
  return { grid, controls, calibration };
}
