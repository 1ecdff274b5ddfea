// Parameter counts, size at fp32 and compression, for the size pickers.

import { parameterCount, resolveSize, type ModelSize, type SizeSpec } from '../config';

export interface ModelStats {
  size: ModelSize;
  params: number;
}

/** Stats of a size spec for a task's vocabulary and length; null when the spec is not valid. */
export function modelStats(spec: SizeSpec, vocabSize: number, blockSize: number): ModelStats | null {
  try {
    const size = resolveSize(spec);
    return { size, params: parameterCount({ ...size, vocabSize, blockSize, bias: false, dropout: 0 }) };
  } catch {
    return null;
  }
}

/** teacher params / student params, e.g. 12.5 (×). */
export function compressionRatio(teacher: ModelStats | null, student: ModelStats | null): number | null {
  return teacher && student && student.params > 0 ? teacher.params / student.params : null;
}
