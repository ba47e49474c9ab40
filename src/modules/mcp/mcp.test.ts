import { describe, expect, it } from 'vitest';
import { json } from '../../../test/harness.ts';
import { makePropertyTenant } from '../../../test/factories.ts';
import {
  api as apiOf,
  connect as connectTo,
  ok,
  refused,
  useMcpServer,
} from '../../../test/mcp.ts';
import { createGame } from '../games/index.ts';
import { createPropertyKey } from '../property-keys/index.ts';

// The MCP server's contract (src/modules/mcp): the tool list and its annotations, scopes of
// read-only keys, authentication and the key's rate limit, tenant isolation, argument
// validation, the resources and the manifest. mcp.tools.test.ts calls every tool.

type Headers = Record<string, string>;

const s = useMcpServer();
const connect = (key: string) => connectTo(s, key);
const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Record<string, unknown>) =>
  apiOf(s, method, url, payload);

describe('the MCP server', () => {
  it('lists at least 25 tools with descriptions, schemas and annotations', async () => {
    const client = await connect(s.t.key);
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThanOrEqual(25);
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(20);
      expect(tool.inputSchema.type).toBe('object');
      expect(typeof tool.annotations?.readOnlyHint, tool.name).toBe('boolean');
      expect(typeof tool.annotations?.destructiveHint, tool.name).toBe('boolean');
    }
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect(byName.get('players_list')?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('players_delete')?.annotations?.destructiveHint).toBe(true);
    expect(byName.get('privacy_delete_player_data')?.annotations?.destructiveHint).toBe(true);
    expect(byName.get('players_create')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
    });
    // The HTTP API's own schema: the player fields of PATCH /api/players/{id}.
    expect(Object.keys(byName.get('players_create')?.inputSchema.properties ?? {})).toContain(
      'player_id',
    );
  });

  it('shows a read-only key only read tools and refuses it the write tools', async () => {
    const client = await connect(s.readKey);
    const { tools } = await client.listTools();
    const full = (await (await connect(s.t.key)).listTools()).tools;
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
    expect(tools.map((tool) => tool.name)).toEqual(
      full.filter((tool) => tool.annotations?.readOnlyHint).map((tool) => tool.name),
    );
    expect(tools.map((tool) => tool.name)).not.toContain('players_create');

    const body = await refused(client, 'players_create', { player_id: 'sneaky' });
    expect(body.code).toBe('forbidden');
    expect(body.error).toContain('write scope');
    expect((await api('GET', '/api/players/sneaky')).statusCode).toBe(404);
    expect((await refused(client, 'privacy_delete_player_data', { player_id: 'x' })).code).toBe(
      'forbidden',
    );
    // Its read tools work.
    expect(await ok(client, 'players_list', { limit: 1 })).toBeInstanceOf(Array);
  });

  it('answers 401 in the error envelope without a key or with a bad one', async () => {
    const message = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
    const headers: Headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    for (const extra of [{}, { 'x-api-key': 'pk_live_not_a_real_key' }]) {
      const response = await fetch(`${s.base}/api/mcp`, {
        method: 'POST',
        headers: { ...headers, ...extra },
        body: JSON.stringify(message),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ success: false, code: 'unauthorized' });
    }
    await expect(connect('pk_live_not_a_real_key').then(() => 'connected')).rejects.toThrow();
  });

  it('answers GET and DELETE with 405 in the envelope: there is no stream or session', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${s.base}/api/mcp`, { method, headers: s.t.keyHeaders });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(await response.json()).toMatchObject({ success: false, code: 'method_not_allowed' });
    }
  });

  it("lets an MCP client in a browser through CORS's preflight", async () => {
    const response = await fetch(`${s.base}/api/mcp`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://agent.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-api-key, mcp-protocol-version',
      },
    });
    expect(response.status).toBe(204);
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const header of ['content-type', 'x-api-key', 'mcp-protocol-version']) {
      expect(allowed).toContain(header);
    }
  });

  it('refuses a JSON-RPC batch, so every tool call is one rate-limited request', async () => {
    const message = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/list', params: {} });
    const response = await fetch(`${s.base}/api/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...s.t.keyHeaders,
      },
      body: JSON.stringify([message(1), message(2)]),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ success: false, code: 'bad_request' });
  });

  it("applies the key's rate limit to every MCP request", async () => {
    const limited = await createPropertyKey(s.h.deps, undefined, {
      propertyId: s.t.property.id,
      name: 'Slow agent',
      scopes: ['read'],
      rateLimitPerMinute: 3,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await fetch(`${s.base}/api/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'x-api-key': limited.key,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/list', params: {} }),
      });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(await response.json()).toMatchObject({ code: 'rate_limited' });
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it("answers not_found for another property's player, segment or game", async () => {
    const other = await makePropertyTenant(s.h);
    const theirs = json<{ data: { id: string } }>(
      await s.h.inject({
        method: 'POST',
        url: '/api/players',
        headers: other.keyHeaders,
        payload: { player_id: 'theirs' },
      }),
    ).data.id;
    const theirGame = (await createGame(s.h.deps, other.org.id, { title: 'Theirs' })).id;
    const client = await connect(s.t.key);
    for (const [name, args] of [
      ['players_get', { id: theirs }],
      ['players_update', { id: theirs, fields: { tier: 'Gold' } }],
      ['players_delete', { id: theirs }],
      ['privacy_export_player_data', { player_id: theirs }],
      ['game_link_create', { player_id: theirs, game_id: s.gameId }],
    ] as const) {
      const body = await refused(client, name, args);
      expect(body, name).toMatchObject({ code: 'not_found', error: 'Player not found' });
    }
    const theirSegment = json<{ data: { id: string } }>(
      await s.h.inject({
        method: 'POST',
        url: '/api/segments',
        headers: other.keyHeaders,
        payload: { name: 'Theirs', filter: 'tier=eq.Gold' },
      }),
    ).data.id;
    expect(await refused(client, 'segments_get', { id: theirSegment })).toMatchObject({
      code: 'not_found',
    });
    await ok(client, 'players_create', { player_id: 'ours' });
    expect(
      await refused(client, 'game_link_create', { player_id: 'ours', game_id: theirGame }),
    ).toMatchObject({ code: 'not_found', error: 'Game not found' });
    // Their player is untouched.
    const still = await s.h.inject({ url: `/api/players/${theirs}`, headers: other.keyHeaders });
    expect(still.statusCode).toBe(200);
  });

  it('refuses invalid arguments with the HTTP validator message', async () => {
    const client = await connect(s.t.key);
    const viaHttp = json<{ error: string }>(
      await api('POST', '/api/functions/cancel-campaign', { campaign_id: 'nope' }),
    ).error;
    const body = await refused(client, 'campaigns_cancel', { campaign_id: 'nope' });
    expect(body.code).toBe('validation_failed');
    expect(body.error).toBe(viaHttp.replace('Invalid body', 'Invalid arguments'));
    expect(body.error).toBe('Invalid arguments: campaign_id must match format "uuid"');
    expect(await refused(client, 'players_list', { limit: 'ten' })).toMatchObject({
      code: 'validation_failed',
      error: 'Invalid arguments: limit must be integer',
    });
    expect(await refused(client, 'players_get', {})).toMatchObject({
      error: "Invalid arguments: id must have required property 'id'",
    });
    // A service's own check comes back as the route's envelope: an unknown filter column.
    const unknownColumn = json<{ code: string; error: string }>(
      await api('GET', '/api/players?colour.eq=red'),
    );
    expect(
      await refused(client, 'players_list', { filters: { 'colour.eq': 'red' } }),
    ).toMatchObject({ code: unknownColumn.code, error: unknownColumn.error });
  });

  it('serves the filter grammar and the event catalog as resources', async () => {
    const client = await connect(s.readKey);
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual([
      'playloop://docs/filter-grammar',
      'playloop://docs/event-catalog',
    ]);
    const text = async (uri: string) => {
      const [first] = (await client.readResource({ uri })).contents;
      return first && 'text' in first ? first.text : '';
    };
    expect(await text('playloop://docs/filter-grammar')).toContain('`not.<op>` negates');
    expect(await text('playloop://docs/event-catalog')).toContain('## player.created');
  });

  it('publishes a manifest at /.well-known/mcp.json', async () => {
    const response = await fetch(`${s.base}/.well-known/mcp.json`);
    expect(response.status).toBe(200);
    const manifest = (await response.json()) as Record<string, unknown>;
    const client = await connect(s.t.key);
    const { tools } = await client.listTools();
    expect(manifest).toMatchObject({
      name: 'playloop',
      endpoint: 'http://playloop.test/api/mcp',
      transport: 'streamable-http',
      auth: { type: 'api_key', header: 'X-Api-Key' },
      tools: tools.map((tool) => tool.name),
    });
    expect(manifest.version).toBe(client.getServerVersion()?.version);
  });
});
