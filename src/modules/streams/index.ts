export { createStream, listOrgStreams, STREAM_STATUSES } from './streams.service.ts';
export type { StreamStatus } from './streams.service.ts';
export type { StreamRow } from './streams.repo.ts';
