import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { FormError } from '../../components/form-error.tsx';
import { ScrollTable } from '../../components/scroll-table.tsx';
import type { Property } from '../../data/properties.queries.ts';
import {
  type PropertyKey,
  useCreatePropertyKey,
  usePropertyKeys,
  useRevokePropertyKey,
} from '../../data/property-keys.queries.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ApiKeySecret } from '../api-keys/api-key-secret.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';

type Scope = 'read' | 'write';

/**
 * The chosen property's PlayerOS keys (pk_): a casino system's access to its players, segments,
 * events and messages. Owners and Admins only (the API refuses the others), so the rest get a
 * sentence saying who can.
 */
export function PropertyKeysScreen({ org, property }: ShellContext) {
  const { t } = useI18n();
  const admin = roleAtLeast(org.role, 'Admin');
  return (
    <Stack>
      <Title order={1} size="h2" data-testid="pk-title">
        {t('pk.heading')}
      </Title>
      <Text>{t('pk.intro')}</Text>
      {!property ? (
        <Text data-testid="pk-no-property">{t('pk.no_property')}</Text>
      ) : !admin ? (
        <Alert color="gray" data-testid="pk-not-allowed">
          {t('pk.not_allowed')}
        </Alert>
      ) : (
        <Keys key={property.id} property={property} />
      )}
    </Stack>
  );
}

function Keys({ property }: { property: Property }) {
  const { t, lang } = useI18n();
  const keys = usePropertyKeys(property.id, true);
  const revoke = useRevokePropertyKey();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const when = (iso: string | null) => formatDateTime(iso, lang);
  const scopes = (key: PropertyKey) => key.scopes.map((scope) => t(`pk.scope.${scope}`)).join(', ');

  return (
    <>
      <Group justify="space-between">
        <Text size="sm">{t('pk.for_property', { property: property.name })}</Text>
        <Button onClick={() => setCreating(true)} data-testid="pk-new">
          {t('pk.new')}
        </Button>
      </Group>
      {keys.error ? (
        <Alert color="red">{errorText(keys.error, t)}</Alert>
      ) : keys.data?.length ? (
        <ScrollTable label={t('pk.heading')} minWidth={860}>
          <Table data-testid="pk-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('pk.name')}</Table.Th>
                <Table.Th>{t('pk.prefix')}</Table.Th>
                <Table.Th>{t('pk.status')}</Table.Th>
                <Table.Th>{t('pk.scopes')}</Table.Th>
                <Table.Th>{t('pk.limit')}</Table.Th>
                <Table.Th>{t('pk.last_used')}</Table.Th>
                <Table.Th>{t('pk.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.map((key) => (
                <Table.Tr key={key.id} data-testid="pk-row">
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td>
                    <code>{key.key_prefix}…</code>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="outline"
                      color={key.revoked_at ? 'gray.7' : 'blue.9'}
                      data-testid="pk-status"
                    >
                      {t(key.revoked_at ? 'pk.revoked' : 'pk.active')}
                    </Badge>
                    {key.revoked_at && (
                      <Text size="xs" mt={4}>
                        {when(key.revoked_at)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td data-testid="pk-scopes">{scopes(key)}</Table.Td>
                  <Table.Td>{t('pk.limit_value', { n: key.rate_limit_per_minute })}</Table.Td>
                  <Table.Td>{when(key.last_used_at)}</Table.Td>
                  <Table.Td>
                    {key.revoked_at ? (
                      '–'
                    ) : confirming === key.id ? (
                      <Group gap={4} wrap="nowrap">
                        <Button
                          size="xs"
                          color="red"
                          loading={revoke.isPending}
                          onClick={() =>
                            revoke.mutate(key.id, { onSuccess: () => setConfirming(null) })
                          }
                          data-testid="pk-revoke-confirm"
                        >
                          {t('pk.revoke_confirm')}
                        </Button>
                        <Button size="xs" variant="default" onClick={() => setConfirming(null)}>
                          {t('pk.cancel')}
                        </Button>
                      </Group>
                    ) : (
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        onClick={() => setConfirming(key.id)}
                        aria-label={t('pk.revoke_named', { name: key.name })}
                        data-testid="pk-revoke"
                      >
                        {t('pk.revoke')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : (
        keys.data && <Text data-testid="pk-empty">{t('pk.empty')}</Text>
      )}
      {revoke.error && (
        <Alert color="red" role="alert" data-testid="pk-error">
          {errorText(revoke.error, t)}
        </Alert>
      )}
      <Modal
        opened={creating}
        onClose={() => setCreating(false)}
        closeButtonProps={{ 'aria-label': t('pk.cancel') }}
        title={t('pk.new_title', { property: property.name })}
        size="lg"
      >
        {creating && (
          <KeyForm
            propertyId={property.id}
            onCancel={() => setCreating(false)}
            onCreated={(key) => {
              setCreating(false);
              setSecret(key);
            }}
          />
        )}
      </Modal>
      <ApiKeySecret secret={secret} onClose={() => setSecret(null)} />
    </>
  );
}

function KeyForm(props: {
  propertyId: string;
  onCreated: (key: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const create = useCreatePropertyKey();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read', 'write']);
  const [perMinute, setPerMinute] = useState<number | undefined>(100);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        property_id: props.propertyId,
        name: name.trim(),
        scopes,
        ...(perMinute !== undefined && { rate_limit_per_minute: perMinute }),
      },
      { onSuccess: (created) => props.onCreated(created.key) },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="pk-form">
      <Stack gap="sm">
        <TextInput
          label={t('pk.name')}
          description={t('pk.name_hint')}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          data-testid="pk-name"
        />
        <Checkbox.Group
          label={t('pk.scopes')}
          description={t('pk.scopes_hint')}
          value={scopes}
          onChange={(value) =>
            setScopes(value.filter((v): v is Scope => v === 'read' || v === 'write'))
          }
          required
          data-testid="pk-scopes-input"
        >
          <Stack gap={6} mt={6}>
            <Checkbox value="read" label={t('pk.scope.read_long')} data-testid="pk-scope-read" />
            <Checkbox value="write" label={t('pk.scope.write_long')} data-testid="pk-scope-write" />
          </Stack>
        </Checkbox.Group>
        <NumberInput
          label={t('pk.limit')}
          description={t('pk.limit_hint')}
          min={1}
          max={100_000}
          value={perMinute ?? ''}
          onChange={(v) => setPerMinute(typeof v === 'number' ? v : undefined)}
        />
        <FormError error={create.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            {t('pk.cancel')}
          </Button>
          <Button
            type="submit"
            loading={create.isPending}
            disabled={name.trim() === '' || scopes.length === 0}
            data-testid="pk-create"
          >
            {t('pk.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
