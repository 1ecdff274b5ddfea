// A model directory on disk: model.safetensors + config.json (see src/model/export.ts), the format
// nanoGPT's model.py loads. Node only: the model code itself never touches the file system.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG_FILE, SAFETENSORS_FILE, importModel, type ExportedModel, type ImportedModel } from '../model/export';

/** Writes `dir/model.safetensors` and `dir/config.json`, creating dir if needed. Returns the paths. */
export async function saveModelDir(
  dir: string,
  exported: ExportedModel,
): Promise<{ safetensors: string; config: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { safetensors: join(dir, SAFETENSORS_FILE), config: join(dir, CONFIG_FILE) };
  await writeFile(paths.safetensors, exported.safetensors);
  await writeFile(paths.config, exported.configJson, 'utf8');
  return paths;
}

/** Reads the two files without building a model. */
export async function readModelDir(dir: string): Promise<ExportedModel> {
  const read = async <T>(file: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') {
        throw new Error(
          `${join(dir, file)} not found: a model directory holds ${SAFETENSORS_FILE} and ${CONFIG_FILE}`,
          {
            cause: e,
          },
        );
      }
      throw e;
    }
  };
  const buf = await read(SAFETENSORS_FILE, () => readFile(join(dir, SAFETENSORS_FILE)));
  const configJson = await read(CONFIG_FILE, () => readFile(join(dir, CONFIG_FILE), 'utf8'));
  return { safetensors: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), configJson };
}

/** Reads and imports a model directory; errors name the directory. */
export async function loadModelDir(dir: string, trainable = true): Promise<ImportedModel> {
  const { safetensors, configJson } = await readModelDir(dir);
  try {
    return importModel(safetensors, configJson, trainable);
  } catch (e) {
    throw new Error(`${dir}: ${(e as Error).message}`, { cause: e });
  }
}
