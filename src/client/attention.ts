// Attention maps for display: one head, or the average over heads, and the student − teacher
// difference at mapped layers. Student layer i is compared with teacher layer layerMap[i] (evenly
// spaced, as the attention loss maps them); when the head counts differ, heads cannot be paired, so
// both sides are averaged over heads first.

/** attention[layer][head] is a row-major (L, L) map. */
export type AttentionMaps = number[][][];

/** One layer's map: head `head`, or the mean over heads when head is 'avg'. */
export function layerMap(maps: AttentionMaps, layer: number, head: number | 'avg'): number[] {
  const heads = maps[layer];
  if (!heads?.length) return [];
  if (head !== 'avg') return heads[Math.min(head, heads.length - 1)] ?? [];
  const out = new Array<number>(heads[0].length).fill(0);
  for (const h of heads) h.forEach((v, i) => (out[i] += v / heads.length));
  return out;
}

export interface AttentionPair {
  teacherLayer: number;
  /** The head shown, or 'avg' when the head counts differ (or the average was asked for). */
  head: number | 'avg';
  teacher: number[];
  student: number[];
  /** student − teacher, element-wise. */
  diff: number[];
}

export function comparePair(
  teacher: AttentionMaps,
  student: AttentionMaps,
  studentLayer: number,
  layerMapping: readonly number[],
  head: number | 'avg',
): AttentionPair {
  const teacherLayer = layerMapping[studentLayer] ?? Math.min(studentLayer, teacher.length - 1);
  const sameHeads = (teacher[teacherLayer]?.length ?? 0) === (student[studentLayer]?.length ?? -1);
  const h = sameHeads ? head : 'avg';
  const t = layerMap(teacher, teacherLayer, h);
  const s = layerMap(student, studentLayer, h);
  return { teacherLayer, head: h, teacher: t, student: s, diff: s.map((v, i) => v - (t[i] ?? 0)) };
}
