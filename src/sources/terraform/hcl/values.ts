/** A value known only at apply (or one keyscope does not evaluate): never a default, never a pass. */
export class Unknown {
  /** Makes the type nominal: structurally an empty class would match every object. */
  private readonly brand = 'unknown';
  private constructor() {}
  static readonly value = new Unknown();
}

export const UNKNOWN = Unknown.value;

export const isUnknown = (value: unknown): value is Unknown => value === UNKNOWN;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Unknown);

/** Does the value hold an unknown anywhere? */
export function hasUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (isRecord(value)) return Object.values(value).some(hasUnknown);
  return false;
}

/**
 * Splits a value into a plan's `after` (unknowns left out) and
 * `after_unknown` (`true` where unknown), the shapes the mapping tables read.
 */
export function splitUnknowns(value: unknown): { after: unknown; unknown: unknown } {
  if (isUnknown(value)) return { after: undefined, unknown: true };
  if (Array.isArray(value)) {
    const parts = value.map(splitUnknowns);
    return {
      after: parts.map((part) => (part.after === undefined ? null : part.after)),
      unknown: parts.map((part) => part.unknown ?? false),
    };
  }
  if (isRecord(value)) {
    const after: Record<string, unknown> = {};
    const unknown: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const part = splitUnknowns(member);
      if (part.after !== undefined) after[key] = part.after;
      if (part.unknown !== false && part.unknown !== undefined) unknown[key] = part.unknown;
    }
    return { after, unknown };
  }
  return { after: value, unknown: false };
}
