import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { MODEL_ROLES } from '../../worker/protocol';
import { ROLE_COLOR } from '../colors';
import { useApp } from '../context';
import { useT } from '../i18n';
import { roleLabel } from '../roles';
import { markerLines } from './LossChart';

function KdGain() {
  const { t, fmt } = useT();
  const rows = useApp((s) => s.run.distillAccuracy);
  const last = [...rows].reverse().find((r) => r.gain !== undefined);
  const gain = last?.gain;
  const cls = gain === undefined ? '' : gain > 0.0005 ? 'gain-pos' : gain < -0.0005 ? 'gain-neg' : '';
  return (
    <div className="kd-gain">
      <span className="muted small">{t('accuracy.gain')}</span>
      <strong className={cls} data-testid="kd-gain" aria-live="polite">
        {fmt.pts(gain)}
      </strong>
    </div>
  );
}

/** At least ±1 point around zero, so a flat gain does not get a meaningless axis. */
const GAIN_DOMAIN: [(min: number) => number, (max: number) => number] = [(min) => Math.min(min, -0.01), (max) => Math.max(max, 0.01)];

function GainChart() {
  const { t, fmt } = useT();
  const rows = useApp((s) => s.run.distillAccuracy);
  if (rows.length < 2) return null;
  return (
    <div className="gain-chart" aria-label={t('accuracy.gainAria')}>
      <div className="small muted">{t('accuracy.gainOverTime')}</div>
      <div className="chart-box chart-small">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#eef2f7" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 10 }} />
          <YAxis tick={{ fontSize: 10 }} width={44} domain={GAIN_DOMAIN} tickFormatter={(v: number) => String(Number((v * 100).toPrecision(2)))} />
          <ReferenceLine y={0} stroke="#94a3b8" />
          <Tooltip formatter={(v) => fmt.pts(Number(v))} labelFormatter={(s) => t('loss.stepLabel', { step: String(s) })} />
          <Line dataKey="gain" name={t('accuracy.gainLine')} stroke="#0f766e" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
      </div>
    </div>
  );
}

export function AccuracyChart() {
  const { t, fmt } = useT();
  // Slices that change at evaluations, not the whole run: the chart does not redraw at every step.
  const distillAccuracy = useApp((s) => s.run.distillAccuracy);
  const teacherAccuracy = useApp((s) => s.run.teacherAccuracy);
  const markers = useApp((s) => s.run.markers);
  const kind = useApp((s) => s.task.info?.kind);
  const evalEvery = useApp((s) => s.config.evalEvery);
  const distilling = distillAccuracy.length > 0;
  const rows = distilling ? distillAccuracy : teacherAccuracy;
  return (
    <section className="card chart-card" data-testid="accuracy-chart" aria-label={t('accuracy.aria')}>
      <div className="card-head">
        <h2>{kind === 'generation' ? t('accuracy.titleGeneration') : t('accuracy.title')}</h2>
        <KdGain />
      </div>
      {rows.length === 0 ? (
        <div className="chart-empty">{t('accuracy.empty', { every: fmt.int(evalEvery) })}</div>
      ) : (
        <div className="chart-box">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
              <CartesianGrid stroke="#e5e7eb" />
              <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} tick={{ fontSize: 11 }} allowDecimals={false} />
              <YAxis domain={[0, 1]} tick={{ fontSize: 11 }} width={44} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
              <Tooltip formatter={(v) => fmt.pct(Number(v))} labelFormatter={(s) => t('loss.stepLabel', { step: String(s) })} />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {MODEL_ROLES.map((r) => (
                <Line
                  key={r}
                  dataKey={r}
                  name={roleLabel(t, r)}
                  stroke={ROLE_COLOR[r]}
                  strokeWidth={r === 'student' ? 2.2 : 1.5}
                  strokeDasharray={r === 'baseline' ? '5 3' : undefined}
                  dot={{ r: 2 }}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
              {markerLines(markers, distilling)}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      <GainChart />
    </section>
  );
}
