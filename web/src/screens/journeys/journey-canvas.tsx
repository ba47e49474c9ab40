import '@xyflow/react/dist/style.css';
import { Badge, Paper, Text } from '@mantine/core';
import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  Handle,
  type Node,
  type NodeChange,
  type NodeProps,
  Position,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import type { JourneyStats } from '../../data/journeys.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { connect, type DraftGraph, type DraftNode, edgesOf, layout, portsOf } from './graph.ts';
import { portLabel } from './fields.tsx';
import { countsText, nodeSummary } from './summary.ts';

interface StepData extends Record<string, unknown> {
  id: string;
  node: DraftNode;
  counts: string | undefined;
  invalid: boolean;
  start: boolean;
}
type StepNode = Node<StepData, 'step'>;

/** One step on the canvas: its id, type, a summary, the counts, and a handle per way out. */
function StepView({ data, selected }: NodeProps<StepNode>) {
  const { t } = useI18n();
  const ports = portsOf(data.node);
  return (
    <Paper
      withBorder
      p="xs"
      radius="md"
      w={200}
      data-testid={`node-${data.id}`}
      data-invalid={data.invalid || undefined}
      style={{
        borderColor: data.invalid
          ? 'var(--mantine-color-red-7)'
          : selected
            ? 'var(--mantine-color-blue-7)'
            : undefined,
        borderWidth: data.invalid || selected ? 2 : 1,
      }}
    >
      {!data.start && <Handle type="target" position={Position.Top} />}
      <Text size="xs" fw={700} c="dark">
        {data.start ? `▶ ${t('journeys.node.start')} · ` : ''}
        {t(`journeys.type.${data.node.type}`)}
      </Text>
      <Text size="sm" fw={600} truncate>
        {data.id}
      </Text>
      <Text size="xs" c="dark" truncate>
        {nodeSummary(data.node, t)}
      </Text>
      {data.counts !== undefined && (
        <Badge
          mt={4}
          tt="none"
          variant="light"
          color="blue"
          c="dark"
          size="sm"
          data-testid={`counts-${data.id}`}
        >
          {data.counts}
        </Badge>
      )}
      {ports.map((port, i) => (
        <Handle
          key={port.id}
          id={port.id}
          type="source"
          position={Position.Bottom}
          style={{ left: `${((i + 1) * 100) / (ports.length + 1)}%` }}
          title={portLabel(port, t)}
        />
      ))}
    </Paper>
  );
}

const nodeTypes = { step: StepView };
const FIT = { padding: 0.15, maxZoom: 1 };

/** Fits the whole graph in view again whenever a step is added or removed. */
function FitOnChange({ ids }: { ids: string }) {
  const flow = useReactFlow();
  useEffect(() => {
    void flow.fitView(FIT);
  }, [flow, ids]);
  return null;
}

/**
 * The graph on a canvas (React Flow): laid out by depth from the first step, nodes can be
 * dragged, ports dragged to a node connect them, a selected edge is removed with Backspace.
 */
export function JourneyCanvas(props: {
  graph: DraftGraph;
  stats: JourneyStats | undefined;
  selected: string | null;
  invalid: ReadonlySet<string>;
  readOnly: boolean;
  height: number;
  onSelect: (id: string | null) => void;
  onChange: (graph: DraftGraph) => void;
}) {
  const { t } = useI18n();
  const { graph } = props;
  const [moved, setMoved] = useState<Record<string, { x: number; y: number }>>({});
  const positions = useMemo(() => layout(graph), [graph]);

  const nodes: StepNode[] = Object.entries(graph.nodes).map(([id, node]) => {
    const counts = countsText(props.stats, id, t);
    return {
      id,
      type: 'step',
      position: moved[id] ?? positions[id] ?? { x: 0, y: 0 },
      selected: props.selected === id,
      deletable: false,
      ariaLabel: [
        `${id}: ${t(`journeys.type.${node.type}`)}`,
        nodeSummary(node, t),
        counts,
        props.invalid.has(id) ? t('journeys.node.has_error') : undefined,
      ]
        .filter(Boolean)
        .join('. '),
      data: { id, node, counts, invalid: props.invalid.has(id), start: id === graph.start },
    };
  });
  const edges: Edge[] = edgesOf(graph).map((edge) => ({
    id: edge.id,
    source: edge.source,
    sourceHandle: edge.port.id,
    target: edge.target,
    label: edge.port.kind === 'next' ? undefined : portLabel(edge.port, t),
    ariaLabel: t('journeys.edge.label', {
      from: edge.source,
      port: portLabel(edge.port, t),
      to: edge.target,
    }),
    deletable: !props.readOnly,
  }));

  const onNodesChange = (changes: NodeChange<StepNode>[]) => {
    for (const change of changes) {
      if (change.type === 'position' && change.position) {
        const { id, position } = change;
        setMoved((m) => ({ ...m, [id]: position }));
      }
      if (change.type === 'select' && change.selected) props.onSelect(change.id);
    }
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    if (props.readOnly) return;
    let next = graph;
    for (const change of changes) {
      if (change.type !== 'remove') continue;
      const edge = edges.find((e) => e.id === change.id);
      const node = edge && next.nodes[edge.source];
      if (!edge || !node || !edge.sourceHandle) continue;
      next = {
        ...next,
        nodes: { ...next.nodes, [edge.source]: connect(node, edge.sourceHandle, undefined) },
      };
    }
    if (next !== graph) props.onChange(next);
  };
  const onConnect = (connection: Connection) => {
    const node = graph.nodes[connection.source];
    if (props.readOnly || !node || !connection.sourceHandle) return;
    if (connection.source === connection.target) return;
    props.onChange({
      ...graph,
      nodes: {
        ...graph.nodes,
        [connection.source]: connect(node, connection.sourceHandle, connection.target),
      },
    });
  };

  return (
    <div style={{ height: props.height, width: '100%' }} data-testid="journey-canvas">
      <ReactFlow<StepNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onPaneClick={() => props.onSelect(null)}
        nodesConnectable={!props.readOnly}
        nodesDraggable
        fitView
        fitViewOptions={FIT}
        minZoom={0.2}
        deleteKeyCode={props.readOnly ? null : ['Backspace', 'Delete']}
        proOptions={{ hideAttribution: true }}
        ariaLabelConfig={{
          'node.a11yDescription.default': t('journeys.flow.node_help'),
          'node.a11yDescription.keyboardDisabled': t('journeys.flow.node_help'),
          'edge.a11yDescription.default': t('journeys.flow.edge_help'),
          'controls.ariaLabel': t('journeys.flow.controls'),
          'controls.zoomIn.ariaLabel': t('journeys.flow.zoom_in'),
          'controls.zoomOut.ariaLabel': t('journeys.flow.zoom_out'),
          'controls.fitView.ariaLabel': t('journeys.flow.fit'),
          'controls.interactive.ariaLabel': t('journeys.flow.lock'),
          'handle.ariaLabel': t('journeys.flow.handle'),
        }}
      >
        <FitOnChange ids={Object.keys(graph.nodes).join(' ')} />
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
