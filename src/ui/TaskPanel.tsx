import { useId, type ChangeEvent } from 'react';
import { ALL_TASKS, type TaskId } from '../config';
import { useApp, useController } from './context';

const TASK_NAMES: Record<TaskId, string> = {
  sentiment: 'Sentiment (5 classes)',
  grammar: 'Grammar (known true distribution)',
  modadd: 'Modular addition',
  'custom-text': 'Your text (upload .txt)',
  'custom-csv': 'Your CSV (upload .csv)',
};

function UploadField() {
  const c = useController();
  const upload = useApp((s) => s.upload);
  const id = useId();
  const onChange = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) void c.upload(file);
    e.target.value = ''; // the same file can be chosen again after fixing it
  };
  return (
    <div className="upload">
      <label htmlFor={id} className="upload-label">
        Upload your own data <span className="muted small">(.txt for generation, .csv with text,label for classification)</span>
      </label>
      <input id={id} type="file" accept=".txt,.csv,text/plain,text/csv" onChange={onChange} disabled={upload.busy} />
      {upload.busy ? <p className="muted small">Reading {upload.name}…</p> : null}
      {upload.error ? (
        <p className="error" role="alert">
          Could not use {upload.name}: {upload.error}
        </p>
      ) : null}
      {upload.summary ? (
        <p className="ok small" role="status">
          Loaded {upload.name}: {upload.summary}.
        </p>
      ) : null}
    </div>
  );
}

export function TaskPanel() {
  const c = useController();
  const config = useApp((s) => s.config);
  const task = useApp((s) => s.task);
  const id = useId();
  return (
    <section className="card task-card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Task</h2>
      <label htmlFor={id}>Task</label>
      <select id={id} value={config.task} onChange={(e) => c.setConfig({ ...config, task: e.target.value as TaskId })}>
        {ALL_TASKS.map((t) => (
          <option key={t} value={t}>
            {TASK_NAMES[t]}
          </option>
        ))}
      </select>
      {task.info ? (
        <>
          <p className="description">{task.info.description}</p>
          <p className="muted small">
            {task.info.kind === 'classification' ? `${task.info.classes?.length ?? 0} classes` : 'next-token generation'} · vocabulary{' '}
            {task.info.vocabSize} · {task.info.labelledRows.toLocaleString('en-US')} labelled + {task.info.transferRows.toLocaleString('en-US')}{' '}
            unlabelled rows for the student · {task.info.teacherRows.toLocaleString('en-US')} for the teacher
          </p>
        </>
      ) : task.error ? (
        <p className="warn small">{task.error}</p>
      ) : (
        <p className="muted small">Loading the task…</p>
      )}
      <UploadField />
    </section>
  );
}
