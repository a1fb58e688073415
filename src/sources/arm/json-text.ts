import { parseTree, type Node, type ParseError } from 'jsonc-parser';
import type { SourcePoint } from '../../model/index.js';

/** A JSON file parsed into a tree whose nodes keep their offsets, with the means to turn offsets into lines and columns. */
export interface JsonText {
  file: string;
  text: string;
  root: Node;
  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number };
}

/** Why a file is not JSON, and where. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

// Worded once here; jsonc-parser only names the codes.
const PARSE_ERRORS: Record<number, string> = {
  1: 'unexpected symbol',
  2: 'malformed number',
  3: 'a property name was expected',
  4: 'a value was expected',
  5: "':' was expected",
  6: "',' was expected",
  7: "'}' was expected",
  8: "']' was expected",
  9: 'the file continues after the JSON value',
  10: 'malformed comment',
  11: 'a comment is not closed',
  12: 'a string is not closed',
  13: 'a number is cut short',
  14: 'malformed \\u escape',
  15: 'unknown escape character',
  16: 'a control character inside a string',
};

/**
 * Parses JSON as Azure Resource Manager reads templates: comments are
 * allowed (the Azure CLI and Bicep accept them), trailing commas are not.
 * Throws a JsonSyntaxError at the first mistake.
 */
export function parseJsonText(file: string, text: string): JsonText {
  const errors: ParseError[] = [];
  // A byte-order mark is not part of the JSON value.
  const body = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const root = parseTree(body, errors, { disallowComments: false, allowTrailingComma: false, allowEmptyContent: false });
  const lineStarts = [0];
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 10) lineStarts.push(i + 1);
    else if (c === 13 && body.charCodeAt(i + 1) !== 10) lineStarts.push(i + 1);
  }
  const position = (offset: number): { line: number; column: number } => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 };
  };
  const first = errors[0];
  if (first || !root) {
    const at = position(first?.offset ?? 0);
    const reason = first ? (PARSE_ERRORS[first.error] ?? 'malformed JSON') : 'the file is empty';
    throw new JsonSyntaxError(`not valid JSON: ${reason}`, at.line, at.column);
  }
  return { file, text: body, root, position };
}

/** The last member of an object node whose name matches case-insensitively (template keys are case-insensitive). */
export function member(node: Node | undefined, name: string): Node | undefined {
  const property = memberProperty(node, name);
  return property?.children?.[1];
}

/** The property node (key and value) of `member`. */
export function memberProperty(node: Node | undefined, name: string): Node | undefined {
  if (!node || node.type !== 'object' || !node.children) return undefined;
  const lower = name.toLowerCase();
  let found: Node | undefined;
  for (const property of node.children) {
    const key = property.children?.[0];
    if (key && typeof key.value === 'string' && key.value.toLowerCase() === lower) found = property;
  }
  return found;
}

/** Key and value nodes of an object node, in document order. */
export function entries(node: Node | undefined): [string, Node, Node][] {
  if (!node || node.type !== 'object' || !node.children) return [];
  const out: [string, Node, Node][] = [];
  for (const property of node.children) {
    const [key, value] = property.children ?? [];
    if (key && value && typeof key.value === 'string') out.push([key.value, key, value]);
  }
  return out;
}

/** A JSON pointer segment, escaped (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** A node as a plain value. Objects never take `__proto__` as a prototype. */
export function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, , value] of entries(node)) setKey(out, key, nodeValue(value));
      return out;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value as unknown;
  }
}

/** Sets a key as own data, even `__proto__`. */
export function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/**
 * The file offset of character `index` of a string node's decoded value:
 * escapes (`\"`, `\u0041`) are longer in the file than in the value.
 */
export function offsetInString(text: string, node: Node, index: number): number {
  let raw = node.offset + 1;
  for (let decoded = 0; decoded < index && raw < node.offset + node.length - 1; decoded++) {
    if (text.charCodeAt(raw) === 92 /* \ */) raw += text.charCodeAt(raw + 1) === 117 /* u */ ? 6 : 2;
    else raw += 1;
  }
  return raw;
}

/** Where a node is, as findings and problems report it. */
export function pointOf(json: JsonText, node: Node, pointer: string): SourcePoint {
  const { line, column } = json.position(node.offset);
  return { line, column, pointer };
}
