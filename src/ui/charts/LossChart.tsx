import { memo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { LossRow, Marker } from '../../client/state';
import { LOSS_KEYS, type LossKey } from '../../worker/protocol';
import { LOSS_COLOR, LOSS_LABEL } from '../colors';
import { useT } from '../i18n';
import { useApp } from '../context';
import { num } from '../format';
import { useThrottled } from '../useThrottled';

/** Loss keys worth drawing: those with a non-zero value somewhere (unused intermediate terms are 0). */
export function visibleKeys(rows: readonly LossRow[]): LossKey[] {
  return LOSS_KEYS.filter((k) => rows.some((r) => r[k] !== undefined && r[k] !== 0));
}

/**
 * Dashed vertical lines where hyperparameters changed in the phase a chart shows (called inline:
 * charts look at their direct children).
 */
export function markerLines(markers: readonly Marker[], distilling: boolean) {
  const phase = distilling ? 'distill' : 'teacher';
  return markers.filter((m) => m.phase === phase).map((m, i) => (
    <ReferenceLine
      key={`m-${m.step}-${i}`}
      x={m.step}
      stroke="#64748b"
      strokeDasharray="4 3"
      ifOverflow="extendDomain"
      label={{ value: m.label, position: 'insideTopLeft', fontSize: 10, fill: '#475569' }}
    />
  ));
}

/** Losses stream in 4 times a second; the chart redraws at most this often (the main thread's largest cost). */
const REDRAW_MS = 500;

interface PlotProps {
  rows: readonly LossRow[];
  distilling: boolean;
  markers: readonly Marker[];
  log: boolean;
}

/** The chart itself, redrawn only when its (throttled) inputs change. */
const LossPlot = memo(function LossPlot({ rows, distilling, markers, log }: PlotProps) {
  const { t } = useT();
  const keys = distilling ? visibleKeys(rows) : (['total'] as LossKey[]);
  return (
    <div className="chart-box chart-fill">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows as LossRow[]} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11 }} allowDecimals={false} />
          <YAxis
            tick={{ fontSize: 11 }}
            width={44}
            scale={log ? 'log' : 'auto'}
            domain={log ? ['auto', 'auto'] : [0, 'auto']}
            allowDataOverflow={log}
            tickFormatter={(v: number) => num(v, 2)}
          />
          <Tooltip formatter={(v) => num(Number(v), 4)} labelFormatter={(s) => t('loss.stepLabel', { step: String(s) })} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {keys.map((k) => (
            <Line
              key={k}
              type="linear"
              dataKey={k}
              name={distilling ? t(LOSS_LABEL[k]) : t('loss.teacherCe')}
              stroke={distilling ? LOSS_COLOR[k] : '#6d28d9'}
              strokeWidth={k === 'total' ? 2 : 1.4}
              strokeDasharray={k === 'baseline' ? '5 3' : undefined}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
          {markerLines(markers, distilling)}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
});

export function LossChart() {
  const { t } = useT();
  const teacherLoss = useApp((s) => s.run.teacherLoss);
  const distillLoss = useApp((s) => s.run.distillLoss);
  const phase = useApp((s) => s.run.phase);
  const started = useApp((s) => s.run.started);
  const markers = useApp((s) => s.run.markers);
  const [log, setLog] = useState(false);
  const distilling = distillLoss.length > 0 || (teacherLoss.length === 0 && phase !== 'teacher');
  const latest = distilling ? distillLoss : teacherLoss;
  const throttled = useThrottled(latest, REDRAW_MS);
  // A new phase or a reset shows at once; only the streaming within a series is throttled.
  const rows = throttled.length > 0 && latest.length > 0 && throttled[0] === latest[0] ? throttled : latest;
  const empty = !started ? t('loss.pressStart') : phase === 'caching' ? t('loss.caching') : t('loss.streaming');
  return (
    <section className="card chart-card" data-testid="loss-chart" aria-label={t('loss.aria')}>
      <div className="card-head">
        <h2>{distilling ? t('loss.distillTitle') : t('loss.teacherTitle')}</h2>
        <label className="small check">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> {t('loss.log')}
        </label>
      </div>
      {rows.length === 0 ? (
        <div className="chart-empty">{empty}</div>
      ) : (
        <LossPlot rows={rows} distilling={distilling} markers={markers} log={log} />
      )}
      <p className="muted small">
        {distilling ? t('loss.distillNote') : t('loss.teacherNote')}
      </p>
    </section>
  );
}
