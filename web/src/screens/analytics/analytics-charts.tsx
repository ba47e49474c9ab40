import { AreaChart, BarChart, DonutChart } from '@mantine/charts';
import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ScrollTable } from '../../components/scroll-table.tsx';
import type { Analytics } from '../../data/analytics.queries.ts';
import { formatCount, formatDateTime, formatDay } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Every bucket of the period, with zeros where the API left one out (it omits empty buckets),
 * so the line drops to zero on a day without plays instead of jumping over it.
 */
function filledSeries(data: Analytics) {
  const step = data.interval === 'hour' ? HOUR : DAY;
  const counts = new Map(data.series.map((b) => [new Date(b.at).getTime(), b]));
  const first = Math.floor(new Date(data.from).getTime() / step) * step;
  const end = new Date(data.to).getTime();
  const rows = [];
  for (let at = first; at < end; at += step) {
    const bucket = counts.get(at);
    rows.push({ at, started: bucket?.started ?? 0, completed: bucket?.completed ?? 0 });
  }
  return rows;
}

/** A chart with its title, and the same numbers as a table for screen readers and copying. */
function ChartCard(props: {
  id: string;
  title: string;
  chart: ReactNode;
  table: ReactNode;
  note?: string | undefined;
}) {
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="section"
      aria-labelledby={`chart-${props.id}`}
      data-testid={`chart-${props.id}`}
    >
      <Stack gap="sm">
        <Title order={2} size="h4" id={`chart-${props.id}`}>
          {props.title}
        </Title>
        {props.chart}
        {props.note && <Text size="sm">{props.note}</Text>}
        {props.table}
      </Stack>
    </Paper>
  );
}

function NumbersTable(props: {
  id: string;
  label: string;
  head: string[];
  rows: (string | number)[][];
  minWidth?: number;
}) {
  return (
    <ScrollTable label={props.label} minWidth={props.minWidth ?? 280}>
      <Table striped data-testid={`table-${props.id}`}>
        <Table.Thead>
          <Table.Tr>
            {props.head.map((h) => (
              <Table.Th key={h}>{h}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.rows.map((row) => (
            <Table.Tr key={String(row[0])}>
              {row.map((cell, i) => (
                <Table.Td key={i}>{cell}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

export function PlaysChart({ data }: { data: Analytics }) {
  const { t, lang } = useI18n();
  const n = (value: number) => formatCount(value, lang);
  const label = (at: number) =>
    data.interval === 'hour'
      ? formatDateTime(new Date(at).toISOString(), lang)
      : formatDay(new Date(at).toISOString(), lang);
  const rows = filledSeries(data).map((r) => ({ ...r, label: label(r.at) }));
  const started = t('analytics.started');
  const completed = t('analytics.completed');
  return (
    <ChartCard
      id="plays"
      title={t('analytics.plays_over_time')}
      chart={
        <AreaChart
          h={240}
          data={rows.map((r) => ({
            label: r.label,
            [started]: r.started,
            [completed]: r.completed,
          }))}
          dataKey="label"
          series={[
            { name: started, color: 'blue.8' },
            { name: completed, color: 'teal.8' },
          ]}
          curveType="monotone"
          withLegend
          withDots={false}
          valueFormatter={n}
          areaChartProps={{ accessibilityLayer: false }}
          yAxisProps={{ allowDecimals: false }}
          aria-hidden
        />
      }
      note={t('analytics.empty_buckets_left_out')}
      table={
        <NumbersTable
          id="plays"
          label={t('analytics.plays_over_time')}
          head={[
            t(data.interval === 'hour' ? 'analytics.hour' : 'analytics.day'),
            started,
            completed,
          ]}
          rows={rows
            .filter((r) => r.started > 0)
            .map((r) => [r.label, n(r.started), n(r.completed)])}
        />
      }
    />
  );
}

export function CompletionChart({ data }: { data: Analytics }) {
  const { t, lang } = useI18n();
  const n = (value: number) => formatCount(value, lang);
  const { started, completed } = data.totals;
  const rate = `${Math.round(data.totals.completion_rate * 100)}%`;
  return (
    <ChartCard
      id="completion"
      title={t('analytics.completion')}
      chart={
        <DonutChart
          mx="auto"
          size={160}
          thickness={28}
          chartLabel={rate}
          withTooltip={false}
          accessibilityLayer={false}
          pieProps={{ rootTabIndex: -1 }}
          data={[
            { name: t('analytics.completed'), value: completed, color: 'teal.8' },
            { name: t('analytics.unfinished'), value: started - completed, color: 'gray.5' },
          ]}
          aria-hidden
        />
      }
      table={
        <NumbersTable
          id="completion"
          label={t('analytics.completion')}
          head={[t('analytics.measure'), t('analytics.count')]}
          rows={[
            [t('analytics.started'), n(started)],
            [t('analytics.completed'), n(completed)],
            [t('analytics.unfinished'), n(started - completed)],
            [t('analytics.completion_rate'), rate],
          ]}
        />
      }
    />
  );
}

export function PrizesChart({ data }: { data: Analytics }) {
  const { t, lang } = useI18n();
  const n = (value: number) => formatCount(value, lang);
  const count = t('analytics.count');
  const rows = [
    { label: t('analytics.prize_draws'), value: data.totals.prize_draws },
    { label: t('analytics.prize_wins'), value: data.totals.prize_wins },
    { label: t('analytics.prize_claims'), value: data.totals.prize_claims },
  ];
  return (
    <ChartCard
      id="prizes"
      title={t('analytics.prizes')}
      chart={
        <BarChart
          h={180}
          data={rows.map((r) => ({ label: r.label, [count]: r.value }))}
          dataKey="label"
          series={[{ name: count, color: 'violet.8' }]}
          valueFormatter={n}
          yAxisProps={{ allowDecimals: false }}
          barChartProps={{ accessibilityLayer: false }}
          aria-hidden
        />
      }
      note={data.totals.prize_draws === 0 ? t('analytics.no_prizes') : undefined}
      table={
        <NumbersTable
          id="prizes"
          label={t('analytics.prizes')}
          head={[t('analytics.measure'), count]}
          rows={rows.map((r) => [r.label, n(r.value)])}
        />
      }
    />
  );
}

export function GamesChart({ data }: { data: Analytics }) {
  const { t, lang } = useI18n();
  const n = (value: number) => formatCount(value, lang);
  const started = t('analytics.started');
  const completed = t('analytics.completed');
  return (
    <ChartCard
      id="games"
      title={t('analytics.per_game')}
      chart={
        data.games.length ? (
          <BarChart
            h={Math.max(160, data.games.length * 48)}
            orientation="vertical"
            data={data.games.map((g) => ({
              title: g.title,
              [started]: g.started,
              [completed]: g.completed,
            }))}
            dataKey="title"
            series={[
              { name: started, color: 'blue.8' },
              { name: completed, color: 'teal.8' },
            ]}
            withLegend
            valueFormatter={n}
            yAxisProps={{ width: 120 }}
            xAxisProps={{ allowDecimals: false }}
            barChartProps={{ accessibilityLayer: false }}
            aria-hidden
          />
        ) : (
          <Text size="sm" data-testid="games-chart-empty">
            {t('analytics.no_games')}
          </Text>
        )
      }
      table={
        data.games.length ? (
          <NumbersTable
            id="games"
            label={t('analytics.per_game')}
            minWidth={420}
            head={[t('analytics.game'), started, completed, t('analytics.average_score')]}
            rows={data.games.map((g) => [
              g.title,
              n(g.started),
              n(g.completed),
              g.average_score === null ? '–' : n(g.average_score),
            ])}
          />
        ) : null
      }
    />
  );
}
