// npx tsx tests/parity/table.ts: prints the parity table (max |Δ| per backend pair per quantity).
import { initNodeWebGPU } from '../../src/cli/webgpu-node';
import { compare, measureTask, PARITY_BACKENDS, useBackend, type Measurement } from './measure';

const gpu = await initNodeWebGPU();
if (!gpu.ok) throw new Error(gpu.reason);
for (const task of ['sentiment', 'grammar', 'modadd'] as const) {
  const m: Record<string, Measurement> = {};
  for (const b of PARITY_BACKENDS) {
    await useBackend(b);
    const t0 = Date.now();
    m[b] = await measureTask(task);
    console.error(`${task} ${b}: ${Date.now() - t0} ms`);
  }
  for (const name of m.cpu.keys()) {
    const cells = [
      ['cpu', 'wasm'],
      ['cpu', 'webgpu'],
      ['wasm', 'webgpu'],
    ].map(([a, b]) => {
      const d = compare(name, m[a].get(name)!, m[b].get(name)!);
      return `${(d.diff / Math.max(d.scale, 1e-30)).toExponential(1)}`;
    });
    console.log(
      `${task}\t${name}\tscale ${compare(name, m.cpu.get(name)!, m.cpu.get(name)!).scale.toExponential(2)}\t${cells.join('\t')}`,
    );
  }
}
process.exit(0);
