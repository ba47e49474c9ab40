export { streamRoutes } from './streams.routes.ts';
export {
  canonicalTimezone,
  createStream,
  listOrgStreams,
  ORDER_MODES,
  STREAM_STATUSES,
} from './streams.service.ts';
export type {
  CreateStreamInput,
  OrderMode,
  StreamFields,
  StreamStatus,
} from './streams.service.ts';
export {
  findPlayableStream,
  findStreamBySlugs,
  publicStreamUrl,
  streamAvailability,
  streamIdentitySecret,
} from './streams.playable.ts';
export type { StreamAvailability } from './streams.playable.ts';
export { recordStreamAccess } from './streams.access.ts';
export type { StreamAccess } from './streams.access.ts';
export type { StreamDetail, StreamRow, StreamWithGames } from './streams.repo.ts';
