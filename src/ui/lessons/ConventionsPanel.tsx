// This run's T and α written in other toolkits' conventions (src/lessons/conventions.ts on screen):
// where α flips to the label term, where T² is missing, and how each toolkit's loss relates to ours.
// It follows the sliders, so moving α shows the other toolkits' numbers move the other way.

import { useId } from 'react';
import { conventionsFor, type Relation } from '../../lessons/conventions';
import type { Text } from '../../lessons/lessons';
import { useApp } from '../context';
import { useT, type Format } from '../i18n';
import type { Lang } from '../../i18n/catalog';
import { describeObjective, isDefaultObjective, objectiveOf } from '../../objective';

const T = (en: string, zh: string): Text => ({ en, zh });

const LABELS = {
  title: T('The same run in other toolkits', '同一次运行，在其他工具包里怎么写'),
  note: T(
    'The public toolkits disagree on which term α weights and on the T² factor. Each row writes this run’s T and α in that toolkit’s terms, and says how its loss compares with the one trained here.',
    '各个公开工具包对 α 加权哪一项、是否乘 T² 并不一致。每一行把本次运行的 T 和 α 写成该工具包的形式，并说明它的损失与本页训练的损失是什么关系。',
  ),
  toolkit: T('Toolkit', '工具包'),
  settings: T('Settings', '设置'),
  weight: T('What its weight multiplies', '它的权重乘的是哪一项'),
  tSquared: T('T² on the soft term', '软项乘 T²'),
  relation: T('Its loss vs. this page’s', '它的损失与本页相比'),
  yes: T('yes', '是'),
  no: T('no', '否'),
  same: T('the same', '相同'),
  none: T('cannot be written there', '无法在其中写出'),
  otherObjective: T(
    'This run does not train the loss these rows write: it trains {{objective}} (see the formula). The rows compare the forward-KL objective with T² at this run’s T and α.',
    '本次运行训练的不是下表各行写出的损失：它训练的是 {{objective}}（见公式）。下表比较的是在本次运行的 T 和 α 下、乘 T² 的前向 KL 目标。',
  ),
};

function relationText(r: Relation, lang: Lang, fmt: Format): string {
  switch (r.kind) {
    case 'same':
      return LABELS.same[lang];
    case 'scaled':
      return lang === 'zh' ? `本页 × ${fmt.num(r.factor, 3)}` : `ours × ${fmt.num(r.factor, 3)}`;
    case 'none':
      return LABELS.none[lang];
  }
}

export function ConventionsPanel() {
  const id = useId();
  const { lang, fmt } = useT();
  const hyper = useApp((s) => s.config.hyper);
  const rows = conventionsFor(hyper.temperature, hyper.alpha);
  // The table is written for forward KL with T²; with any other objective it says so rather than
  // calling a forward-KL formula "this page".
  const objective = objectiveOf(hyper);
  return (
    <section className="card conventions-card" aria-labelledby={`${id}-h`} data-testid="conventions">
      <h2 id={`${id}-h`}>{LABELS.title[lang]}</h2>
      <p className="muted small">{LABELS.note[lang]}</p>
      {isDefaultObjective(objective) ? null : (
        <p className="notice" role="note" data-testid="conventions-other-objective">
          {LABELS.otherObjective[lang].replace('{{objective}}', describeObjective(objective))}
        </p>
      )}
      <div className="table-scroll">
        <table className="metrics-table conventions-table">
          <thead>
            <tr>
              <th scope="col">{LABELS.toolkit[lang]}</th>
              <th scope="col">{LABELS.settings[lang]}</th>
              <th scope="col">{LABELS.weight[lang]}</th>
              <th scope="col">{LABELS.tSquared[lang]}</th>
              <th scope="col">{LABELS.relation[lang]}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.toolkit} data-toolkit={row.toolkit}>
                <td>{row.toolkit === 'this page' ? (lang === 'zh' ? '本页' : 'this page') : row.toolkit}</td>
                <td>
                  <code>{row.code}</code>
                  <ul className="small muted conventions-notes">
                    {row.notes.map((n, i) => (
                      <li key={i}>{n[lang]}</li>
                    ))}
                  </ul>
                </td>
                <td className="small">{row.weightOn[lang]}</td>
                <td>{row.tSquared ? LABELS.yes[lang] : LABELS.no[lang]}</td>
                <td data-testid="relation">{relationText(row.relation, lang, fmt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
