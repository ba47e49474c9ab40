/** Helpers of the PlayerOS resources: pk_ key calls and their pages. */
import type { Call, RequestOptions, Transport } from './http.ts';
import type { CursorPage, Page } from './types.ts';

export const id = (value: string | number) => encodeURIComponent(String(value));

/** Calls with the pk_ key and answers the envelope's `data`. */
export async function data<T>(t: Transport, call: Omit<Call, 'key'>): Promise<T> {
  const answer = await t.request<{ data: T } | undefined>({ ...call, key: 'property' });
  return answer.body?.data as T;
}

export async function page<T>(
  t: Transport,
  path: string,
  query: Call['query'],
  o?: RequestOptions,
) {
  const answer = await t.request<{
    data: T[];
    totalCount?: number | null;
    countType?: 'exact' | 'planned' | null;
  }>({ method: 'GET', path, query, key: 'property', ...o });
  return {
    data: answer.body.data,
    totalCount: answer.body.totalCount ?? null,
    countType: answer.body.countType ?? null,
  } satisfies Page<T>;
}

export async function cursorPage<T>(
  t: Transport,
  path: string,
  query: Call['query'],
  cursor: 'next_after' | 'next_before' | 'next_cursor',
  o?: RequestOptions,
): Promise<CursorPage<T>> {
  const answer = await t.request<{ data: T[] } & Record<string, unknown>>({
    method: 'GET',
    path,
    query,
    key: 'property',
    ...o,
  });
  const next = answer.body[cursor];
  return {
    data: answer.body.data,
    next: typeof next === 'string' || typeof next === 'number' ? String(next) : null,
  };
}
