// `distill --out DIR`, checked before any training: a run of minutes must not end in EEXIST or
// EACCES. The directory is created (parents too) and a probe file is written and removed in it.
// A directory that already holds a previous run's output is refused unless --overwrite is given,
// which replaces those outputs (student/, baseline/, teacher/, summary.json) and nothing else.

import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from './main';

/** What distill writes into DIR, and whether each is a directory. */
export const RUN_OUTPUTS: readonly { name: string; dir: boolean }[] = [
  { name: 'student', dir: true },
  { name: 'baseline', dir: true },
  { name: 'teacher', dir: true },
  { name: 'summary.json', dir: false },
];

async function kindOf(path: string): Promise<'dir' | 'file' | null> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null; // absent (mkdir then says why it cannot be made)
    throw e;
  }
}

/** Writes and removes a probe file in dir; throws an Error that says what went wrong. */
async function probe(dir: string, what: string): Promise<void> {
  const file = join(dir, `.distill-write-probe-${process.pid}`);
  try {
    await writeFile(file, '');
    await rm(file, { force: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`${what} ${dir} is not writable (${err.code ?? err.message}): choose another --out directory`, {
      cause: e,
    });
  }
}

/** Creates and checks DIR before the run; see the header for the rules. */
export async function prepareOutDir(out: string, overwrite: boolean): Promise<void> {
  const kind = await kindOf(out);
  if (kind === 'file') throw new UsageError(`--out ${out} is a file, not a directory`);
  if (kind === null) {
    try {
      await mkdir(out, { recursive: true });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new Error(`cannot create --out ${out} (${err.code ?? err.message}): choose another directory`, {
        cause: e,
      });
    }
  }
  const found: string[] = [];
  for (const o of RUN_OUTPUTS) {
    const k = await kindOf(join(out, o.name));
    if (k === null) continue;
    if ((k === 'dir') !== o.dir) {
      throw new UsageError(
        `--out ${out}: ${o.name} is a ${k === 'dir' ? 'directory' : 'file'}, but distill writes a ${o.dir ? 'directory' : 'file'} there`,
      );
    }
    found.push(o.dir ? `${o.name}/` : o.name);
  }
  if (found.length && !overwrite) {
    throw new UsageError(
      `--out ${out} already holds a previous run (${found.join(', ')}): choose another directory, or add --overwrite to replace those outputs`,
    );
  }
  await probe(out, '--out');
  for (const o of RUN_OUTPUTS)
    if (o.dir && found.includes(`${o.name}/`)) await probe(join(out, o.name), '--out subdirectory');
}
