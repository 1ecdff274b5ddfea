import { HYPER_BOUNDS, type Hyper } from '../config';
import { useApp, useController } from './context';
import { Formula } from './Formula';
import { Slider } from './Slider';

const fixed = (d: number) => (v: number) => v.toFixed(d);

export function HyperPanel() {
  const c = useController();
  const hyper = useApp((s) => s.config.hyper);
  const set = (k: keyof Hyper) => (v: number) => {
    if (Number.isFinite(v)) c.setHyper({ ...hyper, [k]: v });
  };
  return (
    <section className="card knobs" aria-label="Distillation knobs">
      <h2>Knobs</h2>
      <p className="muted small">They apply at the next training step, without a restart, and are marked on the curves.</p>
      <Slider
        label="Temperature (T)"
        hint="Softens both distributions in the soft term; higher T shows more of the teacher's dark knowledge."
        min={HYPER_BOUNDS.temperature.min}
        max={HYPER_BOUNDS.temperature.max}
        step={0.1}
        value={hyper.temperature}
        display={fixed(1)(hyper.temperature)}
        onChange={set('temperature')}
      />
      <Slider
        label="Alpha (α) — weight on the teacher term"
        hint="0 = labels only (the baseline), 1 = teacher only. 1 − α weights the hard-label term."
        min={0}
        max={1}
        step={0.01}
        value={hyper.alpha}
        display={fixed(2)(hyper.alpha)}
        onChange={set('alpha')}
      />
      <Slider label="β — feature (hidden-state) term" min={0} max={10} step={0.1} value={hyper.beta} display={fixed(1)(hyper.beta)} onChange={set('beta')} />
      <Slider label="γ — attention-map term" min={0} max={10} step={0.1} value={hyper.gamma} display={fixed(1)(hyper.gamma)} onChange={set('gamma')} />
      <Slider label="δ — relation (Gram-matrix) term" min={0} max={10} step={0.1} value={hyper.delta} display={fixed(1)(hyper.delta)} onChange={set('delta')} />
      <Slider
        label="Learning rate"
        min={-5}
        max={-1}
        step={0.05}
        value={Math.log10(hyper.lr)}
        display={hyper.lr.toExponential(1)}
        onChange={(v) => set('lr')(Number((10 ** v).toPrecision(3)))}
      />
      <Slider
        label="Batch size"
        min={0}
        max={9}
        step={1}
        value={Math.round(Math.log2(hyper.batchSize))}
        display={String(hyper.batchSize)}
        onChange={(v) => set('batchSize')(2 ** Math.round(v))}
      />
      <Formula hyper={hyper} />
    </section>
  );
}
