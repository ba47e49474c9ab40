import { Badge, Table } from '@mantine/core';
import { ScrollTable } from '../../components/scroll-table.tsx';
import type { Game } from '../../data/games.queries.ts';
import type { Session, SessionStatus } from '../../data/sessions.queries.ts';
import type { Stream } from '../../data/streams.queries.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const COLORS: Record<SessionStatus, string> = {
  active: 'blue',
  consumed: 'teal.9',
  expired: 'gray.7',
  revoked: 'red.9',
};

/** One page of sessions: what it opens, its reference, where it is in its life, and when. */
export function SessionsTable(props: { sessions: Session[]; games: Game[]; streams: Stream[] }) {
  const { t, lang } = useI18n();
  const gameTitle = new Map(props.games.map((g) => [g.id, g.title]));
  const streamName = new Map(props.streams.map((s) => [s.id, s.name]));
  const target = (session: Session) => {
    const parts = [];
    if (session.game_id !== null) {
      parts.push(gameTitle.get(session.game_id) ?? t('sessions.game_n', { id: session.game_id }));
    }
    if (session.stream_id !== null) {
      parts.push(
        t('sessions.in_stream', {
          name: streamName.get(session.stream_id) ?? `#${session.stream_id}`,
        }),
      );
    }
    return parts.join(' · ');
  };
  return (
    <ScrollTable label={t('sessions.heading')} minWidth={960}>
      <Table data-testid="sessions-list">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sessions.created')}</Table.Th>
            <Table.Th>{t('sessions.game')}</Table.Th>
            <Table.Th>{t('sessions.reference')}</Table.Th>
            <Table.Th>{t('sessions.status')}</Table.Th>
            <Table.Th>{t('sessions.played_at')}</Table.Th>
            <Table.Th>{t('sessions.expires')}</Table.Th>
            <Table.Th>{t('sessions.player')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.sessions.map((session) => (
            <Table.Tr key={session.session_id} data-testid="session-row">
              <Table.Td>{formatDateTime(session.created_at, lang)}</Table.Td>
              <Table.Td>{target(session)}</Table.Td>
              <Table.Td data-testid="session-reference">{session.external_ref ?? '–'}</Table.Td>
              <Table.Td>
                <Badge
                  variant="outline"
                  color={COLORS[session.status]}
                  data-testid="session-status"
                >
                  {t(`sessions.status.${session.status}`)}
                </Badge>
              </Table.Td>
              <Table.Td>
                {session.status === 'revoked'
                  ? t('sessions.revoked_at', { at: formatDateTime(session.revoked_at, lang) })
                  : formatDateTime(session.consumed_at, lang)}
              </Table.Td>
              <Table.Td>{formatDateTime(session.expires_at, lang)}</Table.Td>
              <Table.Td>
                {session.player_uuid ? <code>{session.player_uuid.slice(0, 8)}…</code> : '–'}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}
