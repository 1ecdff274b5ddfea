// The run as a PyTorch folder (src/export/kdScript.ts), zipped for one download. The Python sources
// are the repository's own files, bundled as text (Vite's ?raw), so the app and the CLI ship the
// same kd_train.py and nanogpt.py.

import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import type { Hyper } from '../config';
import { buildKdScript, distillPlan } from '../export/kdScript';
import kdTrain from '../export/python/kd_train.py?raw';
import nanogpt from '../export/python/nanogpt.py?raw';
import type { DistillationRun } from '../train/run';

/**
 * `name`.zip holding the folder `name`/. The teacher must be final, so distillation must have
 * started; the steps already taken keep the hyperparameters they ran with, the rest take `current`.
 */
export async function exportScriptZip(
  run: DistillationRun,
  current: Hyper,
): Promise<{ name: string; zip: Uint8Array }> {
  if (!run.model('student'))
    throw new Error(
      'the teacher is still training: the script starts from the final teacher, so export once distillation has started',
    );
  const files = await buildKdScript(
    run,
    { kdTrain, nanogpt },
    { plan: distillPlan(run, current), exportedBy: { source: 'app', backend: tf.getBackend() } },
  );
  const folder = `kd-${run.task.id}-seed${run.config.seed}`;
  const entries: Record<string, Uint8Array> = {};
  for (const f of files) entries[`${folder}/${f.path}`] = f.data;
  // Deflate at a middle level: the data file is token ids and masks, which shrink well.
  return { name: `${folder}.zip`, zip: zipSync(entries, { level: 6 }) };
}
