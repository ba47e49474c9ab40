import { Type, type TSchema } from 'typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A date-time string on the wire; handlers may return Date objects, the serializer formats them. */
export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });
export const dateTime = (description: string) =>
  Type.Unsafe<Date | string>({ type: 'string', format: 'date-time', description });

/** Every documented error status answers with the one envelope. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((status) => [status, Type.Ref('ErrorResponse')]));
}

export const SuccessOnly = Type.Object({ success: Type.Literal(true) });
