// Backend choice for Node. The default is tfjs's WASM backend (XNNPACK kernels): on a 2-core CPU it
// trains these models about 6x faster than the pure-JS `cpu` backend. `webgpu` is the real WebGPU
// backend through Dawn (see webgpu-node.ts); on a machine without a GPU that is SwiftShader.

import * as tf from '@tensorflow/tfjs';
import { initNodeWebGPU } from './webgpu-node';

export const NODE_BACKENDS = ['wasm', 'cpu', 'webgpu'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

export async function useNodeBackend(name: NodeBackend): Promise<string> {
  if (name === 'webgpu') {
    const r = await initNodeWebGPU();
    if (!r.ok) throw new Error(`WebGPU is not available: ${r.reason}`);
    return `webgpu (${r.adapterInfo})`;
  }
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to initialise`);
  await tf.ready();
  return name;
}
