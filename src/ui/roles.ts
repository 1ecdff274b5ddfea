// What each model is called on screen.

import type { TKey } from '../i18n/catalog';
import type { ModelRole } from '../worker/protocol';
import type { TFn } from './i18n';

const ROLE_KEY: Record<ModelRole | 'truth', TKey> = {
  teacher: 'role.teacher',
  student: 'role.distilled',
  baseline: 'role.baseline',
  truth: 'role.truth',
};

/** "teacher", "distilled student", "baseline", "true distribution" in the current language. */
export function roleLabel(t: TFn, role: ModelRole | 'truth'): string {
  return t(ROLE_KEY[role]);
}

const SHORT_KEY: Record<ModelRole | 'truth', TKey> = {
  teacher: 'role.teacher',
  student: 'role.student',
  baseline: 'role.baseline',
  truth: 'role.truth',
};

/** The one-word name ("teacher", "student", …), e.g. read out before each probability. */
export function roleShort(t: TFn, role: ModelRole | 'truth'): string {
  return t(SHORT_KEY[role]);
}
