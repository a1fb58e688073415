import { hasUnknown, isRecord, isUnknown, UNKNOWN } from './values.js';

/** An error Terraform would raise evaluating an expression (`try()` and `can()` catch it). */
export class EvaluationError extends Error {}

/** A function's argument: evaluated on demand, so `try()` and `can()` see the errors of each. */
export type Argument = () => unknown;

type TerraformFunction = (args: readonly Argument[]) => unknown;

/** Terraform's string form of a primitive, or an error for a collection. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) throw new EvaluationError('a null value cannot be used as a string');
  throw new EvaluationError('a collection cannot be used as a string');
}

/** Applies a function to its evaluated arguments, unknown when any is unknown. */
const strict =
  (body: (values: unknown[]) => unknown): TerraformFunction =>
  (args) => {
    const values = args.map((arg) => arg());
    return values.some(hasUnknown) ? UNKNOWN : body(values);
  };

/** The widest `format` field keyscope builds: a width of a billion would be a string of a billion characters. */
const MAX_WIDTH = 10_000;

/** `format`'s verbs: `%s`, `%d`, `%v`, `%q`, `%f`, `%t`, `%%`, with widths and precision. */
function format(spec: string, values: unknown[]): string {
  let next = 0;
  return spec.replace(
    /%(\[\d+\])?([-+ #0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g,
    (_all, index: string | undefined, flags: string, width, precision, verb: string) => {
      if (verb === '%') return '%';
      if (Number(width) > MAX_WIDTH || Number(precision) > 100)
        throw new EvaluationError(`format: a width over ${MAX_WIDTH} or a precision over 100 is not evaluated`);
      const at = index ? Number(index.slice(1, -1)) - 1 : next++;
      if (at >= values.length) throw new EvaluationError('format: not enough arguments');
      const value = values[at];
      let text: string;
      switch (verb) {
        case 's':
        case 'v':
          text = typeof value === 'object' && value !== null ? JSON.stringify(value) : toText(value);
          break;
        case 'q':
          text = JSON.stringify(toText(value));
          break;
        case 'd':
          text = String(Math.trunc(Number(value)));
          break;
        case 'f':
          text = Number(value).toFixed(precision === undefined ? 6 : Number(precision));
          break;
        case 't':
          text = String(Boolean(value));
          break;
        default:
          throw new EvaluationError(`format: unsupported verb %${verb}`);
      }
      if (width !== undefined)
        text = flags.includes('-') ? text.padEnd(Number(width)) : text.padStart(Number(width), flags.includes('0') ? '0' : ' ');
      return text;
    },
  );
}

const list = (value: unknown, name: string): unknown[] => {
  if (Array.isArray(value)) return value;
  throw new EvaluationError(`${name}: a list was expected`);
};

/** Sets are lists here, sorted and without duplicates, as Terraform orders sets of strings. */
function toSet(values: readonly unknown[]): unknown[] {
  const seen = new Map<string, unknown>();
  for (const value of values) seen.set(JSON.stringify(value), value);
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, value]) => value);
}

/**
 * The Terraform functions that appear in azurerm configurations. Any other
 * function makes its result unknown: keyscope never guesses what it returns.
 */
export const FUNCTIONS: Record<string, TerraformFunction> = {
  format: strict(([spec, ...rest]) => format(toText(spec), rest)),
  lower: strict(([s]) => toText(s).toLowerCase()),
  upper: strict(([s]) => toText(s).toUpperCase()),
  title: strict(([s]) => toText(s).replace(/\b\w/g, (c) => c.toUpperCase())),
  trimspace: strict(([s]) => toText(s).trim()),
  replace: strict(([s, find, by]) => {
    const pattern = toText(find);
    // Terraform runs RE2 patterns; JavaScript's engine reads them differently and can take exponential time: unknown, never guessed.
    if (/^\/.*\/$/.test(pattern)) return UNKNOWN;
    return toText(s).split(pattern).join(toText(by));
  }),
  substr: strict(([s, offset, length]) => {
    const text = [...toText(s)];
    const start = Number(offset) < 0 ? text.length + Number(offset) : Number(offset);
    return text.slice(start, Number(length) < 0 ? undefined : start + Number(length)).join('');
  }),
  concat: strict((values) => values.flatMap((value) => list(value, 'concat'))),
  merge: strict((values) => {
    const out: Record<string, unknown> = {};
    for (const value of values) {
      if (value === null) continue;
      if (!isRecord(value)) throw new EvaluationError('merge: maps or objects were expected');
      Object.assign(out, value);
    }
    return out;
  }),
  lookup: (args) => {
    const map = args[0]!();
    const key = args[1]!();
    if (isUnknown(map) || hasUnknown(key)) return UNKNOWN;
    if (!isRecord(map)) throw new EvaluationError('lookup: a map was expected');
    const name = toText(key);
    if (Object.prototype.hasOwnProperty.call(map, name)) return map[name];
    if (args.length < 3) throw new EvaluationError(`lookup: no key "${name}"`);
    return args[2]!();
  },
  coalesce: (args) => {
    for (const arg of args) {
      const value = arg();
      if (isUnknown(value)) return UNKNOWN; // an unknown may turn out null or empty
      if (value !== null && value !== '') return value;
    }
    throw new EvaluationError('coalesce: no non-null, non-empty argument');
  },
  coalescelist: (args) => {
    for (const arg of args) {
      const value = arg();
      if (hasUnknown(value)) return UNKNOWN;
      if (Array.isArray(value) && value.length) return value as unknown[];
    }
    throw new EvaluationError('coalescelist: no non-empty list');
  },
  try: (args) => {
    for (const arg of args) {
      try {
        return arg();
      } catch (error) {
        if (!(error instanceof EvaluationError)) throw error;
      }
    }
    throw new EvaluationError('try: no argument could be evaluated');
  },
  can: (args) => {
    try {
      return hasUnknown(args[0]!()) ? UNKNOWN : true;
    } catch (error) {
      if (!(error instanceof EvaluationError)) throw error;
      return false;
    }
  },
  length: strict(([value]) => {
    if (typeof value === 'string') return [...value].length;
    if (Array.isArray(value)) return value.length;
    if (isRecord(value)) return Object.keys(value).length;
    throw new EvaluationError('length: a string, list or map was expected');
  }),
  join: strict(([separator, ...lists]) =>
    lists
      .flatMap((value) => list(value, 'join'))
      .map(toText)
      .join(toText(separator)),
  ),
  split: strict(([separator, s]) => toText(s).split(toText(separator))),
  tostring: strict(([value]) => (value === null ? null : toText(value))),
  tonumber: strict(([value]) => {
    if (value === null || typeof value === 'number') return value;
    const number = Number(toText(value));
    if (Number.isNaN(number) || toText(value).trim() === '') throw new EvaluationError(`tonumber: "${toText(value)}" is not a number`);
    return number;
  }),
  tobool: strict(([value]) => {
    if (value === null || typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new EvaluationError(`tobool: ${JSON.stringify(value)} is not a bool`);
  }),
  tolist: strict(([value]) => list(value, 'tolist')),
  toset: strict(([value]) => toSet(list(value, 'toset'))),
  tomap: strict(([value]) => {
    if (!isRecord(value)) throw new EvaluationError('tomap: a map was expected');
    return value;
  }),
  keys: strict(([value]) => {
    if (!isRecord(value)) throw new EvaluationError('keys: a map was expected');
    return Object.keys(value).sort();
  }),
  values: strict(([value]) => {
    if (!isRecord(value)) throw new EvaluationError('values: a map was expected');
    return Object.keys(value)
      .sort()
      .map((key) => value[key]);
  }),
  contains: strict(([collection, value]) => list(collection, 'contains').some((item) => JSON.stringify(item) === JSON.stringify(value))),
  element: strict(([collection, index]) => {
    const items = list(collection, 'element');
    if (!items.length) throw new EvaluationError('element: the list is empty');
    return items[Number(index) % items.length];
  }),
  flatten: strict(([value]) => {
    const flat = (items: unknown[]): unknown[] => items.flatMap((item) => (Array.isArray(item) ? flat(item) : [item]));
    return flat(list(value, 'flatten'));
  }),
  distinct: strict(([value]) => {
    const seen = new Set<string>();
    return list(value, 'distinct').filter((item) => !seen.has(JSON.stringify(item)) && seen.add(JSON.stringify(item)));
  }),
  zipmap: strict(([keys, values]) => Object.fromEntries(list(keys, 'zipmap').map((key, i) => [toText(key), list(values, 'zipmap')[i]]))),
  range: strict((values) => {
    const [start, end, step] =
      values.length === 1 ? [0, Number(values[0]), 1] : [Number(values[0]), Number(values[1]), Number(values[2] ?? 1)];
    if (step === 0 || Math.abs((end - start) / step) > 1024) throw new EvaluationError('range: too many elements');
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  }),
  min: strict((values) => Math.min(...values.map(Number))),
  max: strict((values) => Math.max(...values.map(Number))),
  abs: strict(([value]) => Math.abs(Number(value))),
  jsonencode: strict(([value]) => JSON.stringify(value)),
  jsondecode: strict(([value]) => {
    try {
      return JSON.parse(toText(value)) as unknown;
    } catch {
      throw new EvaluationError('jsondecode: not JSON');
    }
  }),
  startswith: strict(([s, prefix]) => toText(s).startsWith(toText(prefix))),
  endswith: strict(([s, suffix]) => toText(s).endsWith(toText(suffix))),
  one: strict(([value]) => {
    const items = list(value, 'one');
    if (items.length > 1) throw new EvaluationError('one: more than one element');
    return items.length ? items[0] : null;
  }),
};

const MANY = Infinity;

/** How many arguments each function takes (fewest, most), as Terraform checks before calling it ("Not enough function arguments"). */
export const ARITY: Record<keyof typeof FUNCTIONS, readonly [number, number]> = {
  format: [1, MANY],
  lower: [1, 1],
  upper: [1, 1],
  title: [1, 1],
  trimspace: [1, 1],
  replace: [3, 3],
  substr: [3, 3],
  concat: [0, MANY],
  merge: [0, MANY],
  lookup: [2, 3],
  coalesce: [1, MANY],
  coalescelist: [1, MANY],
  try: [1, MANY],
  can: [1, 1],
  length: [1, 1],
  join: [2, MANY],
  split: [2, 2],
  tostring: [1, 1],
  tonumber: [1, 1],
  tobool: [1, 1],
  tolist: [1, 1],
  toset: [1, 1],
  tomap: [1, 1],
  keys: [1, 1],
  values: [1, 1],
  contains: [2, 2],
  element: [2, 2],
  flatten: [1, 1],
  distinct: [1, 1],
  zipmap: [2, 2],
  range: [1, 3],
  min: [1, MANY],
  max: [1, MANY],
  abs: [1, 1],
  jsonencode: [1, 1],
  jsondecode: [1, 1],
  startswith: [2, 2],
  endswith: [2, 2],
  one: [1, 1],
};
