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
import { MODEL_ROLES, type EvalReport } from '../../worker/protocol';
import { usePalette } from '../colors';
import { useT } from '../i18n';
import { roleLabel } from '../roles';

/** Rows per confidence bin (bin centre) with each model's accuracy where the bin is not empty. */
export function reliabilityRows(report: EvalReport): Record<string, number>[] {
  const bins = report.teacher?.reliability.length ?? report.student?.reliability.length ?? 10;
  return Array.from({ length: bins }, (_, b) => {
    const row: Record<string, number> = { confidence: (b + 0.5) / bins };
    for (const role of MODEL_ROLES) {
      const bin = report[role]?.reliability[b];
      if (bin && bin.count > 0) row[role] = bin.accuracy;
    }
    return row;
  });
}

export function ReliabilityChart({ report }: { report: EvalReport }) {
  const { t, fmt } = useT();
  const pal = usePalette();
  const rows = reliabilityRows(report);
  const summary = `${t('metrics.calibration')}: ${MODEL_ROLES.filter((r) => report[r])
    .map((r) => `${roleLabel(t, r)} ECE ${fmt.num(report[r]!.ece, 2)}`)
    .join(', ')}`;
  return (
    <figure className="reliability">
      <figcaption className="small">
        <b>{t('metrics.calibration')}</b> <span className="muted">{t('metrics.calibrationNote')}</span>
      </figcaption>
      <div className="chart-box chart-square" role="img" aria-label={summary}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 6, right: 12, bottom: 16, left: 6 }} accessibilityLayer={false}>
            <CartesianGrid stroke={pal.grid} />
            <XAxis
              dataKey="confidence"
              type="number"
              domain={[0, 1]}
              ticks={[0, 0.25, 0.5, 0.75, 1]}
              tickFormatter={(v: number) => fmt.fixed(v * 100, 0)}
              tick={{ fontSize: 10, fill: pal.axis }}
              stroke={pal.axis}
              label={{
                value: `${t('insight.axis.confidence')} (%)`,
                position: 'insideBottom',
                offset: -10,
                fontSize: 10,
                fill: pal.axis,
              }}
            />
            <YAxis
              domain={[0, 1]}
              ticks={[0, 0.25, 0.5, 0.75, 1]}
              tickFormatter={(v: number) => fmt.fixed(v * 100, 0)}
              tick={{ fontSize: 10, fill: pal.axis }}
              stroke={pal.axis}
              width={44}
              label={{
                value: `${t('insight.axis.observed')} (%)`,
                angle: -90,
                position: 'insideLeft',
                offset: 4,
                fontSize: 10,
                fill: pal.axis,
                style: { textAnchor: 'middle' },
              }}
            />
            <ReferenceLine
              segment={[
                { x: 0, y: 0 },
                { x: 1, y: 1 },
              ]}
              stroke={pal.reference}
              strokeDasharray="3 3"
            />
            <Tooltip
              formatter={(v) => fmt.pct(Number(v))}
              labelFormatter={(c) => t('metrics.confidence', { value: fmt.pct(Number(c), 0) })}
            />
            <Legend verticalAlign="top" wrapperStyle={{ fontSize: 11, paddingBottom: 4 }} />
            {MODEL_ROLES.filter((r) => report[r]).map((r) => (
              <Line
                key={r}
                dataKey={r}
                name={roleLabel(t, r)}
                stroke={pal.role[r]}
                dot={{ r: 2.5 }}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
