import { useApp } from '../context';
import { compact } from '../format';

const ms = (v: number | undefined) => (v === undefined ? '—' : v >= 10 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);

export function SpeedReadout() {
  const speed = useApp((s) => s.run.speed);
  const latency = useApp((s) => s.run.latency);
  const backend = useApp((s) => s.backend?.name);
  const ratio = latency.teacher && latency.student ? latency.teacher / latency.student : null;
  return (
    <div className="speed" data-testid="speed">
      <dl>
        <div>
          <dt>Training</dt>
          <dd>{speed ? `${speed.stepsPerSec.toFixed(1)} steps/s` : '—'}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>{speed ? `${compact(Math.round(speed.tokensPerSec))} tokens/s` : '—'}</dd>
        </div>
        <div>
          <dt>Teacher latency</dt>
          <dd>{ms(latency.teacher)}</dd>
        </div>
        <div>
          <dt>Student latency</dt>
          <dd>
            {ms(latency.student)}
            {ratio ? <span className="muted small"> ({ratio >= 1 ? `${ratio.toFixed(1)}× faster` : `${(1 / ratio).toFixed(1)}× slower`})</span> : null}
          </dd>
        </div>
      </dl>
      <p className="muted small">
        Inference latency: one batch-1 forward pass read back to the page{backend ? ` on ${backend}` : ''}. Small models on a GPU are bound by kernel launches,
        so latency shrinks less than the parameter count.
      </p>
    </div>
  );
}
