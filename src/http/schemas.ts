import { Type, type TSchema } from 'typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A date-time string on the wire; handlers may return Date objects, the serializer formats them. */
export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
export const dateTime = (description: string) =>
  Type.Unsafe<Date | string>({ type: 'string', format: 'date-time', description });

/**
 * `cursor` of keyset-paged lists: the id (bigint) of the last row seen. Bounded to the integers
 * a JS number holds exactly, so a value such as 1e21 is a 400, not a database error.
 */
export const Cursor = Type.Integer({
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'next_cursor of the last page',
});

/** Every documented error status answers with the one envelope. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref('ErrorResponse')]));
}

export const SuccessOnly = Type.Object({ success: Type.Literal(true) });
