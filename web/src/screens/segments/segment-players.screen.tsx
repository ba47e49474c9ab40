import { Alert, Code, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { useSegment, useSegmentPlayers } from '../../data/segments.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link } from '../../router.tsx';
import { PAGE_SIZE, PlayersTable } from '../players/players-table.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';

/** One segment's players, paged exactly like the players table. */
export function SegmentPlayersScreen({ property, id }: ShellContext & { id: string }) {
  const { t } = useI18n();
  return (
    <Stack>
      <Link to={`${BASE}/segments`} data-testid="back-to-segments">
        {t('segments.back')}
      </Link>
      {property ? (
        <SegmentPlayers key={property.id} propertyId={property.id} id={id} />
      ) : (
        <Text>{t('players.no_property')}</Text>
      )}
    </Stack>
  );
}

function SegmentPlayers({ propertyId, id }: { propertyId: string; id: string }) {
  const { t } = useI18n();
  const segment = useSegment(propertyId, id);
  const [offset, setOffset] = useState(0);
  const players = useSegmentPlayers(propertyId, id, {
    order: 'created_at.desc',
    limit: PAGE_SIZE,
    offset,
  });
  if (segment.error) return <Alert color="red">{errorText(segment.error, t)}</Alert>;
  return (
    <>
      <Title order={1} size="h2" data-testid="segment-title">
        {segment.data
          ? t('segments.players_title', { name: segment.data.name })
          : t('common.loading')}
      </Title>
      {segment.data && (
        <Text>
          {t('segments.filter')}: <Code>{segment.data.filter || t('segments.everyone')}</Code>
        </Text>
      )}
      <Paper withBorder p="md" radius="md" component="section">
        <Stack gap="sm">
          <PlayersTable
            page={players.data}
            error={players.error}
            offset={offset}
            onOffset={setOffset}
            empty={t('segments.players_empty')}
          />
        </Stack>
      </Paper>
    </>
  );
}
