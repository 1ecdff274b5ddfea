import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { MODEL_ROLES, type EvalReport } from '../../worker/protocol';
import { ROLE_COLOR } from '../colors';
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
  const rows = reliabilityRows(report);
  return (
    <figure className="reliability">
      <figcaption className="small">
        <b>{t('metrics.calibration')}</b> <span className="muted">{t('metrics.calibrationNote')}</span>
      </figcaption>
      <div className="chart-box chart-square">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={rows} margin={{ top: 6, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#eef2f7" />
            <XAxis dataKey="confidence" type="number" domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tick={{ fontSize: 10 }} />
            <YAxis domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tick={{ fontSize: 10 }} width={36} />
            <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} stroke="#94a3b8" strokeDasharray="3 3" />
            <Tooltip formatter={(v) => fmt.pct(Number(v))} labelFormatter={(c) => t('metrics.confidence', { value: fmt.pct(Number(c), 0) })} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {MODEL_ROLES.filter((r) => report[r]).map((r) => (
              <Line key={r} dataKey={r} name={roleLabel(t, r)} stroke={ROLE_COLOR[r]} dot={{ r: 2.5 }} isAnimationActive={false} connectNulls />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
