import type { Static, TObject } from 'typebox';
import type { Deps } from '../../deps.ts';
import type { PropertyContext } from '../auth/index.ts';

/**
 * One MCP tool: a thin adapter over the service an HTTP route calls. `input` is built from that
 * route's TypeBox schemas (it is JSON Schema, handed to clients as the tool's inputSchema, and
 * compiled by the HTTP layer's validator); `run` answers what the route would answer.
 */
export interface McpTool<T extends TObject = TObject> {
  name: string;
  title: string;
  description: string;
  input: T;
  /** The pk_ key scope the tool needs: read tools are listed for every key, write tools not. */
  scope: 'read' | 'write';
  /** Deletes or withdraws something that cannot be brought back. */
  destructive?: boolean;
  /** Calling it again with the same arguments has no further effect. */
  idempotent?: boolean;
  run(deps: Deps, property: PropertyContext, args: Static<T>): Promise<unknown>;
}

/** Keeps each tool's `run` typed by its own input schema. */
export const tool = <T extends TObject>(definition: McpTool<T>): McpTool => definition;

/** The HTTP answer of a route returning one object. */
export const one = <T>(data: T) => ({ success: true as const, data });
