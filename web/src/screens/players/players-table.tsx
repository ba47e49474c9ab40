import { Alert, Badge, Group, Pagination, Table, Text } from '@mantine/core';
import { ScrollTable } from '../../components/scroll-table.tsx';
import type { ReactNode } from 'react';
import { errorText } from '../../api/errors.ts';
import type { Player, PlayerPage } from '../../data/players.queries.ts';
import { formatCount, formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link } from '../../router.tsx';

export const PAGE_SIZE = 25;

/** What a marketer calls the player: the name, else the email, else the casino's id. */
export function playerName(player: Player): string {
  const name = [player.first_name, player.last_name].filter(Boolean).join(' ');
  return name || player.email || player.player_id || player.id.slice(0, 8);
}

/**
 * One page of players (a filter's or a segment's) with the total and paging; a row's name
 * opens the player's profile. `empty` is shown when nothing matches.
 */
export function PlayersTable(props: {
  page: PlayerPage | undefined;
  error: unknown;
  offset: number;
  onOffset: (offset: number) => void;
  empty: ReactNode;
}) {
  const { t, lang } = useI18n();
  const { page, offset } = props;
  if (props.error) {
    return (
      <Alert color="red" role="alert" data-testid="players-error">
        {errorText(props.error, t)}
      </Alert>
    );
  }
  if (!page) return <Text>{t('common.loading')}</Text>;
  const total = page.total;
  const pages = total === null ? 1 : Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <>
      <Text fw={600} data-testid="players-total" aria-live="polite">
        {total === null
          ? t('players.total_unknown')
          : t(page.countType === 'planned' ? 'players.total_about' : 'players.total', {
              count: formatCount(total, lang),
            })}
      </Text>
      {page.players.length === 0 ? (
        <Text data-testid="players-empty">{props.empty}</Text>
      ) : (
        <ScrollTable label={t('players.title_none')} minWidth={640}>
          <Table striped data-testid="players-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('players.col.name')}</Table.Th>
                <Table.Th>{t('players.col.email')}</Table.Th>
                <Table.Th>{t('players.col.tier')}</Table.Th>
                <Table.Th>{t('players.col.status')}</Table.Th>
                <Table.Th>{t('players.col.plays')}</Table.Th>
                <Table.Th>{t('players.col.last_played')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {page.players.map((player) => (
                <Table.Tr key={player.id} data-testid="player-row">
                  <Table.Td>
                    <Link to={`${BASE}/players/${player.id}`} data-testid="player-link">
                      {playerName(player)}
                    </Link>
                  </Table.Td>
                  <Table.Td>{player.email ?? '–'}</Table.Td>
                  <Table.Td>{player.tier ?? '–'}</Table.Td>
                  <Table.Td>
                    <Badge variant="outline">{t(`players.status.${player.status}`)}</Badge>
                  </Table.Td>
                  <Table.Td>{player.plays}</Table.Td>
                  <Table.Td>{formatDateTime(player.last_played_at, lang)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
      {pages > 1 && (
        <Group justify="flex-end">
          <Pagination
            total={pages}
            value={Math.floor(offset / PAGE_SIZE) + 1}
            onChange={(n) => props.onOffset((n - 1) * PAGE_SIZE)}
            getControlProps={(control) => ({
              'aria-label': t(`players.page_${control}`),
            })}
            getItemProps={(n) => ({ 'aria-label': t('players.page_n', { page: n }) })}
            data-testid="players-pages"
          />
        </Group>
      )}
    </>
  );
}
