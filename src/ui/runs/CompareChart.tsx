import { useId, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CurveScale, StoredRecord } from '../../client/runRecord';
import type { TKey } from '../../i18n/catalog';
import { stepTicks } from '../charts/ticks';
import { usePalette } from '../colors';
import { useT } from '../i18n';
import { curveChoices, defaultCurve, overlayRows, runKey } from './compare';
import { curveLabel, formatMetric } from './labels';
import { runName, runStroke } from './runColors';

const AXIS: Record<CurveScale, TKey> = {
  percent: 'runs.axis.percent',
  points: 'runs.axis.points',
  nats: 'runs.axis.nats',
};

interface Props {
  records: readonly StoredRecord[];
  title: TKey;
  /** The scales this chart offers curves on (one axis: the chosen curve's). */
  scales: readonly CurveScale[];
  /** Curves to show first, best first. */
  preferred: readonly string[];
}

/** One curve of every selected run, overlaid, with a choice of which curve. */
export function CompareChart({ records, title, scales, preferred }: Props) {
  const { t, fmt } = useT();
  const pal = usePalette();
  const selectId = useId();
  const choices = scales.flatMap((s) => curveChoices(records, s));
  const [picked, setPicked] = useState<string | null>(null);
  const curve = picked !== null && choices.includes(picked) ? picked : defaultCurve(choices, preferred);
  const scale: CurveScale =
    (curve && records.map((r) => r.curves[curve]?.scale).find((s) => s !== undefined)) || scales[0];
  const rows = curve ? overlayRows(records, curve) : [];
  const format = (v: number) => formatMetric(fmt, scale, v);
  const lasts = records.flatMap((r, i) => {
    const pts = curve ? r.curves[curve]?.points : undefined;
    const last = pts?.[pts.length - 1];
    return last
      ? [t('runs.chart.lastPoint', { run: String(i + 1), value: format(last.value), step: fmt.int(last.step) })]
      : [];
  });
  const summary = curve
    ? t('runs.chart.aria', { curve: curveLabel(t, curve), count: records.length, values: lasts.join('; ') })
    : '';
  return (
    <figure className="compare-chart">
      <figcaption className="card-head">
        <h4>{t(title)}</h4>
        {choices.length ? (
          <label className="field-inline" htmlFor={selectId}>
            {t('runs.chart.curve')}{' '}
            <select id={selectId} value={curve ?? ''} onChange={(e) => setPicked(e.target.value)}>
              {choices.map((c) => (
                <option key={c} value={c}>
                  {curveLabel(t, c)}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </figcaption>
      {!curve || rows.length === 0 ? (
        <div className="chart-empty">{t('runs.chart.none')}</div>
      ) : (
        <div className="chart-box" role="img" aria-label={summary} data-testid="compare-chart">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 16, left: 6 }} accessibilityLayer={false}>
              <CartesianGrid stroke={pal.grid} />
              <XAxis
                dataKey="step"
                type="number"
                domain={['dataMin', 'dataMax']}
                ticks={stepTicks(rows[0].step, rows[rows.length - 1].step)}
                tick={{ fontSize: 11, fill: pal.axis }}
                stroke={pal.axis}
                allowDecimals={false}
                label={{
                  value: t('runs.axis.step'),
                  position: 'insideBottom',
                  offset: -10,
                  fontSize: 11,
                  fill: pal.axis,
                }}
              />
              <YAxis
                domain={scale === 'percent' ? [0, 1] : ['auto', 'auto']}
                ticks={scale === 'percent' ? [0, 0.25, 0.5, 0.75, 1] : undefined}
                tick={{ fontSize: 11, fill: pal.axis }}
                stroke={pal.axis}
                width={56}
                tickFormatter={(v: number) => (scale === 'nats' ? fmt.num(v, 3) : fmt.fixed(v * 100, 0))}
                label={{
                  value: t(AXIS[scale]),
                  angle: -90,
                  position: 'insideLeft',
                  offset: 4,
                  fontSize: 11,
                  fill: pal.axis,
                  style: { textAnchor: 'middle' },
                }}
              />
              <Tooltip
                formatter={(v) => format(Number(v))}
                labelFormatter={(s) => t('loss.stepLabel', { step: String(s) })}
              />
              <Legend verticalAlign="top" wrapperStyle={{ fontSize: 12, paddingBottom: 4 }} />
              {records.map((r, i) => (
                <Line
                  key={r.id}
                  dataKey={runKey(i)}
                  name={runName(r.title, i)}
                  {...runStroke(pal, i)}
                  strokeWidth={1.8}
                  dot={false}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}
