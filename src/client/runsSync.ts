// Tabs of the page share one database: when one keeps or deletes a run, the others list again, so
// no tab shows (or compares, or deletes) a stale list. A BroadcastChannel carries a bare "changed".

export interface RunsSync {
  /** Tells the other tabs that the stored runs changed. */
  changed(): void;
  /** Calls `listener` when another tab says so. */
  onChanged(listener: () => void): void;
}

export const RUNS_CHANNEL = 'distillation-playground-runs';

/** The browser's BroadcastChannel, or null where there is none. */
export function broadcastSync(): RunsSync | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  const channel = new BroadcastChannel(RUNS_CHANNEL);
  return {
    changed: () => channel.postMessage('changed'),
    onChanged: (listener) => {
      channel.onmessage = () => listener();
    },
  };
}
