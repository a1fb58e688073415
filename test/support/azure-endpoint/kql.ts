/**
 * The slice of KQL the test server runs: a table, an optional type filter
 * (`where type in~ (...)` or `where type =~ '...'`), an optional `project`
 * or `summarize count() by <column>` (rows `{<column>, count_}`, as
 * Resource Graph names the count), an optional `order by`. Anything else is rejected the way Resource Graph
 * rejects a query it cannot parse (400, InvalidQuery), so a query keyscope
 * generates that the server does not understand fails the test loudly.
 */

export type Row = Record<string, unknown>;

export interface ParsedQuery {
  table: string;
  types?: string[];
  project?: string[];
  /** `summarize count() by <column>`: the column grouped by. */
  summarize?: string;
  order?: { column: string; descending: boolean };
}

export class QueryError extends Error {}

/** Columns of Resource Graph's resource tables. */
export const TABLE_COLUMNS = [
  'id',
  'name',
  'type',
  'tenantId',
  'kind',
  'location',
  'resourceGroup',
  'subscriptionId',
  'managedBy',
  'sku',
  'plan',
  'properties',
  'tags',
  'identity',
  'zones',
  'extendedLocation',
];
export const TABLES = ['resources', 'resourcecontainers', 'authorizationresources', 'elasticsanresources'];

/** Splits on `|` outside string literals. */
function stages(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      current += c;
      if (c === '\\') current += text[++i] ?? '';
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
      current += c;
    } else if (c === '|') {
      parts.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  if (quote) throw new QueryError('unterminated string literal');
  parts.push(current.trim());
  return parts;
}

function literal(text: string): string {
  const match = /^'((?:[^'\\]|\\.)*)'$/.exec(text.trim());
  if (!match) throw new QueryError(`expected a string literal, got ${text.trim()}`);
  return match[1]!.replace(/\\(.)/g, '$1');
}

export function parseQuery(text: string): ParsedQuery {
  const [head, ...rest] = stages(text);
  const table = head!.toLowerCase();
  if (!TABLES.includes(table)) throw new QueryError(`'${head}' is not a table`);
  const parsed: ParsedQuery = { table };
  for (const stage of rest) {
    let match: RegExpExecArray | null;
    if ((match = /^where\s+type\s+in~\s*\((.*)\)$/s.exec(stage))) {
      parsed.types = match[1]!.split(',').map((value) => literal(value).toLowerCase());
    } else if ((match = /^where\s+type\s*=~\s*(.*)$/s.exec(stage))) {
      parsed.types = [literal(match[1]!).toLowerCase()];
    } else if ((match = /^project\s+(.+)$/s.exec(stage))) {
      const columns = match[1]!.split(',').map((column) => column.trim());
      for (const column of columns) {
        if (!TABLE_COLUMNS.includes(column)) throw new QueryError(`Failed to resolve scalar expression named '${column}'`);
      }
      parsed.project = columns;
    } else if ((match = /^summarize\s+count\(\)\s+by\s+(\w+)$/.exec(stage))) {
      const column = match[1]!;
      const columns = parsed.project ?? TABLE_COLUMNS;
      if (!columns.includes(column) || parsed.order) throw new QueryError(`Failed to resolve scalar expression named '${column}'`);
      parsed.summarize = column;
    } else if ((match = /^order\s+by\s+(\w+)(?:\s+(asc|desc))?$/.exec(stage))) {
      const column = match[1]!;
      const columns = parsed.summarize ? [parsed.summarize, 'count_'] : (parsed.project ?? TABLE_COLUMNS);
      if (!columns.includes(column)) {
        throw new QueryError(`Failed to resolve scalar expression named '${column}'`);
      }
      parsed.order = { column, descending: match[2] === 'desc' };
    } else {
      throw new QueryError(`the test server does not run '${stage}'`);
    }
  }
  return parsed;
}

/** Runs a parsed query over a table's rows (already scoped to what the caller may see). */
export function runQuery(query: ParsedQuery, rows: readonly Row[]): Row[] {
  let out = query.types ? rows.filter((row) => query.types!.includes(String(row['type']).toLowerCase())) : [...rows];
  if (query.project) {
    const columns = query.project;
    out = out.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null])));
  }
  if (query.summarize) {
    const column = query.summarize;
    const counts = new Map<unknown, number>();
    for (const row of out) counts.set(row[column] ?? null, (counts.get(row[column] ?? null) ?? 0) + 1);
    out = [...counts].map(([value, count]) => ({ [column]: value, count_: count }));
  }
  if (query.order) {
    const { column, descending } = query.order;
    out.sort((a, b) => {
      const x = String(a[column]);
      const y = String(b[column]);
      const order = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -order : order;
    });
  }
  return out;
}
