import { type TSchema, Type } from 'typebox';
import { Nullable } from '../../http/schemas.ts';
import { LANGS } from '../../web/i18n.ts';
import { MAX_SLOTS } from './prizes.service.ts';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Int32 = Type.Integer({ minimum: -2_147_483_648, maximum: 2_147_483_647 });

const SLOT_TRANSLATIONS_DESCRIPTION =
  'The slot\'s name and description per page language: { "th": { name, description } }, each optional, ' +
  'same length limits as the originals. The play page (wheel labels, the prize won, the claimed prize) ' +
  "shows the page's language and falls back, text by text, to the slot's own name and description.";

/** As sent (blank or null texts are dropped) and as read back (only the texts given). */
const slotTranslations = (text: (max: number) => TSchema) =>
  Type.Object(
    Object.fromEntries(
      LANGS.map((lang) => [
        lang,
        Type.Optional(
          Type.Object(
            { name: Type.Optional(text(50)), description: Type.Optional(text(200)) },
            { additionalProperties: false },
          ),
        ),
      ]),
    ),
    { additionalProperties: false, description: SLOT_TRANSLATIONS_DESCRIPTION },
  );
const SlotTranslations = slotTranslations((max) => Type.String({ maxLength: max }));
const SlotTranslationsInput = slotTranslations((max) => Nullable(Type.String({ maxLength: max })));

const PrizeTypeSchema = Type.Union(
  [
    Type.Literal('voucher_set'),
    Type.Literal('voucher'),
    Type.Literal('item'),
    Type.Literal('external_link'),
    Type.Literal('no_prize'),
  ],
  {
    description:
      'voucher_set: a unique code from a set; voucher: one fixed shared code; item: fulfilled by hand; external_link: a URL to redeem elsewhere; no_prize: a "try again" slot',
  },
);

export const PrizeSlot = Type.Object({
  id: Type.Integer(),
  game_id: Type.Integer(),
  position: Type.Integer({ description: 'Order of the slot, from 0 (the wheel segment index)' }),
  name: Type.String(),
  description: Nullable(Type.String()),
  type: PrizeTypeSchema,
  win_chance: Type.Integer({ description: 'Percent, 1 to 100' }),
  quantity: Nullable(
    Type.Integer({ description: 'How often the slot can be won; null = unlimited' }),
  ),
  won_count: Type.Integer({ description: 'Wins so far' }),
  remaining: Nullable(Type.Integer({ description: 'quantity − won_count; null = unlimited' })),
  min_score: Nullable(Type.Integer({ description: 'Only plays scoring at least this can win it' })),
  voucher_set_id: Nullable(Type.Integer()),
  voucher_code: Nullable(
    Type.String({
      description:
        "A voucher slot's shared code. A prize secret: null for Analysts and Viewers (Editor or above reads it)",
    }),
  ),
  external_url: Nullable(Type.String()),
  translations: SlotTranslations,
});

export const PrizeSlotInput = Type.Object({
  id: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 2_147_483_647,
      description:
        "Id of one of the game's slots to keep it (updated in place, its wins kept). Without it the slot is new; slots left out are removed.",
    }),
  ),
  name: Type.String({ minLength: 1, maxLength: 50 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  type: PrizeTypeSchema,
  win_chance: Type.Integer({ minimum: 1, maximum: 100, description: 'Percent, 1 to 100' }),
  quantity: Type.Optional(
    Nullable(Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'null = unlimited' })),
  ),
  min_score: Type.Optional(Nullable(Int32)),
  voucher_set_id: Type.Optional(
    Nullable({ ...Id, description: "Required for voucher_set: one of the organization's sets" }),
  ),
  voucher_code: Type.Optional(
    Nullable(Type.String({ maxLength: 64, description: 'Required for voucher: the shared code' })),
  ),
  external_url: Type.Optional(
    Nullable(
      Type.String({ maxLength: 2000, description: 'Required for external_link: http(s) URL' }),
    ),
  ),
  translations: Type.Optional(SlotTranslationsInput),
});

export const GameParams = Type.Object({ gameId: Id });
export const OrgQuery = Type.Object({ org_id: Id });

export const ReplacePrizesBody = Type.Object({
  org_id: Id,
  slots: Type.Array(PrizeSlotInput, {
    maxItems: MAX_SLOTS,
    description: "The whole list, in order. Fields not used by a slot's type are not stored.",
  }),
});

export const PrizeListResponse = Type.Object({
  success: Type.Literal(true),
  data: Type.Array(PrizeSlot),
  warnings: Type.Array(Type.String(), {
    description:
      'Problems that do not stop the draw: win chances not totalling 100 (they are then relative weights), sold-out slots, empty or expired voucher sets',
  }),
});
