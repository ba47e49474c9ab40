import { Alert, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { FormError } from '../../components/form-error.tsx';
import { usePlayers } from '../../data/players.queries.ts';
import type { Property } from '../../data/properties.queries.ts';
import { type Segment, useSaveSegment } from '../../data/segments.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link } from '../../router.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { FilterBuilder } from './filter-builder.tsx';
import { type FilterRow, toFilter } from './filter.ts';
import { PAGE_SIZE, PlayersTable } from './players-table.tsx';

/** The chosen property's players: a filter builder, the matching page and its total. */
export function PlayersScreen({ org, property }: ShellContext) {
  const { t } = useI18n();
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2" data-testid="players-title">
          {property ? t('players.title', { property: property.name }) : t('players.title_none')}
        </Title>
        {property && roleAtLeast(org.role, 'Editor') && (
          <Button component={Link} to={`${BASE}/players/import`} data-testid="players-import">
            {t('import.open')}
          </Button>
        )}
      </Group>
      {property ? (
        <Players key={property.id} property={property} editor={roleAtLeast(org.role, 'Editor')} />
      ) : (
        <Text data-testid="players-no-property">{t('players.no_property')}</Text>
      )}
    </Stack>
  );
}

function Players({ property, editor }: { property: Property; editor: boolean }) {
  const { t } = useI18n();
  const [rows, setRows] = useState<FilterRow[]>([]);
  const [offset, setOffset] = useState(0);
  // Typing a value asks the API once the typing pauses, not once per key.
  const [filter] = useDebouncedValue(toFilter(rows), 300);
  const players = usePlayers(property.id, {
    filter,
    order: 'created_at.desc',
    limit: PAGE_SIZE,
    offset,
  });

  return (
    <>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="filter-title">
        <Stack gap="sm">
          <Title order={2} size="h4" id="filter-title">
            {t('players.filter.title')}
          </Title>
          <Text size="sm">{t('players.filter.intro')}</Text>
          <FilterBuilder
            rows={rows}
            onChange={(next) => {
              setRows(next);
              setOffset(0);
            }}
          />
          {editor && filter !== '' && <SaveSegment propertyId={property.id} filter={filter} />}
        </Stack>
      </Paper>
      <Paper withBorder p="md" radius="md" component="section">
        <Stack gap="sm">
          <PlayersTable
            page={players.data}
            error={players.error}
            offset={offset}
            onOffset={setOffset}
            empty={filter === '' ? t('players.empty') : t('players.empty_filter')}
          />
        </Stack>
      </Paper>
    </>
  );
}

function SaveSegment({ propertyId, filter }: { propertyId: string; filter: string }) {
  const { t } = useI18n();
  const save = useSaveSegment(propertyId);
  const [name, setName] = useState('');
  // The last segment saved stays linked while the user goes on filtering and saving.
  const [saved, setSaved] = useState<Segment | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ name: name.trim(), filter }, { onSuccess: setSaved });
  };
  return (
    <form onSubmit={submit} data-testid="save-segment-form" noValidate>
      <Stack gap="xs">
        <Group align="flex-end" gap="xs">
          <TextInput
            label={t('segments.name')}
            required
            value={name}
            w={260}
            data-testid="save-segment-name"
            onChange={(e) => {
              setName(e.currentTarget.value);
              save.reset();
            }}
          />
          <Button type="submit" loading={save.isPending} data-testid="save-segment">
            {t('players.save_segment')}
          </Button>
        </Group>
        <FormError error={save.error} context="segment" />
        {saved && (
          <Alert color="green" data-testid="segment-saved">
            {t('players.segment_saved', { name: saved.name })}{' '}
            <Link to={`${BASE}/segments/${saved.id}`} data-testid="segment-saved-link">
              {t('players.segment_open')}
            </Link>
          </Alert>
        )}
      </Stack>
    </form>
  );
}
