import type { SelectQueryBuilder } from 'kysely';

/** Cursor pagination by time-sortable id (spec/API.md §4.1). */
export interface CursorParams {
  after_id?: string;
  before_id?: string;
  limit: number;
}

export interface CursorPage<T> {
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export type ListOrder = 'newest_first' | 'oldest_first';

/**
 * Runs `query` (already filtered) as one page. `after_id` moves along the list order,
 * `before_id` against it; the page always comes back in list order, and `has_more` tells
 * whether more items exist in the direction of travel.
 */
export async function paginateById<DB, TB extends keyof DB, Row extends { id: string }>(
  query: SelectQueryBuilder<DB, TB, Row>,
  idColumn: string,
  params: CursorParams,
  order: ListOrder,
): Promise<CursorPage<Row>> {
  const descending = order === 'newest_first';
  const forwardOp = descending ? '<' : '>';
  const backwardOp = descending ? '>' : '<';
  const column = idColumn as never;
  let q = query;
  if (params.after_id !== undefined) q = q.where(column, forwardOp, params.after_id as never);
  if (params.before_id !== undefined) q = q.where(column, backwardOp, params.before_id as never);

  const backward = params.before_id !== undefined && params.after_id === undefined;
  const scanDescending = backward ? !descending : descending;
  const rows = (await q
    .orderBy(column, scanDescending ? 'desc' : 'asc')
    .limit(params.limit + 1)
    .execute()) as Row[];

  const has_more = rows.length > params.limit;
  const data = rows.slice(0, params.limit);
  if (backward) data.reverse();
  return {
    data,
    first_id: data.length ? data[0].id : null,
    last_id: data.length ? data[data.length - 1].id : null,
    has_more,
  };
}

export function mapPage<A, B>(page: CursorPage<A>, map: (item: A) => B): CursorPage<B> {
  return { ...page, data: page.data.map(map) };
}
