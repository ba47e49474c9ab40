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
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface StreamsTable {
  id: Generated<number>;
  org_id: number;
  name: string;
  slug: string;
  status: Generated<string>;
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
}

export interface DB {
  organizations: OrganizationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  user_sessions: UserSessionsTable;
  games: GamesTable;
  streams: StreamsTable;
  stream_games: StreamGamesTable;
  api_keys: ApiKeysTable;
  game_sessions: GameSessionsTable;
  api_key_usage: ApiKeyUsageTable;
}
