import { useId, type ChangeEvent } from 'react';
import { ALL_TASKS, type TaskId } from '../config';
import type { TKey } from '../i18n/catalog';
import type { TaskInfo } from '../worker/protocol';
import { useApp, useController } from './context';
import { useT } from './i18n';

const TASK_NAME: Record<TaskId, TKey> = {
  sentiment: 'task.name.sentiment',
  grammar: 'task.name.grammar',
  modadd: 'task.name.modadd',
  'custom-text': 'task.name.custom-text',
  'custom-csv': 'task.name.custom-csv',
};

const TASK_DESCRIPTION: Record<TaskId, TKey> = {
  sentiment: 'task.description.sentiment',
  grammar: 'task.description.grammar',
  modadd: 'task.description.modadd',
  'custom-text': 'task.description.custom-text',
  'custom-csv': 'task.description.custom-csv',
};

/** The task's description: the worker's own (English, with its numbers) in English, the catalog's in other languages. */
function Description({ info }: { info: TaskInfo }) {
  const { t, lang } = useT();
  const text =
    lang === 'en'
      ? info.description
      : t(TASK_DESCRIPTION[info.id], { count: info.classes?.length ?? 0, labels: (info.classes ?? []).join(', ') });
  return <p className="description">{text}</p>;
}

function UploadField() {
  const c = useController();
  const { t } = useT();
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
        {t('task.upload')} <span className="muted small">{t('task.uploadHint')}</span>
      </label>
      <input id={id} type="file" accept=".txt,.csv,text/plain,text/csv" onChange={onChange} disabled={upload.busy} />
      {upload.busy ? <p className="muted small">{t('task.reading', { name: upload.name ?? '' })}</p> : null}
      {upload.error ? (
        <p className="error" role="alert">
          {t('task.couldNotUse', { name: upload.name ?? '', error: upload.error })}
        </p>
      ) : null}
      {upload.staged ? (
        <p className="notice small" role="status" data-testid="upload-staged">
          {t('persist.staged', { name: upload.staged.name })}
        </p>
      ) : upload.summary ? (
        <p className="ok small" role="status">
          {t('task.loaded', { name: upload.name ?? '', summary: upload.summary })}
        </p>
      ) : null}
    </div>
  );
}

export function TaskPanel() {
  const c = useController();
  const { t, fmt } = useT();
  const config = useApp((s) => s.config);
  const task = useApp((s) => s.task);
  // While a file waits for the next run, the panel goes on describing the data the running run uses.
  const stagedOverRun = useApp((s) => (s.upload.staged ? s.run.taskInfo : null));
  const id = useId();
  const info = stagedOverRun ?? task.info;
  return (
    <section className="card task-card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('task.title')}</h2>
      <label htmlFor={id}>{t('task.title')}</label>
      <select id={id} value={config.task} onChange={(e) => c.setConfig({ ...config, task: e.target.value as TaskId })}>
        {ALL_TASKS.map((id) => (
          <option key={id} value={id}>
            {t(TASK_NAME[id])}
          </option>
        ))}
      </select>
      {info ? (
        <>
          <Description info={info} />
          <p className="muted small">
            {t('task.rows', {
              kind:
                info.kind === 'classification'
                  ? t('task.classes', { count: info.classes?.length ?? 0 })
                  : t('task.generation'),
              vocab: fmt.int(info.vocabSize),
              labelled: fmt.int(info.labelledRows),
              transfer: fmt.int(info.transferRows),
              teacher: fmt.int(info.teacherRows),
            })}
          </p>
        </>
      ) : task.error ? (
        <p className="warn small">{task.error}</p>
      ) : (
        <p className="muted small">{t('task.loading')}</p>
      )}
      <UploadField />
    </section>
  );
}
