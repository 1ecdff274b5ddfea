// The loss lab (issue 13) on the example of the predictions panel: the teacher's and the student's
// logits as the models give them now, the soft term under each divergence the toolkits use, and what
// a sparse teacher (top-k or k samples) would store and teach instead. One position, exact numbers
// (src/lossMath.ts); the run itself trains forward KL with T² — the others are shown, not trained.

import { useId, useState } from 'react';
import { fill, type Lang } from '../../i18n/catalog';
import type { Text } from '../../lessons/lessons';
import { bytesPerPosition, softmax, softValues, topKBias, type SoftValues } from '../../lossMath';
import { useApp } from '../context';
import { useT, type Format } from '../i18n';
import { Slider } from '../Slider';

const T = (en: string, zh: string): Text => ({ en, zh });

const L = {
  title: T('Loss lab: which divergence, and how much of the teacher?', '损失实验室：用哪种散度，保留多少教师信息？'),
  note: T(
    'The example of the predictions panel, from the logits the teacher and the student give it now, at T = {{t}}, over its {{n}} outcomes. The run trains forward KL with T²; the other rows are what the same two distributions score under the choices other toolkits make.',
    '取预测面板中的示例，用教师和学生此刻给出的 logits，在 T = {{t}} 下、在它的 {{n}} 个结果上计算。本次运行训练的是乘 T² 的前向 KL；其余各行是同样两个分布在其他工具包的选择下的得分。',
  ),
  empty: T(
    'Start a run (or predict an example) to fill this in from the models.',
    '开始一次运行（或预测一个示例），这里就会用模型的输出填上。',
  ),
  choice: T('Soft term', '软项'),
  formula: T('Formula', '公式'),
  value: T('Value (nats)', '数值（奈特）'),
  withT2: T('× T²', '× T²'),
  trained: T('trained here', '本页训练的'),
  forward: T('forward KL: covers every mode of the teacher', '前向 KL：覆盖教师的每个峰'),
  reverse: T('reverse KL: the student may keep one mode', '反向 KL：学生可以只保留一个峰'),
  jsd: T(
    'generalized JSD(β) / β(1 − β): forward at β = 0, reverse at β = 1',
    '广义 JSD(β) / β(1 − β)：β = 0 时为前向、β = 1 时为反向',
  ),
  softCe: T(
    'soft cross-entropy = forward KL + H(p): same gradient, higher value',
    '软交叉熵 = 前向 KL + H(p)：梯度相同，数值更高',
  ),
  mse: T('logit MSE: T does not enter', 'logit 均方误差：与 T 无关'),
  beta: T('Mixture weight β of the Jensen–Shannon row', '詹森-香农一行的混合权重 β'),
  k: T('Entries kept per position (k)', '每个位置保留的条目数（k）'),
  sparseTitle: T('A sparse teacher for this position', '这个位置上的稀疏教师'),
  mode: T('Teacher stored as', '教师的存储方式'),
  bytes: T('Bytes per position', '每个位置的字节数'),
  teaches: T('What the student is taught', '学生学到的是什么'),
  full: T('full distribution', '完整分布'),
  topk: T('top-k, renormalised', '前 k 个，重新归一化'),
  sampled: T('k samples, as counts / k', 'k 个样本，按计数 / k'),
  fullTeaches: T('exactly p', '正好是 p'),
  topkTeaches: T(
    'tail mass {{tail}} moved onto the head: top probability {{from}} → {{to}}; KL(target ‖ p) = {{kl}}',
    '尾部质量 {{tail}} 被移到头部：最高概率 {{from}} → {{to}}；KL(目标 ‖ p) = {{kl}}',
  ),
  sampledTeaches: T(
    'p on average (unbiased), but one draw is noisy: the top probability {{p}} ± {{sd}} (one standard deviation)',
    '平均而言是 p（无偏），但单次抽样有噪声：最高概率 {{p}} ± {{sd}}（一个标准差）',
  ),
};

const ROWS: { key: keyof SoftValues; formula: string; label: Text; tScaled: boolean }[] = [
  { key: 'forwardKl', formula: 'Σ p·log(p/q)', label: L.forward, tScaled: true },
  { key: 'reverseKl', formula: 'Σ q·log(q/p)', label: L.reverse, tScaled: true },
  { key: 'jsd', formula: '[β·KL(p‖m) + (1−β)·KL(q‖m)] / β(1−β)', label: L.jsd, tScaled: true },
  { key: 'softCe', formula: '−Σ p·log q', label: L.softCe, tScaled: true },
  { key: 'logitMse', formula: 'mean (zs − zt)²', label: L.mse, tScaled: false },
];

function dec(fmt: Format, v: number): string {
  return Number.isFinite(v) ? fmt.fixed(v, 4) : '∞';
}

export function LossLab() {
  const id = useId();
  const { lang, fmt } = useT();
  const prediction = useApp((s) => s.run.prediction);
  const temperature = useApp((s) => s.config.hyper.temperature);
  const [beta, setBeta] = useState(0.5);
  const [kWanted, setK] = useState(2);
  const teacher = prediction?.teacher?.logits;
  const student = prediction?.student?.logits;
  const ready = teacher && student && teacher.length === student.length && teacher.length > 1;
  return (
    <section className="card loss-lab" aria-labelledby={`${id}-h`} data-testid="loss-lab">
      <h2 id={`${id}-h`}>{L.title[lang]}</h2>
      {ready ? (
        <LabBody
          lang={lang}
          fmt={fmt}
          teacher={teacher}
          student={student}
          temperature={temperature}
          beta={beta}
          setBeta={setBeta}
          kWanted={kWanted}
          setK={setK}
        />
      ) : (
        <p className="muted small">{L.empty[lang]}</p>
      )}
    </section>
  );
}

interface BodyProps {
  lang: Lang;
  fmt: Format;
  teacher: number[];
  student: number[];
  temperature: number;
  beta: number;
  setBeta(v: number): void;
  kWanted: number;
  setK(v: number): void;
}

function LabBody({ lang, fmt, teacher, student, temperature, beta, setBeta, kWanted, setK }: BodyProps) {
  const V = teacher.length;
  const k = Math.min(Math.max(1, Math.round(kWanted)), V);
  const values = softValues(teacher, student, temperature, beta);
  const p = softmax(teacher, temperature);
  const bias = topKBias(p, k);
  const top = Math.max(...p);
  const pct = (v: number) => fmt.pct(v);
  return (
    <>
      <p className="muted small">{fill(L.note[lang], { t: fmt.num(temperature, 3), n: String(V) })}</p>
      <div className="table-scroll">
        <table className="metrics-table" data-testid="loss-lab-divergences">
          <thead>
            <tr>
              <th scope="col">{L.choice[lang]}</th>
              <th scope="col">{L.formula[lang]}</th>
              <th scope="col">{L.value[lang]}</th>
              <th scope="col">{L.withT2[lang]}</th>
            </tr>
          </thead>
          <tbody>
            {ROWS.map((r) => (
              <tr key={r.key} data-row={r.key}>
                <td>
                  {r.label[lang]}
                  {r.key === 'forwardKl' ? <b className="small"> · {L.trained[lang]}</b> : null}
                </td>
                <td>
                  <code>{r.formula}</code>
                </td>
                <td data-testid="value">{dec(fmt, values[r.key])}</td>
                <td>{r.tScaled ? dec(fmt, values[r.key] * temperature * temperature) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Slider
        label={L.beta[lang]}
        min={0}
        max={1}
        step={0.05}
        value={beta}
        display={fmt.fixed(beta, 2)}
        onChange={setBeta}
      />
      <h3>{L.sparseTitle[lang]}</h3>
      <Slider label={L.k[lang]} min={1} max={V} step={1} value={k} display={String(k)} onChange={setK} />
      <div className="table-scroll">
        <table className="metrics-table" data-testid="loss-lab-sparse">
          <thead>
            <tr>
              <th scope="col">{L.mode[lang]}</th>
              <th scope="col">{L.bytes[lang]}</th>
              <th scope="col">{L.teaches[lang]}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>{L.full[lang]}</td>
              <td>{bytesPerPosition('full', V, k)}</td>
              <td>{L.fullTeaches[lang]}</td>
            </tr>
            <tr data-row="top-k">
              <td>{L.topk[lang]}</td>
              <td>{bytesPerPosition('top-k', V, k)}</td>
              <td>
                {fill(L.topkTeaches[lang], {
                  tail: pct(bias.tailMass),
                  from: pct(top),
                  to: pct(top + bias.confidenceGain),
                  kl: dec(fmt, bias.klTargetToTeacher),
                })}
              </td>
            </tr>
            <tr data-row="sampled-k">
              <td>{L.sampled[lang]}</td>
              <td>{bytesPerPosition('sampled-k', V, k)}</td>
              <td>{fill(L.sampledTeaches[lang], { p: pct(top), sd: pct(Math.sqrt((top * (1 - top)) / k)) })}</td>
            </tr>
          </tbody>
        </table>
      </div>
    </>
  );
}
