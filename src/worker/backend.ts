// Backend choice: WebGPU, then WASM, then WebGL, then CPU. tfjs's setBackend resolves to a boolean
// and does not throw when a backend fails to start: it quietly stays where it was. So each attempt
// checks that boolean and that tf.getBackend() is really the one asked for, and the reason for every
// failure is kept so the UI can say why it fell back.
//
// WASM (tfjs-backend-wasm's XNNPACK kernels) trains these small models several times faster than
// WebGL or the pure-JS CPU backend on a machine without WebGPU (the model's one-hot embedding makes
// it trainable there; see src/model/oneHot.ts). Its .wasm binaries are part of the build (Vite
// emits them as assets from the package, `?url`), never fetched from a CDN. The threaded build
// needs SharedArrayBuffer, i.e. a cross-origin-isolated page (COOP/COEP headers); the app does not
// ask for that, so the single-threaded SIMD build runs (the plain build where SIMD is missing).
// The page's Content-Security-Policy (vite.config.ts) governs the page, not this worker, whose
// script is served without CSP headers; a host that adds them must allow 'wasm-unsafe-eval' here.

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu'; // registers 'webgpu' where navigator.gpu exists
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'; // registers 'wasm'
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
// Never fetched (threads are off), but setWasmPaths wants an entry for each binary.
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_NAMES, type BackendAttempt, type BackendInfo, type BackendName } from './protocol';

interface GpuLike {
  requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null>;
}

function gpu(): GpuLike | undefined {
  return (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
}

/** Why WebGPU cannot start here, or null when an adapter is available. */
async function webgpuProblem(): Promise<{ problem: string | null; adapter?: string }> {
  const g = gpu();
  if (!g)
    return {
      problem: 'this browser has no WebGPU (navigator.gpu is missing; it needs a secure context and a recent browser)',
    };
  try {
    const adapter = await g.requestAdapter();
    if (!adapter) return { problem: 'WebGPU exists but no GPU adapter is available (requestAdapter returned null)' };
    const i = adapter.info;
    const adapterText = i ? [i.vendor, i.architecture, i.description].filter(Boolean).join(' ') : undefined;
    return { problem: null, adapter: adapterText || undefined };
  } catch (e) {
    return { problem: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  }
}

let wasmConfigured = false;

/** Points the wasm backend at the bundled binaries and keeps it single-threaded (no SharedArrayBuffer needed). */
function configureWasm(): void {
  if (wasmConfigured) return;
  wasmConfigured = true;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  });
}

/** How the wasm backend runs here: SIMD or not (threads are off, see above). */
async function wasmDetail(): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return simd ? 'SIMD, single-threaded' : 'no SIMD, single-threaded';
}

async function tryBackend(name: BackendName): Promise<BackendAttempt & { adapter?: string }> {
  let adapter: string | undefined;
  if (name === 'wasm') {
    if (typeof WebAssembly === 'undefined') return { name, ok: false, reason: 'this browser has no WebAssembly' };
    try {
      configureWasm();
    } catch (e) {
      return { name, ok: false, reason: `setting up the wasm backend failed: ${(e as Error).message}` };
    }
  }
  if (name === 'webgpu') {
    const check = await webgpuProblem();
    if (check.problem) return { name, ok: false, reason: check.problem };
    adapter = check.adapter;
  }
  if (!tf.findBackendFactory(name))
    return { name, ok: false, reason: `the ${name} backend is not available in this environment` };
  try {
    const ok = await tf.setBackend(name);
    if (!ok)
      return { name, ok: false, reason: `tf.setBackend('${name}') returned false (the backend failed to initialise)` };
    if (tf.getBackend() !== name)
      return { name, ok: false, reason: `asked for ${name} but tfjs runs ${tf.getBackend()}` };
    // A tiny op proves the backend computes (WebGL can register and still fail on first use).
    const probe = tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)));
    const v = await probe.data();
    probe.dispose();
    if (v[0] !== 3) return { name, ok: false, reason: `${name} computed 1 + 2 = ${v[0]}` };
    if (name === 'wasm') adapter = await wasmDetail();
    return { name, ok: true, adapter };
  } catch (e) {
    return { name, ok: false, reason: `${name} failed: ${(e as Error).message}` };
  }
}

/**
 * Picks the backend: the forced one first when given, then WebGPU → WASM → WebGL → CPU.
 * Always ends on a working backend (CPU cannot fail), with every attempt and its reason.
 */
export async function chooseBackend(forced: BackendName | null): Promise<BackendInfo> {
  const order: BackendName[] = forced ? [forced, ...BACKEND_NAMES.filter((b) => b !== forced)] : [...BACKEND_NAMES];
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    const a = await tryBackend(name);
    attempts.push({ name: a.name, ok: a.ok, ...(a.reason ? { reason: a.reason } : {}) });
    if (a.ok) {
      const failed = attempts.filter((x) => !x.ok);
      let fallbackReason: string | null = null;
      if (forced && name === forced) {
        fallbackReason = forced === 'webgpu' ? null : `forced by the URL (backend=${forced})`;
      } else if (failed.length) {
        fallbackReason = failed.map((f) => `${f.name}: ${f.reason}`).join('; ');
      }
      return { name, fallbackReason, forced, attempts, ...(a.adapter ? { adapter: a.adapter } : {}) };
    }
  }
  // Unreachable in practice: CPU always works.
  throw new Error(`no tfjs backend could start: ${attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')}`);
}
