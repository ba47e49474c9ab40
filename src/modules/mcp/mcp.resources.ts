import { EVENT_CATALOG, EVENT_TYPES } from '../events/index.ts';
import { GRAMMAR } from '../tables/index.ts';

export interface McpResource {
  uri: string;
  name: string;
  title: string;
  description: string;
  mimeType: 'text/markdown';
  text: () => string;
}

function eventCatalog(): string {
  const sections = EVENT_TYPES.map((type) => {
    const spec = EVENT_CATALOG[type];
    return [
      `## ${type} (version ${spec.version}, ${spec.scope} scope)`,
      '',
      spec.summary,
      '',
      spec.description,
      '',
      '```json',
      JSON.stringify(spec.data, null, 2),
      '```',
    ].join('\n');
  });
  return [
    '# PlayLoop event catalog',
    '',
    'Every event is delivered (webhooks, journeys) as the envelope `{ id, type, version, occurred_at, org_id, property_id, data }`; `data` of each type follows the JSON Schema below.',
    '',
    ...sections,
  ].join('\n');
}

/** Read-only documents an agent can load before calling tools. */
export const RESOURCES: readonly McpResource[] = [
  {
    uri: 'playloop://docs/filter-grammar',
    name: 'filter-grammar',
    title: 'Player filter grammar',
    description:
      'The PostgREST-style filters, ordering, paging, counting and `q` search that players_list (GET /api/players) accepts.',
    mimeType: 'text/markdown',
    text: () =>
      `# Player filters (players_list, GET /api/players)\n\nWith players_list, put column filters in \`filters\` (e.g. \`{"status.eq": "active"}\`) and the reserved parameters beside it.\n\n${GRAMMAR}\n`,
  },
  {
    uri: 'playloop://docs/event-catalog',
    name: 'event-catalog',
    title: 'Event catalog',
    description:
      'Every domain event type PlayLoop records and delivers (webhooks, journey triggers), with its data schema.',
    mimeType: 'text/markdown',
    text: eventCatalog,
  },
];
