import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface OrganizationsTable {
  id: Generated<number>;
  name: string;
  slug: string;
  type: 'Brand' | 'Agency' | 'Studio';
  plan_tier: string;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  name: string | null;
  password_hash: string | null;
  external_subject: string | null;
  /** When the address was proven to receive mail; null for accounts from before verification. */
  email_verified_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  org_id: number;
  user_id: number;
  role: string;
  created_at: CreatedAt;
}

export interface UserSessionsTable {
  token_hash: string;
  user_id: number;
  expires_at: Timestamp;
  created_at: CreatedAt;
}

export interface GamesTable {
  id: Generated<number>;
  org_id: number;
  title: string;
  description: string | null;
  template: Generated<string>;
  status: Generated<string>;
  config: ColumnType<Record<string, unknown>, string | undefined, string>;
  prize_enabled: Generated<boolean>;
  /** Texts per page language (migration 20261209100000_translations). */
  translations: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface StreamsTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  slug: string;
  status: Generated<string>;
  description: string | null;
  order_mode: Generated<'fixed' | 'random'>;
  start_at: Timestamp | null;
  end_at: Timestamp | null;
  timezone: Generated<string>;
  max_total_plays: number | null;
  max_plays_per_player: number | null;
  completion_message: string | null;
  total_plays: Generated<number>;
  /** HMAC key for player identities on public links; never returned after it is set. */
  identity_secret: Generated<string | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface StreamGamesTable {
  org_id: number;
  stream_id: number;
  game_id: number;
  position: number;
}

export interface ApiKeysTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  description: string | null;
  key_hash: string;
  key_prefix: string;
  allowed_game_ids: number[] | null;
  allowed_stream_ids: number[] | null;
  rate_limit_per_minute: number;
  rate_limit_per_day: number;
  expires_at: Timestamp | null;
  is_active: Generated<boolean>;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_used_at: Timestamp | null;
}

export interface GameSessionsTable {
  id: Generated<number>;
  token: string;
  org_id: number;
  api_key_id: number | null;
  game_id: number | null;
  stream_id: number | null;
  external_ref: string | null;
  metadata: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  status: Generated<'active' | 'consumed' | 'revoked'>;
  expires_at: Timestamp;
  created_at: CreatedAt;
  consumed_at: Timestamp | null;
  revoked_at: Timestamp | null;
  player_uuid: string | null;
}

export interface ApiKeyUsageTable {
  id: Generated<number>;
  org_id: number;
  api_key_id: number | null;
  key_prefix: string;
  action: string;
  outcome: string;
  status_code: number;
  client_ip: string | null;
  created_at: Timestamp;
  /** Requests the row stands for: 1, or more for an aggregated row (refusals of one minute). */
  count: Generated<number>;
  aggregated: Generated<boolean>;
}

type Json = ColumnType<Record<string, unknown> | null, string | null, string | null>;

export interface PlaysTable {
  id: Generated<number>;
  org_id: number;
  game_id: number;
  stream_id: number | null;
  session_id: number | null;
  player_uuid: string;
  external_id: string | null;
  status: Generated<'started' | 'completed'>;
  score: number | null;
  duration_ms: number | null;
  result: Json;
  utm: Json;
  started_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface VoucherSetsTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  description: string | null;
  expires_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface VoucherCodesTable {
  id: Generated<number>;
  org_id: number;
  set_id: number;
  code: string;
  status: Generated<'available' | 'claimed'>;
  draw_id: number | null;
  claimed_at: Timestamp | null;
  created_at: CreatedAt;
}

export type PrizeType = 'voucher_set' | 'voucher' | 'item' | 'external_link' | 'no_prize';

export interface PrizeSlotsTable {
  id: Generated<number>;
  org_id: number;
  game_id: number;
  position: number;
  name: string;
  description: string | null;
  type: PrizeType;
  win_chance: number;
  quantity: number | null;
  won_count: Generated<number>;
  min_score: number | null;
  voucher_set_id: number | null;
  voucher_code: string | null;
  external_url: string | null;
  /** Name and description per page language (migration 20261209100000_translations). */
  translations: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
}

export interface PrizeDrawsTable {
  id: Generated<number>;
  org_id: number;
  play_id: number;
  slot_id: number | null;
  slot_type: string;
  status: Generated<'drawn' | 'claimed'>;
  voucher_code_id: number | null;
  drawn_at: Timestamp;
  claimed_at: Timestamp | null;
}

export interface AppSecretsTable {
  name: string;
  value: string;
  created_at: CreatedAt;
}

export interface PropertiesTable {
  id: string;
  org_id: number;
  name: string;
  timezone: Generated<string>;
  created_at: CreatedAt;
}

/** Kept by triggers on players (migration 20261206130000); max_* NULL = the install default. */
export interface PropertyUsageTable {
  property_id: string;
  rows: Generated<number>;
  bytes: Generated<number>;
  max_rows: number | null;
  max_bytes: number | null;
}

/** Players per property and status, kept by triggers on players (migration 20261206140000). */
export interface PropertyPlayerCountsTable {
  property_id: string;
  status: string;
  n: Generated<number>;
}

/** One row: the install's default quota, written at server start from the configuration. */
export interface PropertyQuotaDefaultsTable {
  id: Generated<boolean>;
  max_rows: number;
  max_bytes: number;
}

export interface PropertyApiKeysTable {
  id: string;
  property_id: string;
  name: string;
  key_hash: string;
  key_prefix: string;
  scopes: string[];
  rate_limit_per_minute: Generated<number>;
  created_by: number | null;
  created_at: CreatedAt;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface PlayersTable {
  id: string;
  property_id: string;
  /** The casino's id; optional (NULL), unique within the property when set. */
  player_id: string | null;
  email: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  status: Generated<string>;
  tier: string | null;
  /** numeric: read as a number (see db/connect.ts), written as a number or string. */
  adt: ColumnType<number | null, number | string | null, number | string | null>;
  coin_in: ColumnType<number | null, number | string | null, number | string | null>;
  timezone: string | null;
  state: string | null;
  country: string | null;
  date_of_birth: ColumnType<string | null, string | null, string | null>;
  traits: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** The play profile: written by the players.activity consumer only (migration 20261207100000). */
  last_played_at: Timestamp | null;
  plays: Generated<number>;
  last_score: number | null;
  prizes_won: Generated<number>;
}

/** A player's timeline, one row per domain event (migration 20261207100000). */
export interface PlayerActivityTable {
  id: Generated<number>;
  property_id: string;
  player_id: string;
  event_id: string;
  type: string;
  occurred_at: Timestamp;
  game_id: number | null;
  stream_id: number | null;
  session_id: number | null;
  play_id: number | null;
  summary: ColumnType<Record<string, unknown>, string | undefined, string>;
}

/** Casino events sent to POST /api/events (migration 20261208090000). */
export interface PlayerEventsTable {
  property_id: string;
  id: Generated<string>;
  player_id: string;
  name: string;
  properties: ColumnType<Record<string, unknown>, string | undefined, string>;
  occurred_at: Timestamp;
  event_id: string | null;
  recorded_at: CreatedAt;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: number;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface SignupRequestsTable {
  id: string;
  email: string;
  password_hash: string;
  name: string | null;
  organization_name: string | null;
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface InvitationsTable {
  id: string;
  org_id: number;
  email: string;
  role: string;
  token_hash: string;
  invited_by: number | null;
  status: Generated<'pending' | 'accepted' | 'revoked'>;
  expires_at: Timestamp;
  created_at: CreatedAt;
  accepted_at: Timestamp | null;
}

/**
 * Domain events (migration 20261206170000, src/modules/events): one row per change worth
 * reacting to, written in the change's transaction. `payload` is the event's `data`.
 */
export interface EventsTable {
  seq: Generated<number>;
  id: Generated<string>;
  type: string;
  version: Generated<number>;
  occurred_at: ColumnType<Date, Date | string | undefined, Date | string>;
  org_id: number | null;
  property_id: string | null;
  payload: ColumnType<Record<string, unknown>, string, string>;
  /** The writing transaction's id (xid8, read as text): see the migration on commit order. */
  xid: ColumnType<string, never, never>;
  dispatched_at: Timestamp | null;
}

type Defaulted = ColumnType<Date, Date | string | undefined, Date | string>;

/** Target health and lifecycle, the same on endpoints and connections (migration 20261207090000). */
interface DeliveryTargetColumns {
  /** Sealed (src/lib/secret-box.ts). */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Timestamp | null;
  disabled_at: Timestamp | null;
  disabled_reason: 'manual' | 'gone' | 'failing' | null;
  failing_since: Timestamp | null;
  last_success_at: Timestamp | null;
  created_at: Defaulted;
  updated_at: Defaulted;
}

export interface WebhookEndpointsTable extends DeliveryTargetColumns {
  property_id: string;
  id: Generated<string>;
  url: string;
  description: Generated<string>;
  event_types: string[];
}

export interface ConnectionsTable extends DeliveryTargetColumns {
  org_id: number;
  id: Generated<number>;
  name: string;
  provider: string;
  settings: ColumnType<Record<string, unknown>, string, string>;
  /** Sealed JSON of the provider's credentials. */
  credentials: string | null;
}

export interface StreamConnectionsTable {
  org_id: number;
  stream_id: number;
  connection_id: number;
  triggers: string[];
  created_at: CreatedAt;
}

export interface WebhookMessagesTable {
  id: string;
  org_id: number;
  property_id: string | null;
  endpoint_id: string | null;
  connection_id: number | null;
  event_id: string | null;
  event_type: string;
  payload: ColumnType<Record<string, unknown>, string, never>;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  schedule_start: Generated<number>;
  next_trigger: Generated<'schedule' | 'replay' | 'resend'>;
  next_attempt_at: Timestamp | null;
  lease_until: Timestamp | null;
  created_at: Defaulted;
  updated_at: Defaulted;
}

export interface WebhookAttemptsTable {
  message_id: string;
  attempt: number;
  attempted_at: Timestamp;
  trigger: 'schedule' | 'replay' | 'resend';
  url: string;
  ok: boolean;
  http_status: number | null;
  latency_ms: number;
  error_kind: string | null;
  error: string | null;
  response_body: string;
  response_truncated: boolean;
}

export interface InstallSettingsTable {
  name: string;
  value: string;
  created_at: CreatedAt;
}

export type Channel = 'sms' | 'email' | 'voice' | 'push';
export type Purpose = 'marketing' | 'informational' | 'transactional';

/** Migration 20261207120000: consent records, append-only. */
export interface ConsentsTable {
  property_id: string;
  id: Generated<string>;
  player_id: string | null;
  channel: Channel;
  address: string;
  action: 'grant' | 'revoke';
  consent_type: 'pec' | 'pewc' | 'email_opt_in' | null;
  purpose: Purpose | null;
  program: string | null;
  captured_at: Timestamp;
  source: ColumnType<Record<string, unknown>, string | undefined, never>;
  disclosure_version: string | null;
  esign_disclosure_shown: boolean | null;
  evidence: ColumnType<unknown, string | null, never>;
  recorded_at: CreatedAt;
}

export interface SubscriptionGroupsTable {
  property_id: string;
  id: Generated<string>;
  name: string;
  channel: Channel;
  purpose: Purpose;
  created_at: CreatedAt;
}

export interface SubscriptionMembersTable {
  property_id: string;
  group_id: string;
  player_id: string;
  subscribed: boolean;
  changed_at: Defaulted;
}

export interface SuppressionsTable {
  property_id: string;
  hash: string;
  reason: 'erased' | 'self_excluded' | 'do_not_contact';
  note: string | null;
  created_at: CreatedAt;
}

export interface ComplianceSettingsTable {
  property_id: string;
  minimum_age: Generated<number>;
  cap_sms_per_day: number | null;
  cap_email_per_day: number | null;
  cap_total_per_day: number | null;
  postal_address: string | null;
  unsubscribe_url: string | null;
  sms_program_name: string | null;
  sms_help_text: string | null;
  /** Sealed. */
  sms_auth_token: string | null;
  sms_account_sid: Generated<string | null>;
  sms_from: Generated<string | null>;
  sms_messaging_service_sid: Generated<string | null>;
  revocation_scope: Generated<'program' | 'sender'>;
  updated_at: Defaulted;
}

export interface InboundMessagesTable {
  property_id: string;
  id: Generated<string>;
  from_address: string;
  to_address: string;
  body: string;
  intent: 'opt_out' | 'opt_in' | 'help' | 'review' | 'none';
  message_sid: string | null;
  received_at: Defaulted;
  reviewed_at: Timestamp | null;
  review_outcome: 'opt_out' | 'not_opt_out' | null;
  reviewed_by: string | null;
}

export interface ContactLogTable {
  property_id: string;
  id: Generated<number>;
  player_id: string | null;
  channel: Channel;
  address: string;
  purpose: Purpose;
  kind: string;
  sent_at: Timestamp;
}

export interface ComplianceDecisionsTable {
  property_id: string;
  id: Generated<string>;
  player_id: string | null;
  channel: string;
  address: string | null;
  purpose: string;
  program: string | null;
  send_at: Timestamp;
  outcome: 'allow' | 'skip';
  reasons: string[];
  next_allowed_at: Timestamp | null;
  requested_by: string;
  decided_at: Defaulted;
}

/** Migration 20261207130000: GDPR / CCPA requests (src/modules/privacy). */
export interface PrivacyRequestsTable {
  property_id: string;
  id: Generated<string>;
  type: 'export' | 'delete';
  player_id: string | null;
  subject_hash: string;
  regime: 'gdpr' | 'ccpa';
  status: 'received' | 'completed' | 'failed';
  note: string | null;
  received_at: Timestamp;
  deadline: Timestamp;
  extended_until: Timestamp | null;
  extension_reason: string | null;
  extended_at: Timestamp | null;
  completed_at: Timestamp | null;
  completion: ColumnType<Record<string, unknown> | null, string | null, string | null>;
}

/** Email and SMS content of a property (migration 20261207160000). */
export interface TemplatesTable {
  property_id: string;
  id: Generated<string>;
  name: string;
  channel: 'email' | 'sms';
  subject: string | null;
  body: string;
  text_body: string | null;
  game_ids: Generated<number[]>;
  stream_ids: Generated<number[]>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Saved player filters of a property (migration 20261207170000). */
export interface SegmentsTable {
  property_id: string;
  id: Generated<string>;
  name: string;
  filter: string;
  description: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled' | 'failed';
export type MessageStatus =
  | 'queued'
  | 'skipped'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'bounced'
  | 'failed'
  | 'opened'
  | 'clicked'
  | 'cancelled';

type Updated = ColumnType<Date, Date | string | undefined, Date | string>;
type Count = ColumnType<number, number | undefined, number>;
type Maybe<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** Campaigns of a property (migration 20261207180000). */
export interface CampaignsTable {
  property_id: string;
  id: Generated<string>;
  name: string;
  channel: 'email' | 'sms';
  purpose: Generated<Purpose>;
  template_id: Maybe<string>;
  content: Maybe<unknown>;
  audience: unknown;
  program: Maybe<string>;
  subscription_group_id: Maybe<string>;
  from_name: Maybe<string>;
  from_address: Maybe<string>;
  reply_to: Maybe<string>;
  link_ttl_hours: Generated<number>;
  status: Generated<CampaignStatus>;
  send_at: Maybe<Date>;
  local_date: Maybe<string>;
  local_time: Maybe<string>;
  fallback_time_zone: Maybe<string>;
  plan_cursor: Maybe<string>;
  planned_at: Maybe<Date>;
  audience_size: Maybe<number>;
  queued: Count;
  skipped: Count;
  sent: Count;
  delivered: Count;
  bounced: Count;
  failed: Count;
  opened: Count;
  clicked: Count;
  failure: Maybe<string>;
  heartbeat_at: Maybe<Date>;
  started_at: Maybe<Date>;
  finished_at: Maybe<Date>;
  /** The journey whose send step this campaign is (migration 20261208100000). */
  journey_id: Maybe<string>;
  journey_node: Maybe<string>;
  created_at: CreatedAt;
  updated_at: Updated;
}

/** One recipient's message of a campaign (migration 20261207180000). */
export interface MessagesTable {
  property_id: string;
  id: Generated<string>;
  campaign_id: string;
  player_id: string;
  channel: 'email' | 'sms';
  status: MessageStatus;
  skip_reasons: ColumnType<string[], string[] | undefined, string[]>;
  decision_id: Maybe<string>;
  to_address: Maybe<string>;
  subject: Maybe<string>;
  html: Maybe<string>;
  body: Maybe<string>;
  sms_segments: Maybe<number>;
  sms_encoding: Maybe<string>;
  send_after: Date;
  provider: Maybe<string>;
  provider_id: Maybe<string>;
  error: Maybe<string>;
  attempts: Count;
  sending_at: Maybe<Date>;
  sent_at: Maybe<Date>;
  delivered_at: Maybe<Date>;
  bounced_at: Maybe<Date>;
  failed_at: Maybe<Date>;
  opened_at: Maybe<Date>;
  clicked_at: Maybe<Date>;
  /** The journey run that sent it, for a journey's send step. */
  journey_run_id: Maybe<string>;
  created_at: CreatedAt;
  updated_at: Updated;
}

export type JourneyStatus = 'draft' | 'active' | 'paused' | 'archived';
export type JourneyRunStatus = 'active' | 'waiting' | 'completed' | 'exited';
export type JourneyStepOutcome = 'entered' | 'passed' | 'skipped' | 'exited' | 'failed';

/** Journeys of a property (migration 20261208100000). */
export interface JourneysTable {
  property_id: string;
  id: Generated<string>;
  name: string;
  description: Maybe<string>;
  status: Generated<JourneyStatus>;
  draft: unknown;
  version: Maybe<number>;
  trigger_type: Maybe<string>;
  trigger_name: Maybe<string>;
  created_at: CreatedAt;
  updated_at: Updated;
}

export interface JourneyVersionsTable {
  journey_id: string;
  version: number;
  graph: unknown;
  campaigns: ColumnType<Record<string, string>, string | undefined, string>;
  published_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface JourneyRunsTable {
  property_id: string;
  id: Generated<string>;
  journey_id: string;
  version: number;
  player_id: string;
  entry_key: string;
  status: JourneyRunStatus;
  node: string;
  steps: Count;
  wake_at: Maybe<Date>;
  waiting_for: Maybe<string>;
  waiting_since: Maybe<Date>;
  claimed_until: Maybe<Date>;
  context: ColumnType<Record<string, unknown>, string | undefined, string>;
  exit_reason: Maybe<string>;
  entered_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Maybe<Date>;
}

export interface JourneyEventsSeenTable {
  event_id: string;
  seen_at: ColumnType<Date, Date | string | undefined, never>;
}

export interface JourneySegmentMembersTable {
  property_id: string;
  journey_id: string;
  player_id: string;
  since: Date;
}

export interface JourneyStepsTable {
  run_id: string;
  seq: number;
  journey_id: string;
  version: number;
  node: string;
  outcome: JourneyStepOutcome;
  next: Maybe<string>;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
  at: Timestamp;
}

export interface ShortLinksTable {
  code: string;
  property_id: string;
  message_id: string | null;
  url: string;
  expires_at: Date;
  created_at: CreatedAt;
}

export interface IdempotencyKeysTable {
  property_id: string;
  operation: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: unknown;
  created_at: CreatedAt;
}

/** An image an organization uploaded for its branding (org_assets). */
export interface OrgAssetsTable {
  org_id: number;
  id: Generated<string>;
  content_type: 'image/png' | 'image/jpeg' | 'image/webp';
  bytes: Buffer;
  byte_size: number;
  width: number;
  height: number;
  sha256: string;
  created_at: CreatedAt;
}

/** An organization's play-page branding; no row means the defaults. */
export interface OrgBrandingTable {
  org_id: number;
  display_name: string | null;
  logo_asset: string | null;
  background_type: Generated<'color' | 'gradient' | 'image'>;
  gradient_from: string | null;
  gradient_to: string | null;
  gradient_angle: number | null;
  background_asset: string | null;
  font: Generated<string>;
  primary_color: string | null;
  secondary_color: string | null;
  background_color: string | null;
  powered_by: Generated<boolean>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface DB {
  organizations: OrganizationsTable;
  org_assets: OrgAssetsTable;
  org_branding: OrgBrandingTable;
  users: UsersTable;
  memberships: MembershipsTable;
  user_sessions: UserSessionsTable;
  games: GamesTable;
  streams: StreamsTable;
  stream_games: StreamGamesTable;
  api_keys: ApiKeysTable;
  game_sessions: GameSessionsTable;
  api_key_usage: ApiKeyUsageTable;
  plays: PlaysTable;
  voucher_sets: VoucherSetsTable;
  voucher_codes: VoucherCodesTable;
  prize_slots: PrizeSlotsTable;
  prize_draws: PrizeDrawsTable;
  app_secrets: AppSecretsTable;
  properties: PropertiesTable;
  property_api_keys: PropertyApiKeysTable;
  property_usage: PropertyUsageTable;
  property_player_counts: PropertyPlayerCountsTable;
  property_quota_defaults: PropertyQuotaDefaultsTable;
  players: PlayersTable;
  player_activity: PlayerActivityTable;
  player_events: PlayerEventsTable;
  password_resets: PasswordResetsTable;
  invitations: InvitationsTable;
  signup_requests: SignupRequestsTable;
  events: EventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  connections: ConnectionsTable;
  stream_connections: StreamConnectionsTable;
  webhook_messages: WebhookMessagesTable;
  webhook_attempts: WebhookAttemptsTable;
  install_settings: InstallSettingsTable;
  consents: ConsentsTable;
  subscription_groups: SubscriptionGroupsTable;
  subscription_members: SubscriptionMembersTable;
  suppressions: SuppressionsTable;
  compliance_settings: ComplianceSettingsTable;
  contact_log: ContactLogTable;
  compliance_decisions: ComplianceDecisionsTable;
  inbound_messages: InboundMessagesTable;
  privacy_requests: PrivacyRequestsTable;
  templates: TemplatesTable;
  segments: SegmentsTable;
  campaigns: CampaignsTable;
  messages: MessagesTable;
  short_links: ShortLinksTable;
  idempotency_keys: IdempotencyKeysTable;
  journeys: JourneysTable;
  journey_versions: JourneyVersionsTable;
  journey_runs: JourneyRunsTable;
  journey_steps: JourneyStepsTable;
  journey_events_seen: JourneyEventsSeenTable;
  journey_segment_members: JourneySegmentMembersTable;
}
