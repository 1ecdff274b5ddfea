// The Experiments view: pick a T × α grid, seeds, controls and student sizes; Start trains them all
// as stacks in the sweep worker; the heat-map, the controls, the reading and the capacity ladder
// update at every evaluation. A <details> card: its summary is a native, keyboard-operable toggle,
// and nothing below it renders (or starts a worker) until it is opened.

import { useState } from 'react';
import type { SweepStatus } from '../../worker/sweepProtocol';
import { membersPerGroup } from '../../sweepConfig';
import { sweepConfigFrom, sweepRunning } from '../../client/sweepState';
import type { TKey } from '../../i18n/catalog';
import { useApp } from '../context';
import { useT } from '../i18n';
import { CapacityLadder } from './CapacityLadder';
import { useSweep, useSweepController } from './context';
import { ControlsPanel } from './ControlsPanel';
import { GainHeatmap } from './GainHeatmap';
import { SweepForm } from './SweepForm';
import './experiments.css';

const STATUS: Record<SweepStatus, TKey> = {
  idle: 'experiments.status.idle',
  loading: 'experiments.status.loading',
  teacher: 'experiments.status.teacher',
  caching: 'experiments.status.caching',
  training: 'experiments.status.training',
  evaluating: 'experiments.status.evaluating',
  done: 'experiments.status.done',
  stopped: 'experiments.status.stopped',
  error: 'experiments.status.error',
};

const fmtBytes = (b: number) =>
  b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GiB` : `${(b / 1024 ** 2).toFixed(1)} MiB`;

function ExperimentsBody() {
  const { t, fmt } = useT();
  const c = useSweepController();
  const s = useSweep((x) => x);
  const runConfig = useApp((x) => x.config);
  const [chosenGroup, setChosenGroup] = useState<number | null>(null);
  const running = sweepRunning(s);
  const preview = sweepConfigFrom(s.form, runConfig);
  const problems = running ? [] : c.problems(runConfig);
  const members = problems.length ? null : membersPerGroup(preview);
  const reports = s.reports.filter((r): r is NonNullable<typeof r> => !!r);
  const shown =
    reports.find((r) => r.group === chosenGroup) ??
    reports.find((r) => r.group === s.group) ??
    reports[reports.length - 1];
  const groups = s.config?.students.length ?? 1;
  return (
    <div className="experiments-body">
      <p className="small">{t('experiments.intro')}</p>
      <p className="small muted">
        {t('experiments.form.fromSettings', {
          task: runConfig.task,
          teacher: runConfig.teacher,
          batch: runConfig.hyper.batchSize,
          lr: fmt.num(runConfig.hyper.lr),
          t: fmt.num(runConfig.hyper.temperature),
          a: fmt.num(runConfig.hyper.alpha),
        })}
      </p>
      <SweepForm disabled={running} />
      {members !== null ? (
        <p className="small">{t('experiments.form.members', { members, groups: preview.students.length })}</p>
      ) : null}
      {problems.length ? (
        <p className="notice small" role="alert">
          {t('experiments.invalid', { problems: problems.join('; ') })}
        </p>
      ) : null}
      <div className="buttons">
        {running ? (
          <button type="button" onClick={() => c.stop()} data-testid="sweep-stop">
            {t('experiments.stop')}
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            disabled={problems.length > 0}
            onClick={() => c.start(runConfig)}
            data-testid="sweep-start"
          >
            {t('experiments.start')}
          </button>
        )}
      </div>
      <p className="small" aria-live="polite" data-testid="sweep-status" data-status={s.status}>
        <b>{t(STATUS[s.status])}</b>
        {s.progress && running
          ? ` · ${t('experiments.progress', { group: s.progress.group + 1, groups, student: s.config?.students[s.progress.group] ?? '', step: s.progress.step, steps: s.progress.steps })}`
          : ''}
        {s.progress?.stepsPerSec && running
          ? ` · ${t('experiments.speed', { sps: fmt.num(s.progress.stepsPerSec, 2) })}`
          : ''}
        {s.backend ? ` · ${t('experiments.backend', { backend: s.backend.name })}` : ''}
      </p>
      {s.memory ? (
        <p className="small muted">
          {t('experiments.memory', {
            members: s.memory.members,
            peak: fmtBytes(s.memory.peakBytes),
            limit: fmtBytes(s.memory.limitBytes),
          })}
        </p>
      ) : null}
      {s.error ? (
        <p className="notice small" role="alert" data-testid="sweep-error">
          {s.error}
        </p>
      ) : null}
      {reports.length > 1 ? (
        <fieldset className="sweep-choices">
          <legend className="small">{t('experiments.group')}</legend>
          {reports.map((r) => (
            <label key={r.group} className="small">
              <input
                type="radio"
                name="sweep-group"
                checked={shown?.group === r.group}
                onChange={() => setChosenGroup(r.group)}
              />{' '}
              {r.student}
            </label>
          ))}
        </fieldset>
      ) : null}
      {shown ? (
        <>
          <GainHeatmap report={shown} />
          <ControlsPanel report={shown} />
        </>
      ) : running ? (
        <p className="placeholder small">{t('experiments.waiting', { step: s.config?.run.evalEvery ?? 0 })}</p>
      ) : null}
      {reports.length > 1 || groups > 1 ? <CapacityLadder reports={reports} /> : null}
    </div>
  );
}

export function ExperimentsPanel() {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  return (
    <details
      className="card experiments"
      id="experiments"
      data-testid="experiments"
      onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
    >
      <summary>{t('experiments.summary')}</summary>
      {open ? <ExperimentsBody /> : null}
    </details>
  );
}
