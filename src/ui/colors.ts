// One colour per model and per loss term, used by every chart and bar: the Okabe–Ito palette
// (Okabe & Ito 2008), distinguishable with every common colour-vision deficiency, darkened where a
// hue is too light for a white card and lightened for dark mode (prefers-color-scheme), so lines keep
// at least 3:1 and text 4.5:1 against the card in both.

import { useSyncExternalStore } from 'react';
import type { TKey } from '../i18n/catalog';
import type { LossKey, ModelRole } from '../worker/protocol';

export interface Palette {
  scheme: 'light' | 'dark';
  role: Record<ModelRole | 'truth', string>;
  loss: Record<LossKey, string>;
  /** Chart furniture: grid lines, axis ticks and titles, reference lines, marker labels. */
  grid: string;
  axis: string;
  reference: string;
  /** Background of a card (confusion cells mix into it). */
  card: string;
  ink: string;
}

export const PALETTES: Record<'light' | 'dark', Palette> = {
  light: {
    scheme: 'light',
    // Okabe–Ito blue, bluish green (darkened), vermillion (darkened).
    role: { teacher: '#0072B2', student: '#00795A', baseline: '#B04E00', truth: '#1F2937' },
    loss: {
      total: '#1F2937',
      hard: '#0072B2',
      soft: '#A8447F', // reddish purple, darkened
      feature: '#8F6400', // orange, darkened
      attention: '#5E6673',
      relation: '#6F6A00', // yellow, darkened
      baseline: '#B04E00',
    },
    grid: '#E3E7EF',
    axis: '#4B5563',
    reference: '#6B7280',
    card: '#FFFFFF',
    ink: '#111827',
  },
  dark: {
    scheme: 'dark',
    // Okabe–Ito sky blue, bluish green (lightened), vermillion (lightened).
    role: { teacher: '#56B4E9', student: '#3CCB9E', baseline: '#F5955A', truth: '#E5E7EB' },
    loss: {
      total: '#E5E7EB',
      hard: '#56B4E9',
      soft: '#E7A1CC',
      feature: '#F0B33D',
      attention: '#AEB6C2',
      relation: '#F0E442',
      baseline: '#F5955A',
    },
    grid: '#323A4A',
    axis: '#C3CAD5',
    reference: '#9AA3B2',
    card: '#1A202C',
    ink: '#F3F4F6',
  },
};

/** The light palette's colours (kept for code that needs a constant). */
export const ROLE_COLOR: Record<ModelRole | 'truth', string> = PALETTES.light.role;
export const LOSS_COLOR: Record<LossKey, string> = PALETTES.light.loss;

const DARK_QUERY = '(prefers-color-scheme: dark)';

function darkQuery(): MediaQueryList | null {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia(DARK_QUERY)
    : null;
}

function subscribe(listener: () => void): () => void {
  const q = darkQuery();
  q?.addEventListener('change', listener);
  return () => q?.removeEventListener('change', listener);
}

/** The palette of the colour scheme the browser asks for (light when it says nothing); follows changes. */
export function usePalette(): Palette {
  const dark = useSyncExternalStore(
    subscribe,
    () => darkQuery()?.matches ?? false,
    () => false,
  );
  return dark ? PALETTES.dark : PALETTES.light;
}

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
