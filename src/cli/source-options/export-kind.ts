import path from 'node:path';
import { ExportSource } from '../../sources/index.js';
import { collect, type SourceKind } from './source-kind.js';

/** `--input FILE`: exported inventories. */
export const exportKind: SourceKind = {
  usage: '--input FILE',
  progress: 'input',
  addOptions(command) {
    command.option(
      '-i, --input <file>',
      'an exported inventory: JSON array, az graph query output, or NDJSON (.gz ok, - for stdin); repeatable',
      collect,
      [],
    );
  },
  createSources(flags, { io }) {
    const inputs = (flags['input'] as string[] | undefined) ?? [];
    return inputs.map((file) => new ExportSource(file === '-' ? file : displayFile(file, io.cwd)));
  },
};

/** A path as the user would recognise it: relative to the working folder when inside it. */
export function displayFile(file: string, cwd: string): string {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
