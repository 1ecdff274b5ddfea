// 简体中文：issue 9 “第一分钟的洞见”相关界面文字（与 insightEn.ts 一一对应）。

import type { Widen } from './widen';
import type { insightEn } from './insightEn';

export const insightZh: Widen<typeof insightEn> = {
  hero: {
    title: '知识蒸馏：小模型向大模型学习',
    what: '<b>教师</b>网络已经学会了任务。一个小得多的<b>学生</b>同时从真实标签<i>和</i>教师的完整回答中学习——教师认为每个选项有多大可能，而不只是它的首选。这份额外的信号就是蒸馏带来的。',
    how: '按“开始”：学生和一个<b>基线</b>（同样大小、同样起点、只用标签）在仅 {{labelled}} 条带标签的样本上并排训练。看它们之间的差距拉开——这个差距就是教师教会的东西。',
    start: '开始蒸馏',
    running: '运行中——下方曲线实时更新',
    restart: '重新开始',
    scroll: '查看曲线',
    time: '在这里用 {{backend}} 运行；剩余时间显示在步数旁边。',
    timeUnknown: '页面会选用你的浏览器能运行的最快方式。',
  },
  gain: {
    seHint: '± 一个标准误，按 {{rows}} 条验证样本配对计算（两个学生在相同样本上评分）',
    start: '两者从相同的权重开始',
    helps: '蒸馏有效：高出零超过 2 个标准误',
    noise: '在噪声范围内：距零不到 2 个标准误——继续训练',
    hurts: '蒸馏有害：低于零超过 2 个标准误',
    band: '±2 标准误',
    bandLegend: '阴影：±2 个标准误；阴影不包含 0 时，增益不是噪声',
  },
  eta: {
    left: '还剩 {{time}}',
    seconds: '{{n}} 秒',
    minutes: '{{m}} 分 {{s}} 秒',
  },
  axis: {
    step: '蒸馏步数',
    teacherStep: '教师步数',
    loss: '损失（nats）',
    accuracy: '准确率（%）',
    gainPts: '增益（百分点）',
    confidence: '置信度',
    observed: '准确率',
    predicted: '预测类别 →',
    truth: '真实类别 ↓',
  },
  summary: {
    aria: '这次运行说明了什么',
    title: '这次运行说明了什么',
    interim: '目前为止（验证集，第 {{step}} 步）——运行结束时给出完整总结。',
    final: '在 {{rows}} 条留出的测试样本上的最终结果。',
    helps:
      '<b>蒸馏学生</b>得分 {{student}}，<b>基线</b> {{baseline}}：蒸馏带来了 <b>{{gain}}</b>（± {{se}}，高出零 {{z}} 个标准误）。两者大小、起点和标签都相同，只有教师的软答案不同——所以这个差距就是教师教会的。',
    noise:
      '<b>蒸馏学生</b>得分 {{student}}，<b>基线</b> {{baseline}}：相差 {{gain}}（± {{se}}），在零的 2 个标准误之内。这次运行中两者无法区分：把这个增益当作噪声，而不是结论。',
    hurts:
      '<b>蒸馏学生</b>得分 {{student}}，<b>基线</b> {{baseline}}：蒸馏损失了 <b>{{gain}}</b>（± {{se}}）。教师的答案把学生从标签那里拉偏了。',
    teacher:
      '<b>教师</b>得分 {{teacher}}（随机猜测为 {{chance}}）；蒸馏学生在 {{agreement}} 的样本上与教师首选一致，基线为 {{baselineAgreement}}。',
    teacherGen:
      '<b>教师</b>的下一个词元准确率为 {{teacher}}；蒸馏学生在 {{agreement}} 的词元上与教师首选一致，基线为 {{baselineAgreement}}。',
    knobs:
      '设置：T = {{t}} 软化了教师的答案，使错误选项之间的排序显现出来（T = 1 时几乎是独热的）；α = {{alpha}} 把 {{alphaPct}} 的权重放在教师的答案上，{{hardPct}} 放在标签上。',
    knobsAlphaZero: '设置：α = 0，蒸馏学生忽略了教师，只是第二个基线：任何差距按构造都是噪声。',
    size: '学生的参数比教师少 {{ratio}} 倍。',
    next: {
      helps: '试试：把 α 调向 1，或把 T 降到 1，看增益变大还是变小。',
      noise: '试试：训练更久（步数），或减少带标签样本——教师的额外信号在那时最有用。',
      hurts: '试试：降低 α，让标签的权重更大。',
    },
  },
  warn: {
    teacherChance:
      '教师接近随机猜测（{{teacher}}，随机为 {{chance}}）：它几乎什么都不会，没什么可蒸馏的。请载入随附的教师（教师步数为 0）或训练更久。',
    teacherWeak: '教师较弱（{{teacher}}）：学生最多只能学到它的错误。',
    noise: '到目前为止增益在噪声范围内：先别解读它的正负。',
    modaddTiny:
      '为什么这里蒸馏没有帮助：模加法里没有“差一点就对”的错误答案——对 3 + 5 mod 13 而言，7 和 2 一样错——所以教师的软答案没有任务本身的排序可传授（在情感分类中，“负面”对“非常负面”几乎是对的）；而小学生可能装不下整张 13 × 13 的表，无论向谁学习。试试更大的学生或更多步数；教师在未标注的加法上的答案仍可能有帮助。',
    capacity: '学生可能对这个任务太小：两个学生都远低于教师。试试更大的学生（student-m）。',
  },
};
