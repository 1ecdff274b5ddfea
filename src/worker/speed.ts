// Steps per second over a sliding window of recent batches of points. The run reports points in
// batches (a few per second), so the meter keeps (time, last step) pairs and measures the slope over
// the last couple of seconds. Pausing clears it, so paused time never drags the figure down.

export class SpeedMeter {
  private samples: { t: number; step: number }[] = [];

  constructor(private readonly windowMs = 3000) {}

  /** Records that `step` was reached at time `t` (ms). */
  record(t: number, step: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && step < last.step) this.samples = []; // a new phase restarts the step count
    this.samples.push({ t, step });
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift();
  }

  /** Steps per second, or null until two samples at least 50 ms apart exist. */
  stepsPerSec(): number | null {
    if (this.samples.length < 2) return null;
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    const dt = b.t - a.t;
    if (dt < 50) return null;
    return ((b.step - a.step) * 1000) / dt;
  }

  clear(): void {
    this.samples = [];
  }
}
