// One colour per model and per loss term, used by every chart and bar.

import type { TKey } from '../i18n/catalog';
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

/** The catalog key of each loss curve's name. */
export const LOSS_LABEL: Record<LossKey, TKey> = {
  total: 'loss.key.total',
  hard: 'loss.key.hard',
  soft: 'loss.key.soft',
  feature: 'loss.key.feature',
  attention: 'loss.key.attention',
  relation: 'loss.key.relation',
  baseline: 'loss.key.baseline',
};
