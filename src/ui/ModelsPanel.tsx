import { useId } from 'react';
import type { RunConfig } from '../config';
import type { TKey } from '../i18n/catalog';
import { RUN_SETTINGS } from '../settings';
import { AUTO_TEACHER_STEPS, shippedTeacherFits, type ShippedTeacher } from '../worker/protocol';
import { useApp, useController } from './context';
import { useT, type TFn } from './i18n';
import { compressionLabel, modelStats } from './modelStats';
import { SizePicker } from './SizePicker';

/** Why no shipped teacher can be used (as noShippedTeacherMessage in worker/protocol.ts says it, in the UI's language). */
function noShippedMessage(t: TFn, info: ShippedTeacher, config: RunConfig): string {
  if (!info.available && info.reason) return t('models.noShippedReason', { reason: info.reason });
  if (info.size) return t('models.noShippedSize', { shipped: info.size, chosen: config.teacher });
  return t('models.noShipped');
}

/** compressionLabel's words (modelStats.ts) in the UI's language. */
const COMPRESSION_WORDS: Record<string, TKey> = {
  'same size': 'models.sameSize',
  'the student has as many parameters as the teacher': 'models.sameText',
  'fewer parameters in the student': 'models.fewer',
  'more parameters in the student than in the teacher': 'models.more',
};

function TeacherSource() {
  const c = useController();
  const { t } = useT();
  const config = useApp((s) => s.config);
  const shipped = useApp((s) => s.shipped);
  const id = useId();
  const fits = shippedTeacherFits(shipped, config);
  let message: React.ReactNode;
  if (config.teacherSteps > 0) {
    message = (
      <>
        {t('models.trainsFirst', { steps: config.teacherSteps })}
        {shipped?.available && shipped.size ? (
          <button
            type="button"
            className="link"
            onClick={() => c.setConfig({ ...config, teacherSteps: 0, teacher: shipped.size! })}
          >
            {t('models.useShipped', { size: shipped.size })}
          </button>
        ) : null}
      </>
    );
  } else if (fits) {
    message = <>{t('models.usingShipped', { size: shipped!.size ?? '' })}</>;
  } else if (!shipped) {
    message = <>{t('models.looking')}</>;
  } else {
    message = (
      <>
        <span className="warn">{noShippedMessage(t, shipped, config)}.</span>{' '}
        <button
          type="button"
          className="link"
          onClick={() => c.setConfig({ ...config, teacherSteps: AUTO_TEACHER_STEPS })}
        >
          {t('models.trainFirst', { steps: AUTO_TEACHER_STEPS })}
        </button>
        {shipped.available && shipped.size ? (
          <button type="button" className="link" onClick={() => c.setConfig({ ...config, teacher: shipped.size! })}>
            {t('models.useShippedSize', { size: shipped.size })}
          </button>
        ) : null}
      </>
    );
  }
  return (
    <div className="teacher-source small">
      <p>{message}</p>
      <label htmlFor={id}>{t(RUN_SETTINGS.teacherSteps.label as TKey)}</label>
      <input
        id={id}
        type="number"
        min={RUN_SETTINGS.teacherSteps.min}
        max={RUN_SETTINGS.teacherSteps.max}
        step={RUN_SETTINGS.teacherSteps.step}
        value={config.teacherSteps}
        onChange={(e) => {
          const v = e.target.valueAsNumber;
          if (Number.isInteger(v) && v >= 0) c.setConfig({ ...config, teacherSteps: v });
        }}
      />
    </div>
  );
}

export function ModelsPanel() {
  const c = useController();
  const { t } = useT();
  const config = useApp((s) => s.config);
  const info = useApp((s) => s.task.info);
  const vocab = info?.vocabSize ?? 64;
  const block = info?.seqLen ?? 32;
  const teacher = modelStats(config.teacher, vocab, block);
  const student = modelStats(config.student, vocab, block);
  const compression = compressionLabel(teacher, student);
  const words = (s: string) => (COMPRESSION_WORDS[s] ? t(COMPRESSION_WORDS[s]) : s);
  return (
    <section className="card models-card" aria-label={t('models.aria')}>
      <h2>{t('models.title')}</h2>
      <p className="muted small">{t('models.note')}</p>
      <div className="size-pair">
        <SizePicker
          key={`t-${config.teacher}`}
          role="Teacher"
          value={config.teacher}
          stats={teacher}
          onChange={(spec) => c.setConfig({ ...config, teacher: spec }, { teacherExplicit: true })}
        />
        <SizePicker
          key={`s-${config.student}`}
          role="Student"
          value={config.student}
          stats={student}
          onChange={(spec) => c.setConfig({ ...config, student: spec })}
        />
      </div>
      <p className="compression">
        {t('models.compression')}{' '}
        <strong data-testid="compression">{compression ? words(compression.value) : '—'}</strong>{' '}
        <span className="muted small">
          {compression ? words(compression.text) : ''}
          {info ? '' : t('models.typical')}
        </span>
      </p>
      <TeacherSource />
    </section>
  );
}
