import type { TableQuery } from './plan.js';

/** A KQL string literal. */
export function kqlString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The query for one table: filtered server-side to the types rules read
 * (`in~` compares case-insensitively), projected to the columns they read,
 * and ordered by the unique `id` so `$skipToken` paging neither repeats nor
 * skips a row.
 */
export function tableQueryText(query: TableQuery): string {
  return [
    query.table,
    `where type in~ (${query.types.map(kqlString).join(', ')})`,
    `project ${query.columns.join(', ')}`,
    'order by id asc',
  ].join(' | ');
}

/**
 * The subscriptions the identity can read among those requested. Resource
 * Graph drops a subscription it may not read without an error, so this is
 * how keyscope learns what it was not shown.
 */
export const COVERAGE_QUERY = [
  'resourcecontainers',
  `where type =~ ${kqlString('microsoft.resources/subscriptions')}`,
  'project subscriptionId',
  'order by subscriptionId asc',
].join(' | ');
