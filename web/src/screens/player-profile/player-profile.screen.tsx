import { Alert, Badge, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { ScrollTable } from '../../components/scroll-table.tsx';
import type { ReactNode } from 'react';
import { errorText } from '../../api/errors.ts';
import {
  type Activity,
  type Player,
  usePlayer,
  usePlayerActivity,
  usePlayerConsents,
  usePlayerMessages,
} from '../../data/players.queries.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { type MessageKey, type Translate, useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link } from '../../router.tsx';
import { playerName } from '../players/players-table.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';

/** One player: profile fields, activity timeline, consent records and messages. */
export function PlayerProfileScreen({ property, id }: ShellContext & { id: string }) {
  const { t } = useI18n();
  return (
    <Stack>
      <Link to={`${BASE}/players`} data-testid="back-to-players">
        {t('profile.back')}
      </Link>
      {property ? (
        <Profile key={property.id} propertyId={property.id} id={id} />
      ) : (
        <Text>{t('players.no_property')}</Text>
      )}
    </Stack>
  );
}

const FIELDS = [
  'player_id',
  'email',
  'phone',
  'tier',
  'adt',
  'coin_in',
  'state',
  'country',
  'timezone',
  'date_of_birth',
  'plays',
  'prizes_won',
  'last_score',
] as const satisfies readonly (keyof Player)[];

function Profile({ propertyId, id }: { propertyId: string; id: string }) {
  const { t, lang } = useI18n();
  const player = usePlayer(propertyId, id);
  const activity = usePlayerActivity(propertyId, id);
  const consents = usePlayerConsents(propertyId, player.data?.id);
  const messages = usePlayerMessages(propertyId, player.data?.id);
  if (player.error) return <Alert color="red">{errorText(player.error, t)}</Alert>;
  if (!player.data) return <Text>{t('common.loading')}</Text>;
  const p = player.data;

  return (
    <>
      <Title order={1} size="h2" data-testid="profile-title">
        {playerName(p)} <Badge variant="outline">{t(`players.status.${p.status}`)}</Badge>
      </Title>
      <Section title={t('profile.details')}>
        <SimpleGrid cols={{ base: 2, sm: 3 }} spacing="xs" data-testid="profile-fields">
          {FIELDS.map((field) => (
            <div key={field}>
              <Text size="sm" fw={600}>
                {t(`players.field.${field}`)}
              </Text>
              <Text data-testid={`profile-${field}`}>{p[field] ?? '–'}</Text>
            </div>
          ))}
          <div>
            <Text size="sm" fw={600}>
              {t('players.field.last_played_at')}
            </Text>
            <Text>{formatDateTime(p.last_played_at, lang)}</Text>
          </div>
          <div>
            <Text size="sm" fw={600}>
              {t('players.field.created_at')}
            </Text>
            <Text>{formatDateTime(p.created_at, lang)}</Text>
          </div>
        </SimpleGrid>
      </Section>

      <Section title={t('profile.timeline')} error={activity.error}>
        {activity.data?.length ? (
          <ScrollTable label={t('profile.timeline')} minWidth={480}>
            <Table data-testid="timeline">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('profile.when')}</Table.Th>
                  <Table.Th>{t('profile.what')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {activity.data.map((row) => (
                  <Table.Tr key={row.event_id}>
                    <Table.Td>{formatDateTime(row.occurred_at, lang)}</Table.Td>
                    <Table.Td>{describe(row, t)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        ) : (
          activity.data && <Text data-testid="timeline-empty">{t('profile.timeline_empty')}</Text>
        )}
      </Section>

      <Section title={t('profile.consents')} error={consents.error}>
        {consents.data?.length ? (
          <ScrollTable label={t('profile.consents')} minWidth={480}>
            <Table data-testid="consents">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('profile.when')}</Table.Th>
                  <Table.Th>{t('profile.channel')}</Table.Th>
                  <Table.Th>{t('profile.consent')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {consents.data.map((row) => (
                  <Table.Tr key={String(row.id)}>
                    <Table.Td>{formatDateTime(text(row.recorded_at), lang)}</Table.Td>
                    <Table.Td>{`${text(row.channel) ?? ''} ${text(row.address) ?? ''}`}</Table.Td>
                    <Table.Td>
                      {[row.action, row.consent_type, row.purpose]
                        .map(text)
                        .filter(Boolean)
                        .join(' · ')}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        ) : (
          consents.data && <Text data-testid="consents-empty">{t('profile.consents_empty')}</Text>
        )}
      </Section>

      <Section title={t('profile.messages')} error={messages.error}>
        {messages.data?.length ? (
          <ScrollTable label={t('profile.messages')} minWidth={480}>
            <Table data-testid="messages">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('profile.when')}</Table.Th>
                  <Table.Th>{t('profile.channel')}</Table.Th>
                  <Table.Th>{t('profile.subject')}</Table.Th>
                  <Table.Th>{t('profile.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {messages.data.map((row) => (
                  <Table.Tr key={row.id}>
                    <Table.Td>{formatDateTime(row.created_at, lang)}</Table.Td>
                    <Table.Td>{row.channel}</Table.Td>
                    <Table.Td>{row.subject ?? '–'}</Table.Td>
                    <Table.Td>
                      {row.status}
                      {row.skip_reasons.length > 0 && ` (${row.skip_reasons.join(', ')})`}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        ) : (
          messages.data && <Text data-testid="messages-empty">{t('profile.messages_empty')}</Text>
        )}
      </Section>
    </>
  );
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const EVENTS: Readonly<Record<string, MessageKey>> = {
  'play.started': 'profile.event.play_started',
  'play.completed': 'profile.event.play_completed',
  'prize.won': 'profile.event.prize_won',
  'prize.claimed': 'profile.event.prize_claimed',
  'session.consumed': 'profile.event.session_consumed',
};

/** A timeline row in words: the DailyPlay events by name, a casino event by its own name. */
function describe(row: Activity, t: Translate): string {
  const key = EVENTS[row.type];
  if (!key) return t('profile.event.casino', { name: row.type.replace(/^event\./, '') });
  return row.summary.score === undefined ? t(key) : `${t(key)} (${row.summary.score})`;
}

function Section(props: { title: string; error?: unknown; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <Paper withBorder p="md" radius="md" component="section">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {props.title}
        </Title>
        {props.error ? <Alert color="red">{errorText(props.error, t)}</Alert> : props.children}
      </Stack>
    </Paper>
  );
}
