import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { serviceCatalog } from '../catalog/index.js';
import { packageRoot } from '../package.js';
import type { RuleDefinition } from './types.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

/**
 * The built-in pack, parsed and validated at build time (`npm run build`
 * writes `dist/rules.bundle.json`). A rule file whose content hash is in
 * the bundle is taken from it instead of being parsed and validated again:
 * YAML parsing and schema compilation are most of keyscope's start-up.
 * A file that differs by one byte is parsed and validated as usual, and so
 * is every file when the service catalog differs from the one the bundle
 * was expanded against.
 */
export const RULE_BUNDLE = path.join(packageRoot, 'dist', 'rules.bundle.json');

export type RuleData = Omit<RuleDefinition, 'source'>;

/** The bundle file: rule data by content hash, and the catalog it was expanded against. */
export interface RuleBundle {
  /** The service catalog's fingerprint: `resource: { set }` and `serviceParameters` were expanded from it. */
  catalog: string;
  rules: Record<string, RuleData>;
}

let bundle: Map<string, RuleData> | undefined;

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function loadBundle(): Map<string, RuleData> {
  if (!bundle) {
    try {
      const read = JSON.parse(readFileSync(RULE_BUNDLE, 'utf8')) as RuleBundle;
      // Rules expanded against another catalog are stale: parse them again.
      bundle = read.catalog === serviceCatalog().fingerprint ? new Map(Object.entries(read.rules)) : new Map();
    } catch {
      bundle = new Map();
    }
  }
  return bundle;
}

/** The already-validated rule for this exact file content, if the bundle has it. */
export function cachedRule(file: string, text: string): RuleDefinition | undefined {
  const data = loadBundle().get(contentHash(text));
  if (!data) return undefined;
  let source: YamlSource | undefined;
  // Positions are only needed to report an error: parse the YAML then, not before.
  const positionOf = (at: readonly (string | number)[]): { line: number; column: number } => {
    source ??= parseYamlSource(file, text, 'rule-invalid');
    return source.positionOf(at);
  };
  return { ...structuredClone(data), source: { file, positionOf } };
}
