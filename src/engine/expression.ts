/**
 * The small expression language rules may use in operands and `value`:
 * "[parameters('name')]", "[field('path')]", "[length(x)]", "[toLower(x)]",
 * "[toUpper(x)]", "[concat(a, b, ...)]", "[empty(x)]". Anything else is a
 * load-time error, never a silent literal.
 */

export type ExpressionNode = { kind: 'literal'; value: unknown } | { kind: 'call'; name: string; args: ExpressionNode[] };

export const EXPRESSION_FUNCTIONS = ['parameters', 'field', 'length', 'toLower', 'toUpper', 'concat', 'empty'] as const;

/** True when a string is an expression (brackets, not the `[[` escape). */
export function isExpression(text: unknown): text is string {
  return typeof text === 'string' && text.length > 2 && text.startsWith('[') && !text.startsWith('[[') && text.endsWith(']');
}

/** A literal string that starts with `[[` stands for itself minus one bracket, as in ARM. */
export function unescapeLiteral(text: unknown): unknown {
  return typeof text === 'string' && text.startsWith('[[') ? text.slice(1) : text;
}

/** Parses "[...]" into a tree. Throws an Error with a readable message. */
export function parseExpression(text: string): ExpressionNode {
  const body = text.slice(1, -1);
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${pos + 1} of expression ${text}`);
  };
  const skip = (): void => {
    while (pos < body.length && /\s/.test(body[pos]!)) pos++;
  };
  const parseNode = (): ExpressionNode => {
    skip();
    const ch = body[pos];
    if (ch === "'") {
      let value = '';
      pos++;
      for (;;) {
        if (pos >= body.length) fail('unterminated string');
        if (body[pos] === "'") {
          if (body[pos + 1] === "'") {
            value += "'";
            pos += 2;
            continue;
          }
          pos++;
          break;
        }
        value += body[pos++];
      }
      return { kind: 'literal', value };
    }
    const number = /^-?\d+(\.\d+)?/.exec(body.slice(pos));
    if (number) {
      pos += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    const name = /^[A-Za-z][A-Za-z0-9]*/.exec(body.slice(pos));
    if (!name) return fail('expected a function, a string or a number');
    pos += name[0].length;
    if (name[0] === 'true' || name[0] === 'false') return { kind: 'literal', value: name[0] === 'true' };
    skip();
    if (body[pos] !== '(') fail(`expected '(' after ${name[0]}`);
    pos++;
    const args: ExpressionNode[] = [];
    skip();
    if (body[pos] === ')') {
      pos++;
    } else {
      for (;;) {
        args.push(parseNode());
        skip();
        if (body[pos] === ',') {
          pos++;
          continue;
        }
        if (body[pos] === ')') {
          pos++;
          break;
        }
        fail("expected ',' or ')'");
      }
    }
    return { kind: 'call', name: name[0], args };
  };
  const node = parseNode();
  skip();
  if (pos !== body.length) fail('unexpected text');
  return node;
}
