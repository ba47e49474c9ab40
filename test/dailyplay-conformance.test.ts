import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/modules/api-keys/index.ts';
import { makeTenant, type Tenant } from './factories.ts';
import { createHarness, type Harness, json } from './harness.ts';

/**
 * Every operation of DailyPlay's own OpenAPI document, called against our server in its main
 * success and documented error cases; each answer body is validated against the document's
 * response schema for the status sent (`$ref`s resolved, `nullable` honoured): a field the
 * document types as a string, integer or object must never arrive as `null`.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Operation = { operationId: string; responses: Record<string, Json> };
type Document = { paths: Record<string, Record<string, Operation>> } & Record<string, Json>;

const spec = JSON.parse(
  readFileSync(new URL('../../shared/spec/dailyplay-openapi.json', import.meta.url), 'utf8'),
) as Document;

/** Inlines every `#/...` reference of the document (it has no recursive schemas). */
function deref(node: Json, depth = 0): Json {
  if (depth > 20) throw new Error('reference cycle in the document');
  if (Array.isArray(node)) return node.map((item) => deref(item, depth));
  if (node === null || typeof node !== 'object') return node;
  const ref = node['$ref'];
  if (typeof ref === 'string') {
    let target: Json = spec;
    for (const part of ref.replace(/^#\//, '').split('/')) {
      if (target === null || typeof target !== 'object' || Array.isArray(target))
        throw new Error(`unresolvable ${ref}`);
      target = target[part] ?? null;
    }
    if (target === null) throw new Error(`unresolvable ${ref}`);
    return deref(target, depth + 1);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, deref(v, depth)]));
}

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
ajv.addKeyword('example');

/** operationId -> status -> compiled validator of the documented JSON body. */
const validators = new Map<string, Map<string, ValidateFunction>>();
for (const methods of Object.values(spec.paths)) {
  for (const op of Object.values(methods)) {
    const byStatus = new Map<string, ValidateFunction>();
    for (const [status, response] of Object.entries(op.responses)) {
      const resolved = deref(response) as { content?: Record<string, { schema: Json }> };
      const schema = resolved.content?.['application/json']?.schema;
      if (schema === undefined) throw new Error(`${op.operationId} ${status} has no JSON schema`);
      byStatus.set(status, ajv.compile(schema as object));
    }
    validators.set(op.operationId, byStatus);
  }
}

/** Every documented (operation, status) pair this file exercised. */
const exercised = new Set<string>();

function conforms(operationId: string, status: number, response: LightMyRequestResponse) {
  expect(response.statusCode, `${operationId}: ${response.body}`).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const validate = validators.get(operationId)?.get(String(status));
  if (!validate) throw new Error(`${operationId} does not document ${status}`);
  const body = json<Json>(response);
  const ok = validate(body);
  expect(ok ? [] : validate.errors, `${operationId} ${status}: ${response.body}`).toEqual([]);
  exercised.add(`${operationId} ${status}`);
  return body as { data: Record<string, Json> };
}

const CREATE = '/api/org-api-keys?action=create-session';
const CONSUME = '/api/org-api-keys?action=consume-session';
const validateUrl = (token: string) => `/api/org-api-keys?action=validate-session&token=${token}`;

let h: Harness;
let t: Tenant;
beforeAll(async () => {
  h = await createHarness();
  t = await makeTenant(h);
});
afterAll(async () => {
  await h.close();
});

const create = (payload: Record<string, unknown>, headers: Record<string, string> = t.keyHeaders) =>
  h.inject({ method: 'POST', url: CREATE, headers, payload });

async function mint(payload: Record<string, unknown>): Promise<string> {
  const body = conforms('createSession', 200, await create(payload));
  return body.data['token'] as string;
}

describe("DailyPlay's document, operation by operation", () => {
  it('createSession: game only, stream only, and every field set (200)', async () => {
    const gameOnly = conforms('createSession', 200, await create({ game_id: t.gameIds[0] }));
    expect(gameOnly.data['game_id']).toBe(t.gameIds[0]);
    const streamOnly = conforms('createSession', 200, await create({ stream_id: t.streamId }));
    expect(streamOnly.data['stream_id']).toBe(t.streamId);
    const full = conforms(
      'createSession',
      200,
      await create({
        game_id: t.gameIds[0],
        stream_id: t.streamId,
        external_ref: 'user-12345',
        metadata: { campaign: 'summer-promo' },
        expires_in_minutes: 60,
      }),
    );
    expect(full.data['external_ref']).toBe('user-12345');
    // Nulls sent by the caller are "not given", never echoed back as null.
    conforms(
      'createSession',
      200,
      await create({ game_id: t.gameIds[0], stream_id: null, external_ref: null, metadata: null }),
    );
  });

  it('createSession: 400 without a target or with a malformed body, 401 without a key', async () => {
    conforms('createSession', 400, await create({}));
    conforms('createSession', 400, await create({ game_id: 'forty-two' }));
    conforms('createSession', 401, await create({ game_id: t.gameIds[0] }, {}));
    conforms(
      'createSession',
      401,
      await create({ game_id: t.gameIds[0] }, { 'x-api-key': `dpk_${'0'.repeat(40)}` }),
    );
  });

  it('createSession: 403 outside a scoped key, 429 past the per-minute limit', async () => {
    const scoped = await createApiKey(h.deps, undefined, t.org.id, {
      name: 'scoped',
      allowed_game_ids: [t.gameIds[1]],
    });
    conforms(
      'createSession',
      403,
      await create({ game_id: t.gameIds[0] }, { 'x-api-key': scoped.key }),
    );
    const limited = await createApiKey(h.deps, undefined, t.org.id, {
      name: 'limited',
      rate_limit_per_minute: 1,
    });
    conforms(
      'createSession',
      200,
      await create({ game_id: t.gameIds[0] }, { 'x-api-key': limited.key }),
    );
    conforms(
      'createSession',
      429,
      await create({ game_id: t.gameIds[0] }, { 'x-api-key': limited.key }),
    );
  });

  it('validateSession: active, consumed, revoked and expired tokens, game or stream (200)', async () => {
    const game = await mint({ game_id: t.gameIds[0] });
    const active = conforms('validateSession', 200, await h.inject(validateUrl(game)));
    expect(active.data['valid']).toBe(true);
    const stream = await mint({ stream_id: t.streamId });
    conforms('validateSession', 200, await h.inject(validateUrl(stream)));
    const full = await mint({ game_id: t.gameIds[0], external_ref: 'r', metadata: { a: 1 } });
    conforms('validateSession', 200, await h.inject(validateUrl(full)));

    await h.inject({ method: 'POST', url: CONSUME, payload: { token: game } });
    const consumed = conforms('validateSession', 200, await h.inject(validateUrl(game)));
    expect(consumed.data['status']).toBe('consumed');

    await h.inject({
      method: 'POST',
      url: '/api/org-api-keys?action=revoke-session',
      headers: t.keyHeaders,
      payload: { token: stream },
    });
    const revoked = conforms('validateSession', 200, await h.inject(validateUrl(stream)));
    expect(revoked.data['status']).toBe('revoked');

    const short = await mint({ game_id: t.gameIds[0], expires_in_minutes: 1 });
    if ('advance' in h.clock) h.clock.advance(2 * 60_000);
    const expired = conforms('validateSession', 200, await h.inject(validateUrl(short)));
    expect(expired.data['status']).toBe('expired');
  });

  it('validateSession: 400 for a malformed or missing token', async () => {
    conforms('validateSession', 400, await h.inject(validateUrl('not-a-uuid')));
    conforms('validateSession', 400, await h.inject('/api/org-api-keys?action=validate-session'));
  });

  it('consumeSession: game only, stream only, every field (200); 400; 410', async () => {
    for (const payload of [
      { game_id: t.gameIds[0] },
      { stream_id: t.streamId },
      { game_id: t.gameIds[1], external_ref: 'user-9', metadata: { campaign: 'x' } },
    ]) {
      const token = await mint(payload);
      const body = conforms(
        'consumeSession',
        200,
        await h.inject({ method: 'POST', url: CONSUME, payload: { token, player_uuid: 'p-1' } }),
      );
      expect(body.data['org_id']).toBe(t.org.id);
      conforms(
        'consumeSession',
        410,
        await h.inject({ method: 'POST', url: CONSUME, payload: { token } }),
      );
    }
    conforms(
      'consumeSession',
      400,
      await h.inject({ method: 'POST', url: CONSUME, payload: { token: 'nope' } }),
    );
    conforms('consumeSession', 400, await h.inject({ method: 'POST', url: CONSUME, payload: {} }));
  });

  it('createApiKey, listApiKeys, updateApiKey, deleteApiKey (200 and 401)', async () => {
    const url = '/api/org-api-keys';
    const auth = t.owner.auth;
    const created = conforms(
      'createApiKey',
      200,
      await h.inject({
        method: 'POST',
        url,
        headers: auth,
        payload: { org_id: t.org.id, name: 'CRM' },
      }),
    );
    conforms(
      'createApiKey',
      200,
      await h.inject({
        method: 'POST',
        url,
        headers: auth,
        payload: {
          org_id: t.org.id,
          name: 'Scoped CRM',
          description: 'Used by the CRM to issue game links',
          allowed_game_ids: [t.gameIds[0]],
          allowed_stream_ids: null,
          rate_limit_per_minute: 60,
          rate_limit_per_day: 10_000,
          expires_at: '2099-01-01T00:00:00Z',
        },
      }),
    );
    conforms(
      'createApiKey',
      401,
      await h.inject({ method: 'POST', url, payload: { org_id: t.org.id, name: 'CRM' } }),
    );
    const id = created.data['id'] as number;

    const list = conforms(
      'listApiKeys',
      200,
      await h.inject({ url: `${url}?org_id=${t.org.id}`, headers: auth }),
    );
    expect((list.data as unknown as unknown[]).length).toBeGreaterThanOrEqual(3);
    conforms('listApiKeys', 401, await h.inject({ url: `${url}?org_id=${t.org.id}` }));

    conforms(
      'updateApiKey',
      200,
      await h.inject({
        method: 'PATCH',
        url,
        headers: auth,
        payload: { id, org_id: t.org.id, is_active: false },
      }),
    );
    conforms(
      'updateApiKey',
      401,
      await h.inject({ method: 'PATCH', url, payload: { id, org_id: t.org.id, is_active: true } }),
    );

    conforms(
      'deleteApiKey',
      401,
      await h.inject({ method: 'DELETE', url: `${url}?id=${id}&org_id=${t.org.id}` }),
    );
    conforms(
      'deleteApiKey',
      200,
      await h.inject({
        method: 'DELETE',
        url: `${url}?id=${id}&org_id=${t.org.id}`,
        headers: auth,
      }),
    );
  });

  it('exercised every operation and every documented status of the document', () => {
    const documented = [...validators].flatMap(([op, statuses]) =>
      [...statuses.keys()].map((status) => `${op} ${status}`),
    );
    expect(documented.length).toBe(18);
    expect([...exercised].sort()).toEqual(documented.sort());
  });
});
