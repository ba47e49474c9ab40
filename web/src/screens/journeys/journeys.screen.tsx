import {
  Alert,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError, errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import { useCreateJourney, useJourneys, useJourneysStats } from '../../data/journeys.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link, navigate } from '../../router.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { PropertyScreen } from '../shell/property-screen.tsx';
import { newTrigger, TRIGGERS } from './graph-settings.tsx';

/** The property's journeys with status, live version and counts; Editors and up create one. */
export function JourneysScreen(ctx: ShellContext) {
  const { t } = useI18n();
  return (
    <PropertyScreen ctx={ctx} name="journeys" title={t('journeys.title')}>
      {(scope) => <Journeys propertyId={scope.propertyId} editor={scope.editor} />}
    </PropertyScreen>
  );
}

function Journeys({ propertyId, editor }: { propertyId: string; editor: boolean }) {
  const { t } = useI18n();
  const journeys = useJourneys(propertyId);
  const stats = useJourneysStats(
    propertyId,
    (journeys.data ?? []).map((j) => j.id),
  );
  return (
    <>
      <Paper withBorder p="md" radius="md" component="section">
        <Stack gap="sm">
          <Text size="sm">{t('journeys.intro')}</Text>
          {journeys.error ? (
            <Alert color="red">{errorText(journeys.error, t)}</Alert>
          ) : !journeys.data ? (
            <Text>{t('common.loading')}</Text>
          ) : journeys.data.length === 0 ? (
            <Text data-testid="journeys-empty">
              {t(editor ? 'journeys.empty_edit' : 'journeys.empty_view')}
            </Text>
          ) : (
            <ScrollTable label={t('journeys.title')} minWidth={560}>
              <Table data-testid="journeys-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('journeys.col.name')}</Table.Th>
                    <Table.Th>{t('journeys.col.status')}</Table.Th>
                    <Table.Th>{t('journeys.col.version')}</Table.Th>
                    <Table.Th>{t('journeys.col.entered')}</Table.Th>
                    <Table.Th>{t('journeys.col.active')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {journeys.data.map((journey, i) => {
                    const counts = stats[i]?.data;
                    return (
                      <Table.Tr key={journey.id} data-testid="journey-row">
                        <Table.Td>
                          <Link to={`${BASE}/journeys/${journey.id}`} data-testid="journey-link">
                            {journey.name}
                          </Link>
                        </Table.Td>
                        <Table.Td>
                          <Badge variant="light" c="dark">
                            {t(`journeys.status.${journey.status}`)}
                          </Badge>
                        </Table.Td>
                        <Table.Td>{journey.version ?? '—'}</Table.Td>
                        <Table.Td data-testid="journey-entered">{counts?.entered ?? '…'}</Table.Td>
                        <Table.Td data-testid="journey-active">
                          {counts ? counts.active + counts.waiting : '…'}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          )}
        </Stack>
      </Paper>
      {editor && <CreateJourney propertyId={propertyId} />}
    </>
  );
}

/** A new draft: a name and what brings players in; its first step is an exit to build from. */
function CreateJourney({ propertyId }: { propertyId: string }) {
  const { t } = useI18n();
  const create = useCreateJourney(propertyId);
  const [name, setName] = useState('');
  const [trigger, setTrigger] = useState('api');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        graph: {
          trigger: newTrigger(trigger),
          start: 'exit_1',
          nodes: { exit_1: { type: 'exit' } },
        },
      },
      { onSuccess: (journey) => navigate(`${BASE}/journeys/${journey.id}`) },
    );
  };
  return (
    <Paper withBorder p="md" radius="md" component="section">
      <form onSubmit={submit} data-testid="journey-form" noValidate>
        <Stack gap="sm" maw={560}>
          <Title order={2} size="h4">
            {t('journeys.create_title')}
          </Title>
          <TextInput
            label={t('journeys.col.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-testid="journey-name"
          />
          <Select
            label={t('journeys.settings.trigger')}
            description={t('journeys.create_trigger_hint')}
            allowDeselect={false}
            value={trigger}
            data-testid="journey-trigger"
            data={TRIGGERS.filter((type) => type !== 'event' && type !== 'segment_entered').map(
              (type) => ({ value: type, label: t(`journeys.trigger.${type}`) }),
            )}
            onChange={(v) => v && setTrigger(v)}
          />
          {create.error ? (
            <Alert color="red" role="alert" data-testid="form-error">
              {create.error instanceof ApiError && create.error.code === 'conflict'
                ? t('journeys.error.name_taken')
                : errorText(create.error, t)}
            </Alert>
          ) : null}
          <Group>
            <Button type="submit" loading={create.isPending} data-testid="journey-create">
              {t('journeys.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
