// src/memory.ts estimates a run without importing tfjs, so it repeats a few of src/train's sizes.
// They must not drift: the validation split grew from 256 to 512 rows once while the estimate kept 256.
import { describe, expect, it } from 'vitest';
import { MEMORY_VAL_ROWS } from '../memory';
import { VAL_ROWS } from './run';

describe('the memory estimate mirrors the trainer', () => {
  it('counts as many validation rows as a run scores', () => {
    expect(MEMORY_VAL_ROWS).toBe(VAL_ROWS);
  });
});
