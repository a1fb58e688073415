/**
 * Resources of one type a source holds, whether it handed them out or not.
 * A live scan downloads only the types rules read but counts every type
 * (`summarize count() by type`), so the posture can name what it did not
 * assess.
 */
export interface TypeCount {
  type: string;
  count: number;
}

/**
 * The type of the record a live scan's `--export` writes for its counts
 * (docs/inputs.md, "Type counts"): `{"id": "keyscope:type-counts", "type":
 * "keyscope/typeCounts", "counts": [{"type": ..., "count": ...}]}`. Its
 * replay declares the same counts, so it gives the same not-assessed list.
 * No Azure type has this form (Azure's start with a provider namespace).
 */
export const TYPE_COUNTS_RECORD_TYPE = 'keyscope/typeCounts';

/** The id the type-counts record carries: findings never name it, but every record has an id. */
export const TYPE_COUNTS_RECORD_ID = 'keyscope:type-counts';

export function isTypeCountsType(type: string): boolean {
  return type.toLowerCase() === 'keyscope/typecounts';
}

/** The record an export holds for `counts`. */
export function typeCountsRecord(counts: readonly TypeCount[]): { id: string; type: string; counts: readonly TypeCount[] } {
  return { id: TYPE_COUNTS_RECORD_ID, type: TYPE_COUNTS_RECORD_TYPE, counts };
}

/** A type-counts record's counts, or why it is not one keyscope can read. */
export function readTypeCounts(record: Record<string, unknown>): TypeCount[] | string {
  const counts = record['counts'];
  if (!Array.isArray(counts)) return "type-counts record has no 'counts' array";
  const out: TypeCount[] = [];
  for (let i = 0; i < counts.length; i++) {
    const entry = counts[i] as Record<string, unknown> | null;
    const type = entry?.['type'];
    const count = entry?.['count'];
    if (typeof type !== 'string' || type === '' || typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
      return `type-counts record: counts[${i}] must be {"type": non-empty string, "count": integer >= 0}`;
    }
    out.push({ type, count });
  }
  return out;
}
