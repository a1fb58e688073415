import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package.js';
import type { RuleDefinition } from './types.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

/**
 * The built-in pack, parsed and validated at build time (`npm run build`
 * writes `dist/rules.bundle.json`). A rule file whose content hash is in
 * the bundle is taken from it instead of being parsed and validated again:
 * YAML parsing and schema compilation are most of keyscope's start-up.
 * A file that differs by one byte is parsed and validated as usual.
 */
export const RULE_BUNDLE = path.join(packageRoot, 'dist', 'rules.bundle.json');

export type RuleData = Omit<RuleDefinition, 'source'>;

let bundle: Map<string, RuleData> | undefined;

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function loadBundle(): Map<string, RuleData> {
  if (!bundle) {
    try {
      const entries = JSON.parse(readFileSync(RULE_BUNDLE, 'utf8')) as Record<string, RuleData>;
      bundle = new Map(Object.entries(entries));
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
