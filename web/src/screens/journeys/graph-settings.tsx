import { Group, NumberInput, Select, Stack, TextInput, Title } from '@mantine/core';
import { useSegments } from '../../data/segments.queries.ts';
import { type MessageKey, useI18n } from '../../i18n/i18n.tsx';
import { asText, DurationInput, setField } from './fields.tsx';
import type { DraftGraph } from './graph.ts';

/** The journey's trigger, entry rule, exit events and first step. */
export function GraphSettings(props: {
  propertyId: string;
  graph: DraftGraph;
  readOnly: boolean;
  onChange: (graph: DraftGraph) => void;
}) {
  const { t } = useI18n();
  const { graph } = props;
  const disabled = props.readOnly;
  const trigger = graph.trigger;
  const segments = useSegments(props.propertyId);
  const setTrigger = (field: string, value: unknown) =>
    props.onChange({ ...graph, trigger: setField(trigger, field, value) });
  const rule = graph.entry?.rule ?? 'once';

  return (
    <Stack gap="sm" data-testid="graph-settings">
      <Title order={2} size="h4">
        {t('journeys.settings.title')}
      </Title>
      <Select
        label={t('journeys.settings.trigger')}
        allowDeselect={false}
        disabled={disabled}
        value={trigger.type}
        data-testid="trigger-type"
        data={TRIGGERS.map((type) => ({ value: type, label: t(`journeys.trigger.${type}`) }))}
        onChange={(v) => v && props.onChange({ ...graph, trigger: newTrigger(v) })}
      />
      {trigger.type === 'event' && (
        <TextInput
          label={t('journeys.settings.event_name')}
          value={asText(trigger.name)}
          disabled={disabled}
          onChange={(e) =>
            props.onChange({ ...graph, trigger: { ...trigger, name: e.currentTarget.value } })
          }
        />
      )}
      {trigger.type === 'attribute_changed' && (
        <>
          <TextInput
            label={t('journeys.settings.field')}
            value={asText(trigger.field)}
            disabled={disabled}
            onChange={(e) =>
              props.onChange({ ...graph, trigger: { ...trigger, field: e.currentTarget.value } })
            }
          />
          <TextInput
            label={t('journeys.settings.to')}
            value={asText(trigger.to)}
            disabled={disabled}
            onChange={(e) => setTrigger('to', e.currentTarget.value)}
          />
        </>
      )}
      {trigger.type === 'game_played' && (
        <NumberInput
          label={t('journeys.settings.game_id')}
          min={1}
          allowDecimal={false}
          disabled={disabled}
          value={typeof trigger.game_id === 'number' ? trigger.game_id : ''}
          onChange={(v) => setTrigger('game_id', typeof v === 'number' ? v : undefined)}
        />
      )}
      {trigger.type === 'segment_entered' && (
        <Select
          label={t('journeys.settings.segment')}
          disabled={disabled}
          value={asText(trigger.segment_id) || null}
          data={(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
          onChange={(v) =>
            props.onChange({ ...graph, trigger: { ...trigger, segment_id: v ?? '' } })
          }
        />
      )}
      {trigger.type === 'consent_changed' && (
        <Group grow>
          <Select
            label={t('journeys.settings.channel')}
            clearable
            disabled={disabled}
            value={asText(trigger.channel) || null}
            data={['email', 'sms', 'voice', 'push']}
            onChange={(v) => setTrigger('channel', v ?? undefined)}
          />
          <Select
            label={t('journeys.settings.action')}
            clearable
            disabled={disabled}
            value={asText(trigger.action) || null}
            data={[
              { value: 'grant', label: t('journeys.settings.grant') },
              { value: 'revoke', label: t('journeys.settings.revoke') },
            ]}
            onChange={(v) => setTrigger('action', v ?? undefined)}
          />
        </Group>
      )}
      {trigger.type === 'date' && (
        <TextInput
          label={t('journeys.field.local_time')}
          description={t('journeys.settings.birthday_hint')}
          value={asText(trigger.local_time)}
          disabled={disabled}
          onChange={(e) =>
            props.onChange({ ...graph, trigger: { ...trigger, local_time: e.currentTarget.value } })
          }
        />
      )}
      <Select
        label={t('journeys.settings.entry')}
        allowDeselect={false}
        disabled={disabled}
        value={rule}
        data-testid="entry-rule"
        data={['once', 'once_per_period', 'every_time'].map((r) => ({
          value: r,
          label: t(`journeys.entry.${r}` as MessageKey),
        }))}
        onChange={(v) =>
          v &&
          props.onChange({
            ...graph,
            entry: v === 'once_per_period' ? { rule: v, period: { days: 30 } } : { rule: v },
          })
        }
      />
      {rule === 'once_per_period' && (
        <DurationInput
          label={t('journeys.settings.period')}
          value={graph.entry?.period}
          disabled={disabled}
          testId="entry-period"
          onChange={(period) => props.onChange({ ...graph, entry: { rule, period } })}
        />
      )}
      <TextInput
        label={t('journeys.settings.exit_on')}
        description={t('journeys.settings.exit_on_hint')}
        disabled={disabled}
        defaultValue={(graph.exit_on ?? []).join(', ')}
        onChange={(e) => {
          const events = e.currentTarget.value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          const next: DraftGraph = { ...graph, exit_on: events };
          if (events.length === 0) delete next.exit_on;
          props.onChange(next);
        }}
      />
      <Select
        label={t('journeys.settings.start')}
        allowDeselect={false}
        disabled={disabled}
        value={graph.start in graph.nodes ? graph.start : null}
        data-testid="start-node"
        data={Object.keys(graph.nodes).map((id) => ({
          value: id,
          label: `${id} (${t(`journeys.type.${graph.nodes[id]!.type}`)})`,
        }))}
        onChange={(v) => v && props.onChange({ ...graph, start: v })}
      />
    </Stack>
  );
}

export const TRIGGERS = [
  'api',
  'event',
  'game_played',
  'prize_won',
  'player_created',
  'attribute_changed',
  'segment_entered',
  'consent_changed',
  'date',
] as const;

export function newTrigger(type: string): DraftGraph['trigger'] {
  switch (type) {
    case 'event':
      return { type, name: '' };
    case 'attribute_changed':
      return { type, field: 'tier' };
    case 'segment_entered':
      return { type, segment_id: '' };
    case 'date':
      return { type, field: 'date_of_birth', local_time: '10:00' };
    default:
      return { type };
  }
}
