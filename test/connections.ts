import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Tenant, TestUser } from './factories.ts';
import { expectError, type Harness, json } from './harness.ts';

// Connections through the dashboard API, for the connections tests.

export interface CreatedConnection {
  id: number;
  provider: string;
  enabled: boolean;
  signing_secret: string | null;
  [field: string]: unknown;
}

/** POST /api/connections as `user` (default: the Owner). */
export const postConnection = (
  h: Harness,
  t: Tenant,
  body: Record<string, unknown>,
  user: TestUser = t.owner,
) =>
  h.inject({
    method: 'POST',
    url: '/api/connections',
    headers: user.auth,
    payload: { org_id: t.org.id, name: 'Hook', ...body },
  });

/** A connection made by the Owner; the test fails unless it is created. */
export async function createConnection(
  h: Harness,
  t: Tenant,
  body: Record<string, unknown>,
): Promise<CreatedConnection> {
  const response = await postConnection(h, t, body);
  expect(response.statusCode, response.body).toBe(201);
  return json<{ data: CreatedConnection }>(response).data;
}

/** Links the connection to the stream with `triggers`, as the Owner. */
export async function linkStream(
  h: Harness,
  t: Tenant,
  streamId: number,
  connectionId: number,
  triggers: string[],
): Promise<void> {
  const response = await h.inject({
    method: 'PUT',
    url: `/api/streams/${streamId}/connections/${connectionId}`,
    headers: t.owner.auth,
    payload: { org_id: t.org.id, triggers },
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** Asserts a 400 validation_failed envelope; answers its `error` and `details` (field, rule). */
export function validationError(response: LightMyRequestResponse): {
  error: string;
  details?: Record<string, unknown>;
} {
  expectError(response, 400, 'validation_failed');
  return json<{ error: string; details?: Record<string, unknown> }>(response);
}
