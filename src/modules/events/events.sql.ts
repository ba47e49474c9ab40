import { EVENT_CATALOG, type EventType } from './events.catalog.ts';

/*
 * SQL text for the writers that record their event in the statement that makes the change
 * (`WITH changed AS (UPDATE … RETURNING …) INSERT INTO events … SELECT … FROM changed`), so a
 * batched hot path stays one statement and one round trip. Every argument is an alias or an
 * expression written by PlayLoop's own code, never a value from a request: values go in as
 * statement parameters.
 */

/**
 * `INSERT INTO events … SELECT … FROM <from>`: one event of `type` per row of `from`.
 * `data` is a jsonb expression (usually `jsonb_build_object(…)`) over the rows of `from`.
 */
export function insertEventsSelect(
  type: EventType,
  parts: { occurredAt: string; orgId: string; propertyId?: string; data: string; from: string },
): string {
  return `INSERT INTO events (type, version, occurred_at, org_id, property_id, payload)
    SELECT '${type}', ${EVENT_CATALOG[type].version}, ${parts.occurredAt}, ${parts.orgId},
           ${parts.propertyId ?? 'NULL'}, ${parts.data}
      FROM ${parts.from}`;
}

/** jsonb_build_object arguments naming a stream; `st` is a LEFT JOIN of `streams`. */
export const streamFields = (streamId: string, st: string) =>
  `'stream_id', ${streamId}, 'stream_slug', ${st}.slug, 'stream_name', ${st}.name`;

/** jsonb_build_object arguments naming the session; `s` is (a LEFT JOIN of) `game_sessions`. */
export const sessionFields = (s: string) =>
  `'session_id', ${s}.id, 'external_ref', ${s}.external_ref, 'metadata', ${s}.metadata`;

/**
 * jsonb_build_object arguments of a play's facts (`play_id` … `external_id`): `p` is the play,
 * `s` a LEFT JOIN of its session, `st` a LEFT JOIN of its stream.
 */
export const playFields = (p: string, s: string, st: string) =>
  `'play_id', ${p}.id, 'game_id', ${p}.game_id, ${streamFields(`${p}.stream_id`, st)},
   ${sessionFields(s)}, 'player_uuid', ${p}.player_uuid, 'external_id', ${p}.external_id`;

/** The joins `playFields` reads: the play's session and stream, within its organization. */
export const playJoins = (p: string, s: string, st: string) =>
  `LEFT JOIN game_sessions ${s} ON ${s}.org_id = ${p}.org_id AND ${s}.id = ${p}.session_id
   LEFT JOIN streams ${st} ON ${st}.org_id = ${p}.org_id AND ${st}.id = ${p}.stream_id`;
