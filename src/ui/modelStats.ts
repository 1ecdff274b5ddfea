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

/**
 * The teacher/student size comparison in words: "12× fewer parameters in the student", "same
 * size", or for a student bigger than its teacher "2.0× more parameters in the student than in
 * the teacher". Near 1 (where "1.0×" would hide the difference) it says the percentage.
 */
export function compressionLabel(
  teacher: ModelStats | null,
  student: ModelStats | null,
): { value: string; text: string } | null {
  if (!teacher || !student || teacher.params <= 0 || student.params <= 0) return null;
  if (teacher.params === student.params)
    return { value: 'same size', text: 'the student has as many parameters as the teacher' };
  const smaller = student.params < teacher.params;
  const ratio = smaller ? teacher.params / student.params : student.params / teacher.params; // > 1
  const where = smaller ? 'fewer parameters in the student' : 'more parameters in the student than in the teacher';
  if (ratio < 1.05) {
    // Percent of the larger model: "3% fewer", "4% more" (rounded, at least 1 %: the sizes differ).
    const pct = Math.max(1, Math.round(smaller ? (1 - student.params / teacher.params) * 100 : (ratio - 1) * 100));
    return { value: `${pct}%`, text: where };
  }
  return { value: `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`, text: where };
}
