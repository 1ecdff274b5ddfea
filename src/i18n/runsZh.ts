// 简体中文：运行记录表（issue 10）的界面文字（与 runsEn.ts 一一对应）。

import type { runsEn } from './runsEn';
import type { Widen } from './widen';

export const runsZh: Widen<typeof runsEn> = {
  title: '运行记录',
  intro:
    '每次运行结束时（或在训练若干步后重置时），它的设置、曲线和指标都会保存在此浏览器中（IndexedDB）。选择两条或更多记录即可进行比较。',
  loading: '正在读取已保存的运行…',
  empty: '还没有保存的运行。完成一次运行（或在训练若干步后重置），它就会出现在这里。',
  unavailable: '无法保存运行：此浏览器没有为页面提供存储（IndexedDB），某些隐私窗口就是这样。',
  skipped: '有 {{count}} 条已存储的记录无法读取，未列出（详情见浏览器控制台）。',
  tableCaption: '已保存的运行，最新的在前',
  col: {
    title: '运行',
    date: '日期',
    task: '任务',
    kind: '类型',
    student: '蒸馏学生',
    baseline: '基线',
    gain: '蒸馏增益',
    actions: '操作',
  },
  kind: {
    run: '单次运行',
    sweep: '参数扫描',
  },
  end: {
    done: '已完成',
    stopped: '在第 {{step}} 步停止',
    marks: '运行中调整过设置：{{changes}}（链接中是初始值）',
  },
  splitTag: {
    test: '测试集',
    val: '验证集',
  },
  select: '选择 {{title}}',
  selectAll: '选择全部运行',
  selected: '已选 {{count}} 条',
  compare: '比较',
  hideCompare: '隐藏比较',
  compareHint: '至少选择两条运行才能比较。',
  delete: '删除',
  confirmDelete: '从此浏览器中删除所选的 {{count}} 条运行？此操作无法撤销。',
  confirm: '确认删除',
  cancel: '取消',
  exportJson: '导出 JSON',
  exportCurvesCsv: '导出曲线（CSV）',
  exportMetricsCsv: '导出指标（CSV）',
  open: '打开',
  openHint: '载入这次运行的设置（页面会按它的链接重新加载）',
  openNamed: '打开 {{title}}',
  dismiss: '关闭',
  notice: {
    saved: '已保存运行：{{title}}',
    savedStopped: '已保存运行（在第 {{step}} 步停止）：{{title}}',
  },
  op: {
    load: '无法读取已保存的运行',
    save: '这次运行没有保存',
    delete: '运行没有删除',
  },
  error: {
    quota: '浏览器为此页面提供的存储空间已满。请先导出并删除旧的运行，再重试；已保存的运行不受影响。',
    unavailable: '此浏览器没有为页面提供存储（IndexedDB）。',
    failed: '浏览器存储报告了一个错误（{{message}}）。',
  },
  compareTitle: '比较 {{count}} 条运行',
  chart: {
    accuracy: '验证准确率',
    loss: '损失',
    curve: '曲线',
    none: '所选运行都没有这条曲线。',
    aria: '{{count}} 条运行的{{curve}}。最后的点：{{values}}',
    lastPoint: '{{run}}：第 {{step}} 步为 {{value}}',
  },
  axis: {
    step: '步数（曲线所在阶段）',
    percent: '准确率（%）',
    points: '增益（百分点）',
    nats: '损失（奈特）',
  },
  curve: {
    valAccuracy: '{{model}}，验证准确率，{{phase}}',
    valGain: '验证集上的蒸馏增益（蒸馏阶段）',
    loss: '{{term}}，{{phase}}',
  },
  phase: {
    teacher: '教师训练阶段',
    distill: '蒸馏阶段',
  },
  metrics: {
    caption: '所选运行的指标；Δ 为与第一条所选运行（{{first}}）的差值。',
    metric: '指标',
    delta: 'Δ（与第一条相比）',
    accuracy: '{{model}}准确率，{{split}}',
    gain: '蒸馏增益，{{split}}',
    gainSe: '蒸馏增益的标准误差，{{split}}',
    steps: '步数，{{phase}}',
    split: {
      val: '最后一次验证',
      test: '测试集',
    },
  },
};
