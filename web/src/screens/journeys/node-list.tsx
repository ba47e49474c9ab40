import { Button, Group, Stack, Text } from '@mantine/core';
import type { JourneyStats } from '../../data/journeys.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { portLabel } from './fields.tsx';
import { type DraftGraph, portsOf, searchOrder } from './graph.ts';
import { countsText, nodeSummary } from './summary.ts';

/** The journey's players by state, over every version. */
export function StatsLine({ stats }: { stats: JourneyStats }) {
  const { t } = useI18n();
  return (
    <Text size="sm" data-testid="journey-stats">
      {t('journeys.stats', {
        entered: stats.entered,
        active: stats.active,
        waiting: stats.waiting,
        completed: stats.completed,
        exited: stats.exited,
      })}
    </Text>
  );
}

/** The same graph as a plain list: each step, where its ways out lead, and its counts. */
export function NodeList(props: {
  graph: DraftGraph;
  stats: JourneyStats | undefined;
  invalid: ReadonlySet<string>;
  readOnly: boolean;
  onSelect: (id: string) => void;
}) {
  const { t } = useI18n();
  const { graph } = props;
  return (
    <Stack gap={0} component="ol" p={0} m={0} style={{ listStyle: 'none' }} data-testid="node-list">
      {searchOrder(graph)
        .map((id) => ({ id, node: graph.nodes[id]! }))
        .map(({ id, node }) => (
          <li key={id}>
            <Group
              justify="space-between"
              wrap="nowrap"
              p="sm"
              data-testid={`list-node-${id}`}
              style={{
                borderBottom: '1px solid var(--mantine-color-gray-3)',
                borderLeft: props.invalid.has(id)
                  ? '4px solid var(--mantine-color-red-7)'
                  : undefined,
              }}
            >
              <Stack gap={2} miw={0}>
                <Text size="sm" fw={700}>
                  {id === graph.start ? `▶ ${t('journeys.node.start')} · ` : ''}
                  {id} · {t(`journeys.type.${node.type}`)}
                </Text>
                <Text size="sm">{nodeSummary(node, t)}</Text>
                {portsOf(node).map((port) => (
                  <Text size="xs" key={port.id}>
                    {portLabel(port, t)} → {port.target ?? t('journeys.field.not_connected')}
                  </Text>
                ))}
                {props.stats && (
                  <Text size="xs" fw={600} data-testid={`list-counts-${id}`}>
                    {countsText(props.stats, id, t)}
                  </Text>
                )}
              </Stack>
              <Button
                size="xs"
                variant="default"
                aria-label={t(
                  props.readOnly ? 'journeys.node.view_named' : 'journeys.node.edit_named',
                  { id },
                )}
                onClick={() => props.onSelect(id)}
              >
                {t(props.readOnly ? 'journeys.node.view' : 'journeys.node.edit')}
              </Button>
            </Group>
          </li>
        ))}
    </Stack>
  );
}
