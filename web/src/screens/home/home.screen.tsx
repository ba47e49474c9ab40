import {
  Alert,
  Badge,
  Button,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { FormError } from '../../components/form-error.tsx';
import { useGames } from '../../data/games.queries.ts';
import { useCreateProperty } from '../../data/properties.queries.ts';
import { useStreams } from '../../data/streams.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { useWorkspace } from '../shell/workspace.ts';

/** The organization at a glance: its games, streams and the chosen property's players. */
export function HomeScreen({ org, properties, property }: ShellContext) {
  const { t } = useI18n();
  const games = useGames(org.id);
  const streams = useStreams(org.id);
  const editor = roleAtLeast(org.role, 'Editor');

  return (
    <Stack>
      <Title order={1} size="h2" data-testid="home-title">
        {t('home.title', { org: org.name })}
      </Title>
      <SimpleGrid cols={3} spacing="sm">
        <Stat label={t('home.games')} value={games.data?.length} testId="games-count" />
        <Stat label={t('home.streams')} value={streams.data?.length} testId="streams-count" />
        <Stat
          label={t('home.players')}
          value={property?.usage.rows}
          hint={property && t('home.players_in', { property: property.name })}
          testId="players-count"
        />
      </SimpleGrid>

      <Section title={t('home.games')} error={games.error}>
        {games.data?.length ? (
          <Table data-testid="games-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('home.title_col')}</Table.Th>
                <Table.Th>{t('home.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {games.data.map((game) => (
                <Table.Tr key={game.id}>
                  <Table.Td>{game.title}</Table.Td>
                  <Table.Td>
                    <Badge variant="outline">{t(`status.${game.status}`)}</Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          games.data && (
            <Text data-testid="games-empty">
              {t(editor ? 'home.games_empty_edit' : 'home.games_empty_view')}
            </Text>
          )
        )}
      </Section>

      <Section title={t('home.streams')} error={streams.error}>
        {streams.data?.length ? (
          <Table data-testid="streams-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('home.name_col')}</Table.Th>
                <Table.Th>{t('home.status')}</Table.Th>
                <Table.Th>{t('home.plays_col')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {streams.data.map((stream) => (
                <Table.Tr key={stream.id}>
                  <Table.Td>{stream.name}</Table.Td>
                  <Table.Td>
                    <Badge variant="outline">{t(`status.${stream.status}`)}</Badge>
                  </Table.Td>
                  <Table.Td>{stream.total_plays}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          streams.data && (
            <Text data-testid="streams-empty">
              {t(editor ? 'home.streams_empty_edit' : 'home.streams_empty_view')}
            </Text>
          )
        )}
      </Section>

      {properties?.length === 0 && (
        <Section title={t('home.players')}>
          {roleAtLeast(org.role, 'Admin') ? (
            <Stack data-testid="properties-empty">
              <Text>{t('home.players_empty_admin')}</Text>
              <CreateProperty orgId={org.id} />
            </Stack>
          ) : (
            <Text data-testid="properties-empty">{t('home.players_empty_view')}</Text>
          )}
        </Section>
      )}
      {property?.usage.rows === 0 && (
        <Section title={t('home.players')}>
          <Text data-testid="players-empty">{t('home.no_players')}</Text>
        </Section>
      )}
    </Stack>
  );
}

function Stat(props: {
  label: string;
  value: number | undefined;
  hint?: string | undefined;
  testId: string;
}) {
  return (
    <Paper withBorder p="md" radius="md">
      <Text size="sm" fw={600}>
        {props.label}
      </Text>
      <Text size="xl" fw={700} data-testid={props.testId}>
        {props.value ?? '–'}
      </Text>
      {props.hint && <Text size="sm">{props.hint}</Text>}
    </Paper>
  );
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

function CreateProperty({ orgId }: { orgId: number }) {
  const { t } = useI18n();
  const create = useCreateProperty();
  const { setPropertyId } = useWorkspace();
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState(
    () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { org_id: orgId, name: name.trim(), timezone: timezone.trim() },
      { onSuccess: (property) => setPropertyId(property.id) },
    );
  };
  return (
    <form onSubmit={submit} data-testid="property-form" noValidate>
      <Stack maw={420}>
        <Title order={3} size="h5">
          {t('property.create_title')}
        </Title>
        <TextInput
          label={t('property.name')}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          data-testid="property-name"
        />
        <TextInput
          label={t('property.timezone')}
          required
          value={timezone}
          onChange={(e) => setTimezone(e.currentTarget.value)}
          data-testid="property-timezone"
        />
        <FormError error={create.error} context="property" />
        <Button type="submit" loading={create.isPending} data-testid="property-create">
          {t('property.create')}
        </Button>
      </Stack>
    </form>
  );
}
