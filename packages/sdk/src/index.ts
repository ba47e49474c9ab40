export { PlayLoop, type PlayLoopOptions, VERSION } from './client.ts';
export { PlayLoopError, type RequestOptions } from './http.ts';
export type { SendOptions } from './campaigns.ts';
export type * from './types.ts';
