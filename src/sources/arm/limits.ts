/**
 * The bounds a template is held to, so that no input makes keyscope spend
 * unbounded time or memory. Azure's documented template limits come first
 * (learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#template-limits
 * and .../troubleshooting/error-job-size-exceeded); keyscope's own bounds
 * follow, each well beyond what a template Azure accepts needs.
 * docs/error-handling.md lists them all.
 */
import { Lambda, PartialObject, Unknown } from './values.js';

export const LIMITS = {
  /** Azure: a template may not exceed 4 MB. keyscope measures the file as written (Azure measures it compressed: see docs). */
  templateBytes: 4 * 1024 * 1024,
  /** Azure: a parameters file may not exceed 4 MB. */
  parametersFileBytes: 4 * 1024 * 1024,
  /** Azure: 256 parameters. */
  parameters: 256,
  /** Azure: 512 variables (the template best-practices page; older pages say 256). */
  variables: 512,
  /** Azure: 800 resources in a template, copies included. */
  resources: 800,
  /** Azure: a copy loop's count may not exceed 800. */
  copyCount: 800,
  /** Azure: 64 output values. */
  outputs: 64,
  /** Azure: 24,576 characters in a template expression. */
  expressionChars: 24_576,
  /** Azure: range() takes a count from 0 to 10,000. */
  rangeCount: 10_000,
  /** keyscope: nested deployments followed this deep (Azure documents no depth; see docs). */
  deploymentDepth: 32,
  /** keyscope: function calls, member reads and indexes nested inside one another in an expression. */
  expressionDepth: 128,
  /** keyscope: user-defined functions calling one another. */
  userFunctionCalls: 32,
  /** keyscope: objects and arrays nested in the template's JSON. */
  jsonDepth: 256,
  /**
   * keyscope: the JSON size (in characters) of any one value an expression
   * produces. Azure counts the resolved values of variables and parameters
   * into the 4 MB a whole template may take, so no value it accepts is larger.
   */
  valueChars: 4 * 1024 * 1024,
  /** keyscope: resources expanded from one file, nested deployments included (800 a deployment, 125 deployments' worth). */
  expandedResources: 100_000,
  /**
   * keyscope: units of evaluation work for one file: one per template node
   * and expression node evaluated, per member produced or compared by a
   * function, per 16 characters of a string produced: 2 to 4 seconds on one
   * core, a few hundred MB at most.
   */
  work: 20_000_000,
} as const;

/**
 * A template beyond one of the limits above. Not a LocatedError on purpose:
 * nothing catches it on the way up (a property that fails becomes unknown
 * and evaluation goes on; a limit ends the file's evaluation). The
 * evaluator fills in the position of the expression it was raised in.
 */
export class TemplateLimitError extends Error {
  constructor(
    message: string,
    /** Offset in the file, once known. */
    readonly offset?: number,
    /** JSON pointer, once known. */
    readonly pointer?: string,
  ) {
    super(message);
  }

  /** The same error pinned to a place, unless it already is. */
  at(offset: number, pointer: string): TemplateLimitError {
    return this.offset === undefined ? new TemplateLimitError(this.message, offset, pointer) : this;
  }
}

/** Size and depth of objects and arrays already measured. */
const measured = new WeakMap<object, { size: number; depth: number }>();

/**
 * Counts the work one file's evaluation does and stops it at the limit, and
 * measures values against `valueChars`.
 */
export class WorkBudget {
  private spent = 0;
  private resources = 0;

  constructor(private readonly limit: number = LIMITS.work) {}

  /** Spends `units`; throws once the file has done more work than allowed. */
  spend(units: number): void {
    this.spent += units;
    if (this.spent > this.limit)
      throw new TemplateLimitError(
        `evaluating this template takes more than keyscope's bound of ${this.limit.toLocaleString('en-US')} steps (see docs/error-handling.md): it is not scanned`,
      );
  }

  /** Counts a planned resource or deployment against `expandedResources`. */
  resource(): void {
    if (++this.resources > LIMITS.expandedResources)
      throw new TemplateLimitError(
        `the template expands to more than ${LIMITS.expandedResources.toLocaleString('en-US')} resources, nested deployments included: keyscope's bound (see docs/error-handling.md)`,
      );
  }

  /**
   * The JSON size of a value in characters, counted up to just past
   * `valueChars` (objects and arrays remembered, so a value used again costs
   * nothing); the walk is paid for from the budget.
   */
  size(value: unknown): number {
    // A string alone is measured without its quotes, as its length.
    return typeof value === 'string' ? value.length : this.measure(value).size;
  }

  private measure(value: unknown): { size: number; depth: number } {
    if (typeof value === 'string') return { size: value.length + 2, depth: 0 };
    if (value === null || typeof value !== 'object' || value instanceof Lambda || value instanceof Unknown) return { size: 8, depth: 0 };
    if (value instanceof PartialObject) return this.measure(value.members);
    const known = measured.get(value);
    if (known !== undefined) return known;
    let size = 2;
    let depth = 0;
    let walked = 0;
    const add = (item: unknown, extra: number): boolean => {
      walked++;
      // Scalars are the bulk of a large value: measured here without a call.
      if (typeof item === 'string') size += item.length + 2 + extra;
      else if (item === null || typeof item !== 'object') size += 8 + extra;
      else {
        const inner = this.measure(item);
        size += inner.size + extra;
        if (inner.depth > depth) depth = inner.depth;
      }
      return size > LIMITS.valueChars;
    };
    if (Array.isArray(value)) {
      for (const item of value) if (add(item, 1)) break;
    } else {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) if (add(record[key], key.length + 4)) break;
    }
    this.spend(walked);
    const result = { size, depth: depth + 1 };
    measured.set(value, result);
    // Function results are measured as they are made, so the walk above seldom goes more than a level down.
    if (result.depth > LIMITS.jsonDepth)
      throw new TemplateLimitError(
        `a value nests objects and arrays more than ${LIMITS.jsonDepth} deep: keyscope's bound (see docs/error-handling.md)`,
      );
    return result;
  }

  /** Throws when a value is larger than `valueChars`. */
  checkValue(value: unknown, what: string): void {
    if (this.size(value) > LIMITS.valueChars) throw tooLarge(what);
  }
}

/** The error of a value beyond `valueChars` (of arguments beyond twice that, together). */
export function tooLarge(what: string, together = false): TemplateLimitError {
  const bound = (together ? 2 * LIMITS.valueChars : LIMITS.valueChars).toLocaleString('en-US');
  return new TemplateLimitError(
    together
      ? `the arguments of ${what} are more than ${bound} characters together: larger than the 4 MB Azure allows a whole template with its values resolved`
      : `${what} produces a value of more than ${bound} characters: larger than the 4 MB Azure allows a whole template with its values resolved`,
  );
}

/**
 * The offset of the first `{` or `[` nested deeper than `limit` in JSON text
 * (comments and strings skipped), or -1. Run before parsing: the parser
 * recurses once per level, so a file of brackets would end the stack.
 */
export function tooDeep(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34 || d === 10) break;
      }
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 123 || c === 91) {
      if (++depth > limit) return i;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return -1;
}
