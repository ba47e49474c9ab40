import { ActionIcon, Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { useI18n } from '../../i18n/i18n.tsx';
import { FIELDS, type Field, type FilterRow, needsValue, operatorsFor } from './filter.ts';

const HINT = { text: '', number: '1000', date: '1990-12-31', datetime: '2026-06-01' } as const;

/** Conditions on the players' columns, all of which must hold (AND). */
export function FilterBuilder(props: { rows: FilterRow[]; onChange: (rows: FilterRow[]) => void }) {
  const { t } = useI18n();
  const { rows, onChange } = props;
  const set = (index: number, row: FilterRow) =>
    onChange(rows.map((old, i) => (i === index ? row : old)));
  const fields = (Object.keys(FIELDS) as Field[]).map((field) => ({
    value: field,
    label: t(`players.field.${field}`),
  }));

  return (
    <Stack gap="xs" data-testid="filter-builder">
      {rows.map((row, index) => {
        const n = index + 1;
        return (
          <Group key={index} gap="xs" align="flex-end" wrap="wrap" data-testid="filter-row">
            <Select
              label={t('players.filter.field', { n })}
              data={fields}
              value={row.field}
              allowDeselect={false}
              searchable
              w={170}
              data-testid="filter-field"
              onChange={(value) => {
                const field = value ?? row.field;
                const op = operatorsFor(field).includes(row.op) ? row.op : 'eq';
                set(index, { field, op, value: row.value });
              }}
            />
            <Select
              label={t('players.filter.operator', { n })}
              data={operatorsFor(row.field).map((op) => ({
                value: op,
                label: t(`players.op.${op}`),
              }))}
              value={row.op}
              allowDeselect={false}
              w={170}
              data-testid="filter-op"
              onChange={(value) => set(index, { ...row, op: value ?? row.op })}
            />
            {needsValue(row.op) && (
              <TextInput
                label={t('players.filter.value', { n })}
                value={row.value}
                placeholder={row.op === 'in' ? 'Gold, Platinum' : HINT[FIELDS[row.field]]}
                w={200}
                data-testid="filter-value"
                onChange={(e) => set(index, { ...row, value: e.currentTarget.value })}
              />
            )}
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={t('players.filter.remove', { n })}
              data-testid="filter-remove"
              onClick={() => onChange(rows.filter((_, i) => i !== index))}
            >
              ×
            </ActionIcon>
          </Group>
        );
      })}
      <Group>
        <Button
          variant="default"
          size="xs"
          data-testid="filter-add"
          disabled={rows.length >= 19}
          onClick={() => onChange([...rows, { field: 'tier', op: 'eq', value: '' }])}
        >
          {t('players.filter.add')}
        </Button>
      </Group>
    </Stack>
  );
}
