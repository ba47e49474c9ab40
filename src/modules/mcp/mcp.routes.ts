import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { sendError } from '../../http/errors.ts';
import type { App } from '../../http/types.ts';
import { currentProperty, requirePropertyAccess } from '../auth/index.ts';
import { BULK_BODY_LIMIT } from '../players/index.ts';
import { RESOURCES } from './mcp.resources.ts';
import { createMcpServer, MCP_SERVER_NAME, TOOLS } from './mcp.server.ts';

export const MCP_PATH = '/api/mcp';

/** The request as the SDK's Web-standard transport reads it; the body is already parsed. */
function webRequest(deps: Deps, request: FastifyRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'content-length') continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return new Request(`${deps.config.publicUrl}${MCP_PATH}`, { method: 'POST', headers });
}

/**
 * Stateless Streamable HTTP: every POST gets its own server and transport, built for the
 * credential's property and scopes, and answers one JSON response (no SSE stream).
 */
async function handle(deps: Deps, version: string, request: FastifyRequest, reply: FastifyReply) {
  const server = createMcpServer(deps, currentProperty(request), version);
  // No sessionIdGenerator: stateless mode, no Mcp-Session-Id.
  const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
  try {
    await server.connect(transport);
    const response = await transport.handleRequest(webRequest(deps, request), {
      parsedBody: request.body,
    });
    response.headers.forEach((value, name) => {
      void reply.header(name, value);
    });
    return await reply.code(response.status).send(await response.text());
  } finally {
    await transport.close();
    await server.close();
  }
}

const BATCH_REFUSED =
  "Send one JSON-RPC message per request: batches are not accepted (each call counts against the key's rate limit)";
const NO_STREAM =
  'This MCP server is stateless: POST JSON-RPC messages to /api/mcp (there is no SSE stream to open and no session to delete)';

/** The MCP endpoint and its manifest. Both are left out of openapi.json: JSON-RPC, not REST. */
export function mcpRoutes(app: App, deps: Deps, version: string): void {
  app.post(
    MCP_PATH,
    {
      // Any scope may connect; each tool then needs its own (read tools: read, write: write).
      onRequest: requirePropertyAccess(deps, null),
      // players_batch_upsert takes 1000 players, as POST /api/players/batch does.
      bodyLimit: Math.max(BULK_BODY_LIMIT, deps.config.bodyLimitBytes),
      schema: { hide: true },
    },
    (request, reply) =>
      // One message per request, so the key's per-minute limit counts every tool call (JSON-RPC
      // batches left the protocol in its 2025-06-18 revision).
      Array.isArray(request.body)
        ? sendError(request, reply, 'bad_request', BATCH_REFUSED)
        : handle(deps, version, request, reply),
  );
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: MCP_PATH,
      schema: { hide: true },
      handler: (request, reply) =>
        sendError(request, reply.header('Allow', 'POST'), 'method_not_allowed', NO_STREAM),
    });
  }

  app.get('/.well-known/mcp.json', { schema: { hide: true } }, () => ({
    name: MCP_SERVER_NAME,
    title: 'PlayLoop PlayerOS',
    version,
    description:
      "PlayLoop's PlayerOS for AI agents: players, segments, campaigns, content, journeys, consent, privacy requests, webhooks, analytics and one-time game links of one casino property.",
    endpoint: `${deps.config.publicUrl}${MCP_PATH}`,
    transport: 'streamable-http',
    auth: {
      type: 'api_key',
      header: 'X-Api-Key',
      format: 'pk_…',
      alternatives: ['Authorization: Bearer pk_…'],
      description:
        'A property key (pk_) of the PlayerOS API: its property is the tenant, its scopes decide the tools (a read-only key sees only read tools) and its per-minute limit applies to every MCP request.',
    },
    tools: TOOLS.map((t) => t.name),
    tool_scopes: Object.fromEntries(TOOLS.map((t) => [t.name, t.scope])),
    resources: RESOURCES.map((r) => r.uri),
  }));
}
