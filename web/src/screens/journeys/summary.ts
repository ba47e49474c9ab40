import type { JourneyStats } from '../../data/journeys.queries.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import { branchesOf, type DraftNode } from './graph.ts';

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** `1 d 2 h` from an API duration; an empty one is `—`. */
export function durationText(value: unknown, t: Translate): string {
  const d = (typeof value === 'object' && value ? value : {}) as Record<string, number>;
  const parts = (['days', 'hours', 'minutes', 'seconds'] as const)
    .filter((unit) => (d[unit] ?? 0) > 0)
    .map((unit) => t(`journeys.short.${unit}`, { n: d[unit] ?? 0 }));
  return parts.length ? parts.join(' ') : '—';
}

/** One line saying what the step does, shown on the canvas and in the list. */
export function nodeSummary(node: DraftNode, t: Translate): string {
  switch (node.type) {
    case 'wait':
      return t('journeys.summary.wait', { d: durationText(node.duration, t) });
    case 'wait_until':
      return t('journeys.summary.wait_until', { time: text(node.local_time) });
    case 'wait_for_event':
      return t('journeys.summary.wait_for_event', {
        event: text(node.event),
        d: durationText(node.timeout, t),
      });
    case 'condition':
      return text(node.filter) || t('journeys.summary.no_filter');
    case 'split':
      return branchesOf(node)
        .map((b) => String(b.weight))
        .join(' / ');
    case 'send':
      return text(node.template_id) || t('journeys.summary.no_template');
    case 'update_profile':
      return Object.keys(node.set ?? {}).join(', ') || '—';
    case 'webhook':
      return text(node.endpoint_id) || t('journeys.summary.no_endpoint');
    case 'exit':
      return t('journeys.summary.exit');
  }
}

/** A step's counts from the stats endpoint: players waiting there now, and those who went on. */
export function countsText(
  stats: JourneyStats | undefined,
  id: string,
  t: Translate,
): string | undefined {
  if (!stats) return undefined;
  const counts = stats.nodes[id];
  return t('journeys.node.counts', {
    here: counts?.waiting ?? 0,
    passed: (counts?.passed ?? 0) + (counts?.skipped ?? 0),
  });
}
