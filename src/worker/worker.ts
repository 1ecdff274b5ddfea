// The Web Worker: wires messages to the session. Only this folder touches `self`/postMessage.

import { chooseBackend } from './backend';
import type { WorkerCommand, WorkerEvent } from './protocol';
import { Session } from './session';

const scope = self as unknown as {
  postMessage(message: WorkerEvent, transfer: Transferable[]): void;
  onmessage: ((ev: MessageEvent<WorkerCommand>) => void) | null;
};

async function loadAsset(url: string): Promise<Uint8Array | null> {
  const res = await fetch(url);
  if (!res.ok) return null;
  // A dev server answers unknown paths with index.html: that is "absent" too.
  if ((res.headers.get('content-type') ?? '').includes('text/html')) return null;
  return new Uint8Array(await res.arrayBuffer());
}

const session = new Session({
  post: (event, transfer) => scope.postMessage(event, transfer ?? []),
  chooseBackend,
  loadAsset,
});

scope.onmessage = (ev) => {
  session.handle(ev.data).catch((e: unknown) => {
    const runId = 'runId' in ev.data ? ev.data.runId : 0;
    scope.postMessage({ type: 'error', runId, message: (e as Error).message ?? String(e) }, []);
  });
};
