import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import {
  type ApiKey,
  useApiKeys,
  useApiKeyUsage,
  useSetApiKeyActive,
} from '../../data/api-keys.queries.ts';
import { useGames } from '../../data/games.queries.ts';
import { useStreams } from '../../data/streams.queries.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { ApiKeyForm } from './api-key-form.tsx';
import { ApiKeySecret } from './api-key-secret.tsx';

/**
 * The organization's DailyPlay keys (dpk_) and their usage log. The API lets Owners and Admins
 * only read or manage them, so the others get a sentence saying who can.
 */
export function ApiKeysScreen({ org }: ShellContext) {
  const { t, lang } = useI18n();
  const admin = roleAtLeast(org.role, 'Admin');
  const keys = useApiKeys(org.id, admin);
  const usage = useApiKeyUsage(org.id, admin);
  const games = useGames(org.id);
  const streams = useStreams(org.id);
  const setActive = useSetApiKeyActive();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);

  const scope = (key: ApiKey) => {
    const parts = [
      key.allowed_game_ids && t('keys.scope_n_games', { n: key.allowed_game_ids.length }),
      key.allowed_stream_ids && t('keys.scope_n_streams', { n: key.allowed_stream_ids.length }),
    ].filter(Boolean);
    return parts.length ? parts.join(', ') : t('keys.scope_all');
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2" data-testid="keys-title">
          {t('keys.heading')}
        </Title>
        {admin && (
          <Button onClick={() => setCreating(true)} data-testid="key-new">
            {t('keys.new')}
          </Button>
        )}
      </Group>
      <Text>{t('keys.intro')}</Text>
      {!admin ? (
        <Alert color="gray" data-testid="keys-not-allowed">
          {t('keys.not_allowed')}
        </Alert>
      ) : keys.error ? (
        <Alert color="red">{errorText(keys.error, t, 'keys')}</Alert>
      ) : keys.data?.length ? (
        <ScrollTable label={t('keys.heading')} minWidth={900}>
          <Table data-testid="keys-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('keys.name')}</Table.Th>
                <Table.Th>{t('keys.prefix')}</Table.Th>
                <Table.Th>{t('keys.status')}</Table.Th>
                <Table.Th>{t('keys.scope')}</Table.Th>
                <Table.Th>{t('keys.limits')}</Table.Th>
                <Table.Th>{t('keys.last_used')}</Table.Th>
                <Table.Th>{t('keys.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.map((key) => (
                <Table.Tr key={key.id} data-testid="key-row">
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td>
                    <code>{key.key_prefix}…</code>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="outline"
                      color={key.is_active ? 'blue' : 'gray'}
                      data-testid="key-status"
                    >
                      {t(key.is_active ? 'keys.active' : 'keys.revoked')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{scope(key)}</Table.Td>
                  <Table.Td>
                    {t('keys.limits_value', {
                      minute: key.rate_limit_per_minute,
                      day: key.rate_limit_per_day,
                    })}
                  </Table.Td>
                  <Table.Td>{formatDateTime(key.last_used_at, lang)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant={key.is_active ? 'light' : 'default'}
                      color={key.is_active ? 'red' : 'blue'}
                      loading={setActive.isPending && setActive.variables.id === key.id}
                      onClick={() =>
                        setActive.mutate({ id: key.id, org_id: org.id, is_active: !key.is_active })
                      }
                      aria-label={t(key.is_active ? 'keys.revoke_named' : 'keys.reactivate_named', {
                        name: key.name,
                      })}
                      data-testid={key.is_active ? 'key-revoke' : 'key-reactivate'}
                    >
                      {t(key.is_active ? 'keys.revoke' : 'keys.reactivate')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : (
        keys.data && <Text data-testid="keys-empty">{t('keys.empty')}</Text>
      )}
      {setActive.error && (
        <Alert color="red" role="alert">
          {errorText(setActive.error, t, 'keys')}
        </Alert>
      )}

      {admin && (
        <Paper withBorder p="md" radius="md" component="section">
          <Stack gap="sm">
            <Group justify="space-between">
              <Title order={2} size="h4">
                {t('keys.usage')}
              </Title>
              <Button
                size="xs"
                variant="default"
                onClick={() => void usage.refetch()}
                loading={usage.isFetching}
                data-testid="usage-refresh"
              >
                {t('keys.usage_refresh')}
              </Button>
            </Group>
            {usage.error ? (
              <Alert color="red">{errorText(usage.error, t, 'keys')}</Alert>
            ) : usage.data?.length ? (
              <ScrollTable label={t('keys.usage')} minWidth={640}>
                <Table data-testid="usage-list">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('keys.usage_when')}</Table.Th>
                      <Table.Th>{t('keys.prefix')}</Table.Th>
                      <Table.Th>{t('keys.usage_action')}</Table.Th>
                      <Table.Th>{t('keys.usage_outcome')}</Table.Th>
                      <Table.Th>{t('keys.usage_count')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {usage.data.map((entry) => (
                      <Table.Tr key={entry.id} data-testid="usage-row">
                        <Table.Td>{formatDateTime(entry.created_at, lang)}</Table.Td>
                        <Table.Td>
                          <code>{entry.key_prefix}…</code>
                        </Table.Td>
                        <Table.Td>{entry.action}</Table.Td>
                        <Table.Td>{`${entry.outcome} (${entry.status_code})`}</Table.Td>
                        <Table.Td>{entry.count}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollTable>
            ) : (
              usage.data && <Text data-testid="usage-empty">{t('keys.usage_empty')}</Text>
            )}
          </Stack>
        </Paper>
      )}

      <Modal
        opened={creating}
        onClose={() => setCreating(false)}
        closeButtonProps={{ 'aria-label': t('keys.close') }}
        title={t('keys.new_title')}
        size="lg"
      >
        {creating && (
          <ApiKeyForm
            orgId={org.id}
            games={games.data ?? []}
            streams={streams.data ?? []}
            onCancel={() => setCreating(false)}
            onCreated={(key) => {
              setCreating(false);
              setSecret(key.key);
            }}
          />
        )}
      </Modal>
      <ApiKeySecret secret={secret} onClose={() => setSecret(null)} />
    </Stack>
  );
}
