import { Button, Group, NativeSelect, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/errors.ts';
import { FormError } from '../../components/form-error.tsx';
import {
  type ConnectionProvider,
  type CreateConnectionBody,
  useCreateConnection,
} from '../../data/connections.queries.ts';
import { type MessageKey, useI18n } from '../../i18n/i18n.tsx';

export const PROVIDERS: readonly ConnectionProvider[] = [
  'webhook',
  'custom',
  'zapier',
  'braze',
  'segment',
];

type Field =
  | 'url'
  | 'auth_header_name'
  | 'auth_header_value'
  | 'api_key'
  | 'api_key_header'
  | 'rest_endpoint'
  | 'app_id'
  | 'write_key'
  | 'api_host';

/** The settings each provider takes (the API refuses the others), required ones first. */
const FIELDS: Record<ConnectionProvider, { field: Field; required: boolean; secret: boolean }[]> = {
  webhook: [
    { field: 'url', required: true, secret: false },
    { field: 'auth_header_name', required: false, secret: false },
    { field: 'auth_header_value', required: false, secret: true },
  ],
  custom: [
    { field: 'url', required: true, secret: false },
    { field: 'api_key', required: false, secret: true },
    { field: 'api_key_header', required: false, secret: false },
  ],
  zapier: [{ field: 'url', required: true, secret: false }],
  braze: [
    { field: 'rest_endpoint', required: true, secret: false },
    { field: 'api_key', required: true, secret: true },
    { field: 'app_id', required: false, secret: false },
  ],
  segment: [
    { field: 'write_key', required: true, secret: true },
    { field: 'api_host', required: false, secret: false },
  ],
};

const URL_FIELDS: readonly Field[] = ['url', 'rest_endpoint', 'api_host'];
const PRIVATE_RULES = new Set([
  'localhost',
  'loopback',
  'private',
  'link_local',
  'metadata',
  'carrier_grade_nat',
  'unique_local',
  'unspecified',
  'multicast',
]);

/**
 * Which field the API refused and why, from the 400's `details` (`field`, and `rule` for an
 * address the outbound guard refused), so the words sit under the field to change.
 */
function refusedField(
  error: unknown,
  fields: readonly Field[],
): { field: Field; text: MessageKey } | null {
  if (!(error instanceof ApiError) || error.code !== 'validation_failed') return null;
  const { field, rule } = error.details;
  const named = fields.find((f) => f === field);
  const target = named ?? (rule ? fields.find((f) => URL_FIELDS.includes(f)) : undefined);
  if (!target) return null;
  if (typeof rule !== 'string') return { field: target, text: 'connections.refused.field' };
  if (PRIVATE_RULES.has(rule)) return { field: target, text: 'connections.refused.private' };
  const known: Record<string, MessageKey> = {
    unresolvable: 'connections.refused.unresolvable',
    https_required: 'connections.refused.https_required',
    invalid_url: 'connections.refused.invalid_url',
    scheme: 'connections.refused.invalid_url',
    credentials: 'connections.refused.credentials',
    port: 'connections.refused.port',
  };
  return { field: target, text: known[rule] ?? 'connections.refused.field' };
}

/** Adds a connection; hands back its signing secret (shown once) when the provider signs. */
export function ConnectionForm(props: {
  orgId: number;
  onCreated: (secret: string | null) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const create = useCreateConnection();
  const [name, setName] = useState('');
  const [provider, setProvider] = useState<ConnectionProvider>('webhook');
  const [values, setValues] = useState<Partial<Record<Field, string>>>({});
  const [missing, setMissing] = useState<Field | 'name' | null>(null);
  const fields = FIELDS[provider];
  const refused = refusedField(
    create.error,
    fields.map((f) => f.field),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setMissing('name');
    const empty = fields.find((f) => f.required && !values[f.field]?.trim());
    if (empty) return setMissing(empty.field);
    setMissing(null);
    const body: CreateConnectionBody = { org_id: props.orgId, name: name.trim(), provider };
    for (const { field } of fields) {
      const value = values[field]?.trim();
      if (value) body[field] = value;
    }
    create.mutate(body, { onSuccess: (created) => props.onCreated(created.signing_secret) });
  };

  return (
    <form onSubmit={submit} noValidate data-testid="connection-form">
      <Stack gap="sm">
        <TextInput
          label={t('connections.name')}
          required
          maxLength={200}
          value={name}
          error={missing === 'name' ? t('connections.required') : undefined}
          onChange={(e) => {
            setName(e.currentTarget.value);
            if (missing === 'name') setMissing(null);
          }}
          data-testid="connection-name"
        />
        <NativeSelect
          label={t('connections.provider')}
          value={provider}
          onChange={(e) => {
            setProvider(e.currentTarget.value as ConnectionProvider);
            setMissing(null);
            create.reset();
          }}
          data={PROVIDERS.map((p) => ({ value: p, label: t(`connections.provider.${p}`) }))}
          data-testid="connection-provider"
        />
        <Text size="sm">{t(`connections.about.${provider}`)}</Text>
        {fields.map(({ field, required, secret }) => {
          const common = {
            label: t(`connections.field.${field}` as MessageKey),
            required,
            value: values[field] ?? '',
            error:
              missing === field
                ? t('connections.required')
                : refused?.field === field
                  ? t(refused.text)
                  : undefined,
            onChange: (e: { currentTarget: { value: string } }) => {
              setValues({ ...values, [field]: e.currentTarget.value });
              if (missing === field) setMissing(null);
              if (refused?.field === field) create.reset();
            },
            'data-testid': `connection-${field.replaceAll('_', '-')}`,
          };
          return secret ? (
            <PasswordInput key={field} {...common} autoComplete="off" />
          ) : (
            <TextInput key={field} {...common} />
          );
        })}
        <FormError error={create.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            {t('connections.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="connection-save">
            {t('connections.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
