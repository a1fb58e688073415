/**
 * Terraform's expression language (HCL native syntax), parsed from the text
 * `@cdktf/hcl2json` gives for each argument (`${...}` around an expression,
 * or a string template). HashiCorp's parser has already accepted the file;
 * this reads the expression's structure to evaluate what can be known.
 */

/** A parsed expression. */
export type Expr =
  | { kind: 'literal'; value: unknown }
  | { kind: 'template'; parts: (string | Expr)[] }
  | { kind: 'variable'; name: string }
  | { kind: 'attr'; target: Expr; name: string }
  | { kind: 'index'; target: Expr; key: Expr }
  | { kind: 'splat'; target: Expr; each: Expr }
  | { kind: 'call'; name: string; args: Expr[]; expand: boolean }
  | { kind: 'tuple'; items: Expr[] }
  | { kind: 'object'; items: { key: Expr; value: Expr }[] }
  | {
      kind: 'for';
      object: boolean;
      keyVar?: string;
      valueVar: string;
      collection: Expr;
      key?: Expr;
      value: Expr;
      cond?: Expr;
      group: boolean;
    }
  | { kind: 'conditional'; cond: Expr; then: Expr; else: Expr }
  | { kind: 'unary'; op: string; operand: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  /** A splat's anonymous member (`x[*].name`: `.name` is read on each member). */
  | { kind: 'each' }
  /** Template directives (`%{ if }`) and heredocs inside expressions: not evaluated. */
  | { kind: 'opaque'; text: string };

/** Why an expression could not be read (hcl2json accepted it, so this is a construct keyscope does not follow). */
export class ExpressionSyntaxError extends Error {}

const BINARY: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

/** Parses the text hcl2json gives for one value: a template (`"kv-${var.env}"`, `"${expr}"`) or plain text. */
export function parseTemplate(text: string): Expr {
  const parser = new Parser(text);
  const parts = parser.templateParts(0, text.length, '');
  if (parts.length === 1 && typeof parts[0] !== 'string') return parts[0]!;
  if (parts.every((part) => typeof part === 'string')) return { kind: 'literal', value: parts.join('') };
  return { kind: 'template', parts };
}

/** Parses one expression (no surrounding `${ }`). */
export function parseExpression(text: string): Expr {
  const parser = new Parser(text);
  const expr = parser.expression();
  parser.skipSpace();
  if (parser.at < text.length) throw new ExpressionSyntaxError(`unexpected '${text.slice(parser.at, parser.at + 10)}'`);
  return expr;
}

class Parser {
  at = 0;

  constructor(private readonly text: string) {}

  /** Text and `${...}` parts of a template from `start` until `end` or the closing `quote`. Sets `at` after it. */
  templateParts(start: number, end: number, quote: string): (string | Expr)[] {
    const parts: (string | Expr)[] = [];
    let literal = '';
    let i = start;
    while (i < end) {
      const c = this.text[i]!;
      if (quote && c === quote) break;
      if (quote && c === '\\') {
        const next = this.text[i + 1] ?? '';
        const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (next === 'u' || next === 'U') {
          const length = next === 'u' ? 4 : 8;
          literal += String.fromCodePoint(parseInt(this.text.slice(i + 2, i + 2 + length), 16));
          i += 2 + length;
        } else {
          literal += escapes[next] ?? next;
          i += 2;
        }
        continue;
      }
      if ((c === '$' || c === '%') && this.text[i + 1] === '{') {
        if (this.text[i - 1] === c && literal.endsWith(c)) {
          // `$${` and `%%{` are escapes for a literal `${` and `%{`.
          literal += '{';
          i += 2;
          continue;
        }
        if (literal) parts.push(literal);
        literal = '';
        this.at = i + 2;
        if (this.text[this.at] === '~') this.at++;
        if (c === '%') {
          const close = this.closeBrace(this.at);
          parts.push({ kind: 'opaque', text: this.text.slice(i, close + 1) });
          i = close + 1;
          continue;
        }
        const expr = this.expression();
        this.skipSpace();
        if (this.text[this.at] === '~') this.at++;
        if (this.text[this.at] !== '}') throw new ExpressionSyntaxError(`'}' expected at ${this.at}`);
        parts.push(expr);
        i = this.at + 1;
        continue;
      }
      literal += c;
      i++;
    }
    if (literal) parts.push(literal);
    this.at = i;
    return parts;
  }

  private closeBrace(from: number): number {
    let depth = 1;
    for (let i = from; i < this.text.length; i++) {
      if (this.text[i] === '{') depth++;
      else if (this.text[i] === '}' && --depth === 0) return i;
    }
    throw new ExpressionSyntaxError('unclosed directive');
  }

  skipSpace(): void {
    for (;;) {
      const c = this.text[this.at];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.at++;
      else if (c === '#' || (c === '/' && this.text[this.at + 1] === '/')) {
        while (this.at < this.text.length && this.text[this.at] !== '\n') this.at++;
      } else if (c === '/' && this.text[this.at + 1] === '*') {
        const end = this.text.indexOf('*/', this.at + 2);
        this.at = end < 0 ? this.text.length : end + 2;
      } else return;
    }
  }

  private peek(token: string): boolean {
    this.skipSpace();
    return this.text.startsWith(token, this.at);
  }

  private eat(token: string): boolean {
    if (!this.peek(token)) return false;
    this.at += token.length;
    return true;
  }

  private expect(token: string): void {
    if (!this.eat(token)) throw new ExpressionSyntaxError(`'${token}' expected at ${this.at}`);
  }

  private identifier(): string | undefined {
    this.skipSpace();
    const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.text.slice(this.at));
    if (!match) return undefined;
    this.at += match[0].length;
    return match[0];
  }

  expression(): Expr {
    const cond = this.binary(0);
    if (this.peek('?') && !this.peek('??')) {
      this.expect('?');
      const then = this.expression();
      this.expect(':');
      const otherwise = this.expression();
      return { kind: 'conditional', cond, then, else: otherwise };
    }
    return cond;
  }

  private binary(minimum: number): Expr {
    let left = this.unary();
    for (;;) {
      this.skipSpace();
      const op = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%'].find((candidate) =>
        this.text.startsWith(candidate, this.at),
      );
      // `=>` belongs to a for expression, not to `>=`/`=`.
      if (!op || BINARY[op]! <= minimum || (op === '>' && this.text[this.at - 1] === '=')) return left;
      this.at += op.length;
      left = { kind: 'binary', op, left, right: this.binary(BINARY[op]!) };
    }
  }

  private unary(): Expr {
    if (this.eat('!')) return { kind: 'unary', op: '!', operand: this.unary() };
    if (this.peek('-') && !/[0-9]/.test(this.text[this.at + 1] ?? '')) {
      this.at++;
      return { kind: 'unary', op: '-', operand: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(expr: Expr): Expr {
    for (;;) {
      this.skipSpace();
      if (this.text.startsWith('.*', this.at) || this.text.startsWith('[*]', this.at)) {
        this.at += this.text[this.at] === '.' ? 2 : 3;
        let each: Expr = { kind: 'each' };
        // The traversal after a splat applies to each member.
        for (;;) {
          this.skipSpace();
          if (this.text[this.at] === '.' && /[A-Za-z_]/.test(this.text[this.at + 1] ?? '')) {
            this.at++;
            each = { kind: 'attr', target: each, name: this.identifier()! };
          } else if (this.text[this.at] === '[' && this.text[this.at + 1] !== '*') {
            this.at++;
            const key = this.expression();
            this.expect(']');
            each = { kind: 'index', target: each, key };
          } else break;
        }
        expr = { kind: 'splat', target: expr, each };
      } else if (this.text[this.at] === '.' && /[A-Za-z_]/.test(this.text[this.at + 1] ?? '')) {
        this.at++;
        expr = { kind: 'attr', target: expr, name: this.identifier()! };
      } else if (this.text[this.at] === '.' && /[0-9]/.test(this.text[this.at + 1] ?? '')) {
        // Legacy index syntax: `list.0`.
        this.at++;
        const digits = /^[0-9]+/.exec(this.text.slice(this.at))![0];
        this.at += digits.length;
        expr = { kind: 'index', target: expr, key: { kind: 'literal', value: Number(digits) } };
      } else if (this.text[this.at] === '[') {
        this.at++;
        const key = this.expression();
        this.expect(']');
        expr = { kind: 'index', target: expr, key };
      } else return expr;
    }
  }

  private primary(): Expr {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === undefined) throw new ExpressionSyntaxError('an expression was expected');
    if (c === '(') {
      this.at++;
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (c === '"') {
      const parts = this.templateParts(this.at + 1, this.text.length, '"');
      if (this.text[this.at] !== '"') throw new ExpressionSyntaxError('unclosed string');
      this.at++;
      if (parts.every((part) => typeof part === 'string')) return { kind: 'literal', value: parts.join('') };
      return { kind: 'template', parts };
    }
    if (c === '<' && this.text.startsWith('<<', this.at)) return this.heredoc();
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(this.text[this.at + 1] ?? ''))) {
      const match = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.at))!;
      this.at += match[0].length;
      return { kind: 'literal', value: Number(match[0]) };
    }
    if (c === '[') return this.tuple();
    if (c === '{') return this.object();
    const name = this.identifier();
    if (name === undefined) throw new ExpressionSyntaxError(`unexpected '${c}'`);
    if (name === 'true' || name === 'false') return { kind: 'literal', value: name === 'true' };
    if (name === 'null') return { kind: 'literal', value: null };
    this.skipSpace();
    // `provider::azurerm::fn(...)` names a provider function.
    let callee = name;
    while (this.text.startsWith('::', this.at)) {
      this.at += 2;
      callee += `::${this.identifier() ?? ''}`;
    }
    if (this.text[this.at] === '(') {
      this.at++;
      const args: Expr[] = [];
      let expand = false;
      while (!this.eat(')')) {
        args.push(this.expression());
        if (this.eat('...')) expand = true;
        if (!this.eat(',')) {
          this.expect(')');
          break;
        }
      }
      return { kind: 'call', name: callee, args, expand };
    }
    return { kind: 'variable', name };
  }

  private heredoc(): Expr {
    const match = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)\r?\n/.exec(this.text.slice(this.at));
    if (!match) throw new ExpressionSyntaxError('malformed heredoc');
    const bodyStart = this.at + match[0].length;
    const end = new RegExp(`^[ \\t]*${match[2]}[ \\t]*$`, 'm');
    const rest = this.text.slice(bodyStart);
    const close = end.exec(rest);
    const bodyEnd = close ? bodyStart + close.index : this.text.length;
    let parts = this.templateParts(bodyStart, bodyEnd, '');
    if (match[1] === '-') {
      // `<<-` strips the indent common to every line.
      const lines = this.text
        .slice(bodyStart, bodyEnd)
        .split('\n')
        .filter((line) => line.trim());
      const indent = Math.min(...lines.map((line) => /^[ \t]*/.exec(line)![0].length));
      parts = parts.map((part) => (typeof part === 'string' ? part.replace(new RegExp(`(^|\\n)[ \\t]{0,${indent}}`, 'g'), '$1') : part));
    }
    this.at = close ? bodyStart + close.index + close[0].length : this.text.length;
    if (parts.every((part) => typeof part === 'string')) return { kind: 'literal', value: parts.join('') };
    return { kind: 'template', parts };
  }

  private tuple(): Expr {
    this.expect('[');
    if (this.peekKeyword('for')) return this.forExpression(false);
    const items: Expr[] = [];
    while (!this.eat(']')) {
      items.push(this.expression());
      if (!this.eat(',')) {
        this.expect(']');
        break;
      }
    }
    return { kind: 'tuple', items };
  }

  private object(): Expr {
    this.expect('{');
    if (this.peekKeyword('for')) return this.forExpression(true);
    const items: { key: Expr; value: Expr }[] = [];
    while (!this.eat('}')) {
      const key = this.expression();
      if (!this.eat('=')) this.expect(':');
      const value = this.expression();
      // A bare name as a key is the name, not a variable.
      items.push({ key: key.kind === 'variable' ? { kind: 'literal', value: key.name } : key, value });
      this.eat(',');
    }
    return { kind: 'object', items };
  }

  private peekKeyword(word: string): boolean {
    this.skipSpace();
    return this.text.startsWith(word, this.at) && !/[A-Za-z0-9_-]/.test(this.text[this.at + word.length] ?? '');
  }

  private forExpression(object: boolean): Expr {
    this.identifier(); // for
    const first = this.identifier()!;
    let keyVar: string | undefined;
    let valueVar = first;
    if (this.eat(',')) {
      keyVar = first;
      valueVar = this.identifier()!;
    }
    if (this.identifier() !== 'in') throw new ExpressionSyntaxError("'in' expected");
    const collection = this.expression();
    this.expect(':');
    let key: Expr | undefined;
    let value = this.expression();
    if (object) {
      this.expect('=>');
      key = value;
      value = this.expression();
    }
    const group = object && this.eat('...');
    let cond: Expr | undefined;
    if (this.peekKeyword('if')) {
      this.identifier();
      cond = this.expression();
    }
    this.expect(object ? '}' : ']');
    return {
      kind: 'for',
      object,
      ...(keyVar ? { keyVar } : {}),
      valueVar,
      collection,
      ...(key ? { key } : {}),
      value,
      ...(cond ? { cond } : {}),
      group,
    };
  }
}
