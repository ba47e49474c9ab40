import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import {
  type Connection,
  useConnections,
  useDeleteConnection,
  useSetConnectionEnabled,
} from '../../data/connections.queries.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { ConnectionForm } from './connection-form.tsx';

/** Where a connection sends: its URL, Braze endpoint or Segment host. */
const destination = (c: Connection) =>
  c.url ?? c.rest_endpoint ?? c.api_host ?? (c.provider === 'segment' ? 'api.segment.io' : '–');

/**
 * The organization's outbound connections (webhooks and integrations). Every member reads
 * them; Owners and Admins add, pause and delete them (they hold credentials).
 */
export function ConnectionsScreen({ org }: ShellContext) {
  const { t, lang } = useI18n();
  const admin = roleAtLeast(org.role, 'Admin');
  const connections = useConnections(org.id);
  const setEnabled = useSetConnectionEnabled(org.id);
  const remove = useDeleteConnection(org.id);
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Connection | null>(null);

  const health = (c: Connection) => {
    if (!c.enabled) {
      return t(`connections.disabled.${c.disabled_reason ?? 'manual'}`);
    }
    if (c.failing_since) {
      return t('connections.failing_since', { at: formatDateTime(c.failing_since, lang) });
    }
    return c.last_success_at
      ? t('connections.last_success', { at: formatDateTime(c.last_success_at, lang) })
      : t('connections.nothing_sent');
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2" data-testid="connections-title">
          {t('connections.heading')}
        </Title>
        {admin && (
          <Button onClick={() => setAdding(true)} data-testid="connection-new">
            {t('connections.new')}
          </Button>
        )}
      </Group>
      <Text>{t('connections.intro')}</Text>
      {!admin && (
        <Alert color="gray" data-testid="connections-read-only">
          {t('connections.read_only')}
        </Alert>
      )}
      {connections.error ? (
        <Alert color="red">{errorText(connections.error, t)}</Alert>
      ) : connections.data?.length ? (
        <ScrollTable label={t('connections.heading')} minWidth={880}>
          <Table data-testid="connections-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('connections.name')}</Table.Th>
                <Table.Th>{t('connections.provider')}</Table.Th>
                <Table.Th>{t('connections.destination')}</Table.Th>
                <Table.Th>{t('connections.status')}</Table.Th>
                <Table.Th>{t('connections.added')}</Table.Th>
                {admin && <Table.Th>{t('connections.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {connections.data.map((c) => (
                <Table.Tr key={c.id} data-testid="connection-row">
                  <Table.Td>{c.name}</Table.Td>
                  <Table.Td>{t(`connections.provider.${c.provider}`)}</Table.Td>
                  <Table.Td style={{ wordBreak: 'break-all' }}>
                    <code>{destination(c)}</code>
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="outline"
                      color={!c.enabled ? 'gray.7' : c.failing_since ? 'red.9' : 'blue'}
                      data-testid="connection-status"
                    >
                      {t(c.enabled ? 'connections.on' : 'connections.off')}
                    </Badge>
                    <Text size="xs" mt={4} data-testid="connection-health">
                      {health(c)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDateTime(c.created_at, lang)}</Table.Td>
                  {admin && (
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          loading={setEnabled.isPending && setEnabled.variables.id === c.id}
                          onClick={() => setEnabled.mutate({ id: c.id, enabled: !c.enabled })}
                          aria-label={t(
                            c.enabled ? 'connections.pause_named' : 'connections.resume_named',
                            { name: c.name },
                          )}
                          data-testid={c.enabled ? 'connection-pause' : 'connection-resume'}
                        >
                          {t(c.enabled ? 'connections.pause' : 'connections.resume')}
                        </Button>
                        <Button
                          size="xs"
                          variant="light"
                          color="red"
                          onClick={() => setDeleting(c)}
                          aria-label={t('connections.delete_named', { name: c.name })}
                          data-testid="connection-delete"
                        >
                          {t('connections.delete')}
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : (
        connections.data && (
          <Text data-testid="connections-empty">
            {t(admin ? 'connections.empty_admin' : 'connections.empty_view')}
          </Text>
        )
      )}
      {(setEnabled.error ?? remove.error) && (
        <Alert color="red" role="alert" data-testid="connections-error">
          {errorText(setEnabled.error ?? remove.error, t)}
        </Alert>
      )}

      <Modal
        opened={adding}
        onClose={() => setAdding(false)}
        closeButtonProps={{ 'aria-label': t('connections.close') }}
        title={t('connections.new_title')}
        size="lg"
      >
        {adding && (
          <ConnectionForm
            orgId={org.id}
            onCancel={() => setAdding(false)}
            onCreated={(signing) => {
              setAdding(false);
              setSecret(signing);
            }}
          />
        )}
      </Modal>

      <Modal
        opened={secret !== null}
        onClose={() => setSecret(null)}
        closeButtonProps={{ 'aria-label': t('connections.close') }}
        title={t('connections.secret_title')}
        closeOnClickOutside={false}
        size="lg"
      >
        <Stack data-testid="connection-secret-modal">
          <Alert color="yellow">{t('connections.secret_once')}</Alert>
          <Code block data-testid="connection-secret" style={{ wordBreak: 'break-all' }}>
            {secret}
          </Code>
          <Group justify="space-between">
            <CopyButton value={secret ?? ''}>
              {({ copied, copy }) => (
                <Button onClick={copy}>
                  {copied ? t('connections.copied') : t('connections.copy')}
                </Button>
              )}
            </CopyButton>
            <Button
              variant="default"
              onClick={() => setSecret(null)}
              data-testid="connection-secret-done"
            >
              {t('connections.secret_done')}
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        closeButtonProps={{ 'aria-label': t('connections.close') }}
        title={t('connections.delete_title', { name: deleting?.name ?? '' })}
      >
        <Stack>
          <Text>{t('connections.delete_warning')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              {t('connections.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              data-testid="connection-delete-confirm"
              onClick={() => {
                if (deleting) remove.mutate(deleting.id, { onSettled: () => setDeleting(null) });
              }}
            >
              {t('connections.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
