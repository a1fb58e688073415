const table = new Map<string, string>();

/**
 * One string object for texts that repeat across a large scan (resource
 * types, subscription ids): a million findings or index entries then hold a
 * pointer each, not a copy each. Only for texts from a small set: the table
 * lives as long as the process.
 */
export function interned(text: string): string {
  const one = table.get(text);
  if (one !== undefined) return one;
  table.set(text, text);
  return text;
}
