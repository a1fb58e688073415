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

/**
 * Resources by type over the whole scope, whatever rules read: the posture's
 * not-assessed list is complete without downloading what no rule reads.
 * Resource Graph names the count `count_`; `type` is unique per row, so
 * ordering by it pages without repeats.
 */
export const TYPE_COUNT_QUERY = ['resources', 'summarize count() by type', 'order by type asc'].join(' | ');
