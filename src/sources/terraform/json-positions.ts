import { findNodeAtLocation, parse, parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { SourcePoint } from '../../model/index.js';

/** A step into a JSON document: a property name or an array index. */
export type JsonPath = readonly (string | number)[];

/** `/resource_changes/3/change/after/name`: an RFC 6901 JSON pointer. */
export function jsonPointer(path: JsonPath): string {
  return path.map((step) => `/${String(step).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Lines and columns (1-based) of offsets in a text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  point(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }
}

/** Where the first syntax error of a text that is not JSON is, for the message that names it. */
export function firstSyntaxError(text: string): { line: number; column: number } | undefined {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  return first ? new LineIndex(text).point(first.offset) : undefined;
}

/**
 * Positions of values in a JSON document, built on first use: a plan's
 * positions are needed only for resources whose configuration file was not
 * found.
 */
export class JsonPositions {
  private tree: Node | undefined;
  private lines: LineIndex | undefined;

  constructor(private readonly text: string) {}

  /**
   * The position of the value at `path`, or of its nearest ancestor below
   * `floor` (a path prefix) that exists. A property points at its key, the
   * token a reader looks for.
   */
  find(path: JsonPath, floor = 0): SourcePoint | undefined {
    this.tree ??= parseTree(this.text);
    if (!this.tree) return undefined;
    for (let length = path.length; length >= floor; length--) {
      const at = path.slice(0, length);
      const node = findNodeAtLocation(this.tree, [...at]);
      if (!node) continue;
      const anchor = node.parent?.type === 'property' ? node.parent : node;
      this.lines ??= new LineIndex(this.text);
      return { ...this.lines.point(anchor.offset), pointer: jsonPointer(at) };
    }
    return undefined;
  }
}
