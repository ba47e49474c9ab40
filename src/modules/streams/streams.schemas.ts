import { Type } from 'typebox';
import { DateTime, dateTime, Nullable } from '../../http/schemas.ts';
import { ORDER_MODES, STREAM_STATUSES } from './streams.repo.ts';

const MAX_INT = 2_147_483_647;
const Id = Type.Integer({ minimum: 1, maximum: MAX_INT });

const Status = Type.Enum(STREAM_STATUSES, {
  description:
    'Draft (being set up), Scheduled (goes live at start_at), Active (live), Paused, Completed or Archived',
});
const OrderMode = Type.Enum(ORDER_MODES, {
  description: 'fixed: games in the order of game_ids; random: a random order per player',
});
const Availability = Type.Enum(['not_started', 'open', 'ended', 'closed'], {
  description:
    'Whether the stream admits plays now: closed (Draft, Paused, Archived), ended (Completed, end_at passed or max_total_plays reached), not_started (before start_at) or open',
});

const PlayerIdentity = Type.Enum(['signed', 'device'], {
  description:
    'Read-only. How the public link tells players apart. `device`: the stream has no identity secret; ' +
    '`external_id`/`user_id`/`braze_id` on the link are ignored, every play counts per browser (the ' +
    "`pl_player` cookie), so the per-player cap is per device and the stream's prizes are open to anyone " +
    'who opens the link. `signed`: an identity secret is set (POST /api/streams/{id}/identity-secret); a ' +
    'link that also carries `expires` (unix seconds) and `sig` = hex HMAC-SHA256(secret, ' +
    '"<stream_id>.<external_id>.<expires>") identifies the player until `expires`, and the per-player cap ' +
    'and prizes then count that id across devices. A link without a valid, unexpired signature still ' +
    'plays and shows the same page as an unsigned link, but counts per device as in `device` mode: ' +
    'prizes won through unsigned links stay open to anyone who opens the link.',
});

export const Stream = Type.Object({
  id: Type.Integer(),
  org_id: Type.Integer(),
  name: Type.String(),
  slug: Type.String(),
  description: Nullable(Type.String()),
  status: Status,
  availability: Availability,
  game_ids: Type.Array(Type.Integer(), { description: 'The games, in play order' }),
  order_mode: OrderMode,
  start_at: Nullable(DateTime),
  end_at: Nullable(DateTime),
  timezone: Type.String({ description: 'IANA time zone the schedule is shown in' }),
  max_total_plays: Nullable(Type.Integer()),
  max_plays_per_player: Nullable(Type.Integer()),
  completion_message: Nullable(Type.String()),
  total_plays: Type.Integer({ description: 'Plays admitted so far' }),
  public_url: Type.String({ description: 'The shareable link: /stream/<org-slug>/<stream-slug>' }),
  player_identity: PlayerIdentity,
  created_at: DateTime,
  updated_at: DateTime,
});

const Name = Type.String({ minLength: 1, maxLength: 200 });
const editable = {
  slug: Type.Optional(
    Type.String({
      pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
      maxLength: 64,
      description: 'Lowercase letters, digits and single hyphens; unique in the organization',
    }),
  ),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  order_mode: Type.Optional(OrderMode),
  start_at: Type.Optional(
    Nullable(dateTime('Plays are admitted from then on (a countdown is shown before)')),
  ),
  end_at: Type.Optional(Nullable(dateTime('After it the completion message is shown'))),
  timezone: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'IANA name, e.g. Asia/Bangkok' }),
  ),
  max_total_plays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_INT }))),
  max_plays_per_player: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_INT }))),
  completion_message: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
};
const GameIds = Type.Array(Id, {
  maxItems: 100,
  uniqueItems: true,
  description: "The organization's games, in play order",
});

export const CreateStreamBody = Type.Object(
  {
    org_id: Id,
    name: Name,
    ...editable,
    game_ids: GameIds,
    order_mode: Type.Optional(Type.Enum(ORDER_MODES, { default: 'fixed' })),
    timezone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        default: 'UTC',
        description: 'IANA name, e.g. Asia/Bangkok',
      }),
    ),
    status: Type.Optional(Type.Enum(STREAM_STATUSES, { default: 'Draft' })),
  },
  { additionalProperties: false },
);

export const UpdateStreamBody = Type.Object(
  {
    org_id: Id,
    name: Type.Optional(Name),
    ...editable,
    game_ids: Type.Optional(GameIds),
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
);

export const OrgQuery = Type.Object({ org_id: Id });
export const ListStreamsQuery = Type.Object({
  org_id: Id,
  status: Type.Optional(Type.Enum(STREAM_STATUSES, { description: 'Only streams in this status' })),
});
export const StreamParams = Type.Object({ id: Id });

export const StreamList = Type.Object({ success: Type.Literal(true), data: Type.Array(Stream) });
export const StreamOne = Type.Object({ success: Type.Literal(true), data: Stream });

export const RotateIdentityBody = Type.Object({ org_id: Id }, { additionalProperties: false });

export const IdentitySecretResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Object({
    identity_secret: Type.String({
      description:
        'Shown only now. Sign each public link server-side: `sig` = lowercase hex ' +
        'HMAC-SHA256(key = this text as UTF-8, message = "<stream_id>.<external_id>.<expires>"), with ' +
        '`expires` in unix seconds; send `external_id` (or `user_id`/`braze_id`), `expires` and `sig` as query parameters.',
    }),
    player_identity: PlayerIdentity,
  }),
});
