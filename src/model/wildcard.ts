/** A wildcard pattern (`*` = any run of characters) as an anchored, case-insensitive regular expression. */
export function wildcardPattern(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'is');
}
