export { segmentRoutes } from './segments.routes.ts';
export {
  createSegment,
  deleteSegment,
  getSegment,
  listSegmentPlayers,
  listSegments,
  MAX_SEGMENTS_PER_PROPERTY,
  segmentCondition,
  segmentFilter,
  updateSegment,
} from './segments.service.ts';
export type { SegmentInput } from './segments.service.ts';
export type { SegmentRow } from './segments.repo.ts';
export {
  type Audience,
  AUDIENCE_BATCH,
  countAudience,
  MAX_AUDIENCE_PLAYERS,
  MAX_PREVIEW_RECIPIENTS,
  type Preview,
  previewAudience,
  type PreviewInput,
  resolveAudience,
  type SkipReasonCounts,
} from './segments.audience.ts';
export { AudienceSchema, PreviewData, PREVIEW_HELP } from './segments.schemas.ts';
export {
  ListQuery as SegmentListQuery,
  PreviewBody as AudiencePreviewBody,
  SegmentParams,
} from './segments.schemas.ts';
