import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect } from 'vitest';
import { createGame } from '../src/modules/games/index.ts';
import { createPropertyKey } from '../src/modules/property-keys/index.ts';
import { makePropertyTenant, type PropertyTenant } from './factories.ts';
import { createHarness, type Harness, json } from './harness.ts';

// The MCP server as an agent meets it: a harness listening on a local port, a property with a
// read+write and a read-only pk_ key and a game, and clients of the official SDK over
// Streamable HTTP (src/modules/mcp).

export interface ToolResult {
  isError?: boolean;
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
}

export interface McpFixture {
  h: Harness;
  /** http://127.0.0.1:<port> */
  base: string;
  /** The property; `t.key` has the read and write scopes. */
  t: PropertyTenant;
  /** A pk_ key of the same property with the read scope only. */
  readKey: string;
  /** A game of the property's organization. */
  gameId: number;
}

/** For one test file: starts the fixture before its tests and closes it after them. */
export function useMcpServer(): McpFixture {
  const fixture = {} as McpFixture;
  const clients: Client[] = [];
  beforeAll(async () => {
    const h = await createHarness();
    // send-campaign and schedule-campaign enqueue jobs: the queues must exist (no workers run).
    await h.deps.jobs.start();
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    fixture.h = h;
    fixture.base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    fixture.t = await makePropertyTenant(h);
    const reader = await createPropertyKey(h.deps, undefined, {
      propertyId: fixture.t.property.id,
      name: 'Read-only agent',
      scopes: ['read'],
      rateLimitPerMinute: 10_000,
    });
    fixture.readKey = reader.key;
    fixture.gameId = (await createGame(h.deps, fixture.t.org.id, { title: 'Spin' })).id;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await fixture.h.close();
  });
  connected.set(fixture, clients);
  return fixture;
}

const connected = new WeakMap<McpFixture, Client[]>();

/** An initialized MCP client sending `key` as X-Api-Key; closed with the fixture. */
export async function connect(fixture: McpFixture, key: string): Promise<Client> {
  const client = new Client({ name: 'playloop-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${fixture.base}/api/mcp`), {
    requestInit: { headers: { 'X-Api-Key': key } },
  });
  await client.connect(transport);
  connected.get(fixture)?.push(client);
  return client;
}

export const callTool = async (
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolResult> => (await client.callTool({ name, arguments: args })) as ToolResult;

/** The JSON answer of a successful tool call (what the HTTP route answers), `data` if any. */
export async function ok<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result = await callTool(client, name, args);
  expect(result.isError, `${name}: ${result.content[0]?.text ?? ''}`).toBeFalsy();
  const body = JSON.parse(result.content[0]?.text ?? 'null') as Record<string, unknown>;
  expect(result.structuredContent).toEqual(body);
  expect(body.success).toBe(true);
  return (body.data ?? body) as T;
}

/** The error envelope of a refused tool call. */
export async function refused(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = await callTool(client, name, args);
  expect(result.isError, result.content[0]?.text).toBe(true);
  return JSON.parse(result.content[0]?.text ?? 'null') as {
    success: false;
    error: string;
    code: string;
  };
}

/** A request to the HTTP API with the property's read+write key. */
export const api = (
  fixture: McpFixture,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: Record<string, unknown>,
): Promise<LightMyRequestResponse> =>
  fixture.h.inject({
    method,
    url,
    headers: fixture.t.keyHeaders,
    ...(payload === undefined ? {} : { payload }),
  });

/** The `data` of a successful HTTP API answer. */
export async function apiData<T = Record<string, unknown>>(
  fixture: McpFixture,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: Record<string, unknown>,
): Promise<T> {
  const response = await api(fixture, method, url, payload);
  expect(response.statusCode, response.body).toBeLessThan(300);
  return json<{ data: T }>(response).data;
}
