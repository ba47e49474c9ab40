import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import {
  isDatabaseUnavailable,
  isStatementCancelled,
  isTransientConflict,
} from '../../db/errors.ts';
import type { Deps } from '../../deps.ts';
import { validationMessage } from '../../http/errors.ts';
import { validatorCompiler } from '../../http/validation.ts';
import { AppError, type ErrorCode as AppErrorCode } from '../../lib/errors.ts';
import type { PropertyContext } from '../auth/index.ts';
import { RESOURCES } from './mcp.resources.ts';
import type { McpTool } from './mcp.tool.ts';
import { marketingTools } from './mcp.tools.marketing.ts';
import { operationTools } from './mcp.tools.operations.ts';
import { playerTools } from './mcp.tools.players.ts';

export const MCP_SERVER_NAME = 'playloop';

export const TOOLS: readonly McpTool[] = [...playerTools, ...marketingTools, ...operationTools];

interface Validator {
  (data: unknown): boolean;
  errors?: { instancePath?: string; message?: string; params?: unknown }[] | null;
}

const validators = new Map<string, Validator>();

/**
 * Arguments are checked by the HTTP layer's own validator, as a JSON body is (no coercion,
 * defaults filled in, NUL and nesting refused), so a bad argument gets the route's message.
 * Compiled on a tool's first call, so starting the app compiles none.
 */
function validatorOf(t: McpTool): Validator {
  let validate = validators.get(t.name);
  if (!validate) {
    validate = validatorCompiler({
      schema: t.input as never,
      method: 'POST',
      url: '/api/mcp',
      httpPart: 'body',
    }) as Validator;
    validators.set(t.name, validate);
  }
  return validate;
}

/** A tool's JSON Schema for the wire: the TypeBox object as plain JSON (symbols dropped). */
const wireSchema = (t: McpTool): Tool['inputSchema'] =>
  JSON.parse(JSON.stringify(t.input)) as Tool['inputSchema'];

function describe(t: McpTool): Tool {
  return {
    name: t.name,
    title: t.title,
    description: t.description,
    inputSchema: wireSchema(t),
    annotations: {
      title: t.title,
      readOnlyHint: t.scope === 'read',
      destructiveHint: t.scope === 'write' && t.destructive === true,
      idempotentHint: t.scope === 'read' || t.idempotent === true,
      openWorldHint: false,
    },
  };
}

const allowed = (property: PropertyContext, t: McpTool) => property.scopes.includes(t.scope);

function result(body: unknown): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(body) }],
    structuredContent: body as Record<string, unknown>,
  };
}

function failure(code: AppErrorCode, message: string): CallToolResult {
  const body = { success: false as const, error: message, code };
  return { ...result(body), isError: true };
}

/** What the HTTP error handler would answer for `error` (http/errors.ts), as code and message. */
function errorOf(deps: Deps, t: McpTool, error: unknown): [AppErrorCode, string] {
  if (error instanceof AppError) return [error.code, error.message];
  if (isStatementCancelled(error)) {
    return [
      'query_too_expensive',
      'The query took longer than the database allows and was stopped: narrow the filters, ask for fewer rows or count=planned|none',
    ];
  }
  if (isDatabaseUnavailable(error)) {
    return ['service_unavailable', 'The database is temporarily unavailable; retry shortly'];
  }
  if (isTransientConflict(error)) {
    return [
      'service_unavailable',
      'The request collided with a concurrent write and was not applied; retry it',
    ];
  }
  deps.logger.error({ err: error, tool: t.name }, 'MCP tool failed');
  return ['internal', 'Internal server error'];
}

async function callTool(
  deps: Deps,
  property: PropertyContext,
  name: string,
  args: Record<string, unknown> | undefined,
): Promise<CallToolResult> {
  const t = TOOLS.find((candidate) => candidate.name === name);
  if (!t) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
  if (!allowed(property, t)) {
    return failure('forbidden', `This API key lacks the ${t.scope} scope (tool ${t.name})`);
  }
  // A copy: the validator fills in defaults.
  const input: unknown = structuredClone(args ?? {});
  const validate = validatorOf(t);
  if (!validate(input)) {
    return failure('validation_failed', validationMessage(validate.errors ?? [], 'arguments'));
  }
  try {
    return result(await t.run(deps, property, input as never));
  } catch (error) {
    return failure(...errorOf(deps, t, error));
  }
}

/**
 * The MCP server for one authenticated request (stateless Streamable HTTP): the key's scopes
 * decide which tools are listed and callable.
 */
export function createMcpServer(deps: Deps, property: PropertyContext, version: string): Server {
  const server = new Server(
    { name: MCP_SERVER_NAME, title: 'PlayLoop PlayerOS', version },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        "PlayLoop PlayerOS for one casino property (the API key's). Read the resource playloop://docs/filter-grammar before filtering players. Write tools need a key with the write scope.",
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: TOOLS.filter((t) => allowed(property, t)).map(describe),
  }));
  server.setRequestHandler(CallToolRequestSchema, (request) =>
    callTool(deps, property, request.params.name, request.params.arguments),
  );
  server.setRequestHandler(ListResourcesRequestSchema, () => ({
    resources: RESOURCES.map(({ uri, name, title, description, mimeType }) => ({
      uri,
      name,
      title,
      description,
      mimeType,
    })),
  }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) => {
    const resource = RESOURCES.find((r) => r.uri === request.params.uri);
    if (!resource) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown resource: ${request.params.uri}`);
    }
    return {
      contents: [{ uri: resource.uri, mimeType: resource.mimeType, text: resource.text() }],
    };
  });
  return server;
}
