export { MCP_PATH, mcpRoutes } from './mcp.routes.ts';
export { TOOLS as MCP_TOOLS } from './mcp.server.ts';
