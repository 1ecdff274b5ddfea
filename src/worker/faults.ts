// Faults the worker recovers from, and what it tells the page about them: a run that diverged
// (rolled back to its last good checkpoint, paused) and a lost WebGPU device (the run goes on from
// its last checkpoint on a new device or the next backend). The recovery itself is in session.ts;
// here are the detection and the sentences.

import * as tf from '@tensorflow/tfjs';
import type { Hyper } from '../config';
import type { DivergedError } from '../train/diverged';
import type { BackendName, RunFault } from './protocol';

const phaseName = (phase: 'teacher' | 'distill') => (phase === 'teacher' ? 'teacher training' : 'distillation');

export function divergenceFault(
  e: DivergedError,
  rolledBackTo: { phase: 'teacher' | 'distill'; step: number } | null,
  hyper: Hyper,
): RunFault {
  const where =
    rolledBackTo === null
      ? `No checkpoint existed yet, so the run is paused and starts over from step 0.`
      : `The run is paused and put back to ${phaseName(rolledBackTo.phase)} step ${rolledBackTo.step}, its last good checkpoint.`;
  const temperature = e.phase === 'distill' ? `, a lower temperature T (now ${hyper.temperature})` : '';
  return {
    kind: 'divergence',
    phase: e.phase,
    step: e.step,
    rolledBackTo: rolledBackTo?.step ?? null,
    message:
      `Training diverged at ${phaseName(e.phase)} step ${e.step}: ${e.what}. ${where} ` +
      `Try a lower learning rate (now ${hyper.lr})${temperature}, or a smaller model, then resume.`,
  };
}

export function deviceLostFault(
  from: BackendName,
  to: BackendName | null,
  resumedFrom: { phase: 'teacher' | 'distill'; step: number } | null,
  reason: string,
): RunFault {
  const where = resumedFrom
    ? `from its last checkpoint (${phaseName(resumedFrom.phase)} step ${resumedFrom.step})`
    : 'from step 0 (no checkpoint existed yet)';
  const next =
    to === null
      ? 'No backend could start, so the run has stopped.'
      : to === from
        ? `The run continues on a new ${to} device ${where}.`
        : `The run continues on ${to} ${where}; reload the page to try ${from} again.`;
  return {
    kind: 'deviceLost',
    from,
    to,
    resumedFrom: resumedFrom?.step ?? null,
    message: `The ${from} device was lost (${reason}). ${next}`,
  };
}

/** True for the errors tfjs and WebGPU throw once the device is gone. */
export function isDeviceLossError(e: unknown): boolean {
  const m = e instanceof Error ? e.message : String(e);
  return /device (is |was |has been )?(lost|destroyed)|lost device|GPUDevice.*(lost|destroyed)/i.test(m);
}

/** Calls onLost (once) when the device of the webgpu backend now in use is lost; returns an unsubscribe. */
export function watchWebGPUDeviceLoss(onLost: (reason: string) => void): () => void {
  if (tf.getBackend() !== 'webgpu') return () => {};
  const device = (tf.backend() as unknown as { device?: { lost?: Promise<{ message?: string; reason?: string }> } })
    .device;
  let live = true;
  void device?.lost?.then((info) => {
    if (live) onLost(info?.message || info?.reason || 'no reason given');
  });
  return () => (live = false);
}

/**
 * A fresh WebGPU backend after a loss: tfjs keeps the backend instance (and its dead device) once
 * initialised, so the factory is registered anew, and the next tf.setBackend('webgpu') asks for a
 * new adapter and device.
 */
export function forgetWebGPUBackend(): void {
  const factory = tf.findBackendFactory('webgpu');
  if (!factory) return;
  try {
    tf.removeBackend('webgpu'); // disposes the old instance; on a dead device that may throw
  } catch {
    // the registry entry is gone either way
  }
  tf.registerBackend('webgpu', factory, 3);
}
