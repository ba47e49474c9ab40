import { Type } from 'typebox';
import { DateTime, Nullable } from '../../http/schemas.ts';
import { GAME_STATUSES } from './games.repo.ts';
import { TEMPLATES } from './games.templates.ts';
import { GameTranslations } from './games.translations.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

const Status = Type.Enum(GAME_STATUSES, {
  description:
    'Draft (work in progress, not playable), Active (live) or Archived (hidden, kept for records)',
});
const Template = Type.Enum(TEMPLATES, { description: 'The mini-game this game is built on' });

const CONFIG_DESCRIPTION =
  'Template settings, checked against the template (unknown keys are refused). ' +
  'Every template: primary_color, secondary_color, background_color (#rrggbb), ' +
  'difficulty (1–10), duration_s, intro_text and result_text (≤ 500 characters), ' +
  'cta_text (1–40 characters) and cta_url (http/https, ≤ 500 characters), set together: a ' +
  'button on the result screen; leaderboard (boolean, default false: skill games show the rank). ' +
  'spin-wheel: segments [{label ≤ 40 characters}] (2–12, shown when the prize system is off). ' +
  'memory-match: pairs (2–12), duration_s (10–600). quick-tap: duration_s (3–60). ' +
  'scratch-card: segments as for spin-wheel, cover_color (#rrggbb), reveal_percent (30–90, ' +
  'how much scratching reveals the card). grid-box-reveal: segments as for spin-wheel, ' +
  'boxes (4, 6 or 9; default 9). ' +
  "Branding overrides (over the organization's branding): logo_asset and background_asset " +
  "(ids of images uploaded to the game's organization), background_gradient {from, to " +
  '(#rrggbb), angle (0–360)}, font (system, rounded, serif, slab, condensed, mono). ' +
  'Unset settings take their defaults when played.';

const Config = Type.Record(Type.String(), Type.Unknown(), { description: CONFIG_DESCRIPTION });

export const Game = Type.Object({
  id: Type.Integer(),
  org_id: Type.Integer(),
  title: Type.String(),
  description: Nullable(Type.String()),
  template: Template,
  status: Status,
  config: Type.Record(Type.String(), Type.Unknown(), {
    description: 'The settings as set (defaults not filled in)',
  }),
  prize_enabled: Type.Boolean({ description: 'Whether plays draw from the prize slots' }),
  translations: GameTranslations,
  created_at: DateTime,
  updated_at: DateTime,
});

const Title = Type.String({ minLength: 1, maxLength: 200 });
const Description = Nullable(Type.String({ maxLength: 2000 }));

export const CreateGameBody = Type.Object(
  {
    org_id: Id,
    title: Title,
    description: Type.Optional(Description),
    template: Type.Optional(Type.Enum(TEMPLATES, { default: 'spin-wheel' })),
    status: Type.Optional(
      Type.Enum(GAME_STATUSES, { default: 'Draft', description: 'Default Draft' }),
    ),
    config: Type.Optional(Config),
    prize_enabled: Type.Optional(Type.Boolean({ default: false })),
    translations: Type.Optional(GameTranslations),
  },
  { additionalProperties: false },
);

export const UpdateGameBody = Type.Object(
  {
    org_id: Id,
    title: Type.Optional(Title),
    description: Type.Optional(Description),
    template: Type.Optional(
      Type.Enum(TEMPLATES, {
        description: 'Changing it re-checks the stored config unless a new config is sent',
      }),
    ),
    status: Type.Optional(Status),
    config: Type.Optional(Config),
    prize_enabled: Type.Optional(Type.Boolean()),
    translations: Type.Optional(GameTranslations),
  },
  { additionalProperties: false },
);

export const OrgQuery = Type.Object({ org_id: Id });
export const ListGamesQuery = Type.Object({
  org_id: Id,
  status: Type.Optional(Type.Enum(GAME_STATUSES, { description: 'Only games in this status' })),
});
export const GameParams = Type.Object({ id: Id });

export const GameList = Type.Object({ success: Type.Literal(true), data: Type.Array(Game) });
export const GameOne = Type.Object({ success: Type.Literal(true), data: Game });
