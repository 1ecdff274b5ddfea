// Every setting lives in the URL (the keys of configToSearchParams, documented in the README), so a
// link reproduces a run. `backend=webgpu|wasm|webgl|cpu` forces a backend and is kept as it is.

import { configFromSearchParams, configToSearchParams, DEFAULT_CONFIG, type RunConfig } from '../config';
import { BACKEND_NAMES, type BackendName } from '../worker/protocol';

export interface UrlSettings {
  config: RunConfig;
  warnings: string[];
  forcedBackend: BackendName | null;
  /** The URL names a teacher size (a shipped teacher's own size must not replace it). */
  teacherExplicit: boolean;
}

/**
 * URL keys the page reads beside the run config's (configFromSearchParams warns on any other key).
 * A key added to the page's URL must be added here.
 */
export const APP_URL_KEYS: readonly string[] = ['backend'];

export function readUrl(search: string): UrlSettings {
  const params = new URLSearchParams(search);
  // Kebab-case keys (teacher-steps) and camelCase (teacherSteps) alike; unknown keys are reported.
  const { config, warnings } = configFromSearchParams(params, DEFAULT_CONFIG, { otherKeys: APP_URL_KEYS });
  const b = params.get('backend');
  let forcedBackend: BackendName | null = null;
  if (b !== null) {
    if ((BACKEND_NAMES as readonly string[]).includes(b)) forcedBackend = b as BackendName;
    else warnings.push(`backend "${b}" is not known: use ${BACKEND_NAMES.join(', ')}; choosing automatically`);
  }
  return { config, warnings, forcedBackend, teacherExplicit: params.has('teacher') };
}

export function urlSearch(config: RunConfig, forcedBackend: BackendName | null): string {
  const p = configToSearchParams(config);
  if (forcedBackend) p.set('backend', forcedBackend);
  return '?' + p.toString();
}
