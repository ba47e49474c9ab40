export { connectionRoutes } from './connections.routes.ts';
export { connectionLogRoutes } from './connections.log.routes.ts';
export { connectionLinkRoutes } from './connections.links.routes.ts';
export { createConnection, MAX_CONNECTIONS_PER_ORG } from './connections.service.ts';
export { linkConnection } from './connections.links.ts';
