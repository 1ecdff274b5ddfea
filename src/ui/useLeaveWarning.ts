// Leaving the page mid-run loses the steps since the run's last stored checkpoint (the next visit
// offers to resume from it, see src/client/activeRunKeeper.ts), so the browser's own "Leave site?"
// prompt guards a run with progress: running or paused after at least one step. A run that is done,
// never started, or reset leaves freely. Browsers show their own wording and ignore ours.

import { useEffect } from 'react';
import { runStatus, stepCounter, type RunView } from '../client/state';
import { useApp } from './context';

/** Whether leaving now would throw away training the visitor has watched. */
export function runAtRisk(run: RunView): boolean {
  const status = runStatus(run);
  return (status === 'running' || status === 'paused') && stepCounter(run).step > 0;
}

export function useLeaveWarning(): void {
  const atRisk = useApp((s) => runAtRisk(s.run));
  useEffect(() => {
    if (!atRisk) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = ''; // older Chromium needs a value set to show the prompt
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [atRisk]);
}
