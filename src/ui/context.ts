// The controller (and through it the store) for every component, without prop drilling.

import { createContext, useContext } from 'react';
import type { Controller } from '../client/controller';
import { useStore } from '../client/store';
import type { AppState } from '../client/state';

export const ControllerContext = createContext<Controller | null>(null);

export function useController(): Controller {
  const c = useContext(ControllerContext);
  if (!c) throw new Error('no controller: wrap the app in <ControllerContext.Provider>');
  return c;
}

/** A slice of the app state (re-renders when the slice changes by reference). */
export function useApp<T>(select: (s: AppState) => T): T {
  return useStore(useController().store, select);
}
