import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { runTaskInfo, type AccuracyRow } from '../../client/state';
import { MODEL_ROLES } from '../../worker/protocol';
import { usePalette } from '../colors';
import { useApp } from '../context';
import { useT } from '../i18n';
import { roleLabel } from '../roles';
import { markerLines } from './LossChart';
import { percentTicks, stepTicks } from './ticks';

export type GainVerdict = 'start' | 'helps' | 'noise' | 'hurts';

/** How sure the latest gain is: beyond 2 standard errors either way, else noise ('start' at step 0). */
export function verdictOf(row: AccuracyRow | undefined): GainVerdict | null {
  if (!row || row.gain === undefined) return null;
  if (row.step === 0) return 'start';
  const se = row.gainSe ?? 0;
  if (row.gain > 2 * se && row.gain > 0) return 'helps';
  if (row.gain < -2 * se && row.gain < 0) return 'hurts';
  return 'noise';
}

/** The KD gain with its standard error and, in words, whether it is told from noise. */
function KdGain() {
  const { t, fmt } = useT();
  const rows = useApp((s) => s.run.distillAccuracy);
  const valRows = useApp((s) => s.run.latestVal?.gain?.rows);
  const last = [...rows].reverse().find((r) => r.gain !== undefined);
  const verdict = verdictOf(last);
  const gain = last?.gain;
  const cls = verdict === 'helps' ? 'gain-pos' : verdict === 'hurts' ? 'gain-neg' : 'gain-noise';
  const se = last?.gainSe;
  const text =
    gain === undefined
      ? '—'
      : se !== undefined && last!.step > 0
        ? t('format.pts', {
            value: `${gain >= 0 ? '+' : '−'}${fmt.fixed(Math.abs(gain * 100), 1)} ± ${fmt.fixed(se * 100, 1)}`,
          })
        : fmt.pts(gain);
  const words: Record<GainVerdict, string> = {
    start: t('insight.gain.start'),
    helps: t('insight.gain.helps'),
    noise: t('insight.gain.noise'),
    hurts: t('insight.gain.hurts'),
  };
  return (
    <div className="kd-gain" aria-live="polite">
      <span className="muted small">{t('accuracy.gain')}</span>
      <strong
        className={verdict ? cls : ''}
        data-testid="kd-gain"
        title={valRows ? t('insight.gain.seHint', { rows: fmt.int(valRows) }) : undefined}
      >
        {text}
      </strong>
      {verdict ? (
        <span className={`small gain-verdict ${cls}`} data-testid="kd-verdict" data-verdict={verdict}>
          {words[verdict]}
        </span>
      ) : null}
    </div>
  );
}

/** At least ±1 point around zero, so a flat gain does not get a meaningless axis. */
const GAIN_DOMAIN: [(min: number) => number, (max: number) => number] = [
  (min) => Math.min(min, -0.01),
  (max) => Math.max(max, 0.01),
];

function GainChart() {
  const { t, fmt } = useT();
  const pal = usePalette();
  const rows = useApp((s) => s.run.distillAccuracy);
  if (rows.length < 2) return null;
  const last = rows[rows.length - 1];
  const lo = Math.min(...rows.map((r) => r.gainBand?.[0] ?? r.gain ?? 0), -0.01);
  const hi = Math.max(...rows.map((r) => r.gainBand?.[1] ?? r.gain ?? 0), 0.01);
  const summary = `${t('accuracy.gainAria')}: ${fmt.pts(last.gain)}${last.gainSe !== undefined ? ` ± ${fmt.fixed(last.gainSe * 100, 1)}` : ''} (${t('loss.stepLabel', { step: String(last.step) })})`;
  return (
    <figure className="gain-chart">
      <figcaption className="small muted">
        {t('accuracy.gainOverTime')} · <span className="band-legend">{t('insight.gain.bandLegend')}</span>
      </figcaption>
      <div className="chart-box chart-small" role="img" aria-label={summary}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ top: 4, right: 12, bottom: 14, left: 6 }} accessibilityLayer={false}>
            <CartesianGrid stroke={pal.grid} />
            <XAxis
              dataKey="step"
              type="number"
              domain={['dataMin', 'dataMax']}
              ticks={stepTicks(rows[0].step, last.step)}
              tick={{ fontSize: 10, fill: pal.axis }}
              stroke={pal.axis}
              label={{
                value: t('insight.axis.step'),
                position: 'insideBottom',
                offset: -10,
                fontSize: 10,
                fill: pal.axis,
              }}
            />
            <YAxis
              tick={{ fontSize: 10, fill: pal.axis }}
              stroke={pal.axis}
              width={48}
              domain={GAIN_DOMAIN}
              ticks={percentTicks(lo, hi, 4)}
              tickFormatter={(v: number) => fmt.fixed(v * 100, 0)}
              label={{
                value: t('insight.axis.gainPts'),
                angle: -90,
                position: 'insideLeft',
                offset: 4,
                fontSize: 10,
                fill: pal.axis,
                style: { textAnchor: 'middle' },
              }}
            />
            <ReferenceLine y={0} stroke={pal.reference} />
            <Tooltip
              formatter={(v) =>
                Array.isArray(v) ? `${fmt.pts(Number(v[0]))} … ${fmt.pts(Number(v[1]))}` : fmt.pts(Number(v))
              }
              labelFormatter={(s) => t('loss.stepLabel', { step: String(s) })}
            />
            <Area
              dataKey="gainBand"
              name={t('insight.gain.band')}
              stroke="none"
              fill={pal.role.student}
              fillOpacity={0.18}
              isAnimationActive={false}
              connectNulls
            />
            <Line
              dataKey="gain"
              name={t('accuracy.gainLine')}
              stroke={pal.role.student}
              strokeWidth={1.8}
              dot={{ r: 2 }}
              isAnimationActive={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function AccuracyChart() {
  const { t, fmt } = useT();
  // Slices that change at evaluations, not the whole run: the chart does not redraw at every step.
  const distillAccuracy = useApp((s) => s.run.distillAccuracy);
  const teacherAccuracy = useApp((s) => s.run.teacherAccuracy);
  const markers = useApp((s) => s.run.markers);
  const kind = useApp((s) => runTaskInfo(s)?.kind);
  const evalEvery = useApp((s) => s.config.evalEvery);
  const pal = usePalette();
  const distilling = distillAccuracy.length > 0;
  const rows = distilling ? distillAccuracy : teacherAccuracy;
  const lastRow = rows[rows.length - 1];
  const summary = lastRow
    ? `${kind === 'generation' ? t('accuracy.titleGeneration') : t('accuracy.title')}, ${t('loss.stepLabel', { step: String(lastRow.step) })}: ${MODEL_ROLES.filter(
        (r) => lastRow[r] !== undefined,
      )
        .map((r) => `${roleLabel(t, r)} ${fmt.pct(lastRow[r])}`)
        .join(', ')}`
    : '';
  return (
    <section className="card chart-card" data-testid="accuracy-chart" aria-label={t('accuracy.aria')}>
      <div className="card-head">
        <h2>{kind === 'generation' ? t('accuracy.titleGeneration') : t('accuracy.title')}</h2>
        <KdGain />
      </div>
      {rows.length === 0 ? (
        <div className="chart-empty">{t('accuracy.empty', { every: fmt.int(evalEvery) })}</div>
      ) : (
        <div className="chart-box" role="img" aria-label={summary}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 16, left: 6 }} accessibilityLayer={false}>
              <CartesianGrid stroke={pal.grid} />
              <XAxis
                dataKey="step"
                type="number"
                domain={['dataMin', 'dataMax']}
                ticks={stepTicks(rows[0].step, lastRow.step)}
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
                domain={[0, 1]}
                ticks={[0, 0.25, 0.5, 0.75, 1]}
                tick={{ fontSize: 11, fill: pal.axis }}
                stroke={pal.axis}
                width={52}
                tickFormatter={(v: number) => fmt.fixed(v * 100, 0)}
                label={{
                  value: t('insight.axis.accuracy'),
                  angle: -90,
                  position: 'insideLeft',
                  offset: 4,
                  fontSize: 11,
                  fill: pal.axis,
                  style: { textAnchor: 'middle' },
                }}
              />
              <Tooltip
                formatter={(v) => fmt.pct(Number(v))}
                labelFormatter={(s) => t('loss.stepLabel', { step: String(s) })}
              />
              <Legend verticalAlign="top" wrapperStyle={{ fontSize: 12, paddingBottom: 4 }} />
              {MODEL_ROLES.map((r) => (
                <Line
                  key={r}
                  dataKey={r}
                  name={roleLabel(t, r)}
                  stroke={pal.role[r]}
                  strokeWidth={r === 'student' ? 2.2 : 1.5}
                  strokeDasharray={r === 'baseline' ? '5 3' : undefined}
                  dot={{ r: 2 }}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
              {markerLines(markers, distilling, pal.reference)}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      <GainChart />
    </section>
  );
}
