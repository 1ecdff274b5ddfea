import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareOutDir } from './outDir';

const root = mkdtempSync(join(tmpdir(), 'outdir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('distill --out DIR, checked before training', () => {
  it('creates a new directory (and its parents) and leaves no probe behind', async () => {
    const out = join(root, 'a', 'b', 'run');
    await prepareOutDir(out, false);
    expect(readdirSync(out)).toEqual([]);
  });

  it('accepts a directory with other files, refuses one with a previous run unless --overwrite', async () => {
    const out = join(root, 'prev');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    await prepareOutDir(out, false);
    mkdirSync(join(out, 'student'));
    writeFileSync(join(out, 'summary.json'), '{}');
    await expect(prepareOutDir(out, false)).rejects.toThrow(
      /already holds a previous run \(student\/, summary\.json\): choose another directory, or add --overwrite/,
    );
    await prepareOutDir(out, true);
    expect(readdirSync(out).sort()).toEqual(['notes.txt', 'student', 'summary.json']);
  });

  it('refuses a file where a directory goes, and a DIR that cannot be created', async () => {
    const file = join(root, 'plain');
    writeFileSync(file, 'x');
    await expect(prepareOutDir(file, false)).rejects.toThrow(/is a file, not a directory/);
    await expect(prepareOutDir(join(file, 'sub'), false)).rejects.toThrow(
      /cannot create --out .*plain\/sub \(ENOTDIR\)/,
    );
    const odd = join(root, 'odd');
    mkdirSync(odd);
    writeFileSync(join(odd, 'baseline'), 'not a directory');
    await expect(prepareOutDir(odd, true)).rejects.toThrow(/baseline is a file, but distill writes a directory there/);
  });
});
