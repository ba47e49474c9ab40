import {
  Alert,
  Anchor,
  Badge,
  Button,
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
import { useGames } from '../../data/games.queries.ts';
import { type Stream, useStreams } from '../../data/streams.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { StreamForm } from './stream-form.tsx';

/** The organization's streams with their public links; Editors and above create and edit them. */
export function StreamsScreen({ org }: ShellContext) {
  const { t } = useI18n();
  const streams = useStreams(org.id);
  const games = useGames(org.id);
  const editor = roleAtLeast(org.role, 'Editor');
  // undefined: no form open; null: a new stream; a stream: editing it.
  const [editing, setEditing] = useState<Stream | null | undefined>(undefined);
  const noGames = games.data?.length === 0;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2" data-testid="streams-title">
          {t('streams.heading')}
        </Title>
        {editor && (
          <Button onClick={() => setEditing(null)} disabled={!games.data} data-testid="stream-new">
            {t('streams.new')}
          </Button>
        )}
      </Group>
      {streams.error ? (
        <Alert color="red">{errorText(streams.error, t)}</Alert>
      ) : streams.data?.length ? (
        <ScrollTable label={t('streams.heading')} minWidth={640}>
          <Table data-testid="streams-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('streams.name')}</Table.Th>
                <Table.Th>{t('streams.status')}</Table.Th>
                <Table.Th>{t('streams.games')}</Table.Th>
                <Table.Th>{t('streams.plays')}</Table.Th>
                <Table.Th>{t('streams.link')}</Table.Th>
                {editor && <Table.Th>{t('streams.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {streams.data.map((stream) => (
                <Table.Tr key={stream.id} data-testid="stream-row">
                  <Table.Td>{stream.name}</Table.Td>
                  <Table.Td>
                    <Badge variant="outline">{t(`status.${stream.status}`)}</Badge>
                    <Text size="xs">{t(`streams.availability.${stream.availability}`)}</Text>
                  </Table.Td>
                  <Table.Td>{stream.game_ids.length}</Table.Td>
                  <Table.Td>
                    {stream.max_total_plays === null
                      ? stream.total_plays
                      : `${stream.total_plays} / ${stream.max_total_plays}`}
                  </Table.Td>
                  <Table.Td>
                    <Anchor
                      href={stream.public_url}
                      target="_blank"
                      rel="noopener noreferrer"
                      data-testid="stream-link"
                    >
                      {t('streams.open_page')}
                    </Anchor>
                  </Table.Td>
                  {editor && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setEditing(stream)}
                        aria-label={t('streams.edit_named', { name: stream.name })}
                        data-testid="stream-edit"
                      >
                        {t('streams.edit')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : (
        streams.data && (
          <Text data-testid="streams-empty">
            {t(
              !editor
                ? 'home.streams_empty_view'
                : noGames
                  ? 'streams.empty_no_games'
                  : 'home.streams_empty_edit',
            )}
          </Text>
        )
      )}
      <Modal
        opened={editing !== undefined}
        onClose={() => setEditing(undefined)}
        closeButtonProps={{ 'aria-label': t('streams.close') }}
        title={editing ? t('streams.edit_title') : t('streams.new_title')}
        size="lg"
      >
        {editing !== undefined && (
          <StreamForm
            key={editing?.id ?? 'new'}
            orgId={org.id}
            games={games.data ?? []}
            stream={editing ?? undefined}
            onDone={() => setEditing(undefined)}
          />
        )}
      </Modal>
    </Stack>
  );
}
