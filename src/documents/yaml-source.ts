import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';
import type { Node } from 'yaml';
import { KeyscopeError } from '../errors/index.js';

/** A path into a YAML document: keys and indexes from the root. */
export type DocumentPath = readonly (string | number)[];

/** Line and column (1-based) of a node in a source file. */
export interface LineColumn {
  line: number;
  column: number;
}

/** A parsed YAML (or JSON) file that can map any data path back to its line and column. */
export interface YamlSource {
  file: string;
  data: unknown;
  /** Position of the node at `path`; of the key itself when `key` is set. Falls back to the nearest ancestor. */
  positionOf(path: DocumentPath, key?: boolean): LineColumn;
}

/**
 * Parses YAML keeping source positions, so schema errors can name
 * `file:line:col`. Syntax errors become `errorCode` errors at their position.
 */
export function parseYamlSource(file: string, text: string, errorCode: string): YamlSource {
  // Loaded on first use, like ajv: most scans parse no YAML at all (the built-in pack is bundled).
  const { LineCounter, isMap, isPair, isScalar, isSeq, parseDocument } = createRequire(import.meta.url)('yaml') as typeof YamlModule;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new KeyscopeError(errorCode, `invalid YAML: ${first.message.split('\n')[0]}`, {
      position: { file, line: pos.line, column: pos.col },
    });
  }
  const toLineColumn = (offset: number): LineColumn => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // The yaml package refuses aliases that expand without bound (a "billion laughs"): located at the first alias.
    const alias = /(^|[\s[{,:])\*[^\s,\]}]/m.exec(text);
    const pos = lineCounter.linePos(alias ? alias.index + alias[1]!.length : 0);
    throw new KeyscopeError(errorCode, `invalid YAML: ${(error as Error).message.split('\n')[0]}`, {
      position: { file, line: pos.line, column: pos.col },
    });
  }
  return {
    file,
    data,
    positionOf(path, key = false) {
      let node: unknown = doc.contents;
      let best: number = (doc.contents as Node | null)?.range?.[0] ?? 0;
      for (let i = 0; i < path.length; i++) {
        const step = path[i];
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(step));
          if (!pair) break;
          const keyNode = pair.key as Node;
          if (last && key) return toLineColumn(keyNode.range?.[0] ?? best);
          node = pair.value;
          best = (node as Node | null)?.range?.[0] ?? keyNode.range?.[0] ?? best;
        } else if (isSeq(node) && typeof step === 'number') {
          node = node.items[step];
          if (node === undefined) break;
          best = (node as Node).range?.[0] ?? best;
        } else {
          break;
        }
      }
      return toLineColumn(best);
    },
  };
}
