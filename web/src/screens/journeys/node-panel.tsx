import {
  Button,
  Checkbox,
  Group,
  NumberInput,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type MessageKey, useI18n } from '../../i18n/i18n.tsx';
import { asText, DurationInput, portLabel, setField } from './fields.tsx';
import {
  type Branch,
  branchesOf,
  connect,
  type DraftGraph,
  type DraftNode,
  portsOf,
} from './graph.ts';

/** The selected node's fields and where each of its ways out leads (a keyboard way to connect). */
export function NodePanel(props: {
  id: string;
  graph: DraftGraph;
  readOnly: boolean;
  onChange: (node: DraftNode) => void;
  onDelete: () => void;
}) {
  const { t } = useI18n();
  const node = props.graph.nodes[props.id];
  if (!node) return null;
  const disabled = props.readOnly;
  const set = (field: string, value: unknown) => props.onChange(setField(node, field, value));
  const others = Object.keys(props.graph.nodes).filter((id) => id !== props.id);
  const targets = others.map((id) => ({
    value: id,
    label: `${id} (${t(`journeys.type.${props.graph.nodes[id]!.type}`)})`,
  }));

  return (
    <Stack gap="sm" data-testid="node-panel">
      <Title order={2} size="h4">
        {t('journeys.node.title', { id: props.id, type: t(`journeys.type.${node.type}`) })}
      </Title>
      <Text size="sm" c="dimmed">
        {t(`journeys.help.${node.type}`)}
      </Text>
      {(node.type === 'wait' || node.type === 'wait_for_event') && (
        <DurationInput
          label={t(node.type === 'wait' ? 'journeys.field.duration' : 'journeys.field.timeout')}
          value={node.type === 'wait' ? node.duration : node.timeout}
          disabled={disabled}
          testId="field-duration"
          onChange={(v) => set(node.type === 'wait' ? 'duration' : 'timeout', v)}
        />
      )}
      {node.type === 'wait_until' && (
        <>
          <TextInput
            label={t('journeys.field.local_time')}
            description={t('journeys.field.local_time_hint')}
            value={asText(node.local_time)}
            disabled={disabled}
            onChange={(e) => set('local_time', e.currentTarget.value)}
          />
          <Checkbox.Group
            label={t('journeys.field.weekdays')}
            value={(Array.isArray(node.weekdays) ? (node.weekdays as number[]) : []).map(String)}
            onChange={(v) =>
              set('weekdays', v.length ? v.map(Number).sort((a, b) => a - b) : undefined)
            }
          >
            <Group gap="xs" mt={4}>
              {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                <Checkbox
                  key={d}
                  value={String(d)}
                  disabled={disabled}
                  label={t(`journeys.weekday.${d}` as MessageKey)}
                />
              ))}
            </Group>
          </Checkbox.Group>
        </>
      )}
      {node.type === 'wait_for_event' && (
        <TextInput
          label={t('journeys.field.event')}
          description={t('journeys.field.event_hint')}
          value={asText(node.event)}
          disabled={disabled}
          onChange={(e) => set('event', e.currentTarget.value)}
        />
      )}
      {node.type === 'condition' && (
        <Textarea
          label={t('journeys.field.filter')}
          description={t('journeys.field.filter_hint')}
          autosize
          minRows={2}
          value={asText(node.filter)}
          disabled={disabled}
          data-testid="field-filter"
          onChange={(e) => props.onChange({ ...node, filter: e.currentTarget.value })}
        />
      )}
      {node.type === 'split' && (
        <Stack gap="xs">
          {branchesOf(node).map((branch, i) => (
            <Group key={i} gap="xs" align="end">
              <NumberInput
                label={t('journeys.field.weight', { n: i + 1 })}
                min={1}
                max={100}
                w={120}
                allowDecimal={false}
                disabled={disabled}
                value={branch.weight}
                onChange={(v) =>
                  set(
                    'branches',
                    branchesOf(node).map((b, j): Branch =>
                      j === i ? { ...b, weight: Number(v) || 1 } : b,
                    ),
                  )
                }
              />
              {!disabled && branchesOf(node).length > 2 && (
                <Button
                  variant="default"
                  size="xs"
                  onClick={() =>
                    set(
                      'branches',
                      branchesOf(node).filter((_, j) => j !== i),
                    )
                  }
                >
                  {t('journeys.field.remove_branch', { n: i + 1 })}
                </Button>
              )}
            </Group>
          ))}
          {!disabled && branchesOf(node).length < 10 && (
            <Button
              variant="default"
              size="xs"
              w="fit-content"
              onClick={() => set('branches', [...branchesOf(node), { weight: 50 }])}
            >
              {t('journeys.field.add_branch')}
            </Button>
          )}
        </Stack>
      )}
      {node.type === 'send' && (
        <>
          <TextInput
            label={t('journeys.field.template_id')}
            description={t('journeys.field.template_hint')}
            value={asText(node.template_id)}
            disabled={disabled}
            onChange={(e) => props.onChange({ ...node, template_id: e.currentTarget.value.trim() })}
          />
          <Select
            label={t('journeys.field.on_skip')}
            allowDeselect={false}
            disabled={disabled}
            value={asText(node.on_skip) || 'continue'}
            data={[
              { value: 'continue', label: t('journeys.on_skip.continue') },
              { value: 'exit', label: t('journeys.on_skip.exit') },
            ]}
            onChange={(v) => set('on_skip', v === 'continue' ? undefined : v)}
          />
        </>
      )}
      {node.type === 'update_profile' && (
        <Textarea
          label={t('journeys.field.set')}
          description={t('journeys.field.set_hint')}
          autosize
          minRows={2}
          disabled={disabled}
          defaultValue={Object.entries((node.set ?? {}) as Record<string, unknown>)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join('\n')}
          onChange={(e) => props.onChange({ ...node, set: parseSet(e.currentTarget.value) })}
        />
      )}
      {node.type === 'webhook' && (
        <TextInput
          label={t('journeys.field.endpoint_id')}
          description={t('journeys.field.endpoint_hint')}
          value={asText(node.endpoint_id)}
          disabled={disabled}
          onChange={(e) => props.onChange({ ...node, endpoint_id: e.currentTarget.value.trim() })}
        />
      )}
      {portsOf(node).map((port) => (
        <Select
          key={port.id}
          label={t('journeys.field.leads_to', { port: portLabel(port, t) })}
          placeholder={t('journeys.field.not_connected')}
          clearable
          disabled={disabled}
          value={port.target ?? null}
          data={targets}
          data-testid={`port-${port.id}`}
          onChange={(v) => props.onChange(connect(node, port.id, v ?? undefined))}
        />
      ))}
      {!disabled && (
        <Button
          variant="default"
          color="red"
          w="fit-content"
          data-testid="node-delete"
          onClick={props.onDelete}
        >
          {t('journeys.node.delete', { id: props.id })}
        </Button>
      )}
    </Stack>
  );
}

/** `tier=Gold` lines → `{ tier: 'Gold' }`; true, false, null and numbers keep their type. */
function parseSet(text: string): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at < 1) continue;
    const key = line.slice(0, at).trim();
    const raw = line.slice(at + 1).trim();
    set[key] =
      raw === 'true'
        ? true
        : raw === 'false'
          ? false
          : raw === 'null'
            ? null
            : raw !== '' && Number.isFinite(Number(raw))
              ? Number(raw)
              : raw;
  }
  return set;
}
