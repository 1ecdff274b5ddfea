// An exported model is a nanoGPT model: a distilled student written by `distill --out`, and a shipped
// teacher, load into PyTorch's nanoGPT GPT with load_state_dict(strict=True) (src/export/python/
// nanogpt.py) and give the same logits as `npm run predict`, on every backend predict runs on.
// PyTorch is Debian's python3-torch (installed by .ci/run). Without it the test is skipped with the
// reason, except under CI=true, where that is a failure.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initNodeWebGPU } from '../src/cli/webgpu-node';
import { PYTHON, requireTorch } from './torchPython';

const torchVersion = requireTorch('torch', 'PyTorch export parity test');

// webgpu is checked in a child process (predict); here only whether this machine has an adapter.
const gpu = await initNodeWebGPU();
const BACKENDS = gpu.ok ? ['wasm', 'cpu', 'webgpu'] : ['wasm', 'cpu'];
if (!gpu.ok && process.env.CI) throw new Error(`[torch] CI must compare the webgpu predict path too: ${gpu.reason}`);

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'torch-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(script: string, args: string[]): unknown {
  const r = spawnSync(TSX, [`src/cli/${script}.ts`, ...args, '--json'], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function torchLogits(modelDir: string, inputs: number[][]): number[][][] {
  const r = spawnSync(PYTHON, ['tests/torch/logits.py', modelDir, ...inputs.map((ids) => ids.join(','))], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`logits.py exited ${r.status}: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { logits: number[][][] }).logits;
}

/** Largest |a − b| over two (T, V) logit matrices, and the largest |a|. */
function maxDiff(a: number[][], b: number[][]): { diff: number; scale: number } {
  expect(b.length).toBe(a.length);
  let diff = 0;
  let scale = 0;
  a.forEach((row, t) =>
    row.forEach((x, v) => {
      diff = Math.max(diff, Math.abs(x - b[t][v]));
      scale = Math.max(scale, Math.abs(x));
    }),
  );
  return { diff, scale };
}

/** float32 forward passes in different kernel orders: measured ≤ 3e-6 of the logit scale. */
const RTOL = 1e-4;

describe.skipIf(!torchVersion)(
  `exported models in PyTorch ${torchVersion ?? ''} (nanoGPT GPT, strict=True) = predict on ${BACKENDS.join(', ')}`,
  () => {
    const student = join(dir, 'run', 'student');
    const cases = [
      {
        name: 'a distilled sentiment student (distill --out)',
        model: () => student,
        text: 'the plot was not very good',
      },
      {
        name: 'the shipped grammar teacher',
        model: () => 'public/teachers/grammar',
        text: 'the big dog near some cats chases',
      },
    ];

    it('distil a student and export it', () => {
      cli('distill', [
        '--task',
        'sentiment',
        '--steps',
        '60',
        '--warmup-steps',
        '5',
        '--eval-every',
        '60',
        '--backend',
        'wasm',
        '--out',
        join(dir, 'run'),
      ]);
    });

    for (const c of cases) {
      it(`${c.name}: same logits at every position`, () => {
        const runs = BACKENDS.map((b) => ({
          backend: b,
          ...(cli('predict', ['--model', c.model(), '--text', c.text, '--backend', b]) as {
            tokens: number[];
            logits: number[][];
          }),
        }));
        const reference = torchLogits(c.model(), [runs[0].tokens])[0];
        expect(reference.length).toBe(runs[0].tokens.length);
        const rows: string[] = [];
        for (const r of runs) {
          expect(r.tokens).toEqual(runs[0].tokens);
          const { diff, scale } = maxDiff(reference, r.logits);
          rows.push(`${r.backend} max|Δ| ${diff.toExponential(1)} (logit scale ${scale.toFixed(2)})`);
          expect(diff, `${r.backend}: max |torch − predict| ${diff} vs scale ${scale}`).toBeLessThanOrEqual(
            RTOL * scale + 1e-6,
          );
        }
        console.log(`[torch] ${c.name}, ${runs[0].tokens.length} positions: ${rows.join('; ')}`);
      });
    }
  },
);
