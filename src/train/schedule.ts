// Learning-rate schedule: linear warmup, then cosine decay to a tenth of the peak (nanoGPT's shape).

export function learningRate(step: number, peak: number, warmupSteps: number, totalSteps: number): number {
  const minLr = peak / 10;
  if (warmupSteps > 0 && step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  if (step >= totalSteps) return minLr;
  const progress = (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
  return minLr + 0.5 * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, progress)))) * (peak - minLr);
}
