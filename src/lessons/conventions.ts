// This run's logit-distillation settings written in the conventions of other toolkits (issue 13's
// conventions panel). The public toolkits disagree on which term α weights, on the T² factor and on
// how the teacher term is balanced at all, and users keep porting settings between them. One table,
// one function of (T, α): for each toolkit the call that reproduces this run's objective as closely
// as it can be written there, how its loss relates to ours, and why.
//
// Ours (DESIGN.md §1): L = (1 − α)·CE + α·T²·KL(softmax(zt/T) ‖ softmax(zs/T)), means over positions.
//
// Each entry was read from the toolkit's own source (versions current in 2026):
//   torchdistill   torchdistill/losses/mid_level.py, KDLoss: alpha·CE + beta·τ²·KL (beta = 1 − alpha);
//                  with alpha None or 0 it returns the KL alone, without τ².
//   Keras          keras.io example "Knowledge Distillation", Distiller.compute_loss:
//                  alpha·student_loss + (1 − alpha)·KLDivergence(softmax(t/T), softmax(s/T))·T²;
//                  keras.losses.KLDivergence clips both distributions to [1e-7, 1].
//   PyTorch        tutorial "Knowledge Distillation Tutorial", train_knowledge_distillation:
//                  soft_target_loss_weight·Σ p(log p − log q)/B·T² + ce_loss_weight·CE (two free weights).
//   NeMo           Megatron-Core distillation through NVIDIA ModelOpt: LogitsKLLoss(temperature, reverse)
//                  is KL per token with no T²; LogitsAndIntermediatesLossBalancer rescales the KD loss
//                  at every step to the size of the LM loss (kd_loss_scale), or trains on KD alone
//                  with skip_original_loss.
//   TRL            GKDTrainer / GKDConfig(temperature, beta, lmbda): generalized JSD only (no label
//                  term, no T²); beta = 0 forward KL, 1 reverse KL, between them the undivided JSD(β).

import type { Text } from './lessons';

export const TOOLKITS = ['this page', 'torchdistill', 'Keras', 'PyTorch tutorial', 'NeMo', 'TRL'] as const;
export type Toolkit = (typeof TOOLKITS)[number];

/** How the toolkit's loss, written as below, relates to this page's. */
export type Relation =
  /** The same objective (up to the note's caveats). */
  | { kind: 'same' }
  /** Theirs = ours × factor: the same minimiser, gradients scaled by the factor. */
  | { kind: 'scaled'; factor: number }
  /** No setting of theirs gives this objective. */
  | { kind: 'none' };

export interface ConventionRow {
  toolkit: Toolkit;
  /** The settings, as code of that toolkit. */
  code: string;
  /** The same settings as numbers (what the tests feed to each toolkit's formula); empty where none apply. */
  params: Record<string, number | boolean>;
  /** Which term the toolkit's own weight symbol multiplies. */
  weightOn: Text;
  /** Whether the soft term carries T² there. */
  tSquared: boolean;
  relation: Relation;
  notes: Text[];
}

const T = (en: string, zh: string): Text => ({ en, zh });

/** A number as code: up to 4 significant digits, no trailing zeros. */
function lit(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/** The same run in each toolkit's conventions. temperature > 0, alpha in [0, 1]. */
export function conventionsFor(temperature: number, alpha: number): ConventionRow[] {
  if (!(temperature > 0) || !(alpha >= 0 && alpha <= 1)) {
    throw new Error(`conventions need T > 0 and α in [0, 1] (got T = ${temperature}, α = ${alpha})`);
  }
  const t = lit(temperature);
  const a = lit(alpha);
  const oneMinus = lit(1 - alpha);
  const invT2 = 1 / (temperature * temperature);
  const kdOnly = alpha === 1;
  const noTeacher = alpha === 0;

  const rows: ConventionRow[] = [
    {
      toolkit: 'this page',
      code: `L = ${oneMinus}·CE + ${a}·${t}²·KL(p_T ‖ p_S)`,
      params: { temperature, alpha },
      weightOn: T('α weights the teacher (soft) term', 'α 加权教师（软）项'),
      tSquared: true,
      relation: { kind: 'same' },
      notes: [
        T(
          'KL from log-softmax (never clipped probabilities); every term is a mean over scored positions.',
          'KL 由 log-softmax 计算（从不裁剪概率）；每一项都是对被计分位置求平均。',
        ),
      ],
    },
    {
      toolkit: 'torchdistill',
      code: `KDLoss(..., temperature=${t}, alpha=${oneMinus}, beta=${a})`,
      params: { temperature, alpha: 1 - alpha, beta: alpha },
      weightOn: T('alpha weights the hard (label) term; beta the soft term', 'alpha 加权硬标签项；beta 加权软项'),
      tSquared: !kdOnly,
      relation: kdOnly ? { kind: 'scaled', factor: invT2 } : { kind: 'same' },
      notes: kdOnly
        ? [
            T(
              'With alpha = 0 KDLoss returns the KL alone, without τ²: its loss is ours divided by T².',
              'alpha = 0 时 KDLoss 只返回 KL，且不乘 τ²：它的损失等于本页的损失除以 T²。',
            ),
          ]
        : [
            T(
              'alpha here is 1 − α: the weight flips to the label term.',
              '这里的 alpha 是 1 − α：权重换到了标签项上。',
            ),
          ],
    },
    {
      toolkit: 'Keras',
      code: `distiller.compile(..., alpha=${oneMinus}, temperature=${t})`,
      params: { alpha: 1 - alpha, temperature },
      weightOn: T('alpha weights the student (label) loss', 'alpha 加权学生（标签）损失'),
      tSquared: true,
      relation: { kind: 'same' },
      notes: [
        T('alpha here is 1 − α.', '这里的 alpha 是 1 − α。'),
        T(
          'keras.losses.KLDivergence clips both distributions to [1e-7, 1]: where a softened probability is below 1e-7 the value differs and its gradient is zero.',
          'keras.losses.KLDivergence 把两个分布都裁剪到 [1e-7, 1]：软化后低于 1e-7 的概率处，数值不同且梯度为零。',
        ),
      ],
    },
    {
      toolkit: 'PyTorch tutorial',
      code: `train_knowledge_distillation(..., T=${t}, soft_target_loss_weight=${a}, ce_loss_weight=${oneMinus})`,
      params: { T: temperature, soft_target_loss_weight: alpha, ce_loss_weight: 1 - alpha },
      weightOn: T(
        'two free weights, one per term (the tutorial uses 0.25 soft, 0.75 CE)',
        '两个独立权重，每项一个（教程里软项 0.25、CE 0.75）',
      ),
      tSquared: true,
      relation: { kind: 'same' },
      notes: [
        T(
          'soft_targets.log() takes the log of probabilities: a teacher probability that underflows to 0 gives NaN, where log-softmax would not.',
          'soft_targets.log() 对概率取对数：教师概率下溢为 0 时会得到 NaN，而 log-softmax 不会。',
        ),
      ],
    },
    {
      toolkit: 'NeMo',
      code: kdOnly
        ? `LogitsKLLoss(temperature=${t}); LogitsAndIntermediatesLossBalancer(skip_original_loss=True)`
        : noTeacher
          ? '# plain training: no distillation config'
          : `LogitsKLLoss(temperature=${t}); LogitsAndIntermediatesLossBalancer(kd_loss_scale=…)`,
      params: kdOnly ? { temperature, skip_original_loss: true } : noTeacher ? { distill: false } : {},
      weightOn: T(
        'no constant weight: the KD loss is rescaled each step to the size of the LM loss',
        '没有固定权重：KD 损失每一步都被重新缩放到与语言模型损失一样大',
      ),
      tSquared: false,
      relation: kdOnly ? { kind: 'scaled', factor: invT2 } : noTeacher ? { kind: 'same' } : { kind: 'none' },
      notes: kdOnly
        ? [
            T(
              'LogitsKLLoss has no T²: its loss is ours divided by T².',
              'LogitsKLLoss 不乘 T²：它的损失等于本页的损失除以 T²。',
            ),
          ]
        : noTeacher
          ? [T('α = 0 uses no teacher: ordinary training.', 'α = 0 不使用教师：普通训练。')]
          : [
              T(
                'The balancer sets the KD weight to (LM loss / KD loss)·kd_loss_scale at every step, so no constant α reproduces a fixed mix; and there is no T².',
                '平衡器每一步把 KD 权重设为 (LM 损失 / KD 损失)·kd_loss_scale，所以没有固定的 α 能复现固定的混合；而且不乘 T²。',
              ),
            ],
    },
    {
      toolkit: 'TRL',
      code: kdOnly
        ? `GKDConfig(temperature=${t}, beta=0.0, lmbda=0.0)`
        : noTeacher
          ? 'SFTTrainer(...)'
          : '# GKDTrainer has no label term',
      params: kdOnly ? { temperature, beta: 0, lmbda: 0 } : noTeacher ? { distill: false } : {},
      weightOn: T(
        'beta picks the divergence (0 forward KL, 1 reverse KL); lmbda the share of on-policy batches',
        'beta 选择散度（0 为前向 KL，1 为反向 KL）；lmbda 是在策略批次的比例',
      ),
      tSquared: false,
      relation: kdOnly ? { kind: 'scaled', factor: invT2 } : noTeacher ? { kind: 'same' } : { kind: 'none' },
      notes: [
        T(
          'No T²: at α = 1 its loss is ours divided by T²; for 0 < α < 1 it has no label term to mix in.',
          '不乘 T²：α = 1 时它的损失等于本页的损失除以 T²；0 < α < 1 时它没有可以混合的标签项。',
        ),
        T(
          'beta = 0 is forward KL only at exactly 0: just above it the undivided JSD(β) is near 0, so the loss jumps at both ends.',
          'beta = 0 只有恰好为 0 时才是前向 KL：稍大于 0 时未归一化的 JSD(β) 接近 0，因此损失在两端都会跳变。',
        ),
      ],
    },
  ];
  return rows;
}
