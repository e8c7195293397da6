// @ts-check
import {
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Writes generated files under `outDir`, first removing CSV files of ours
 * (cur/cur-YYYY-MM.csv, kubecost/allocation-YYYY-MM.csv) the new set lacks,
 * so a glob over the directory never mixes in stale months.
 * @param {Array<{ path: string, text: string }>} files
 * @param {string} outDir
 */
export function writeCostFiles(files, outDir) {
  const keep = new Set(files.map(file => resolve(outDir, file.path)));
  for (const [dir, pattern] of /** @type {const} */ ([
    ['cur', /^cur-\d{4}-\d{2}\.csv$/],
    ['kubecost', /^allocation-\d{4}-\d{2}\.csv$/],
  ])) {
    const path = join(outDir, dir);
    if (!existsSync(path)) {
      continue;
    }
    for (const name of readdirSync(path)) {
      const file = resolve(path, name);
      if (pattern.test(name) && !keep.has(file)) {
        rmSync(file);
      }
    }
  }
  for (const file of files) {
    const path = resolve(outDir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text);
  }
}
