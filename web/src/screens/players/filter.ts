/**
 * The filter builder's model: rows of field, operator and value, ANDed, written as the
 * players filter the API reads (`GET /api/players?tier=eq.Gold&plays=gte.3`, the same string
 * a segment saves). Only columns the API filters on are offered (not `traits`, not ids).
 */
export type FieldKind = 'text' | 'number' | 'date' | 'datetime';

export const FIELDS = {
  first_name: 'text',
  last_name: 'text',
  email: 'text',
  phone: 'text',
  player_id: 'text',
  status: 'text',
  tier: 'text',
  state: 'text',
  country: 'text',
  timezone: 'text',
  adt: 'number',
  coin_in: 'number',
  plays: 'number',
  prizes_won: 'number',
  last_score: 'number',
  date_of_birth: 'date',
  last_played_at: 'datetime',
  created_at: 'datetime',
} as const satisfies Record<string, FieldKind>;
export type Field = keyof typeof FIELDS;

export const OPERATORS = [
  'eq',
  'neq',
  'contains',
  'in',
  'gt',
  'gte',
  'lt',
  'lte',
  'empty',
  'not_empty',
] as const;
export type Operator = (typeof OPERATORS)[number];

const TEXT_OPS: readonly Operator[] = ['eq', 'neq', 'contains', 'in', 'empty', 'not_empty'];
const ORDERED_OPS: readonly Operator[] = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'empty',
  'not_empty',
];

export function operatorsFor(field: Field): readonly Operator[] {
  return FIELDS[field] === 'text' ? TEXT_OPS : ORDERED_OPS;
}

/** Whether the operator takes a value (empty / not empty do not). */
export const needsValue = (op: Operator) => op !== 'empty' && op !== 'not_empty';

export interface FilterRow {
  field: Field;
  op: Operator;
  value: string;
}

// Inside in.(…) a double-quoted item may hold commas and parentheses; `\` escapes in it.
const quote = (item: string) => `"${item.replace(/["\\]/g, '\\$&')}"`;

function encode(row: FilterRow): string | null {
  const value = row.value.trim();
  if (needsValue(row.op) && value === '') return null;
  switch (row.op) {
    case 'empty':
      return 'is.null';
    case 'not_empty':
      return 'not.is.null';
    case 'contains':
      // `*` is the API's wildcard; the words typed are looked for anywhere, any case.
      return `ilike.*${value}*`;
    case 'in':
      return `in.(${value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
        .map(quote)
        .join(',')})`;
    case 'eq':
    case 'neq':
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return `${row.op}.${value}`;
  }
}

/** The rows as one filter string; rows still missing their value are left out. */
export function toFilter(rows: readonly FilterRow[]): string {
  const query = new URLSearchParams();
  for (const row of rows) {
    const encoded = encode(row);
    if (encoded !== null) query.append(row.field, encoded);
  }
  return query.toString();
}
