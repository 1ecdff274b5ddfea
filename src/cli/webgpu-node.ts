// The real tfjs `webgpu` backend in Node, without a browser: Dawn's `dawn.node` from the npm
// package `webgpu`, on whatever Vulkan driver the machine has. On a machine without a GPU that is
// SwiftShader, the software Vulkan driver that Debian's `chromium` package ships. This is the recipe
// of /work/shared/TESTING.md ("Node: the real WebGPU backend without a browser"), plus two things
// found while making it work on Debian 12:
//
// - Chromium's SwiftShader ICD needs a Vulkan *loader* (libvulkan.so.1). Debian only has one when
//   the `libvulkan1` package is installed, which a machine with just `chromium` lacks; Chromium ships
//   its own loader next to the ICD (/usr/lib/chromium/libvulkan.so.1). Dawn dlopen()s
//   "libvulkan.so.1" by name, and LD_LIBRARY_PATH cannot be changed once a process runs, so we
//   load Chromium's copy first with RTLD_GLOBAL | RTLD_NODELETE: the dynamic linker then hands Dawn
//   the already-loaded library (matched by its SONAME). `process.dlopen` throws "did not
//   self-register" (it is not a Node addon), but with RTLD_NODELETE the library stays loaded.
// - The Vulkan loader reads VK_ICD_FILENAMES when it initialises, so the environment is set before
//   `webgpu` (and through it Dawn) is imported, hence the dynamic imports below.
//
// Dawn keeps the process alive while a device exists: a script ends with process.exit(), or calls
// releaseNodeWebGPU() first.

import { existsSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

export type NodeWebGPUResult = { ok: true; adapterInfo: string } | { ok: false; reason: string };

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** glibc's RTLD_NODELETE (not in os.constants.dlopen). */
const RTLD_NODELETE = 0x1000;

const SYSTEM_VULKAN_LOADERS = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  '/usr/lib64/libvulkan.so.1',
  '/usr/lib/libvulkan.so.1',
  '/lib/x86_64-linux-gnu/libvulkan.so.1',
];

let pending: Promise<NodeWebGPUResult> | null = null;

/**
 * Makes `tf.setBackend('webgpu')` work in this Node process and switches to it. Never throws: on a
 * machine with no usable adapter it says why. Idempotent: later calls return the first result (and
 * switch back to webgpu when that worked).
 */
export function initNodeWebGPU(): Promise<NodeWebGPUResult> {
  pending ??= init();
  return pending.then(async (r) => {
    if (r.ok && tf.getBackend() !== 'webgpu' && !(await tf.setBackend('webgpu'))) {
      return { ok: false, reason: 'tf.setBackend("webgpu") returned false on a later call' };
    }
    return r;
  });
}

function setEnvironment(): void {
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
}

/** Loads a Vulkan loader beside the ICD when the system has none; returns a note for error messages. */
function preloadVulkanLoader(): string {
  if (process.platform !== 'linux') return '';
  if (SYSTEM_VULKAN_LOADERS.some((p) => existsSync(p))) return '';
  const icd = process.env.VK_ICD_FILENAMES?.split(':')[0];
  const candidate = icd ? join(dirname(icd), 'libvulkan.so.1') : '';
  if (!candidate || !existsSync(candidate)) {
    return "no Vulkan loader (libvulkan.so.1) found: install libvulkan1 or Debian's chromium";
  }
  const flags = osConstants.dlopen.RTLD_NOW | osConstants.dlopen.RTLD_GLOBAL | RTLD_NODELETE;
  try {
    process.dlopen({ exports: {} }, candidate, flags);
  } catch (e) {
    const message = (e as Error).message;
    // Expected: the library loaded (and stays loaded) but is not a Node addon.
    if (!message.includes('did not self-register')) return `could not load ${candidate}: ${message}`;
  }
  return '';
}

function describeAdapter(adapter: GPUAdapter): string {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => !!s);
  return parts.length ? parts.join(' / ') : 'unnamed adapter';
}

function isRegistered(): boolean {
  return 'webgpu' in tf.engine().registryFactory;
}

async function init(): Promise<NodeWebGPUResult> {
  if (isRegistered() && (await tf.setBackend('webgpu'))) {
    return { ok: true, adapterInfo: 'webgpu backend was already registered' };
  }
  setEnvironment();
  const loaderNote = preloadVulkanLoader();
  const withNote = (reason: string) => (loaderNote ? `${reason} (${loaderNote})` : reason);

  let webgpu: typeof import('webgpu');
  try {
    webgpu = await import('webgpu');
  } catch (e) {
    return { ok: false, reason: `could not load the npm package "webgpu" (dawn.node): ${(e as Error).message}` };
  }
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);

  // Ask once ourselves, to report a missing adapter clearly rather than through tfjs.
  let adapterInfo: string;
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter)
      return { ok: false, reason: withNote('navigator.gpu.requestAdapter() returned null: no WebGPU adapter') };
    adapterInfo = describeAdapter(adapter);
  } catch (e) {
    return { ok: false, reason: withNote(`requestAdapter() failed: ${(e as Error).message}`) };
  }

  // tfjs 4.22 passes requiredFeatures as a nested array (['bgra8unorm-storage'] inside the list);
  // Dawn wants a flat list of strings.
  const requestAdapter = gpu.requestAdapter.bind(gpu);
  gpu.requestAdapter = async (options?: GPURequestAdapterOptions) => {
    const adapter = await requestAdapter(options);
    if (!adapter) return adapter;
    const requestDevice = adapter.requestDevice.bind(adapter);
    adapter.requestDevice = (d: GPUDeviceDescriptor = {}) =>
      requestDevice({ ...d, requiredFeatures: [...(d.requiredFeatures ?? [])].flat() as GPUFeatureName[] });
    return adapter;
  };
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });

  try {
    // Registers the backend only if navigator.gpu exists at import time: import it after.
    await import('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return { ok: false, reason: `could not load @tensorflow/tfjs-backend-webgpu: ${(e as Error).message}` };
  }
  if (!isRegistered()) {
    return { ok: false, reason: 'the tfjs webgpu backend did not register (navigator.gpu missing at import?)' };
  }
  if (!(await tf.setBackend('webgpu'))) {
    return { ok: false, reason: withNote('tf.setBackend("webgpu") returned false') };
  }
  await tf.ready();
  return { ok: true, adapterInfo };
}

/**
 * Disposes the webgpu backend and destroys its device, so that Dawn no longer holds the process
 * open. Switches to `fallback` (default cpu) first. Call at the end of a test file or script.
 */
export async function releaseNodeWebGPU(fallback = 'cpu'): Promise<void> {
  if (!isRegistered()) return;
  const backend = tf.findBackend('webgpu') as tf.KernelBackend & { device?: GPUDevice };
  const device = backend.device;
  await tf.setBackend(fallback);
  tf.removeBackend('webgpu');
  device?.destroy();
}
