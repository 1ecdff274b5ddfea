// 简体中文：“不丢失”（issue 11）的界面文字：恢复已保存的运行、存储提示、训练中上传的文件留待下次运行、
// 故障说明（与 persistEn.ts 一一对应）。

import type { persistEn } from './persistEn';
import type { Widen } from './widen';

export const persistZh: Widen<typeof persistEn> = {
  staged: '已暂存，供下次运行使用：{{name}} —— 正在进行的运行仍使用原来的数据。',
  offer: {
    aria: '已保存的运行',
    question: '从{{phase}}第 {{step}} 步恢复运行（保存于 {{time}}）？',
    resume: '恢复',
    discard: '丢弃',
    resumed: '已从{{phase}}第 {{step}} 步的检查点恢复。',
  },
  phase: {
    teacher: '教师训练',
    distill: '蒸馏',
  },
  corrupt: {
    unreadable: '此浏览器中保存的运行无法恢复：{{reason}}。已保存的其他运行不受影响。',
    refused: '无法还原已保存的检查点：{{message}}。已保存的其他运行不受影响。',
    delete: '删除它',
    keep: '保留它',
  },
  storage: {
    evicted: '存储空间已满：为保存本次运行的检查点，删除了最早的 {{count}} 条运行记录：{{titles}}。',
    off: '存储空间已满：本次运行不再保存检查点。训练会继续，但重新加载页面后无法恢复。',
    failed: '无法保存检查点（{{message}}）；训练继续。',
    dismiss: '关闭',
  },
  fault: {
    aria: '出了什么问题',
    divergence: {
      title: '训练发散了',
      what: '在{{phase}}第 {{step}} 步，损失或梯度变成了 NaN 或无穷大。',
      rolledBack: '运行已暂停，并回退到第 {{to}} 步（最近一个正常的检查点）。',
      restarted: '运行已暂停，并将从头开始（还没有检查点）。',
      tryThis: '可以尝试：降低学习率、减小梯度裁剪阈值或使用更小的模型，然后点击“继续”。',
    },
    deviceLost: {
      title: 'GPU 设备丢失',
      continued: '运行在 {{to}} 上从第 {{step}} 步继续。',
      continuedStart: '运行在 {{to}} 上从头继续（还没有检查点）。',
      stopped: '运行无法在任何后端上继续。',
      tryThis: '可以尝试：关闭其他使用 GPU 的标签页；如果再次发生，在地址后加上 ?backend=wasm，改用 CPU 训练。',
    },
    details: '详情：{{message}}',
    dismiss: '关闭',
  },
};
