import {
  Alert,
  Button,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { useGames } from '../../data/games.queries.ts';
import {
  type SessionFilter,
  type SessionStatus,
  useSessions,
} from '../../data/sessions.queries.ts';
import { useStreams } from '../../data/streams.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { SessionsTable } from './sessions-table.tsx';

const STATUSES: readonly SessionStatus[] = ['active', 'consumed', 'expired', 'revoked'];

/**
 * The organization's one-time play sessions, searched by status, game, stream and reference
 * (GET /api/sessions with the user's login: Analysts and above).
 */
export function SessionsScreen({ org }: ShellContext) {
  const { t } = useI18n();
  return (
    <Stack>
      <Title order={1} size="h2" data-testid="sessions-title">
        {t('sessions.heading')}
      </Title>
      <Text>{t('sessions.intro')}</Text>
      {roleAtLeast(org.role, 'Analyst') ? (
        <Sessions key={org.id} orgId={org.id} />
      ) : (
        <Text data-testid="sessions-not-allowed">{t('sessions.not_allowed')}</Text>
      )}
    </Stack>
  );
}

function Sessions(props: { orgId: number }) {
  const { t } = useI18n();
  const games = useGames(props.orgId);
  const streams = useStreams(props.orgId);
  const [status, setStatus] = useState('');
  const [gameId, setGameId] = useState('');
  const [streamId, setStreamId] = useState('');
  const [reference, setReference] = useState('');
  const [filter, setFilter] = useState<SessionFilter>({});
  // The cursors of the pages before this one: Back pops, Next pushes.
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const sessions = useSessions(props.orgId, filter, cursor);

  const search = (event: FormEvent) => {
    event.preventDefault();
    const next: SessionFilter = {};
    if (status) next.status = status as SessionStatus;
    if (gameId) next.game_id = Number(gameId);
    if (streamId) next.stream_id = Number(streamId);
    if (reference.trim()) next.external_ref = reference.trim();
    setFilter(next);
    setCursors([undefined]);
  };

  return (
    <>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="sessions-search">
        <form onSubmit={search} noValidate data-testid="sessions-search-form">
          <Stack gap="sm">
            <Title order={2} size="h4" id="sessions-search">
              {t('sessions.search')}
            </Title>
            <Group align="flex-end" gap="xs">
              <NativeSelect
                label={t('sessions.status')}
                value={status}
                onChange={(e) => setStatus(e.currentTarget.value)}
                data={[
                  { value: '', label: t('sessions.any_status') },
                  ...STATUSES.map((s) => ({ value: s, label: t(`sessions.status.${s}`) })),
                ]}
                data-testid="sessions-status"
              />
              <NativeSelect
                label={t('sessions.game')}
                value={gameId}
                onChange={(e) => setGameId(e.currentTarget.value)}
                data={[
                  { value: '', label: t('sessions.any_game') },
                  ...(games.data ?? []).map((g) => ({ value: String(g.id), label: g.title })),
                ]}
                data-testid="sessions-game"
              />
              <NativeSelect
                label={t('sessions.stream')}
                value={streamId}
                onChange={(e) => setStreamId(e.currentTarget.value)}
                data={[
                  { value: '', label: t('sessions.any_stream') },
                  ...(streams.data ?? []).map((st) => ({ value: String(st.id), label: st.name })),
                ]}
                data-testid="sessions-stream"
              />
              <TextInput
                label={t('sessions.reference')}
                description={t('sessions.reference_hint')}
                value={reference}
                onChange={(e) => setReference(e.currentTarget.value)}
                data-testid="sessions-reference"
              />
              <Button type="submit" loading={sessions.isFetching} data-testid="sessions-search">
                {t('sessions.search_button')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      {sessions.error ? (
        <Alert color="red" role="alert" data-testid="sessions-error">
          {errorText(sessions.error, t)}
        </Alert>
      ) : sessions.data ? (
        sessions.data.data.length ? (
          <SessionsTable
            sessions={sessions.data.data}
            games={games.data ?? []}
            streams={streams.data ?? []}
          />
        ) : (
          <Text data-testid="sessions-empty">
            {Object.keys(filter).length ? t('sessions.empty_filter') : t('sessions.empty')}
          </Text>
        )
      ) : null}
      {sessions.data && (cursors.length > 1 || sessions.data.next_cursor !== null) && (
        <Group gap="xs">
          <Button
            variant="default"
            size="xs"
            disabled={cursors.length === 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
            data-testid="sessions-prev"
          >
            {t('sessions.prev')}
          </Button>
          <Text size="sm">{t('sessions.page', { n: cursors.length })}</Text>
          <Button
            variant="default"
            size="xs"
            disabled={sessions.data.next_cursor === null}
            onClick={() => setCursors([...cursors, sessions.data.next_cursor ?? undefined])}
            data-testid="sessions-next"
          >
            {t('sessions.next')}
          </Button>
        </Group>
      )}
    </>
  );
}
