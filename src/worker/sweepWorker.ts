// The sweep worker: wires messages to the SweepSession. A worker of its own beside the single run's
// (src/worker/worker.ts), started only when the Experiments view first runs a sweep.

import { chooseBackend } from './backend';
import { fetchAsset } from './fetchAsset';
import type { SweepCommand, SweepEvent } from './sweepProtocol';
import { SweepSession } from './sweepSession';

const scope = self as unknown as {
  postMessage(message: SweepEvent): void;
  onmessage: ((ev: MessageEvent<SweepCommand>) => void) | null;
};

const session = new SweepSession({ post: (event) => scope.postMessage(event), chooseBackend, loadAsset: fetchAsset });

scope.onmessage = (ev) => {
  session.handle(ev.data).catch((e: unknown) => {
    const runId = 'runId' in ev.data ? ev.data.runId : 0;
    scope.postMessage({ type: 'sweepError', runId, message: (e as Error).message ?? String(e) });
  });
};
