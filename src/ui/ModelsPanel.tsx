import { useId } from 'react';
import { AUTO_TEACHER_STEPS, noShippedTeacherMessage, shippedTeacherFits } from '../worker/protocol';
import { useApp, useController } from './context';
import { compressionLabel, modelStats } from './modelStats';
import { SizePicker } from './SizePicker';

function TeacherSource() {
  const c = useController();
  const config = useApp((s) => s.config);
  const shipped = useApp((s) => s.shipped);
  const id = useId();
  const fits = shippedTeacherFits(shipped, config);
  let message: React.ReactNode;
  if (config.teacherSteps > 0) {
    message = (
      <>
        The teacher trains for {config.teacherSteps} steps first, then distillation starts.
        {shipped?.available && shipped.size ? (
          <button type="button" className="link" onClick={() => c.setConfig({ ...config, teacherSteps: 0, teacher: shipped.size! })}>
            Use the shipped teacher ({shipped.size}) instead
          </button>
        ) : null}
      </>
    );
  } else if (fits) {
    message = <>Using the shipped pretrained teacher ({shipped!.size}): distillation starts at once.</>;
  } else if (!shipped) {
    message = <>Looking for a shipped teacher…</>;
  } else {
    message = (
      <>
        <span className="warn">{noShippedTeacherMessage(shipped, config)}.</span>{' '}
        <button type="button" className="link" onClick={() => c.setConfig({ ...config, teacherSteps: AUTO_TEACHER_STEPS })}>
          Train a teacher first ({AUTO_TEACHER_STEPS} steps)
        </button>
        {shipped.available && shipped.size ? (
          <button type="button" className="link" onClick={() => c.setConfig({ ...config, teacher: shipped.size! })}>
            Use the shipped size ({shipped.size})
          </button>
        ) : null}
      </>
    );
  }
  return (
    <div className="teacher-source small">
      <p>{message}</p>
      <label htmlFor={id}>Teacher training steps (0 = use the shipped teacher)</label>
      <input
        id={id}
        type="number"
        min={0}
        max={100000}
        step={50}
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
  const config = useApp((s) => s.config);
  const info = useApp((s) => s.task.info);
  const vocab = info?.vocabSize ?? 64;
  const block = info?.seqLen ?? 32;
  const teacher = modelStats(config.teacher, vocab, block);
  const student = modelStats(config.student, vocab, block);
  const compression = compressionLabel(teacher, student);
  return (
    <section className="card models-card" aria-label="Model sizes">
      <h2>Models</h2>
      <p className="muted small">Sizes are layers × heads × width; pick a preset or “custom…”.</p>
      <div className="size-pair">
        <SizePicker key={`t-${config.teacher}`} role="Teacher" value={config.teacher} stats={teacher} onChange={(spec) => c.setConfig({ ...config, teacher: spec }, { teacherExplicit: true })} />
        <SizePicker key={`s-${config.student}`} role="Student" value={config.student} stats={student} onChange={(spec) => c.setConfig({ ...config, student: spec })} />
      </div>
      <p className="compression">
        Compression{' '}
        <strong data-testid="compression">{compression?.value ?? '—'}</strong>{' '}
        <span className="muted small">
          {compression?.text ?? ''}
          {info ? '' : ' (sizes for a typical task until it loads)'}
        </span>
      </p>
      <TeacherSource />
    </section>
  );
}
