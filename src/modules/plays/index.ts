export { playRoutes } from './plays.routes.ts';
