// 简体中文：“不丢失”（issue 11）的界面文字：恢复已保存的运行、存储提示、训练中上传的文件留待下次运行、
// 故障说明（与 persistEn.ts 一一对应）。

import type { persistEn } from './persistEn';
import type { Widen } from './widen';

export const persistZh: Widen<typeof persistEn> = {
  staged: '已暂存，供下次运行使用：{{name}} —— 正在进行的运行仍使用原来的数据。',
};
