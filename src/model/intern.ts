const table = new Map<string, string>();

/**
 * One string object for texts that repeat across a large scan (resource
 * types, subscription ids, resource groups): a million findings or index
 * entries then hold a pointer each, not a copy each. Only for texts from a
 * small set: the table lives as long as the process. `undefined` passes
 * through, so an optional field can be interned as it is read.
 */
export function interned<T extends string | undefined>(text: T): T {
  if (text === undefined) return text;
  const one = table.get(text) as T | undefined;
  if (one !== undefined) return one;
  table.set(text, text);
  return text;
}
