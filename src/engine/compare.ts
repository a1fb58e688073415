/**
 * Value comparison with Azure Policy's meaning: strings case-insensitive,
 * booleans equal to "true"/"false", numbers equal to numeric strings.
 */

export function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'string') {
    if (tb === 'string')
      return (a as string).length === (b as string).length && (a as string).toLowerCase() === (b as string).toLowerCase();
    return scalarMatchesText(b, a as string);
  }
  if (tb === 'string') return scalarMatchesText(a, b as string);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!looseEquals(a[i], b[i])) return false;
    return true;
  }
  if (ta === 'object' && tb === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const key of ka) {
      const lower = key.toLowerCase();
      const match = kb.find((k) => k.toLowerCase() === lower);
      if (match === undefined) return false;
      if (!looseEquals((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[match])) return false;
    }
    return true;
  }
  return false;
}

function scalarMatchesText(scalar: unknown, text: string): boolean {
  if (typeof scalar === 'boolean') return text.length <= 5 && text.toLowerCase() === (scalar ? 'true' : 'false');
  if (typeof scalar === 'number') return text.trim() !== '' && Number(text) === scalar;
  return false;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Orders two values: numbers (or numeric strings) numerically, ISO dates as
 * dates, other strings case-insensitively. Undefined when they do not compare.
 */
export function compareOrder(a: unknown, b: unknown): number | undefined {
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  if (typeof a === 'string' && typeof b === 'string') {
    if (ISO_DATE.test(a) && ISO_DATE.test(b)) {
      const da = Date.parse(a);
      const db = Date.parse(b);
      if (!Number.isNaN(da) && !Number.isNaN(db)) return da - db;
    }
    const la = a.toLowerCase();
    const lb = b.toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : 0;
  }
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** `contains`: substring for strings, membership for arrays. */
export function looseContains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') return false;
    return container.toLowerCase().includes(String(item).toLowerCase());
  }
  if (Array.isArray(container)) return container.some((element) => looseEquals(element, item));
  return false;
}

/** `containsKey`: an object has the key, compared case-insensitively. */
export function hasKey(target: unknown, key: string): boolean {
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return false;
  const lower = key.toLowerCase();
  for (const k in target) if (k.toLowerCase() === lower) return true;
  return false;
}
