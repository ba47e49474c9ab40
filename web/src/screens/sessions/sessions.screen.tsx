import {
  Alert,
  Button,
  Group,
  NativeSelect,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError, errorText } from '../../api/errors.ts';
import { useGames } from '../../data/games.queries.ts';
import {
  type SessionFilter,
  type SessionStatus,
  sessionKey,
  useSessions,
} from '../../data/sessions.queries.ts';
import { useStreams } from '../../data/streams.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link } from '../../router.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { SessionsTable } from './sessions-table.tsx';

const STATUSES: readonly SessionStatus[] = ['active', 'consumed', 'expired', 'revoked'];
const KEY_PATTERN = /^dpk_[0-9a-f]{40}$/;

/**
 * The organization's one-time play sessions, searched by status, game and reference. The API
 * lists sessions to a dpk_ key only (GET /api/org-api-keys/sessions), so the user pastes one of
 * the organization's keys; it stays in this tab's memory.
 */
export function SessionsScreen({ org }: ShellContext) {
  // A key is the organization's: switching organization starts again from the key form.
  return <OrgSessions key={org.id} org={org} />;
}

function OrgSessions({ org }: { org: ShellContext['org'] }) {
  const { t } = useI18n();
  const [key, setKey] = useState(() => sessionKey.get(org.id));
  const use = (next: string) => {
    sessionKey.set(org.id, next);
    setKey(next);
  };

  return (
    <Stack>
      <Title order={1} size="h2" data-testid="sessions-title">
        {t('sessions.heading')}
      </Title>
      <Text>{t('sessions.intro')}</Text>
      {key ? (
        <>
          <Group gap="sm">
            <Text size="sm" data-testid="sessions-key-in-use">
              {t('sessions.key_in_use', { prefix: key.slice(0, 8) })}
            </Text>
            <Button
              size="xs"
              variant="default"
              onClick={() => use('')}
              data-testid="sessions-forget-key"
            >
              {t('sessions.forget_key')}
            </Button>
          </Group>
          <Sessions
            key={`${org.id}:${key}`}
            orgId={org.id}
            apiKey={key}
            onRefused={() => use('')}
          />
        </>
      ) : (
        <KeyForm admin={roleAtLeast(org.role, 'Admin')} onKey={use} />
      )}
    </Stack>
  );
}

function KeyForm({ admin, onKey }: { admin: boolean; onKey: (key: string) => void }) {
  const { t } = useI18n();
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState(false);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const key = value.trim();
    if (!KEY_PATTERN.test(key)) return setInvalid(true);
    onKey(key);
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="sessions-key-title">
      <form onSubmit={submit} noValidate data-testid="sessions-key-form">
        <Stack gap="sm">
          <Title order={2} size="h4" id="sessions-key-title">
            {t('sessions.key_title')}
          </Title>
          <Text size="sm">{t('sessions.key_why')}</Text>
          <Group align="flex-end" gap="xs">
            <PasswordInput
              label={t('sessions.key_label')}
              placeholder="dpk_…"
              value={value}
              w={{ base: '100%', sm: 420 }}
              autoComplete="off"
              error={invalid ? t('sessions.key_invalid') : undefined}
              onChange={(e) => {
                setValue(e.currentTarget.value);
                setInvalid(false);
              }}
              data-testid="sessions-key"
            />
            <Button type="submit" data-testid="sessions-key-use">
              {t('sessions.key_use')}
            </Button>
          </Group>
          <Text size="sm">
            {admin ? (
              <Link to={`${BASE}/api-keys`}>{t('sessions.key_make')}</Link>
            ) : (
              t('sessions.key_ask')
            )}
          </Text>
        </Stack>
      </form>
    </Paper>
  );
}

function Sessions(props: { orgId: number; apiKey: string; onRefused: () => void }) {
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
  const sessions = useSessions(props.orgId, props.apiKey, filter, cursor);
  const refused = sessions.error instanceof ApiError && sessions.error.status === 401;

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
      {refused ? (
        <Alert color="red" role="alert" data-testid="sessions-error">
          <Stack gap="xs" align="flex-start">
            <span>{t('sessions.key_refused')}</span>
            <Button size="xs" variant="default" onClick={props.onRefused}>
              {t('sessions.key_other')}
            </Button>
          </Stack>
        </Alert>
      ) : sessions.error ? (
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
