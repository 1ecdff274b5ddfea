// The sweep controller for the Experiments view, and a hook on its state.

import { createContext, useContext, useSyncExternalStore } from 'react';
import type { SweepController } from '../../client/sweepController';
import type { SweepState } from '../../client/sweepState';

export const SweepContext = createContext<SweepController | null>(null);

export function useSweepController(): SweepController {
  const c = useContext(SweepContext);
  if (!c) throw new Error('no sweep controller: wrap the app in <SweepContext.Provider>');
  return c;
}

/** A slice of the sweep state (re-renders when the slice changes by reference). */
export function useSweep<T>(select: (s: SweepState) => T): T {
  const c = useSweepController();
  return useSyncExternalStore(c.subscribe, () => select(c.getState()));
}
