import {
  Alert,
  Badge,
  Button,
  Drawer,
  Grid,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { errorText } from '../../api/errors.ts';
import {
  type Journey,
  type JourneyAction,
  useDeleteJourney,
  useJourney,
  useJourneyAction,
  useJourneyStats,
  useSaveJourney,
} from '../../data/journeys.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link, navigate } from '../../router.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { GraphSettings } from './graph-settings.tsx';
import {
  type DraftGraph,
  freeId,
  NODE_TYPES,
  type NodeType,
  newNode,
  removeNode,
} from './graph.ts';
import { JourneyCanvas } from './journey-canvas.tsx';
import { NodeList, StatsLine } from './node-list.tsx';
import { NodePanel } from './node-panel.tsx';
import { problemOf } from './problems.ts';

/** A journey's graph editor: canvas or list, the step panel, save, publish and lifecycle. */
export function JourneyEditorScreen({ org, property, id }: ShellContext & { id: string }) {
  const { t } = useI18n();
  if (!property) return <Text data-testid="journeys-no-property">{t('players.no_property')}</Text>;
  return (
    <Loaded
      key={`${property.id}:${id}`}
      propertyId={property.id}
      id={id}
      editor={roleAtLeast(org.role, 'Editor')}
    />
  );
}

function Loaded(props: { propertyId: string; id: string; editor: boolean }) {
  const { t } = useI18n();
  const journey = useJourney(props.propertyId, props.id);
  if (journey.error) {
    return (
      <Stack>
        <Link to={`${BASE}/journeys`}>{t('journeys.back')}</Link>
        <Alert color="red" role="alert">
          {errorText(journey.error, t)}
        </Alert>
      </Stack>
    );
  }
  if (!journey.data) return <Text>{t('common.loading')}</Text>;
  return <Editor journey={journey.data} propertyId={props.propertyId} editor={props.editor} />;
}

function Editor(props: { journey: Journey; propertyId: string; editor: boolean }) {
  const { t } = useI18n();
  const { journey } = props;
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const [draft, setDraft] = useState<DraftGraph>(() => journey.graph);
  // What the API last kept (compared as text; jsonb may reorder the server's copy).
  const [baseline, setBaseline] = useState(() => JSON.stringify(draft));
  const [selected, setSelected] = useState<string | null>(null);
  const [drawer, setDrawer] = useState(false);
  const [view, setView] = useState<'canvas' | 'list'>('canvas');
  const [addType, setAddType] = useState<NodeType>('wait');
  const [archiving, setArchiving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const remove = useDeleteJourney(props.propertyId);
  const save = useSaveJourney(props.propertyId, journey.id);
  const action = useJourneyAction(props.propertyId, journey.id);
  const stats = useJourneyStats(props.propertyId, journey.id, journey.version !== null);
  const readOnly = !props.editor || journey.status === 'archived';
  const dirty = JSON.stringify(draft) !== baseline;
  const problem = problemOf(save.error ?? action.error ?? remove.error, draft, t);
  const invalid = new Set(problem?.nodes ?? []);

  const select = (id: string | null) => {
    setSelected(id);
    if (phone && id !== null) setDrawer(true);
  };
  const addNode = () => {
    const id = freeId(draft, addType);
    setDraft({ ...draft, nodes: { ...draft.nodes, [id]: newNode(addType) } });
    select(id);
  };
  const saveDraft = async () => {
    action.reset();
    await save.mutateAsync({ graph: draft });
    setBaseline(JSON.stringify(draft));
  };
  const run = async (what: JourneyAction) => {
    save.reset();
    action.reset();
    try {
      if (what === 'publish' && dirty) {
        await save.mutateAsync({ graph: draft });
        setBaseline(JSON.stringify(draft));
      }
      await action.mutateAsync(what);
      // Published: "the draft is saved, publish it" would now be stale.
      if (what === 'publish') save.reset();
      setArchiving(false);
    } catch {
      // The mutation keeps its error; problemOf() puts it in words above the graph.
    }
  };

  const panel =
    selected !== null && draft.nodes[selected] ? (
      <NodePanel
        id={selected}
        graph={draft}
        readOnly={readOnly}
        onChange={(node) => setDraft({ ...draft, nodes: { ...draft.nodes, [selected]: node } })}
        onDelete={() => {
          const next = removeNode(draft, selected);
          setDraft(
            next.start === selected ? { ...next, start: Object.keys(next.nodes)[0] ?? '' } : next,
          );
          setSelected(null);
          setDrawer(false);
        }}
      />
    ) : (
      <GraphSettings
        propertyId={props.propertyId}
        graph={draft}
        readOnly={readOnly}
        onChange={setDraft}
      />
    );

  return (
    <Stack>
      <Link to={`${BASE}/journeys`}>{t('journeys.back')}</Link>
      <Group justify="space-between" align="start">
        <Stack gap={4}>
          <Title order={1} size="h2" data-testid="journey-title">
            {journey.name}
          </Title>
          <Group gap="xs">
            <Badge variant="light" c="dark" data-testid="journey-status">
              {t(`journeys.status.${journey.status}`)}
            </Badge>
            <Text size="sm" data-testid="journey-version">
              {journey.version === null
                ? t('journeys.version.none')
                : t('journeys.version.live', { v: journey.version })}
            </Text>
            {dirty && !readOnly && (
              <Text size="sm" fw={700} data-testid="journey-unsaved">
                {t('journeys.unsaved')}
              </Text>
            )}
          </Group>
        </Stack>
        {props.editor && (journey.status === 'draft' || journey.status === 'archived') && (
          <Group gap="xs">
            {deleting ? (
              <Button
                color="red"
                loading={remove.isPending}
                data-testid="journey-delete-confirm"
                onClick={() =>
                  remove.mutate(journey.id, { onSuccess: () => navigate(`${BASE}/journeys`) })
                }
              >
                {t('journeys.delete_confirm')}
              </Button>
            ) : (
              <Button
                variant="default"
                color="red"
                data-testid="journey-delete"
                onClick={() => setDeleting(true)}
              >
                {t('journeys.delete')}
              </Button>
            )}
          </Group>
        )}
        {!readOnly && (
          <Group gap="xs">
            <Button
              variant="default"
              loading={save.isPending && !action.isPending}
              data-testid="journey-save"
              onClick={() => void saveDraft().catch(() => undefined)}
            >
              {t('journeys.save')}
            </Button>
            <Button
              loading={action.isPending}
              data-testid="journey-publish"
              onClick={() => void run('publish')}
            >
              {journey.version === null ? t('journeys.publish') : t('journeys.publish_new')}
            </Button>
            {journey.status === 'active' && (
              <Button
                variant="default"
                data-testid="journey-pause"
                onClick={() => void run('pause')}
              >
                {t('journeys.pause')}
              </Button>
            )}
            {journey.status === 'paused' && (
              <Button
                variant="default"
                data-testid="journey-resume"
                onClick={() => void run('resume')}
              >
                {t('journeys.resume')}
              </Button>
            )}
            {journey.status !== 'draft' &&
              (archiving ? (
                <Button
                  color="red"
                  data-testid="journey-archive-confirm"
                  onClick={() => void run('archive')}
                >
                  {t('journeys.archive_confirm')}
                </Button>
              ) : (
                <Button
                  variant="default"
                  color="red"
                  data-testid="journey-archive"
                  onClick={() => setArchiving(true)}
                >
                  {t('journeys.archive')}
                </Button>
              ))}
          </Group>
        )}
      </Group>
      {save.isSuccess && !dirty && !problem && (
        <Alert color="green" data-testid="journey-saved">
          {t('journeys.saved')}
        </Alert>
      )}
      {problem && (
        <Alert color="red" role="alert" data-testid="journey-error">
          {problem.text}
        </Alert>
      )}
      {stats.data && <StatsLine stats={stats.data} />}
      <Group gap="xs" align="end">
        <SegmentedControl
          value={view}
          onChange={(v) => setView(v === 'list' ? 'list' : 'canvas')}
          data-testid="journey-view"
          data={[
            { value: 'canvas', label: t('journeys.view.canvas') },
            { value: 'list', label: t('journeys.view.list') },
          ]}
        />
        {!readOnly && (
          <>
            <Select
              label={t('journeys.add_type')}
              allowDeselect={false}
              w={200}
              value={addType}
              data-testid="add-node-type"
              data={NODE_TYPES.map((type) => ({ value: type, label: t(`journeys.type.${type}`) }))}
              onChange={(v) => v && setAddType(v)}
            />
            <Button variant="default" data-testid="add-node" onClick={addNode}>
              {t('journeys.add')}
            </Button>
          </>
        )}
        <Button
          variant="subtle"
          data-testid="open-settings"
          onClick={() => {
            setSelected(null);
            if (phone) setDrawer(true);
          }}
        >
          {t('journeys.settings.open')}
        </Button>
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, sm: 8 }}>
          <Paper withBorder radius="md" style={{ overflow: 'hidden' }}>
            {view === 'canvas' ? (
              <JourneyCanvas
                graph={draft}
                stats={stats.data}
                selected={selected}
                invalid={invalid}
                readOnly={readOnly}
                height={phone ? 460 : 560}
                onSelect={select}
                onChange={setDraft}
              />
            ) : (
              <NodeList
                graph={draft}
                stats={stats.data}
                invalid={invalid}
                onSelect={select}
                readOnly={readOnly}
              />
            )}
          </Paper>
        </Grid.Col>
        {!phone && (
          <Grid.Col span={{ base: 12, sm: 4 }}>
            <Paper withBorder radius="md" p="md" component="section">
              {panel}
            </Paper>
          </Grid.Col>
        )}
      </Grid>
      {phone && (
        <Drawer
          opened={drawer}
          onClose={() => setDrawer(false)}
          closeButtonProps={{ 'aria-label': t('journeys.close') }}
          position="bottom"
          size="85%"
          title={
            selected !== null
              ? t('journeys.panel.step', { id: selected })
              : t('journeys.settings.title')
          }
        >
          {panel}
        </Drawer>
      )}
    </Stack>
  );
}
