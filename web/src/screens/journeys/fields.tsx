import { Group, NumberInput } from '@mantine/core';
import { type MessageKey, useI18n } from '../../i18n/i18n.tsx';
import type { Port } from './graph.ts';

type Duration = Record<string, number>;

export const asText = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '';

/** The node with `field` set, or removed when `value` is empty (an optional field left blank). */
export function setField<T extends Record<string, unknown>>(
  node: T,
  field: string,
  value: unknown,
): T {
  const next: Record<string, unknown> = { ...node };
  if (value === '' || value === undefined) delete next[field];
  else next[field] = value;
  return next as T;
}

/** Days, hours and minutes; zero parts are left out of the API's duration object. */
export function DurationInput(props: {
  label: string;
  value: unknown;
  disabled: boolean;
  testId: string;
  onChange: (value: Duration) => void;
}) {
  const { t } = useI18n();
  const value = (typeof props.value === 'object' && props.value ? props.value : {}) as Duration;
  const part = (unit: 'days' | 'hours' | 'minutes') => (
    <NumberInput
      key={unit}
      label={`${props.label}: ${t(`journeys.unit.${unit}`)}`}
      min={0}
      allowDecimal={false}
      w={100}
      disabled={props.disabled}
      value={value[unit] ?? 0}
      data-testid={`${props.testId}-${unit}`}
      onChange={(v) => {
        const n = typeof v === 'number' ? v : Number(v) || 0;
        const next: Duration = { ...value };
        if (n > 0) next[unit] = n;
        else delete next[unit];
        props.onChange(next);
      }}
    />
  );
  return <Group gap="xs">{(['days', 'hours', 'minutes'] as const).map(part)}</Group>;
}

/** A way out's name: Next, Timeout, Then, Else or Branch n. */
export function portLabel(
  port: Port,
  t: (key: MessageKey, vars?: Record<string, string | number>) => string,
) {
  return port.kind === 'branch'
    ? t('journeys.port.branch', { n: (port.index ?? 0) + 1 })
    : t(`journeys.port.${port.kind}`);
}
