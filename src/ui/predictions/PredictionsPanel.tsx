import { useEffect, useId, useState, type FormEvent } from 'react';
import { runTaskInfo } from '../../client/state';
import { useApp, useController } from '../context';
import { useT } from '../i18n';
import { roleLabel } from '../roles';
import { AttentionView } from './AttentionView';
import { ProbabilityBars } from './ProbabilityBars';
import type { PredictionResult } from '../../worker/protocol';

function Continuations({ result }: { result: PredictionResult }) {
  const { t } = useT();
  const rows = (['teacher', 'student', 'baseline'] as const).filter((r) => result[r]?.continuation);
  if (!rows.length) return null;
  return (
    <div className="continuations">
      <h3>{t('predictions.continuations', { input: result.input })}</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('predictions.model')}</th>
            <th scope="col">{t('predictions.greedy')}</th>
            <th scope="col">{t('predictions.sampled')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r}>
              <th scope="row">{roleLabel(t, r)}</th>
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
  const { t } = useT();
  const examples = useApp((s) => runTaskInfo(s)?.examples) ?? NO_EXAMPLES;
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
        {t('predictions.example')}
      </label>
      <select
        id={`${id}-ex`}
        value={examples.includes(input ?? '') ? (input ?? '') : ''}
        onChange={(e) => e.target.value && c.predict(e.target.value)}
      >
        <option value="">{t('predictions.typed')}</option>
        {examples.map((ex) => (
          <option key={ex} value={ex}>
            {ex}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-in`} className="small">
        {t('predictions.orType')}
      </label>
      <input id={`${id}-in`} type="text" value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit">{t('predictions.predict')}</button>
    </form>
  );
}

export function PredictionsPanel() {
  const { t } = useT();
  // Narrow selections: the panel re-renders on new predictions or T, not on every batch of points.
  const result = useApp((s) => s.run.prediction);
  const predictionError = useApp((s) => s.run.predictionError);
  const started = useApp((s) => s.run.started);
  const temperature = useApp((s) => s.config.hyper.temperature);
  return (
    <section className="card predictions" data-testid="predictions" aria-label={t('predictions.aria')}>
      <div className="card-head">
        <h2>{t('predictions.title')}</h2>
        <span className="muted small">{t('predictions.live')}</span>
      </div>
      <InputPicker />
      {predictionError ? <p className="warn small">{predictionError}</p> : null}
      {result ? (
        <>
          <ProbabilityBars result={result} temperature={temperature} />
          <Continuations result={result} />
          <h3>{t('predictions.attention')}</h3>
          <AttentionView result={result} />
        </>
      ) : (
        <p className="placeholder">{started ? t('predictions.gettingReady') : t('predictions.startHint')}</p>
      )}
    </section>
  );
}
