import '@mantine/charts/styles.css';
import {
  Alert,
  Group,
  Loader,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { type Range, RANGES, usePlayAnalytics } from '../../data/analytics.queries.ts';
import { useGames } from '../../data/games.queries.ts';
import { useStreams } from '../../data/streams.queries.ts';
import { formatCount } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { CompletionChart, GamesChart, PlaysChart, PrizesChart } from './analytics-charts.tsx';

/**
 * Plays over time, how many were finished, prizes and a per-game comparison, for a period
 * ending now and optionally one game or stream. Every chart has its numbers in a table too.
 */
export function AnalyticsScreen({ org }: ShellContext) {
  const { t, lang } = useI18n();
  const games = useGames(org.id);
  const streams = useStreams(org.id);
  const [range, setRange] = useState<Range>('30d');
  const [gameId, setGameId] = useState('');
  const [streamId, setStreamId] = useState('');
  const analytics = usePlayAnalytics(org.id, range, {
    gameId: gameId ? Number(gameId) : undefined,
    streamId: streamId ? Number(streamId) : undefined,
  });
  const data = analytics.data;
  const n = (value: number) => formatCount(value, lang);

  return (
    <Stack>
      <Title order={1} size="h2" data-testid="analytics-title">
        {t('analytics.heading')}
      </Title>
      <Group align="flex-end" gap="xs" data-testid="analytics-filters">
        <NativeSelect
          label={t('analytics.range')}
          value={range}
          onChange={(e) => setRange(e.currentTarget.value as Range)}
          data={Object.keys(RANGES).map((r) => ({
            value: r,
            label: t(`analytics.range.${r as Range}`),
          }))}
          data-testid="analytics-range"
        />
        <NativeSelect
          label={t('analytics.game')}
          value={gameId}
          onChange={(e) => setGameId(e.currentTarget.value)}
          data={[
            { value: '', label: t('analytics.all_games') },
            ...(games.data ?? []).map((g) => ({ value: String(g.id), label: g.title })),
          ]}
          data-testid="analytics-game"
        />
        <NativeSelect
          label={t('analytics.stream')}
          value={streamId}
          onChange={(e) => setStreamId(e.currentTarget.value)}
          data={[
            { value: '', label: t('analytics.all_streams') },
            ...(streams.data ?? []).map((s) => ({ value: String(s.id), label: s.name })),
          ]}
          data-testid="analytics-stream"
        />
        {analytics.isFetching && <Loader size="sm" aria-label={t('common.loading')} />}
      </Group>
      {analytics.error ? (
        <Alert color="red" role="alert" data-testid="analytics-error">
          {errorText(analytics.error, t)}
        </Alert>
      ) : !data ? null : data.totals.started === 0 ? (
        <Paper withBorder p="md" radius="md" data-testid="analytics-empty">
          <Text fw={600}>{t('analytics.empty_title')}</Text>
          <Text size="sm">{t('analytics.empty')}</Text>
        </Paper>
      ) : (
        <>
          <SimpleGrid cols={{ base: 2, sm: 4 }} data-testid="analytics-totals">
            <Stat label={t('analytics.started')} value={n(data.totals.started)} id="started" />
            <Stat
              label={t('analytics.completed')}
              value={n(data.totals.completed)}
              id="completed"
            />
            <Stat
              label={t('analytics.completion_rate')}
              value={`${Math.round(data.totals.completion_rate * 100)}%`}
              id="rate"
            />
            <Stat label={t('analytics.prize_wins')} value={n(data.totals.prize_wins)} id="wins" />
          </SimpleGrid>
          <PlaysChart data={data} />
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <CompletionChart data={data} />
            <PrizesChart data={data} />
          </SimpleGrid>
          <GamesChart data={data} />
        </>
      )}
    </Stack>
  );
}

function Stat(props: { label: string; value: string; id: string }) {
  return (
    <Paper withBorder p="sm" radius="md" data-testid={`analytics-stat-${props.id}`}>
      <Text size="sm" c="dimmed">
        {props.label}
      </Text>
      <Text fw={700} size="xl">
        {props.value}
      </Text>
    </Paper>
  );
}
