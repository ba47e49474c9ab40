import { ApiError, errorText } from '../../api/errors.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import { portLabel } from './fields.tsx';
import { type DraftGraph, nodeOfField, portsOf, unreachable } from './graph.ts';

export interface Problem {
  text: string;
  nodes: string[];
}

/** A failed save or lifecycle call in words; a graph refused for one step names and marks it. */
export function problemOf(error: unknown, graph: DraftGraph, t: Translate): Problem | null {
  if (!error) return null;
  if (error instanceof ApiError && error.code === 'validation_failed') {
    const field = error.details.field;
    const node = nodeOfField(field, graph);
    if (node) {
      // A send, profile update or webhook may end the run: its `next` is not required.
      const ends = ['send', 'update_profile', 'webhook'].includes(graph.nodes[node]!.type);
      const open = ends
        ? undefined
        : portsOf(graph.nodes[node]!).find((port) => port.target === undefined);
      return {
        text: open
          ? t('journeys.error.node_port', { node, port: portLabel(open, t) })
          : t('journeys.error.node', { node }),
        nodes: [node],
      };
    }
    const lost = unreachable(graph);
    if (field === 'graph' && lost.length > 0) {
      return { text: t('journeys.error.unreachable', { nodes: lost.join(', ') }), nodes: lost };
    }
    if (field === 'graph' && error.message.includes('loop')) {
      const ids = (error.message.match(/[A-Za-z][A-Za-z0-9_-]*/g) ?? []).filter(
        (word) => word in graph.nodes,
      );
      return {
        text: t('journeys.error.loop', { nodes: [...new Set(ids)].join(' → ') }),
        nodes: ids,
      };
    }
    if (typeof field === 'string' && field.startsWith('graph.trigger')) {
      return { text: t('journeys.error.trigger'), nodes: [] };
    }
    if (typeof field === 'string' && field.startsWith('graph.entry')) {
      return { text: t('journeys.error.entry'), nodes: [] };
    }
    if (field === 'graph.start') return { text: t('journeys.error.start'), nodes: [] };
  }
  if (error instanceof ApiError && error.code === 'conflict') {
    return { text: t('journeys.error.conflict'), nodes: [] };
  }
  return { text: errorText(error, t), nodes: [] };
}
