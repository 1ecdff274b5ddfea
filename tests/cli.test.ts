// The command line as a user runs it: real processes, real files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const run = (script: string, args: string[]) => {
  const r = spawnSync(TSX, [`src/cli/${script}.ts`, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

const dir = mkdtempSync(join(tmpdir(), 'distill-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('command line', () => {
  it('rejects bad flags with a clear message and exit code 2', () => {
    const cases: [string[], RegExp][] = [
      [['--alpha', '2'], /alpha must be between 0 and 1/],
      [['--temperature', 'hot'], /--temperature must be a number/],
      [['--task', 'chess'], /unknown task "chess"/],
      [['--student', '2x3x32'], /divisible by nHead/],
      [['--frobnicate'], /Unknown option '--frobnicate'/],
      [
        ['--task', 'sentiment', '--data', 'mine.csv'],
        /--data is for the custom-text and custom-csv tasks; sentiment is built in/,
      ],
      [
        ['--task', 'modadd', '--data', 'mine.csv'],
        /--data is for the custom-text and custom-csv tasks; modadd is built in/,
      ],
      [['--task', 'custom-csv'], /task custom-csv needs --data FILE/],
      [['--overwrite'], /--overwrite needs --out DIR/],
    ];
    for (const [args, message] of cases) {
      const r = run('distill', args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('distil → files on disk → predict round trip, with a JSON summary as the last stdout line', () => {
    const out = join(dir, 'run');
    const r = run('distill', [
      '--task',
      'modadd',
      '--teacher',
      'tiny',
      '--student',
      'tiny',
      '--teacher-steps',
      '5',
      '--steps',
      '5',
      '--eval-every',
      '5',
      '--backend',
      'cpu',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const summary = lastJson(r.stdout);
    expect(summary.config.task).toBe('modadd');
    expect(summary.steps).toEqual({ teacher: 5, distill: 5 });
    for (const role of ['teacher', 'student', 'baseline']) {
      expect(summary[role].accuracy).toBeGreaterThanOrEqual(0);
      expect(summary[role].parameters).toBeGreaterThan(0);
    }
    expect(summary.student.agreement).toBeGreaterThanOrEqual(0);
    expect(r.stderr).toMatch(/step/); // progress went to stderr
    for (const f of [
      'student/model.safetensors',
      'student/config.json',
      'baseline/config.json',
      'teacher/config.json',
      'summary.json',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const config = JSON.parse(readFileSync(join(out, 'student', 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      n_layer: 1,
      n_head: 2,
      n_embd: 16,
      task: 'modadd',
      kind: 'classification',
      role: 'student',
    });
    expect(config.class_token_ids).toHaveLength(13);
    // The hyperparameters applied (fixed on the command line: one schedule entry).
    expect(config.training).toMatchObject({
      phase: 'distill',
      steps: 5,
      hyper: { temperature: 4, alpha: 0.7 },
      schedule: [{ step: 1, temperature: 4 }],
    });

    const p = run('predict', ['--model', join(out, 'student'), '--text', '3 + 4 =', '--backend', 'cpu', '--json']);
    expect(p.code, p.stderr).toBe(0);
    const pred = lastJson(p.stdout);
    expect(pred.tokens.length).toBe(pred.logits.length);
    expect(pred.logits[0].length).toBe(config.vocab_size);
    expect(config.classes).toContain(pred.prediction);

    const empty = run('predict', ['--model', join(out, 'student'), '--tokens', '1,,3', '--backend', 'cpu']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/id 2 is empty/);

    // The same --out again is refused before any training (no progress on stderr), and nothing is touched.
    const before = readFileSync(join(out, 'summary.json'), 'utf8');
    const again = run('distill', [
      '--task',
      'modadd',
      '--teacher',
      'tiny',
      '--student',
      'tiny',
      '--teacher-steps',
      '5',
      '--steps',
      '5',
      '--backend',
      'cpu',
      '--out',
      out,
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /already holds a previous run \(student\/, baseline\/, teacher\/, summary\.json\).*--overwrite/,
    );
    expect(again.stderr).not.toMatch(/step \d/);
    expect(readFileSync(join(out, 'summary.json'), 'utf8')).toBe(before);

    // --overwrite replaces the outputs; with the shipped teacher, the old trained teacher/ goes.
    const over = run('distill', [
      '--task',
      'modadd',
      '--student',
      'tiny',
      '--steps',
      '2',
      '--eval-every',
      '2',
      '--backend',
      'cpu',
      '--out',
      out,
      '--overwrite',
      '--json',
    ]);
    expect(over.code, over.stderr).toBe(0);
    expect(lastJson(over.stdout).teacherSource).toBe('shipped');
    expect(existsSync(join(out, 'teacher'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).steps).toEqual({ teacher: 0, distill: 2 });
  });

  it('checks --out before training: a directory that cannot be made is refused at once', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = run('distill', [
      '--task',
      'modadd',
      '--teacher',
      'tiny',
      '--student',
      'tiny',
      '--teacher-steps',
      '5',
      '--steps',
      '5',
      '--backend',
      'cpu',
      '--out',
      join(file, 'sub'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot create --out .*a-file\/sub \(ENOTDIR\)/);
    expect(r.stderr).not.toMatch(/step \d/);
    const onFile = run('distill', ['--out', file, '--backend', 'cpu']);
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toMatch(/is a file, not a directory/);
  });

  it('refuses a run that does not fit the backend before training, with the estimate and the limit', () => {
    const r = run('distill', ['--teacher', '12x16x512', '--teacher-steps', '300', '--backend', 'wasm']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /this config needs about 3\.4 GiB \(at its peak, training the teacher\); the wasm backend can address 4 GiB, about 3 GiB of it for tensors/,
    );
    expect(r.stderr).not.toMatch(/step \d/);
  });

  it('predict refuses a missing model directory and bad token ids', () => {
    const r = run('predict', ['--model', join(dir, 'nope'), '--tokens', '1,2', '--backend', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not found/);
    const both = run('predict', ['--model', dir, '--backend', 'cpu']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/exactly one of --text and --tokens/);
  });
});
