import { memo, useState } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { LossRow, Marker } from '../../client/state';
import { LOSS_KEYS, type LossKey } from '../../worker/protocol';
import { LOSS_LABEL, PALETTES, usePalette } from '../colors';
import { useT } from '../i18n';
import { useApp } from '../context';
import { num } from '../format';
import { useThrottled } from '../useThrottled';
import { stepTicks } from './ticks';

/** Loss keys worth drawing: those with a non-zero value somewhere (unused intermediate terms are 0). */
export function visibleKeys(rows: readonly LossRow[]): LossKey[] {
  return LOSS_KEYS.filter((k) => rows.some((r) => r[k] !== undefined && r[k] !== 0));
}

/**
 * Dashed vertical lines where hyperparameters changed in the phase a chart shows (called inline:
 * charts look at their direct children).
 */
export function markerLines(markers: readonly Marker[], distilling: boolean, color = PALETTES.light.reference) {
  const phase = distilling ? 'distill' : 'teacher';
  return markers
    .filter((m) => m.phase === phase)
    .map((m, i) => (
      <ReferenceLine
        key={`m-${m.step}-${i}`}
        x={m.step}
        stroke={color}
        strokeDasharray="4 3"
        ifOverflow="extendDomain"
        label={{ value: m.label, position: 'insideTopLeft', fontSize: 10, fill: color }}
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
  const pal = usePalette();
  const keys = distilling ? visibleKeys(rows) : (['total'] as LossKey[]);
  const last = rows[rows.length - 1];
  const summary = `${distilling ? t('loss.distillTitle') : t('loss.teacherTitle')}, ${t('loss.stepLabel', { step: String(last.step) })}: ${keys
    .filter((k) => last[k] !== undefined)
    .map((k) => `${distilling ? t(LOSS_LABEL[k]) : t('loss.teacherCe')} ${num(last[k], 3)}`)
    .join(', ')}`;
  return (
    <div className="chart-box chart-fill" role="img" aria-label={summary}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart
          data={rows as LossRow[]}
          margin={{ top: 8, right: 12, bottom: 16, left: 6 }}
          accessibilityLayer={false}
        >
          <CartesianGrid stroke={pal.grid} />
          <XAxis
            dataKey="step"
            type="number"
            domain={['dataMin', 'dataMax']}
            ticks={stepTicks(rows[0].step, last.step)}
            tick={{ fontSize: 11, fill: pal.axis }}
            stroke={pal.axis}
            allowDecimals={false}
            label={{
              value: distilling ? t('insight.axis.step') : t('insight.axis.teacherStep'),
              position: 'insideBottom',
              offset: -10,
              fontSize: 11,
              fill: pal.axis,
            }}
          />
          <YAxis
            tick={{ fontSize: 11, fill: pal.axis }}
            stroke={pal.axis}
            label={{
              value: t('insight.axis.loss'),
              angle: -90,
              position: 'insideLeft',
              offset: 4,
              fontSize: 11,
              fill: pal.axis,
              style: { textAnchor: 'middle' },
            }}
            width={52}
            scale={log ? 'log' : 'auto'}
            domain={log ? ['auto', 'auto'] : [0, 'auto']}
            allowDataOverflow={log}
            tickFormatter={(v: number) => num(v, 2)}
          />
          <Tooltip
            formatter={(v) => num(Number(v), 4)}
            labelFormatter={(s) => t('loss.stepLabel', { step: String(s) })}
          />
          <Legend verticalAlign="top" wrapperStyle={{ fontSize: 12, paddingBottom: 4 }} />
          {keys.map((k) => (
            <Line
              key={k}
              type="linear"
              dataKey={k}
              name={distilling ? t(LOSS_LABEL[k]) : t('loss.teacherCe')}
              stroke={distilling ? pal.loss[k] : pal.role.teacher}
              strokeWidth={k === 'total' ? 2 : 1.4}
              strokeDasharray={k === 'baseline' ? '5 3' : undefined}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
          {markerLines(markers, distilling, pal.reference)}
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
      <p className="muted small">{distilling ? t('loss.distillNote') : t('loss.teacherNote')}</p>
    </section>
  );
}
