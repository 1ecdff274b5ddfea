// Next to the sparse-teacher control: what the choice stores per position (lossMath.bytesPerPosition)
// and, for top-k, its bias on the predictions panel's example, computed from the teacher's own logits
// there (tail mass dropped, how much more confident the renormalised target is, KL(target ‖ teacher)).

import type { Hyper } from '../config';
import { bytesPerPosition, softmax, topKBias } from '../lossMath';
import { objectiveOf, objectiveProblems } from '../objective';
import { useApp } from './context';
import { useT } from './i18n';

export function SparseTeacherNote({ hyper }: { hyper: Hyper }) {
  const { t, locale } = useT();
  const vocab = useApp((s) => s.task.info?.vocabSize ?? null);
  const teacherLogits = useApp((s) => s.run.prediction?.teacher?.logits ?? null);
  const o = objectiveOf(hyper);
  const problems = objectiveProblems(hyper);
  const num = (v: number, digits = 3) => new Intl.NumberFormat(locale, { maximumSignificantDigits: digits }).format(v);
  let bias: string | null = null;
  if (o.sparse === 'top-k' && teacherLogits && teacherLogits.length > 0) {
    const b = topKBias(softmax(teacherLogits, hyper.temperature), Math.min(o.k, teacherLogits.length));
    bias = t('settings.sparseBias', {
      tail: num(b.tailMass),
      gain: num(b.confidenceGain),
      kl: num(b.klTargetToTeacher),
    });
  }
  return (
    <div className="small muted" data-testid="sparse-note">
      {vocab !== null && o.sparse !== 'full' ? (
        <p>
          {t('settings.sparseCost', {
            bytes: num(bytesPerPosition(o.sparse, vocab, Math.min(o.k, vocab)), 6),
            full: num(bytesPerPosition('full', vocab, vocab), 6),
          })}
        </p>
      ) : null}
      {bias ? <p>{bias}</p> : null}
      {o.sparse === 'sampled-k' ? <p>{t('settings.sparseSampled')}</p> : null}
      {problems.length ? (
        <p className="error" role="alert">
          {t('settings.objectiveRefused', { reason: problems.join('; ') })}
        </p>
      ) : null}
    </div>
  );
}
