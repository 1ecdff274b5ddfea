// 实验视图（issue 10）的简体中文字符串：与 experimentsEn.ts 一一对应。

export const experimentsZh = {
  summary: '实验——T × α 网格、多个种子、对照组和不同学生规模，一次同时训练',
  intro:
    '扫描中的所有学生作为一个堆叠模型同时训练，使用完全相同的批次：每个种子一个基线学生（α = 0）、网格中每个单元一个蒸馏学生，以及各个对照组。每个单元显示知识蒸馏增益：同一种子下蒸馏学生减去基线学生，在相同验证样本上的准确率之差，对种子取平均，± 2 个标准误（来自验证样本和种子）。',
  form: {
    fromSettings:
      '来自上方设置：任务 {{task}}，教师 {{teacher}}，批大小 {{batch}}，学习率 {{lr}}；对照组在最接近 T = {{t}}、α = {{a}} 的网格单元上训练。',
    temperatures: '温度 T（行）',
    alphas: 'α，教师项的权重（列）',
    seeds: '种子（初始化；增益按种子配对）',
    controls: '对照组',
    students: '学生规模（多个即容量阶梯，每个规模一个堆叠）',
    length: '训练长度',
    steps: '步数',
    evalEvery: '每隔多少步评估',
    members: '每个堆叠 {{members}} 个学生，共 {{groups}} 个堆叠依次训练。',
  },
  invalid: '无法开始：{{problems}}',
  start: '开始扫描',
  stop: '停止扫描',
  status: {
    idle: '尚未开始',
    loading: '准备中',
    teacher: '正在训练教师',
    caching: '正在缓存软标签',
    training: '训练中',
    evaluating: '正在为所有学生评分',
    done: '完成',
    stopped: '已停止',
    error: '出错',
  },
  progress: '第 {{group}} / {{groups}} 个堆叠（{{student}}）：第 {{step}} / {{steps}} 步',
  speed: '每秒 {{sps}} 步',
  backend: '运行于 {{backend}}',
  memory: '开始前的内存估计：每个堆叠 {{members}} 个学生需要 {{peak}}（上限 {{limit}}）。',
  group: '显示的学生规模',
  waiting: '第一次评估（第 {{step}} 步）后网格开始填充。',
  control: {
    random: '随机（未训练的）教师',
    permuted: '置换教师（打乱非目标类的概率）',
    smoothing: '标签平滑，无教师',
    scaling: '基线的温度缩放',
  },
  heatmap: {
    title: '每个单元的知识蒸馏增益',
    step: '第 {{step}} / {{steps}} 步的验证结果，{{seeds}} 个种子，{{rows}} 个样本',
    aria: '知识蒸馏增益热力图，行为温度、列为 α：{{summary}}',
    cell: 'T = {{t}}，α = {{a}}：{{gain}} ± {{se2}}',
    corner: 'T（行）↓ α（列）→',
    noise: '在噪声范围内',
    legend:
      '每个单元：增益 ± 2 个标准误，以及蒸馏学生的准确率。绿色：蒸馏有帮助；橙色：蒸馏有害；斜线：与零相差不到 2 个标准误。基线 {{baseline}}，教师 {{teacher}}。',
  },
  controls: {
    title: '对照组：增益从何而来？',
    colModel: '学生',
    colAcc: '准确率',
    colGain: '增益 ± 2 个标准误',
    colShare: '占蒸馏增益的比例',
    reference: '蒸馏学生，T = {{t}}，α = {{a}}',
  },
  calibration: {
    title: '校准：在 {{fit}} 个验证样本上拟合，在另外 {{held}} 个样本上测量',
    colNll: '负对数似然（奈特）',
    colEce: '期望校准误差',
    baseline: '基线',
    scaled: '基线，温度缩放后（T = {{t}}）',
  },
  ladder: {
    title: '容量阶梯：不同学生规模的增益',
    point: '{{student}}：{{gain}} ± {{se2}}',
    aria: '在 T = {{t}}、α = {{a}} 下不同学生规模的知识蒸馏增益，± 2 个标准误：{{summary}}',
    colSize: '学生',
    colParams: '参数量',
    colBaseline: '基线',
    colRef: 'T = {{t}}、α = {{a}} 的增益',
    colBest: '最佳单元',
    partial: '（第 {{step}} 步，训练中）',
    best: '{{gain}}，在 T = {{t}}、α = {{a}}',
  },
  read: {
    grid: '最佳单元：T = {{t}}，α = {{a}}，<b>{{gain}}</b> ± {{se2}}；{{total}} 个单元中有 {{above}} 个高于零超过 2 个标准误（{{seeds}} 个种子）。',
    controlsNoise: '在 T = {{t}}、α = {{a}} 处增益（{{gain}}）仍在噪声范围内，对照组暂时无法说明它来自哪里。',
    controlsHead: '在 T = {{t}}、α = {{a}} 处，教师让学生比基线高出 {{gain}}。',
    regularLittle:
      '标签平滑重现了其中的 {{smoothing}}，随机教师 {{random}}：<b>增益中很少来自正则化</b>（仅仅是更软的目标）。',
    regularMuch:
      '标签平滑重现了其中的 {{smoothing}}，随机教师 {{random}}：<b>增益中很大一部分是正则化</b>（仅仅是更软的目标），而不是教师的知识。',
    darkMost:
      '置换教师（保留每行的最高答案和置信度，打乱错误答案的概率）重现了 {{permuted}}：<b>约 {{dark}} 的增益来自暗知识</b>，即教师认为哪些错误答案更可能。',
    darkLittle:
      '置换教师（保留每行的最高答案和置信度，打乱错误答案的概率）重现了 {{permuted}}：增益主要来自教师的最高答案（在无标签样本上即伪标签），<b>约 {{dark}} 来自暗知识</b>，即教师认为哪些错误答案更可能。',
    calibrationHead:
      '温度缩放（T = {{t}}，在 {{fit}} 个样本上拟合）在另外 {{held}} 个样本上把基线的负对数似然从 {{before}} 降到 {{after}}，期望校准误差从 {{eceBefore}} 降到 {{eceAfter}}，且不改变任何预测；同一批样本上蒸馏学生的负对数似然为 {{dNll}}，期望校准误差为 {{dEce}}。',
    calibrationKd: '蒸馏学生在两项上都更好：蒸馏的作用不只是校准。',
    calibrationScaling: '缩放后的基线在两项上都相当或更好：就校准而言，蒸馏没有带来一个温度参数做不到的东西。',
    calibrationMixedNll:
      '蒸馏学生的负对数似然更低（它也更准确），缩放后的基线校准误差更低：校准本身解释不了增益，而缩放的校准效果更好。',
    calibrationMixedEce: '蒸馏学生的校准误差更低，缩放后的基线负对数似然更低。',
  },
};
