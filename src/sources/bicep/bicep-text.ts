/**
 * A small reader of Bicep source for locations only: where each `resource`
 * and `module` is declared, where its body ends, and where each property key
 * of its body is written. It never evaluates Bicep; Bicep itself compiles.
 * It tolerates what it does not understand (a construct it cannot follow is
 * skipped to the end of its line), so a finding falls back to the
 * declaration's line rather than to a wrong one.
 */

/** A 1-based position in a `.bicep` file. */
export interface BicepPoint {
  line: number;
  column: number;
}

/** A property written literally in an object body: where its key is, and its value when that is an object or an array. */
export interface BicepEntry extends BicepPoint {
  key: string;
  value?: BicepObject | BicepArray;
}

/** An object literal: its keys by lower-cased name. */
export interface BicepObject {
  kind: 'object';
  entries: Map<string, BicepEntry>;
}

/** An array literal: its items in order (undefined for an item that is not an object or array). */
export interface BicepArray {
  kind: 'array';
  items: (BicepPoint & { value?: BicepObject | BicepArray })[];
}

/** A `resource` or `module` declaration. */
export interface BicepDeclaration extends BicepPoint {
  keyword: 'resource' | 'module';
  /** The symbolic name as a compiled template names it: `parent::child` for a nested resource. */
  name: string;
  /** `Microsoft.KeyVault/vaults@2024-11-01` for a resource (a nested one's type as written), the path for a module. */
  target: string;
  existing: boolean;
  /** The line of the body's closing brace (or of the loop's closing bracket). */
  endLine: number;
  body?: BicepObject;
}

/** What the reader found in one file. */
export interface BicepText {
  declarations: BicepDeclaration[];
  /** `param` declarations by name. */
  params: Map<string, BicepPoint>;
}

type TokenKind = 'ident' | 'string' | 'punct' | 'nl';

interface Token extends BicepPoint {
  kind: TokenKind;
  text: string;
  /** For a string: its value when it has no interpolation. */
  literal?: string;
}

/** Splits Bicep into tokens; comments and spaces are dropped, line breaks kept (they end statements and entries). */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const at = (offset: number): BicepPoint => ({ line, column: offset - lineStart + 1 });
  const newline = (offset: number): void => {
    line++;
    lineStart = offset + 1;
  };
  /** Skips a string starting at `start` (its opening quote); returns the offset after it and its literal value, if any. */
  const skipString = (start: number, nesting = 0): { end: number; literal?: string } => {
    if (source.startsWith("'''", start)) {
      // Multi-line strings have no escapes and no interpolation.
      let j = start + 3;
      while (j < source.length && !source.startsWith("'''", j)) {
        if (source.charCodeAt(j) === 10) newline(j);
        j++;
      }
      return { end: Math.min(j + 3, source.length), literal: source.slice(start + 3, j) };
    }
    let j = start + 1;
    let value = '';
    let interpolated = false;
    while (j < source.length) {
      const c = source[j]!;
      if (c === '\\') {
        value += source[j + 1] ?? '';
        j += 2;
      } else if (c === "'") {
        return { end: j + 1, ...(interpolated ? {} : { literal: value }) };
      } else if (c === '$' && source[j + 1] === '{') {
        interpolated = true;
        j = skipInterpolation(j + 2, nesting);
      } else {
        // An unclosed string ends at the line, as Bicep recovers; the line break is the caller's.
        if (c === '\n') return { end: j };
        value += c;
        j++;
      }
    }
    return { end: j };
  };
  /** Skips an interpolation's expression up to its closing brace; strings inside it may hold braces. */
  const skipInterpolation = (start: number, nesting: number): number => {
    let depth = 1;
    let j = start;
    while (j < source.length) {
      const c = source[j]!;
      if (c === "'") {
        // Strings in interpolations in strings...: past MAX_DEPTH one is skipped to its quote, so no input overflows the stack.
        if (nesting < MAX_DEPTH) j = skipString(j, nesting + 1).end;
        else {
          const quote = source.indexOf("'", j + 1);
          j = quote < 0 ? source.length : quote + 1;
        }
        continue;
      }
      if (c === '\n') newline(j);
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return j + 1;
      j++;
    }
    return j;
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') {
      tokens.push({ kind: 'nl', text: '\n', ...at(i) });
      newline(i);
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\ufeff') {
      i++;
    } else if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && source[i + 1] === '*') {
      let j = i + 2;
      while (j < source.length && !source.startsWith('*/', j)) {
        if (source.charCodeAt(j) === 10) newline(j);
        j++;
      }
      i = j + 2;
    } else if (c === "'") {
      const start = at(i);
      const { end, literal } = skipString(i);
      tokens.push({ kind: 'string', text: source.slice(i, end), ...start, ...(literal !== undefined ? { literal } : {}) });
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < source.length && /[A-Za-z0-9_]/.test(source[j]!)) j++;
      tokens.push({ kind: 'ident', text: source.slice(i, j), ...at(i) });
      i = j;
    } else {
      const text = source.startsWith('::', i) ? '::' : c;
      tokens.push({ kind: 'punct', text, ...at(i) });
      i += text.length;
    }
  }
  return tokens;
}

const OPEN: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/** Nesting of objects, arrays and string interpolations read: deeper is left unread (placed at its declaration). */
const MAX_DEPTH = 64;

/** Reads the declarations, params and property keys of a Bicep file. */
export function readBicep(source: string): BicepText {
  const tokens = tokenize(source);
  const declarations: BicepDeclaration[] = [];
  const params = new Map<string, BicepPoint>();

  /** The index of the token that closes the bracket opened at `open`. */
  const close = (open: number): number => {
    const stack: string[] = [];
    for (let j = open; j < tokens.length; j++) {
      const t = tokens[j]!;
      if (t.kind !== 'punct') continue;
      const closing = OPEN[t.text];
      if (closing) stack.push(closing);
      else if (t.text === stack[stack.length - 1]) {
        stack.pop();
        if (stack.length === 0) return j;
      }
    }
    return tokens.length - 1;
  };
  const isPunct = (j: number, text: string): boolean => tokens[j]?.kind === 'punct' && tokens[j].text === text;
  const skipNewlines = (j: number): number => {
    while (tokens[j]?.kind === 'nl') j++;
    return j;
  };
  /** Skips decorators (`@description('...')`, `@batchSize(2)`) at an entry or statement start. */
  const skipDecorators = (j: number): number => {
    for (;;) {
      j = skipNewlines(j);
      if (!isPunct(j, '@')) return j;
      j++;
      while (tokens[j]?.kind === 'ident' || isPunct(j, '.')) j++;
      if (isPunct(j, '(')) j = close(j) + 1;
    }
  };
  /** The end (exclusive) of a value or statement starting at `j`: the next line break or `,` outside brackets, or `limit`. */
  const endOfValue = (j: number, limit: number): number => {
    while (j < limit) {
      const t = tokens[j]!;
      if (t.kind === 'nl' || (t.kind === 'punct' && (t.text === ',' || t.text === '}' || t.text === ']'))) return j;
      if (t.kind === 'punct' && OPEN[t.text]) j = close(j) + 1;
      else j++;
    }
    return limit;
  };

  /**
   * Parses a declaration whose keyword is at `j`; returns the index after it.
   * `parent` is the enclosing resource's symbolic name for a nested one.
   */
  const declaration = (j: number, parent?: string): number => {
    const keyword = tokens[j]!;
    const name = tokens[j + 1];
    const target = tokens[j + 2];
    if (name?.kind !== 'ident' || target?.kind !== 'string') return j + 1;
    let k = j + 3;
    let existing = false;
    if (tokens[k]?.kind === 'ident' && tokens[k]!.text === 'existing') {
      existing = true;
      k++;
    }
    if (!isPunct(k, '=')) return k;
    k++;
    let end = k;
    let body: BicepObject | undefined;
    const symbolic = parent ? `${parent}::${name.text}` : name.text;
    // `= {`, `= if (c) {`, `= [for x in xs: {`, `= [for x in xs: if (c) {`
    let bodyAt = -1;
    if (isPunct(k, '[')) {
      end = close(k);
      for (let m = k + 1; m < end; m++) {
        if (isPunct(m, '{')) {
          bodyAt = m;
          break;
        }
        if (isPunct(m, '(') || isPunct(m, '[')) m = close(m);
      }
    } else {
      let m = k;
      if (tokens[m]?.kind === 'ident' && tokens[m]!.text === 'if' && isPunct(m + 1, '(')) m = close(m + 1) + 1;
      if (isPunct(m, '{')) bodyAt = m;
      end = bodyAt >= 0 ? close(bodyAt) : endOfValue(m, tokens.length) - 1;
    }
    const index = declarations.length;
    declarations.push({
      keyword: keyword.text as 'resource' | 'module',
      name: symbolic,
      target: target.literal ?? target.text,
      existing,
      line: keyword.line,
      column: keyword.column,
      endLine: tokens[Math.min(end, tokens.length - 1)]!.line,
    });
    if (bodyAt >= 0) {
      body = object(bodyAt, symbolic);
      declarations[index]!.body = body;
    }
    return end + 1;
  };

  /** Parses an object literal whose `{` is at `open`; `owner` names the resource whose body it is (for nested resources). */
  const object = (open: number, owner?: string, depth = 0): BicepObject => {
    const entries = new Map<string, BicepEntry>();
    // Deeper than any property keyscope places: left unread, so no input overflows the stack.
    if (depth > MAX_DEPTH) return { kind: 'object', entries };
    const end = close(open);
    let j = open + 1;
    while (j < end) {
      j = skipDecorators(j);
      if (j >= end) break;
      const t = tokens[j]!;
      if (t.kind === 'punct' && t.text === ',') {
        j++;
        continue;
      }
      if (owner && t.kind === 'ident' && t.text === 'resource' && tokens[j + 1]?.kind === 'ident') {
        j = declaration(j, owner);
        continue;
      }
      const keyText = t.kind === 'ident' ? t.text : t.kind === 'string' ? t.literal : undefined;
      if (keyText !== undefined && isPunct(j + 1, ':')) {
        const entry: BicepEntry = { key: keyText, line: t.line, column: t.column };
        const valueAt = j + 2;
        const value = isPunct(valueAt, '{')
          ? object(valueAt, undefined, depth + 1)
          : isPunct(valueAt, '[')
            ? array(valueAt, depth + 1)
            : undefined;
        if (value) entry.value = value;
        if (!entries.has(keyText.toLowerCase())) entries.set(keyText.toLowerCase(), entry);
        j = endOfValue(valueAt, end);
        continue;
      }
      j = Math.max(endOfValue(j, end), j + 1);
    }
    return { kind: 'object', entries };
  };

  /** Parses an array literal whose `[` is at `open`. A `for` expression's items are not literal: none. */
  const array = (open: number, depth = 0): BicepArray => {
    const items: BicepArray['items'] = [];
    if (depth > MAX_DEPTH) return { kind: 'array', items };
    const end = close(open);
    let j = skipNewlines(open + 1);
    if (tokens[j]?.kind === 'ident' && tokens[j]!.text === 'for') return { kind: 'array', items };
    while (j < end) {
      j = skipNewlines(j);
      if (j >= end) break;
      if (isPunct(j, ',')) {
        j++;
        continue;
      }
      const t = tokens[j]!;
      const value = isPunct(j, '{') ? object(j, undefined, depth + 1) : isPunct(j, '[') ? array(j, depth + 1) : undefined;
      items.push({ line: t.line, column: t.column, ...(value ? { value } : {}) });
      j = Math.max(endOfValue(j, end), j + 1);
    }
    return { kind: 'array', items };
  };

  let j = 0;
  while (j < tokens.length) {
    j = skipDecorators(j);
    const t = tokens[j];
    if (!t) break;
    if (t.kind === 'ident' && (t.text === 'resource' || t.text === 'module') && tokens[j + 1]?.kind === 'ident') {
      j = declaration(j);
      continue;
    }
    if (t.kind === 'ident' && t.text === 'param' && tokens[j + 1]?.kind === 'ident') {
      const name = tokens[j + 1]!;
      if (!params.has(name.text)) params.set(name.text, { line: t.line, column: t.column });
    }
    // Any other statement: to the end of its line, brackets included.
    j = Math.max(endOfValue(j, tokens.length), j + 1);
    while (j < tokens.length && tokens[j]!.kind !== 'nl') j = isPunct(j, '{') || isPunct(j, '[') || isPunct(j, '(') ? close(j) + 1 : j + 1;
  }
  return { declarations, params };
}
