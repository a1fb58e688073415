import path from 'node:path';
import { ConfigError } from '../errors/index.js';
import type { Exemption } from '../findings/index.js';
import { readYamlFile, type KeyscopeConfig } from '../rules/index.js';

/** Reads and validates an exemptions file (YAML); every entry keeps its `file:line:col`. */
export function readExemptionsFile(file: string, cwd: string): Exemption[] {
  const shown = path.relative(cwd, file) || file;
  const source = readYamlFile(file, shown, 'exemptions', 'exemptions.schema.json', 'exemptions-invalid');
  if (!source)
    throw new ConfigError('the exemptions file is empty', { position: { file: shown }, hint: 'it holds `exemptions:` and a list' });
  const entries = (source.data as { exemptions: Record<string, unknown>[] }).exemptions;
  return entries.map((entry, i) => {
    const at = source.positionOf(['exemptions', i]);
    return toExemption(entry, `${shown}:${at.line}:${at.column}`);
  });
}

/** All exemptions in force for a scan: the configuration's, then the file's given on the command line. */
export function collectExemptions(config: KeyscopeConfig, flagFile: string | undefined, cwd: string): Exemption[] | undefined {
  const all: Exemption[] = config.exemptions.map(({ entry, origin }) => toExemption(entry, origin));
  if (config.exemptionsFile) all.push(...readExemptionsFile(config.exemptionsFile, cwd));
  if (flagFile) all.push(...readExemptionsFile(path.resolve(cwd, flagFile), cwd));
  return all.length || config.exemptionsFile || flagFile ? all : undefined;
}

function toExemption(entry: Record<string, unknown>, origin: string): Exemption {
  return {
    rule: entry['rule'] as string,
    resource: entry['resource'] as string,
    justification: entry['justification'] as string,
    expires: entry['expires'] as string,
    ...(typeof entry['approvedBy'] === 'string' ? { approvedBy: entry['approvedBy'] } : {}),
    ...(typeof entry['ticket'] === 'string' ? { ticket: entry['ticket'] } : {}),
    origin,
  };
}
