// The grammar lab's worker: wires messages to the LabSession. A worker of its own beside the single
// run's and the sweep's, started only when the lab's panel first runs.

import { chooseBackend } from './backend';
import { fetchAsset } from './fetchAsset';
import type { LabCommand, LabEvent } from './labProtocol';
import { LabSession } from './labSession';

const scope = self as unknown as {
  postMessage(message: LabEvent): void;
  onmessage: ((ev: MessageEvent<LabCommand>) => void) | null;
};

const session = new LabSession({ post: (event) => scope.postMessage(event), chooseBackend, loadAsset: fetchAsset });

scope.onmessage = (ev) => {
  session.handle(ev.data).catch((e: unknown) => {
    const runId = 'runId' in ev.data ? ev.data.runId : 0;
    scope.postMessage({ type: 'labError', runId, message: (e as Error).message ?? String(e) });
  });
};
