import { LineIndex } from './json-positions.js';

/** A line and column (1-based) in a configuration file. */
export interface TextPoint {
  line: number;
  column: number;
}

/** A `resource "type" "name" { ... }` block: where it starts and where its arguments are written. */
export interface ResourceBlock {
  line: number;
  column: number;
  /**
   * Arguments and nested blocks by Terraform path: `purge_protection_enabled`,
   * `customer_managed_key` (the first such block), `customer_managed_key[0]`,
   * `customer_managed_key[0].key_vault_key_id`. A `dynamic "x"` block is `x`.
   */
  points: Map<string, TextPoint>;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;

/**
 * Finds the resource blocks of one `.tf` file and the positions of what they
 * set. It reads HCL's structure only (blocks, arguments, strings, heredocs,
 * comments) and never evaluates an expression: the plan has the values,
 * this gives them lines.
 */
export function scanResourceBlocks(text: string): Map<string, ResourceBlock> {
  return new HclScanner(text).scanFile();
}

class HclScanner {
  private readonly lines: LineIndex;
  private readonly blocks = new Map<string, ResourceBlock>();

  constructor(private readonly text: string) {
    this.lines = new LineIndex(text);
  }

  scanFile(): Map<string, ResourceBlock> {
    let at = 0;
    while (at < this.text.length) {
      at = this.skipTrivia(at, true);
      if (at >= this.text.length) break;
      const keyword = this.ident(at);
      if (!keyword) {
        at = this.skipExpression(at + 1);
        continue;
      }
      const labels: string[] = [];
      let next = this.skipTrivia(keyword.end, false);
      for (;;) {
        if (this.text[next] === '"') {
          const end = this.skipString(next);
          labels.push(this.text.slice(next + 1, end - 1));
          next = this.skipTrivia(end, false);
        } else {
          const label = this.ident(next);
          if (!label || this.text[next] === '{') break;
          labels.push(label.name);
          next = this.skipTrivia(label.end, false);
        }
      }
      if (this.text[next] !== '{') {
        at = this.skipExpression(next);
        continue;
      }
      const points = new Map<string, TextPoint>();
      const end = this.scanBody(next + 1, '', points);
      if (keyword.name === 'resource' && labels.length === 2) {
        const key = `${labels[0]}.${labels[1]}`;
        if (!this.blocks.has(key)) this.blocks.set(key, { ...this.lines.point(keyword.start), points });
      }
      at = end;
    }
    return this.blocks;
  }

  /** Reads a block body up to its closing brace; returns the offset after it. */
  private scanBody(start: number, prefix: string, points: Map<string, TextPoint>): number {
    const counts = new Map<string, number>();
    let at = start;
    for (;;) {
      at = this.skipTrivia(at, true);
      if (at >= this.text.length) return at;
      if (this.text[at] === '}') return at + 1;
      const name = this.ident(at);
      if (!name) {
        at = this.skipExpression(at + 1);
        continue;
      }
      let next = this.skipTrivia(name.end, false);
      if (this.text[next] === '=' && this.text[next + 1] !== '=') {
        this.record(points, `${prefix}${name.name}`, name.start);
        at = this.skipExpression(next + 1);
        continue;
      }
      const labels: string[] = [];
      while (this.text[next] === '"') {
        const end = this.skipString(next);
        labels.push(this.text.slice(next + 1, end - 1));
        next = this.skipTrivia(end, false);
      }
      if (this.text[next] !== '{') {
        at = this.skipExpression(next);
        continue;
      }
      if (name.name === 'dynamic' && labels[0]) {
        // A dynamic block's members are not known here: every instance points at it.
        this.record(points, `${prefix}${labels[0]}`, name.start);
        at = this.scanBody(next + 1, '', new Map());
        continue;
      }
      const index = counts.get(name.name) ?? 0;
      counts.set(name.name, index + 1);
      this.record(points, `${prefix}${name.name}`, name.start);
      this.record(points, `${prefix}${name.name}[${index}]`, name.start);
      at = this.scanBody(next + 1, `${prefix}${name.name}[${index}].`, points);
    }
  }

  private record(points: Map<string, TextPoint>, key: string, offset: number): void {
    if (!points.has(key)) points.set(key, this.lines.point(offset));
  }

  private ident(at: number): { name: string; start: number; end: number } | undefined {
    IDENT.lastIndex = at;
    const match = IDENT.exec(this.text);
    return match ? { name: match[0], start: at, end: at + match[0].length } : undefined;
  }

  /** Skips blanks and comments; newlines too unless `newlines` is false. */
  private skipTrivia(start: number, newlines: boolean): number {
    let at = start;
    while (at < this.text.length) {
      const c = this.text[at]!;
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) at++;
      else if (c === '#' || (c === '/' && this.text[at + 1] === '/')) {
        const end = this.text.indexOf('\n', at);
        at = end < 0 ? this.text.length : end;
      } else if (c === '/' && this.text[at + 1] === '*') {
        const end = this.text.indexOf('*/', at + 2);
        at = end < 0 ? this.text.length : end + 2;
      } else break;
    }
    return at;
  }

  /** Skips a quoted string, template sequences (`${...}`, `%{...}`) included; returns the offset after it. */
  private skipString(start: number): number {
    let at = start + 1;
    while (at < this.text.length) {
      const c = this.text[at]!;
      if (c === '\\') at += 2;
      else if (c === '"') return at + 1;
      else if ((c === '$' || c === '%') && this.text[at + 1] === '{') at = this.skipNested(at + 2, '}');
      else if (c === '\n')
        return at; // an unterminated string ends with its line
      else at++;
    }
    return at;
  }

  /** Skips a heredoc (`<<EOT` or `<<-EOT` up to the line holding only `EOT`), leaving that line's newline to end the argument. */
  private skipHeredoc(start: number): number {
    const marker = /<<-?([A-Za-z_][A-Za-z0-9_]*)[^\n]*\n/y;
    marker.lastIndex = start;
    const match = marker.exec(this.text);
    if (!match) return start + 2;
    let at = marker.lastIndex;
    while (at < this.text.length) {
      const end = this.text.indexOf('\n', at);
      const stop = end < 0 ? this.text.length : end;
      if (this.text.slice(at, stop).trim() === match[1]) return stop;
      at = stop + 1;
    }
    return at;
  }

  /** Skips up to the closing `close`, across nesting, strings, heredocs and comments. */
  private skipNested(start: number, close: string): number {
    let at = start;
    while (at < this.text.length) {
      at = this.skipTrivia(at, true);
      const c = this.text[at];
      if (c === undefined) return at;
      if (c === close) return at + 1;
      at = this.skipToken(at);
    }
    return at;
  }

  /** Skips one token or bracketed group. */
  private skipToken(at: number): number {
    const c = this.text[at]!;
    if (c === '"') return this.skipString(at);
    if (c === '<' && this.text[at + 1] === '<') return this.skipHeredoc(at);
    if (c === '(') return this.skipNested(at + 1, ')');
    if (c === '[') return this.skipNested(at + 1, ']');
    if (c === '{') return this.skipNested(at + 1, '}');
    return at + 1;
  }

  /** Skips an argument's expression: up to the end of its line, or a `}` closing the body, outside brackets. */
  private skipExpression(start: number): number {
    let at = start;
    while (at < this.text.length) {
      at = this.skipTrivia(at, false);
      const c = this.text[at];
      if (c === undefined || c === '\n' || c === '}') return at;
      at = this.skipToken(at);
    }
    return at;
  }
}
