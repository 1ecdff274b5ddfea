// The PyTorch the parity tests run against: Debian's python3-torch (installed by .ci/run), or the
// python named by TORCH_PYTHON. Without torch a test file is skipped with the reason, except under
// CI=true, where that is a failure: CI installs it and must not go quiet.

import { spawnSync } from 'node:child_process';

export const PYTHON = process.env.TORCH_PYTHON ?? '/usr/bin/python3';

/** torch's version for PYTHON, or null (warned) when it cannot import torch; throws under CI. */
export function requireTorch(label: string, what: string): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  const version = probe.status === 0 ? probe.stdout.trim() : null;
  const noTorch = `${PYTHON} cannot import torch (apt-get install python3-torch)`;
  if (!version && process.env.CI) throw new Error(`[${label}] CI must run the ${what}: ${noTorch}`);
  if (!version) console.warn(`[${label}] skipping: ${noTorch}`);
  return version;
}
