// The grammar lab panel (issue 13): a λ slider, a length, Run / Stop, progress, and the table of
// what each model generates against the grammar's truth (src/train/grammarLab.ts, run in its own
// worker through src/client/labController.ts). Every number is computed from models trained here.

import { useState, useSyncExternalStore } from 'react';
import type { LabController, LabState } from '../../client/labController';
import { createPageLabController } from '../../client/labWorker';
import type { TKey } from '../../i18n/catalog';
import { LAB_LIMITS, type LabRow, type LabRowKind } from '../../worker/labProtocol';
import { useT, type TFn } from '../i18n';
import { Slider } from '../Slider';

const ROW_KEYS: Record<LabRowKind, TKey> = {
  truth: 'grammarLab.rows.truth',
  teacher: 'grammarLab.rows.teacher',
  baseline: 'grammarLab.rows.baseline',
  'off-policy': 'grammarLab.rows.offPolicy',
  'on-policy': 'grammarLab.rows.onPolicy',
  'sequence-kd': 'grammarLab.rows.sequenceKd',
};

function rowLabel(t: TFn, kind: LabRowKind, lambda: number | undefined): string {
  return t(ROW_KEYS[kind], { lambda: lambda ?? '' });
}

function progressText(t: TFn, s: LabState): string {
  const p = s.progress;
  const lambda = s.ran?.lambda;
  if (!p) return t('grammarLab.status.running');
  const who = p.kind ? rowLabel(t, p.kind, lambda) : '';
  switch (p.phase) {
    case 'loading':
      return t('grammarLab.phase.loading');
    case 'corpus':
      return t('grammarLab.phase.corpus');
    case 'train':
      return t('grammarLab.phase.train', { who, step: p.step, steps: p.steps });
    case 'evaluate':
      return t('grammarLab.phase.evaluate', { who });
  }
}

function statusText(t: TFn, s: LabState): string {
  switch (s.status) {
    case 'running':
      return progressText(t, s);
    case 'done':
      return t('grammarLab.status.done', {
        backend: s.backend ?? '',
        steps: s.ran?.steps ?? 0,
        samples: s.ran?.samples ?? 0,
      });
    case 'error':
      return t('grammarLab.status.error', { message: s.error ?? '' });
    case 'stopped':
      return t('grammarLab.status.stopped');
    case 'idle':
      return t('grammarLab.status.idle');
  }
}

export function GrammarLab({ controller }: { controller?: LabController }) {
  const { t, fmt: f } = useT();
  const [c] = useState(() => controller ?? createPageLabController());
  const s = useSyncExternalStore(c.subscribe, c.getState);
  const running = s.status === 'running';
  const columns: { key: TKey; value: (r: LabRow) => string }[] = [
    { key: 'grammarLab.table.validity', value: (r) => f.pct(r.generation.validity) },
    { key: 'grammarLab.table.entropy', value: (r) => f.fixed(r.generation.entropy, 3) },
    { key: 'grammarLab.table.distinct1', value: (r) => f.fixed(r.generation.distinct[0], 3) },
    { key: 'grammarLab.table.distinct2', value: (r) => f.fixed(r.generation.distinct[1], 3) },
    { key: 'grammarLab.table.distinct3', value: (r) => f.fixed(r.generation.distinct[2], 3) },
    { key: 'grammarLab.table.klOwn', value: (r) => f.fixed(r.generation.klToTruth, 3) },
    { key: 'grammarLab.table.nll', value: (r) => f.fixed(r.testNll, 3) },
    { key: 'grammarLab.table.klTest', value: (r) => f.fixed(r.testKlToTruth, 3) },
  ];
  return (
    <section className="card grammar-lab" aria-label={t('grammarLab.title')} data-testid="grammar-lab">
      <div className="card-head">
        <h2>{t('grammarLab.title')}</h2>
      </div>
      <p className="muted small">{t('grammarLab.intro')}</p>
      <Slider
        label={t('grammarLab.lambda')}
        hint={t('grammarLab.lambdaHint')}
        {...LAB_LIMITS.lambda}
        value={s.request.lambda}
        display={f.fixed(s.request.lambda, 2)}
        onChange={(lambda) => c.setRequest({ lambda })}
      />
      <Slider
        label={t('grammarLab.steps')}
        {...LAB_LIMITS.steps}
        value={s.request.steps}
        display={f.int(s.request.steps)}
        onChange={(steps) => c.setRequest({ steps })}
      />
      <div className="row">
        <button type="button" className="primary" onClick={() => c.start()} disabled={running}>
          {t('grammarLab.run')}
        </button>
        <button type="button" onClick={() => c.stop()} disabled={!running}>
          {t('grammarLab.stop')}
        </button>
      </div>
      <p role="status" aria-live="polite" className="small" data-testid="grammar-lab-status">
        {statusText(t, s)}
      </p>
      {s.rows ? (
        <div className="table-scroll">
          <table className="grammar-lab-table">
            <caption>{t('grammarLab.table.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('grammarLab.table.model')}</th>
                {columns.map((col) => (
                  <th scope="col" key={col.key}>
                    {t(col.key)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {s.rows.map((r) => (
                <tr key={`${r.kind}:${r.lambda ?? ''}`}>
                  <th scope="row">{rowLabel(t, r.kind, r.lambda)}</th>
                  {columns.map((col) => (
                    <td key={col.key}>{col.value(r)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">{t('grammarLab.legend')}</p>
        </div>
      ) : null}
    </section>
  );
}
