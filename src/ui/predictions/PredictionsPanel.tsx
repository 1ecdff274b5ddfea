import { useEffect, useId, useState, type FormEvent } from 'react';
import { useApp, useController } from '../context';
import { AttentionView } from './AttentionView';
import { ProbabilityBars } from './ProbabilityBars';
import type { PredictionResult } from '../../worker/protocol';

function Continuations({ result }: { result: PredictionResult }) {
  const rows = (['teacher', 'student', 'baseline'] as const).filter((r) => result[r]?.continuation);
  if (!rows.length) return null;
  return (
    <div className="continuations">
      <h3>Continuations of “{result.input}”</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Greedy</th>
            <th scope="col">Sampled (T = 1)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r}>
              <th scope="row">{r}</th>
              <td className="mono">{result[r]!.continuation!.greedy}</td>
              <td className="mono">{result[r]!.continuation!.sampled}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const NO_EXAMPLES: string[] = [];

function InputPicker() {
  const c = useController();
  const examples = useApp((s) => s.task.info?.examples) ?? NO_EXAMPLES;
  const input = useApp((s) => s.predictInput);
  const [text, setText] = useState(input ?? '');
  const id = useId();
  useEffect(() => setText(input ?? ''), [input]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) c.predict(text.trim());
  };
  return (
    <form className="input-picker" onSubmit={submit}>
      <label htmlFor={`${id}-ex`} className="small">
        Example
      </label>
      <select id={`${id}-ex`} value={examples.includes(input ?? '') ? (input ?? '') : ''} onChange={(e) => e.target.value && c.predict(e.target.value)}>
        <option value="">(typed input)</option>
        {examples.map((ex) => (
          <option key={ex} value={ex}>
            {ex}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-in`} className="small">
        or type an input
      </label>
      <input id={`${id}-in`} type="text" value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit">Predict</button>
    </form>
  );
}

export function PredictionsPanel() {
  // Narrow selections: the panel re-renders on new predictions or T, not on every batch of points.
  const result = useApp((s) => s.run.prediction);
  const predictionError = useApp((s) => s.run.predictionError);
  const started = useApp((s) => s.run.started);
  const temperature = useApp((s) => s.config.hyper.temperature);
  return (
    <section className="card predictions" data-testid="predictions" aria-label="Predictions">
      <div className="card-head">
        <h2>Predictions, side by side</h2>
        <span className="muted small">updated live while it trains</span>
      </div>
      <InputPicker />
      {predictionError ? <p className="warn small">{predictionError}</p> : null}
      {result ? (
        <>
          <ProbabilityBars result={result} temperature={temperature} />
          <Continuations result={result} />
          <h3>Attention maps</h3>
          <AttentionView result={result} />
        </>
      ) : (
        <p className="placeholder">
          {started ? 'The models are getting ready…' : 'Start a run to see the teacher, the distilled student and the baseline answer the same input.'}
        </p>
      )}
    </section>
  );
}
