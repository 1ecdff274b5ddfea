// 语法实验室面板（issue 13：以语法的真实分布评估离策略与在策略蒸馏）的简体中文字符串：与 grammarLabEn.ts 一一对应。

export const grammarLabZh = {
  title: '语法实验室：离策略、在策略与序列级蒸馏',
  intro:
    '在语法任务上，下一个词的真实分布是精确已知的，因此可以用真实分布来评估模型自己生成的句子。从同一个初始学生出发、训练相同的步数：只用标签的基线；在数据集上做离策略蒸馏（对教师的前向 KL）；在策略蒸馏，其中占比 λ 的步骤在学生自己写出的句子上训练，由教师逐词打分（反向 KL）；以及在教师写出的句子上做序列级蒸馏。所有模型都在这里、在一个 Worker 中，用内置的语法教师训练。',
  lambda: 'λ：在策略步骤的占比',
  lambdaHint: 'λ = 1：每一步都用学生自己的采样；λ 越小，混入越多在数据集上的离策略步骤。',
  steps: '每个学生的训练步数',
  run: '运行实验',
  stop: '停止',
  status: {
    idle: '尚未运行。',
    running: '运行中…',
    done: '已在 {{backend}} 上完成：每个学生 {{steps}} 步，每个模型 {{samples}} 个句子。',
    stopped: '已停止。',
    error: '实验失败：{{message}}',
  },
  phase: {
    loading: '正在加载语法教师…',
    corpus: '教师正在写序列级蒸馏的语料…',
    train: '正在训练{{who}}：第 {{step}} / {{steps}} 步',
    evaluate: '正在为{{who}}采样并评分…',
  },
  rows: {
    truth: '语法本身（真实分布）',
    teacher: '教师',
    baseline: '基线（仅用标签）',
    offPolicy: '离策略蒸馏（λ = 0）',
    onPolicy: '在策略蒸馏（λ = {{lambda}}）',
    sequenceKd: '序列级蒸馏',
  },
  table: {
    caption: '每个模型自己生成的句子，以及它与真实分布的吻合程度',
    model: '模型',
    validity: '合法句子',
    entropy: '熵（奈特）',
    distinct1: '不同一元组占比（distinct-1）',
    distinct2: '不同二元组占比（distinct-2）',
    distinct3: '不同三元组占比（distinct-3）',
    klOwn: '在自身前缀上的 KL(真实 ‖ 模型)',
    nll: '测试集 NLL（奈特）',
    klTest: '测试集上的 KL(真实 ‖ 模型)',
  },
  legend:
    '合法：模型采样出的句子中属于该语言的比例。熵：沿模型自己的采样，下一个词分布的平均熵。distinct-n：句子中不同 n 元组占全部 n 元组的比例。KL 两列和测试集 NLL 把模型与精确的下一个词分布相比较。',
};
