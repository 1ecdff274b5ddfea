// Tests' stand-in for the page: records every event a Session posts, and waits for some.

import type { LossPoint, WorkerEvent } from './protocol';

export class Recorder {
  events: WorkerEvent[] = [];
  post = (e: WorkerEvent) => {
    this.events.push(e);
  };
  of<T extends WorkerEvent['type']>(type: T): Extract<WorkerEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type);
  }
  points(phase?: 'teacher' | 'distill'): LossPoint[] {
    return this.of('points')
      .flatMap((e) => e.points)
      .filter((p) => !phase || p.phase === phase);
  }
  async waitFor(pred: (e: WorkerEvent) => boolean, timeoutMs = 60_000): Promise<WorkerEvent> {
    const t0 = Date.now();
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for an event');
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
