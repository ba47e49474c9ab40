/**
 * Types of the API's bodies and answers, taken from the generated `schema.d.ts` (openapi.json),
 * so the SDK cannot drift from the server: a changed schema is a type error here.
 */
import type { paths } from './schema.js';

export type { paths } from './schema.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<X> = X extends { content: { 'application/json': infer J } } ? J : never;
type SuccessOf<O> = O extends { responses: infer R }
  ? JsonOf<R[Extract<keyof R, 200 | 201 | 202>]>
  : never;

/** The `data` of an operation's success answer. */
export type DataOf<P extends keyof paths, M extends Method> =
  SuccessOf<Op<P, M>> extends { data: infer D } ? D : never;
/** The whole success answer (for lists that carry a cursor beside `data`). */
export type AnswerOf<P extends keyof paths, M extends Method> = SuccessOf<Op<P, M>>;
/** An operation's JSON body. */
export type BodyOf<P extends keyof paths, M extends Method> =
  Op<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;
/** An operation's query parameters. */
export type QueryOf<P extends keyof paths, M extends Method> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Player = DataOf<'/api/players/{id}', 'get'>;
/** Fields of a player; `player_id` is the casino's id (upsert key of `players.batch`). */
export type PlayerInput = BodyOf<'/api/players/{id}', 'patch'>;
export type PlayerActivity = DataOf<'/api/players/{id}/activity', 'get'>[number];
export type BatchResult = DataOf<'/api/players/batch', 'post'>;

export type Segment = DataOf<'/api/segments/{id}', 'get'>;
export type SegmentInput = BodyOf<'/api/segments', 'post'>;
export type SegmentUpdate = BodyOf<'/api/segments/{id}', 'patch'>;
export type AudiencePreviewInput = BodyOf<'/api/functions/audience-preview', 'post'>;

export type Template = DataOf<'/api/templates/{id}', 'get'>;
export type TemplateInput = BodyOf<'/api/templates', 'post'>;
export type TemplateUpdate = BodyOf<'/api/templates/{id}', 'patch'>;
export type RenderInput = BodyOf<'/api/functions/render-template', 'post'>;

export type Campaign = DataOf<'/api/campaigns/{id}', 'get'>;
export type CampaignInput = BodyOf<'/api/campaigns', 'post'>;
export type CampaignUpdate = BodyOf<'/api/campaigns/{id}', 'patch'>;
export type CampaignPreview = DataOf<'/api/functions/preview-campaign', 'post'>;
export type ScheduleInput = Omit<BodyOf<'/api/functions/schedule-campaign', 'post'>, 'campaign_id'>;

export type ConsentInput = BodyOf<'/api/functions/record-consent', 'post'>;
export type ConsentRecord = DataOf<'/api/functions/record-consent', 'post'>;
export type ComplianceCheckInput = BodyOf<'/api/functions/tcpa-check', 'post'>;
export type ComplianceDecision = DataOf<'/api/functions/tcpa-check', 'post'>;

export type PrivacyInput = BodyOf<'/api/functions/export-player-data', 'post'>;
export type PrivacyExport = DataOf<'/api/functions/export-player-data', 'post'>;
export type PrivacyDeletion = DataOf<'/api/functions/delete-player-data', 'post'>;

export type Webhook = DataOf<'/api/webhooks/{id}', 'get'>;
export type WebhookInput = BodyOf<'/api/webhooks', 'post'>;
export type WebhookCreated = DataOf<'/api/webhooks', 'post'>;

export type Journey = DataOf<'/api/journeys/{id}', 'get'>;
export type JourneyInput = BodyOf<'/api/journeys', 'post'>;
export type JourneyUpdate = BodyOf<'/api/journeys/{id}', 'patch'>;
export type JourneyRun = DataOf<'/api/journeys/{id}/runs', 'get'>[number];
export type JourneyStats = DataOf<'/api/journeys/{id}/stats', 'get'>;
export type JourneyEnterInput = BodyOf<'/api/journeys/{id}/enter', 'post'>;
export type JourneyEntered = DataOf<'/api/journeys/{id}/enter', 'post'>;

export type SessionInput = BodyOf<'/api/org-api-keys?action=create-session', 'post'>;
export type Session = DataOf<'/api/org-api-keys?action=create-session', 'post'>;
export type SessionStatus = DataOf<
  '/api/org-api-keys?action=validate-session&token={token}',
  'get'
>;
export type SessionConsumed = DataOf<'/api/org-api-keys?action=consume-session', 'post'>;
export type SessionListItem = DataOf<'/api/org-api-keys?action=list-sessions', 'get'>[number];
export type SessionListQuery = QueryOf<'/api/org-api-keys?action=list-sessions', 'get'>;

/** Operators of the filter grammar (`<column>.<op>=<value>`). */
export type FilterOp = 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte' | 'like' | 'ilike' | 'is';
export type FilterValue = string | number | boolean | null;
export type Conditions = { [op in FilterOp]?: FilterValue } & { in?: readonly FilterValue[] };
/**
 * Column filters, ANDed: a bare value is `eq` (`null`: `is.null`); an object names operators,
 * `not` negates them: `{ status: 'active', adt: { gte: 100 }, tier: { in: ['Gold', 'Platinum'] },
 * state: { not: { eq: 'NV' } } }`. Or the grammar's own strings: `['status.eq=active']`.
 */
export type Filter =
  Record<string, FilterValue | (Conditions & { not?: Conditions })> | readonly string[];

export interface ListPlayersParams {
  /** Page size (server default 100, at most 1000). */
  limit?: number;
  offset?: number;
  /** Free-text search: names, email, phone, player_id, tier, state (`q: 'gold'`). */
  q?: string;
  filter?: Filter;
  /** `'created_at.desc'` or a list of such terms; the id is always appended as tiebreaker. */
  order?: string | readonly string[];
  /** Columns to return (default all). */
  select?: readonly string[];
  /** How totalCount is computed (server default `estimated`). */
  count?: 'exact' | 'planned' | 'estimated' | 'none';
}

export interface Page<T> {
  data: T[];
  /** Matching rows in all (null with `count: 'none'`). */
  totalCount: number | null;
  /** Whether totalCount was counted (`exact`) or the planner's estimate (`planned`). */
  countType: 'exact' | 'planned' | null;
}

/** A page of a cursor-paged list: pass `next` back (`after`/`before`) for the following page. */
export interface CursorPage<T> {
  data: T[];
  next: string | null;
}
