import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Channel, PropertyFacts } from './content.render.ts';

// Templates of a property: every function takes the property first.

type Executor = Kysely<DB> | Transaction<DB>;

export interface TemplateRow {
  id: string;
  property_id: string;
  name: string;
  channel: Channel;
  subject: string | null;
  body: string;
  text_body: string | null;
  game_ids: number[];
  stream_ids: number[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface TemplateValues {
  name: string;
  channel: Channel;
  subject: string | null;
  body: string;
  text_body: string | null;
  game_ids: number[];
  stream_ids: number[];
}

const COLUMNS = [
  'id',
  'property_id',
  'name',
  'channel',
  'subject',
  'body',
  'text_body',
  'game_ids',
  'stream_ids',
  'version',
  'created_at',
  'updated_at',
] as const;

/** A page of the property's templates by name, after `after` (keyset on the unique name). */
export async function listTemplates(
  db: Executor,
  propertyId: string,
  options: { channel: Channel | undefined; after: string | undefined; limit: number },
): Promise<TemplateRow[]> {
  let query = db
    .selectFrom('templates')
    .select(COLUMNS)
    .where('property_id', '=', propertyId)
    .orderBy('name')
    .limit(options.limit);
  if (options.channel) query = query.where('channel', '=', options.channel);
  if (options.after !== undefined) query = query.where('name', '>', options.after);
  return query.execute();
}

export async function findTemplate(
  db: Executor,
  propertyId: string,
  id: string,
): Promise<TemplateRow | undefined> {
  return db
    .selectFrom('templates')
    .select(COLUMNS)
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Inserts the template unless the property already has `max`, in one statement under the
 * property's row lock (two concurrent creations cannot both pass the count). Undefined when
 * the cap was reached. Run it in a transaction: the lock lasts until its end.
 */
export async function insertTemplate(
  db: Transaction<DB>,
  propertyId: string,
  values: TemplateValues,
  max: number,
  now: Date,
): Promise<TemplateRow | undefined> {
  await sql`SELECT 1 FROM properties WHERE id = ${propertyId} FOR UPDATE`.execute(db);
  const { rows } = await sql<TemplateRow>`
    INSERT INTO templates
      (property_id, name, channel, subject, body, text_body, game_ids, stream_ids,
       created_at, updated_at)
    SELECT ${propertyId}, ${values.name}, ${values.channel}, ${values.subject}, ${values.body},
           ${values.text_body}, ${values.game_ids}::integer[], ${values.stream_ids}::integer[],
           ${now}, ${now}
     WHERE (SELECT count(*) FROM templates WHERE property_id = ${propertyId}) < ${max}
    RETURNING ${sql.join(COLUMNS.map((column) => sql.ref(column)))}
  `.execute(db);
  return rows[0];
}

/**
 * Writes the new values if the template is still at `version` (the one its check read), and
 * bumps the version. Undefined when it was changed or deleted meanwhile.
 */
export async function updateTemplate(
  db: Executor,
  propertyId: string,
  id: string,
  version: number,
  values: Omit<TemplateValues, 'channel'>,
  now: Date,
): Promise<TemplateRow | undefined> {
  return db
    .updateTable('templates')
    .set({
      name: values.name,
      subject: values.subject,
      body: values.body,
      text_body: values.text_body,
      game_ids: sql<number[]>`${values.game_ids}::integer[]`,
      stream_ids: sql<number[]>`${values.stream_ids}::integer[]`,
      version: sql<number>`version + 1`,
      updated_at: now,
    })
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .where('version', '=', version)
    .returning(COLUMNS)
    .executeTakeFirst();
}

export async function deleteTemplate(
  db: Executor,
  propertyId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('templates')
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Of `ids`, those naming a game (or stream) of the organization. */
export async function existingLinkTargets(
  db: Executor,
  orgId: number,
  games: number[],
  streams: number[],
): Promise<{ games: Set<number>; streams: Set<number> }> {
  const [foundGames, foundStreams] = await Promise.all([
    games.length === 0
      ? []
      : db
          .selectFrom('games')
          .select('id')
          .where('org_id', '=', orgId)
          .where('id', 'in', games)
          .execute(),
    streams.length === 0
      ? []
      : db
          .selectFrom('streams')
          .select('id')
          .where('org_id', '=', orgId)
          .where('id', 'in', streams)
          .execute(),
  ]);
  return {
    games: new Set(foundGames.map((row) => row.id)),
    streams: new Set(foundStreams.map((row) => row.id)),
  };
}

/** The property's name and postal address (compliance settings), for `property.*`. */
export async function propertyFacts(
  db: Executor,
  propertyId: string,
): Promise<PropertyFacts | undefined> {
  return db
    .selectFrom('properties')
    .leftJoin('compliance_settings', 'compliance_settings.property_id', 'properties.id')
    .select(['properties.name', 'compliance_settings.postal_address'])
    .where('properties.id', '=', propertyId)
    .executeTakeFirst();
}
