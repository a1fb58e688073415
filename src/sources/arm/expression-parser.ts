import type { Expression } from './expression-ast.js';
import { LIMITS, TemplateLimitError } from './limits.js';
import { TemplateError } from './values.js';

/**
 * A template string is an expression when it is wrapped in `[` and `]`; a
 * leading `[[` escapes the bracket and leaves a literal.
 */
export function isExpression(text: string): boolean {
  return text.length >= 2 && text.charCodeAt(0) === 91 && text.charCodeAt(text.length - 1) === 93 && text.charCodeAt(1) !== 91;
}

/** The literal a `[[...]` string stands for. */
export function unescapeLiteral(text: string): string {
  return text.startsWith('[[') ? text.slice(1) : text;
}

type Token =
  | { kind: 'punct'; value: '(' | ')' | ',' | '.' | '[' | ']'; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'name'; value: string; at: number }
  | { kind: 'end'; at: number };

const NAME_START = /[A-Za-z_$]/;
const NAME_PART = /[A-Za-z0-9_$]/;
const DIGIT = /[0-9]/;

function tokenize(text: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '(' || c === ')' || c === ',' || c === '.' || c === '[' || c === ']') {
      tokens.push({ kind: 'punct', value: c, at: i });
      i++;
    } else if (c === "'") {
      const at = i;
      let value = '';
      i++;
      for (;;) {
        if (i >= end) throw new TemplateError('a string literal is not closed', at);
        if (text[i] === "'") {
          if (text[i + 1] === "'" && i + 1 < end) {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i];
        i++;
      }
      tokens.push({ kind: 'string', value, at });
    } else if (DIGIT.test(c) || (c === '-' && DIGIT.test(text[i + 1] ?? ''))) {
      const at = i;
      i++;
      while (i < end && DIGIT.test(text[i]!)) i++;
      if (text[i] === '.' && DIGIT.test(text[i + 1] ?? '')) {
        i++;
        while (i < end && DIGIT.test(text[i]!)) i++;
      }
      tokens.push({ kind: 'number', value: Number(text.slice(at, i)), at });
    } else if (NAME_START.test(c)) {
      const at = i;
      while (i < end && NAME_PART.test(text[i]!)) i++;
      tokens.push({ kind: 'name', value: text.slice(at, i), at });
    } else {
      throw new TemplateError(`unexpected character '${c}'`, i);
    }
  }
  tokens.push({ kind: 'end', at: end });
  return tokens;
}

/**
 * Parses an expression string (with its brackets) into a syntax tree.
 * Errors carry the offset of the culprit inside the string.
 */
export function parseExpression(text: string): Expression {
  const tokens = tokenize(text, 1, text.length - 1);
  let position = 0;
  let depth = 0;
  const peek = (): Token => tokens[position]!;
  const next = (): Token => tokens[position++]!;
  const describe = (token: Token): string =>
    token.kind === 'end'
      ? 'the end of the expression'
      : token.kind === 'string'
        ? `'${token.value}'`
        : token.kind === 'number'
          ? String(token.value)
          : `'${token.value}'`;
  const expect = (value: string, context: string): Token => {
    const token = next();
    if (token.kind !== 'punct' || token.value !== value)
      throw new TemplateError(`expected '${value}' ${context}, found ${describe(token)}`, token.at);
    return token;
  };

  const primary = (): Expression => {
    const token = next();
    if (token.kind === 'string') return { kind: 'string', value: token.value, at: token.at };
    if (token.kind === 'number') return { kind: 'number', value: token.value, at: token.at };
    if (token.kind !== 'name')
      throw new TemplateError(`expected a function call, a string or a number, found ${describe(token)}`, token.at);
    let name = token.value;
    let namespace: string | undefined;
    const after = peek();
    if (after.kind === 'punct' && after.value === '.') {
      // `ns.fn(...)`: a user-defined function.
      const member = tokens[position + 1];
      const open = tokens[position + 2];
      if (member?.kind === 'name' && open?.kind === 'punct' && open.value === '(') {
        position++;
        namespace = name;
        name = (next() as { value: string }).value;
      }
    }
    const open = peek();
    if (open.kind !== 'punct' || open.value !== '(') {
      // `true`, `false` and `null` may be written without parentheses.
      if (namespace === undefined && /^(true|false|null)$/i.test(name))
        return { kind: 'call', name: name.toLowerCase(), args: [], at: token.at };
      throw new TemplateError(`expected '(' after the function name '${name}', found ${describe(open)}`, open.at);
    }
    position++;
    const args: Expression[] = [];
    const close = peek();
    if (close.kind === 'punct' && close.value === ')') {
      position++;
    } else {
      for (;;) {
        args.push(expression());
        const separator = next();
        if (separator.kind === 'punct' && separator.value === ')') break;
        if (separator.kind !== 'punct' || separator.value !== ',')
          throw new TemplateError(
            `expected ',' or ')' after argument ${args.length} of '${name}', found ${describe(separator)}`,
            separator.at,
          );
      }
    }
    return namespace === undefined ? { kind: 'call', name, args, at: token.at } : { kind: 'call', name, namespace, args, at: token.at };
  };

  const expression = (): Expression => {
    // Each level (a call, a member read, an index) is a few frames of recursion here and in the evaluator: bounded well before the stack is.
    const deeper = (): void => {
      if (++depth > LIMITS.expressionDepth)
        throw new TemplateLimitError(
          `the expression nests calls, member reads and indexes more than ${LIMITS.expressionDepth} deep: keyscope's bound (see docs/error-handling.md)`,
        );
    };
    const outer = depth;
    deeper();
    let node = primary();
    for (;;) {
      const token = peek();
      if (token.kind !== 'punct') break;
      if (token.value === '.') {
        deeper();
        position++;
        const name = next();
        if (name.kind !== 'name') throw new TemplateError(`expected a property name after '.', found ${describe(name)}`, name.at);
        node = { kind: 'member', target: node, name: name.value, at: name.at };
      } else if (token.value === '[') {
        deeper();
        position++;
        const index = expression();
        expect(']', 'to close the index');
        node = { kind: 'index', target: node, index, at: token.at };
      } else {
        break;
      }
    }
    depth = outer;
    return node;
  };

  if (peek().kind === 'end') throw new TemplateError('the expression is empty', 1);
  const tree = expression();
  const rest = peek();
  if (rest.kind !== 'end') throw new TemplateError(`unexpected ${describe(rest)} after the end of the expression`, rest.at);
  return tree;
}
