// The editor's model of a journey graph, and pure functions over it: the ports a node leads
// out of, the edges, a layered layout, adding, connecting and removing nodes. A draft node may
// be incomplete (a port not connected yet); the API judges the whole graph when it is saved.

export const NODE_TYPES = [
  'wait',
  'wait_until',
  'wait_for_event',
  'condition',
  'split',
  'send',
  'update_profile',
  'webhook',
  'exit',
] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** A node as the editor holds it: the API's fields, some possibly missing while drafting. */
export interface DraftNode {
  type: NodeType;
  [field: string]: unknown;
}

export interface DraftGraph {
  trigger: { type: string; [field: string]: unknown };
  entry?: { rule: string; period?: Record<string, number> };
  exit_on?: string[];
  fallback_time_zone?: string;
  start: string;
  nodes: Record<string, DraftNode>;
}

export interface Branch {
  weight: number;
  next?: string | undefined;
}

/** A way out of a node: the field that names the next node (`branches.0` for a split). */
export interface Port {
  id: string;
  /** The field's name, for the label: next, on_timeout, then, else, branch. */
  kind: 'next' | 'on_timeout' | 'then' | 'else' | 'branch';
  target: string | undefined;
  /** A split branch's index. */
  index?: number;
}

const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

export function branchesOf(node: DraftNode): Branch[] {
  return Array.isArray(node.branches) ? (node.branches as Branch[]) : [];
}

/** The node's ports in order, each with the node it leads to (undefined: not connected). */
export function portsOf(node: DraftNode): Port[] {
  switch (node.type) {
    case 'wait':
    case 'wait_until':
    case 'send':
    case 'update_profile':
    case 'webhook':
      return [{ id: 'next', kind: 'next', target: str(node.next) }];
    case 'wait_for_event':
      return [
        { id: 'next', kind: 'next', target: str(node.next) },
        { id: 'on_timeout', kind: 'on_timeout', target: str(node.on_timeout) },
      ];
    case 'condition':
      return [
        { id: 'then', kind: 'then', target: str(node.then) },
        { id: 'else', kind: 'else', target: str(node.else) },
      ];
    case 'split':
      return branchesOf(node).map((branch, index) => ({
        id: `branches.${index}`,
        kind: 'branch',
        target: str(branch.next),
        index,
      }));
    case 'exit':
      return [];
  }
}

/** The node with `port` leading to `target` (undefined disconnects it). */
export function connect(node: DraftNode, portId: string, target: string | undefined): DraftNode {
  const branch = /^branches\.(\d+)$/.exec(portId);
  if (branch) {
    const index = Number(branch[1]);
    return {
      ...node,
      branches: branchesOf(node).map((b, i) => (i === index ? withNext(b, target) : b)),
    };
  }
  const next: DraftNode = { ...node };
  if (target === undefined) delete next[portId];
  else next[portId] = target;
  return next;
}

function withNext(branch: Branch, target: string | undefined): Branch {
  return target === undefined ? { weight: branch.weight } : { ...branch, next: target };
}

export interface GraphEdge {
  id: string;
  source: string;
  port: Port;
  target: string;
}

/** Every connected port whose target exists, as an edge. */
export function edgesOf(graph: DraftGraph): GraphEdge[] {
  return Object.entries(graph.nodes).flatMap(([source, node]) =>
    portsOf(node)
      .filter((port) => port.target !== undefined && port.target in graph.nodes)
      .map((port) => ({ id: `${source}:${port.id}`, source, port, target: port.target! })),
  );
}

/**
 * A layered layout. Breadth-first search from `start` numbers the nodes; a link to a node
 * numbered later goes down (one that goes back, a loop, is left out), and each node's layer is
 * the longest way down to it, so a step sits below every step that leads to it. Across, a node
 * goes under the way out it was first found by (then left, else right), and nodes of one layer
 * are pushed apart to `spacing.x`. Nodes not reached yet form a row below the deepest layer.
 * Pure: the same graph always gives the same places.
 */
export function layout(
  graph: Pick<DraftGraph, 'start' | 'nodes'>,
  spacing = { x: 240, y: 150 },
): Record<string, { x: number; y: number }> {
  const found: string[] = graph.start in graph.nodes ? [graph.start] : [];
  const index = new Map(found.map((id, i) => [id, i]));
  const across = new Map(found.map((id) => [id, 0]));
  for (let i = 0; i < found.length; i++) {
    const id = found[i]!;
    const ports = portsOf(graph.nodes[id]!).filter((p) => p.target && p.target in graph.nodes);
    ports.forEach((port, p) => {
      const target = port.target!;
      if (index.has(target)) return;
      index.set(target, found.length);
      found.push(target);
      across.set(target, across.get(id)! + (p - (ports.length - 1) / 2) * spacing.x);
    });
  }
  // In search order every link down starts at a node whose layer is already final.
  const depth = new Map<string, number>(found.map((id) => [id, 0]));
  for (const id of found) {
    for (const port of portsOf(graph.nodes[id]!)) {
      const target = port.target;
      if (target === undefined || (index.get(target) ?? -1) <= index.get(id)!) continue;
      depth.set(target, Math.max(depth.get(target)!, depth.get(id)! + 1));
    }
  }
  const layers: string[][] = [];
  for (const id of found) (layers[depth.get(id)!] ??= []).push(id);
  const positions: Record<string, { x: number; y: number }> = {};
  layers.forEach((ids, layer) => {
    const sorted = [...ids].sort((a, b) => across.get(a)! - across.get(b)!);
    let left = -Infinity;
    for (const id of sorted) {
      const x = Math.max(across.get(id)!, left + spacing.x);
      positions[id] = { x, y: layer * spacing.y };
      left = x;
    }
  });
  const lost = Object.keys(graph.nodes).filter((id) => !index.has(id));
  lost.forEach((id, i) => {
    positions[id] = { x: i * spacing.x, y: layers.length * spacing.y };
  });
  return positions;
}

/** The nodes in the order breadth-first search from `start` finds them, then the unreached. */
export function searchOrder(graph: Pick<DraftGraph, 'start' | 'nodes'>): string[] {
  const found = new Set(graph.start in graph.nodes ? [graph.start] : []);
  for (const id of found) {
    for (const port of portsOf(graph.nodes[id]!)) {
      if (port.target && port.target in graph.nodes) found.add(port.target);
    }
  }
  return [...found, ...Object.keys(graph.nodes).filter((id) => !found.has(id))];
}

/** A fresh node of `type` with sensible defaults; its ports are left for the user to connect. */
export function newNode(type: NodeType): DraftNode {
  switch (type) {
    case 'wait':
      return { type, duration: { days: 1 } };
    case 'wait_until':
      return { type, local_time: '10:00' };
    case 'wait_for_event':
      return { type, event: 'play.completed', timeout: { days: 3 } };
    case 'condition':
      return { type, filter: '' };
    case 'split':
      return { type, branches: [{ weight: 50 }, { weight: 50 }] };
    case 'send':
      return { type, template_id: '' };
    case 'update_profile':
      return { type, set: {} };
    case 'webhook':
      return { type, endpoint_id: '' };
    case 'exit':
      return { type };
  }
}

/** The first free id `<type>_<n>` (ids follow the API's pattern: a letter, then [A-Za-z0-9_-]). */
export function freeId(graph: Pick<DraftGraph, 'nodes'>, type: NodeType): string {
  for (let n = 1; ; n++) {
    const id = `${type}_${n}`;
    if (!(id in graph.nodes)) return id;
  }
}

/** The graph without `id`, and with every port that led to it disconnected. */
export function removeNode<G extends DraftGraph>(graph: G, id: string): G {
  const nodes: Record<string, DraftNode> = {};
  for (const [other, node] of Object.entries(graph.nodes)) {
    if (other === id) continue;
    nodes[other] = portsOf(node).reduce(
      (n, port) => (port.target === id ? connect(n, port.id, undefined) : n),
      node,
    );
  }
  return { ...graph, nodes };
}

/** `graph.nodes.wait_1.next` (a 400's `details.field`) → `wait_1`, when it names a node. */
export function nodeOfField(field: unknown, graph: Pick<DraftGraph, 'nodes'>): string | undefined {
  if (typeof field !== 'string') return undefined;
  const match = /^graph\.nodes\.([A-Za-z][A-Za-z0-9_-]*)/.exec(field);
  return match && match[1]! in graph.nodes ? match[1] : undefined;
}

/** The nodes `start` does not lead to (the API refuses a graph with any). */
export function unreachable(graph: Pick<DraftGraph, 'start' | 'nodes'>): string[] {
  const seen = new Set<string>();
  const queue = graph.start in graph.nodes ? [graph.start] : [];
  for (const id of queue) {
    if (seen.has(id)) continue;
    seen.add(id);
    for (const port of portsOf(graph.nodes[id]!)) {
      if (port.target && port.target in graph.nodes) queue.push(port.target);
    }
  }
  return Object.keys(graph.nodes).filter((id) => !seen.has(id));
}
