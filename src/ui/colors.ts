// One colour per model and per loss term, used by every chart and bar.

import type { LossKey, ModelRole } from '../worker/protocol';

export const ROLE_COLOR: Record<ModelRole | 'truth', string> = {
  teacher: '#6d28d9',
  student: '#0f766e',
  baseline: '#d97706',
  truth: '#111827',
};

export const LOSS_COLOR: Record<LossKey, string> = {
  total: '#111827',
  hard: '#2563eb',
  soft: '#7c3aed',
  feature: '#db2777',
  attention: '#ea580c',
  relation: '#65a30d',
  baseline: '#d97706',
};

export const LOSS_LABEL: Record<LossKey, string> = {
  total: 'total L (student)',
  hard: 'hard CE',
  soft: 'soft T²·KL',
  feature: 'feature',
  attention: 'attention',
  relation: 'relation',
  baseline: 'baseline CE',
};
