import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

// PlayerOS webhook endpoints: every function takes the property first.

type Executor = Kysely<DB> | Transaction<DB>;

export interface EndpointRow {
  id: string;
  property_id: string;
  url: string;
  description: string;
  event_types: string[];
  disabled_at: Date | null;
  disabled_reason: 'manual' | 'gone' | 'failing' | null;
  failing_since: Date | null;
  last_success_at: Date | null;
  previous_secret_expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = [
  'id',
  'property_id',
  'url',
  'description',
  'event_types',
  'disabled_at',
  'disabled_reason',
  'failing_since',
  'last_success_at',
  'previous_secret_expires_at',
  'created_at',
  'updated_at',
] as const;

export async function listEndpoints(db: Executor, propertyId: string): Promise<EndpointRow[]> {
  return db
    .selectFrom('webhook_endpoints')
    .select(COLUMNS)
    .where('property_id', '=', propertyId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function findEndpoint(
  db: Executor,
  propertyId: string,
  id: string,
): Promise<EndpointRow | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .select(COLUMNS)
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Inserts the endpoint unless the property already has `max` of them, in one statement (two
 * concurrent creations cannot both pass the count). Undefined when the limit was reached.
 */
export async function insertEndpoint(
  db: Executor,
  propertyId: string,
  values: { url: string; description: string; event_types: string[]; secret: string },
  max: number,
  now: Date,
): Promise<EndpointRow | undefined> {
  // The property's row lock serializes concurrent creations in one property.
  await sql`SELECT 1 FROM properties WHERE id = ${propertyId} FOR UPDATE`.execute(db);
  const { rows } = await sql<EndpointRow>`
    INSERT INTO webhook_endpoints
      (property_id, url, description, event_types, secret, created_at, updated_at)
    SELECT ${propertyId}, ${values.url}, ${values.description}, ${values.event_types},
           ${values.secret}, ${now}, ${now}
     WHERE (SELECT count(*) FROM webhook_endpoints WHERE property_id = ${propertyId}) < ${max}
    RETURNING ${sql.join(COLUMNS.map((c) => sql.ref(c)))}
  `.execute(db);
  return rows[0];
}

export async function updateEndpoint(
  db: Executor,
  propertyId: string,
  id: string,
  patch: Partial<{
    url: string;
    description: string;
    event_types: string[];
    disabled_at: Date | null;
    disabled_reason: 'manual' | null;
    failing_since: null;
  }>,
  now: Date,
): Promise<EndpointRow | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set({ ...patch, updated_at: now })
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
}

/**
 * Replaces the secret in one statement, the current one becoming the previous (with its end), so
 * two concurrent rotations cannot drop a secret that was already shown.
 */
export async function rotateSecret(
  db: Executor,
  propertyId: string,
  id: string,
  sealed: string,
  previousUntil: Date | null,
  now: Date,
): Promise<EndpointRow | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set((eb) => ({
      previous_secret: previousUntil ? eb.ref('secret') : null,
      previous_secret_expires_at: previousUntil,
      secret: sealed,
      updated_at: now,
    }))
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
}

export async function deleteEndpoint(
  db: Executor,
  propertyId: string,
  id: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('webhook_endpoints')
    .where('property_id', '=', propertyId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
