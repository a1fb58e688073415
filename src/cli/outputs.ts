import { UsageError } from '../errors/index.js';
import { reportFormats, type Format } from '../report/index.js';

/** One requested output: a format and a file (or stdout). */
export interface OutputTarget {
  format: Format;
  file: string | undefined;
}

export const FORMATS: Format[] = reportFormats.map((entry) => entry.format);

export function isFormat(text: string): text is Format {
  return (FORMATS as string[]).includes(text);
}

/**
 * `--output FILE` writes the `--format` rendering to FILE;
 * `--output FORMAT=FILE` (repeatable) writes that format there, so one scan
 * feeds several reports. Without `--output`, the format goes to stdout.
 */
export function resolveOutputs(format: string | undefined, outputs: readonly string[], stdoutIsTTY: boolean): OutputTarget[] {
  const fallback = format ?? (stdoutIsTTY ? 'text' : 'json');
  if (!isFormat(fallback)) throw new UsageError(`unknown format '${fallback}'`, `formats: ${FORMATS.join(', ')}`);
  if (outputs.length === 0) return [{ format: fallback, file: undefined }];
  return outputs.map((output) => {
    const eq = output.indexOf('=');
    if (eq > 0) {
      const named = output.slice(0, eq);
      if (isFormat(named)) return { format: named, file: output.slice(eq + 1) || undefined };
      if (/^[a-z]+$/.test(named)) throw new UsageError(`unknown format '${named}' in --output ${output}`, `formats: ${FORMATS.join(', ')}`);
    }
    return { format: fallback, file: output === '-' ? undefined : output };
  });
}
