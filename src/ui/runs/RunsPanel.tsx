import { useId, useRef, useState } from 'react';
import type { StoredRecord } from '../../client/runRecord';
import { openRunSearch } from '../../client/runsUrl';
import { useApp, useController } from '../context';
import { useT } from '../i18n';
import { RunsCompare } from './RunsCompare';
import { RunsNotice } from './RunsNotice';
import { RunsTable } from './RunsTable';
import './runs.css';

/** Loads a search string as the page's URL (a full load: the page starts with that config). */
export type Navigate = (search: string) => void;

const assign: Navigate = (search) => window.location.assign(search);

/** The runs table: kept runs, selection, comparison, delete, export, open. */
export function RunsPanel({ navigate = assign }: { navigate?: Navigate }) {
  const c = useController();
  const { t } = useT();
  const headingId = useId();
  const confirmId = useId();
  const status = useApp((s) => s.runs.status);
  const records = useApp((s) => s.runs.records);
  const skipped = useApp((s) => s.runs.skipped.length);
  // Ids in the order they were selected: the first is the comparison's reference.
  const [picked, setPicked] = useState<string[]>([]);
  const [comparing, setComparing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const deleteRef = useRef<HTMLButtonElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const byId = new Map(records.map((r) => [r.id, r]));
  const selected = picked.filter((id) => byId.has(id)); // a deleted record drops out
  const chosen = selected.map((id) => byId.get(id)!);
  const canCompare = chosen.length >= 2;

  const toggle = (id: string) =>
    setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.filter((x) => byId.has(x)), id]));
  const toggleAll = () =>
    setPicked(
      records.every((r) => selected.includes(r.id))
        ? []
        : [...selected, ...records.map((r) => r.id).filter((id) => !selected.includes(id))],
    );
  const open = (r: StoredRecord) => {
    const search = openRunSearch(r.url, window.location.search);
    void c.beforeLeaving().then(() => navigate(search));
  };
  const remove = () => {
    setConfirming(false);
    // Focus back on Delete, or on the heading when no run is left (the toolbar is gone then).
    void c.runs.remove(selected).then(() => (deleteRef.current ?? headingRef.current)?.focus());
  };
  const cancel = () => {
    setConfirming(false);
    deleteRef.current?.focus();
  };

  return (
    <section className="card runs-card" aria-labelledby={headingId} id="runs" data-testid="runs">
      <h2 id={headingId} ref={headingRef} tabIndex={-1}>
        {t('runs.title')}
      </h2>
      <p className="muted small">{t('runs.intro')}</p>
      <RunsNotice />
      {status === 'loading' ? <p className="muted">{t('runs.loading')}</p> : null}
      {status === 'unavailable' ? <p className="warn">{t('runs.unavailable')}</p> : null}
      {skipped > 0 ? <p className="warn small">{t('runs.skipped', { count: skipped })}</p> : null}
      {status === 'ready' && records.length === 0 ? <div className="placeholder">{t('runs.empty')}</div> : null}
      {records.length > 0 ? (
        <>
          <div className="buttons runs-toolbar" role="toolbar" aria-label={t('runs.title')}>
            <button
              type="button"
              onClick={() => setComparing((v) => !v)}
              disabled={!canCompare}
              aria-expanded={comparing}
            >
              {comparing ? t('runs.hideCompare') : t('runs.compare')}
            </button>
            <button type="button" ref={deleteRef} onClick={() => setConfirming(true)} disabled={!selected.length}>
              {t('runs.delete')}
            </button>
            <button type="button" onClick={() => c.runs.exportRecords(selected, 'json')} disabled={!selected.length}>
              {t('runs.exportJson')}
            </button>
            <button
              type="button"
              onClick={() => c.runs.exportRecords(selected, 'curvesCsv')}
              disabled={!selected.length}
            >
              {t('runs.exportCurvesCsv')}
            </button>
            <button
              type="button"
              onClick={() => c.runs.exportRecords(selected, 'metricsCsv')}
              disabled={!selected.length}
            >
              {t('runs.exportMetricsCsv')}
            </button>
            <span className="muted small" aria-live="polite">
              {selected.length ? t('runs.selected', { count: selected.length }) : t('runs.compareHint')}
            </span>
          </div>
          {confirming && selected.length ? (
            <div className="notice runs-confirm" role="group" aria-labelledby={confirmId} data-testid="runs-confirm">
              <p id={confirmId}>{t('runs.confirmDelete', { count: selected.length })}</p>
              <div className="buttons">
                <button type="button" className="danger" onClick={remove}>
                  {t('runs.confirm')}
                </button>
                <button type="button" onClick={cancel} autoFocus>
                  {t('runs.cancel')}
                </button>
              </div>
            </div>
          ) : null}
          <RunsTable records={records} selected={selected} onToggle={toggle} onToggleAll={toggleAll} onOpen={open} />
          {comparing && canCompare ? <RunsCompare records={chosen} /> : null}
        </>
      ) : null}
    </section>
  );
}
