import { Alert, Badge, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import { type Game, useGames } from '../../data/games.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { GameForm } from './game-form.tsx';
import { PrizesForm } from './prizes-form.tsx';

/** The organization's games; Editors and above create them from a template and edit them. */
export function GamesScreen({ org }: ShellContext) {
  const { t } = useI18n();
  const games = useGames(org.id);
  const editor = roleAtLeast(org.role, 'Editor');
  // undefined: no form open; null: a new game; a game: editing it.
  const [editing, setEditing] = useState<Game | null | undefined>(undefined);
  const [prizesOf, setPrizesOf] = useState<Game | undefined>(undefined);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2" data-testid="games-title">
          {t('games.heading')}
        </Title>
        {editor && (
          <Button onClick={() => setEditing(null)} data-testid="game-new">
            {t('games.new')}
          </Button>
        )}
      </Group>
      {games.error ? (
        <Alert color="red">{errorText(games.error, t)}</Alert>
      ) : games.data?.length ? (
        <ScrollTable label={t('games.heading')} minWidth={560}>
          <Table data-testid="games-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('games.title_field')}</Table.Th>
                <Table.Th>{t('games.template')}</Table.Th>
                <Table.Th>{t('games.status')}</Table.Th>
                <Table.Th>{t('games.prizes')}</Table.Th>
                {editor && <Table.Th>{t('games.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {games.data.map((game) => (
                <Table.Tr key={game.id} data-testid="game-row">
                  <Table.Td>{game.title}</Table.Td>
                  <Table.Td>{t(`games.template.${game.template}`)}</Table.Td>
                  <Table.Td>
                    <Badge variant="outline">{t(`status.${game.status}`)}</Badge>
                  </Table.Td>
                  <Table.Td>
                    {t(game.prize_enabled ? 'games.prizes_on' : 'games.prizes_off')}
                  </Table.Td>
                  {editor && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="default"
                        onClick={() => setEditing(game)}
                        aria-label={t('games.edit_named', { title: game.title })}
                        data-testid="game-edit"
                      >
                        {t('games.edit')}
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        ml="xs"
                        onClick={() => setPrizesOf(game)}
                        aria-label={t('games.prizes_named', { title: game.title })}
                        data-testid="game-prizes"
                      >
                        {t('games.prizes')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : (
        games.data && (
          <Text data-testid="games-empty">
            {t(editor ? 'home.games_empty_edit' : 'home.games_empty_view')}
          </Text>
        )
      )}
      <Modal
        opened={editing !== undefined}
        onClose={() => setEditing(undefined)}
        closeButtonProps={{ 'aria-label': t('games.close') }}
        title={editing ? t('games.edit_title') : t('games.new_title')}
        size="xl"
      >
        {editing !== undefined && (
          <GameForm
            key={editing?.id ?? 'new'}
            orgId={org.id}
            game={editing ?? undefined}
            onDone={() => setEditing(undefined)}
          />
        )}
      </Modal>
      <Modal
        opened={prizesOf !== undefined}
        onClose={() => setPrizesOf(undefined)}
        closeButtonProps={{ 'aria-label': t('games.close') }}
        title={t('games.prizes_title', { title: prizesOf?.title ?? '' })}
        size="lg"
      >
        {prizesOf && <PrizesForm game={prizesOf} onDone={() => setPrizesOf(undefined)} />}
      </Modal>
    </Stack>
  );
}
