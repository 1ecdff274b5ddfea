// The on-policy distillation term (issue 13; GKD, Agarwal et al. 2024; MiniLLM, Gu et al. 2024): on
// prefixes the student sampled itself, the per-token reverse KL(q_student ‖ p_teacher), summed over
// the whole vocabulary at each position (exact, not a one-sample estimate), averaged over the
// positions whose next token the student drew.
//
// The samples are constants: the gradient flows only through the student's distribution q at each
// position, not through the choice of the prefix (no REINFORCE term), as in GKD's on-policy
// objective and MiniLLM's single-step part. Reverse KL is mode-seeking: the student is pushed off
// tokens the teacher finds unlikely after the student's own prefixes, the mistakes that compound
// at generation time but that it never meets on the dataset's prefixes.

import type * as tf from '@tensorflow/tfjs';
import { softDivergence } from './divergences';
import { maskedMean } from './losses';

/**
 * Mean over mask = 1 of KL(softmax(zs) ‖ softmax(zt)) at T = 1 (the temperature the student sampled at).
 * studentLogits, teacherLogits: (N, V); mask: (N) 1 at the positions scored. Returns a scalar; call
 * inside tf.tidy or a gradient closure. Only studentLogits should carry a gradient.
 */
export function onPolicyReverseKl(
  studentLogits: tf.Tensor2D,
  teacherLogits: tf.Tensor2D,
  mask: tf.Tensor1D,
): tf.Scalar {
  const perPosition = softDivergence(studentLogits, teacherLogits, 1, { divergence: 'reverse-kl', jsdBeta: 1 }); // (N)
  return maskedMean(perPosition, mask);
}
