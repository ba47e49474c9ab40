import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { LANGS } from '../../web/i18n.ts';
import type { GameTemplate } from './games.templates.ts';
import { withDefaults } from './games.templates.ts';

/**
 * A game's texts in other page languages (docs/play.md, "Languages"). Every key is optional; a
 * text left out (or blank) shows the game's own text. `segments` translate the lucky draw's
 * `config.segments` label by label (a blank label keeps the default one).
 */
export const TEXT_LIMITS = {
  title: 200,
  description: 2000,
  intro_text: 500,
  result_text: 500,
  cta_text: 40,
  segment: 40,
} as const;

const text = (max: number, description: string) => Type.String({ maxLength: max, description });

export const GameTexts = Type.Object(
  {
    title: Type.Optional(text(TEXT_LIMITS.title, 'The game title')),
    description: Type.Optional(text(TEXT_LIMITS.description, 'The description')),
    intro_text: Type.Optional(text(TEXT_LIMITS.intro_text, 'config.intro_text')),
    result_text: Type.Optional(text(TEXT_LIMITS.result_text, 'config.result_text')),
    cta_text: Type.Optional(text(TEXT_LIMITS.cta_text, 'config.cta_text (the button text)')),
    segments: Type.Optional(
      Type.Array(Type.String({ maxLength: TEXT_LIMITS.segment }), {
        maxItems: 12,
        description:
          "config.segments labels, one per segment (as many as the game's segments); blank keeps the default",
      }),
    ),
  },
  { additionalProperties: false },
);

export const TRANSLATIONS_DESCRIPTION =
  `Texts per page language (${LANGS.join(', ')}): { "th": { title, description, intro_text, result_text, ` +
  'cta_text, segments } }, every key optional, same length limits as the originals. The play page ' +
  'shows the language of the page (`?lang=`, else Accept-Language) and falls back, text by text, to ' +
  "the game's own text where a language has none. Prize slot names are translated on the slots.";

export const GameTranslations = Type.Object(
  Object.fromEntries(LANGS.map((lang) => [lang, Type.Optional(GameTexts)])),
  { additionalProperties: false, description: TRANSLATIONS_DESCRIPTION },
);

export interface GameTextsValue {
  title?: string;
  description?: string;
  intro_text?: string;
  result_text?: string;
  cta_text?: string;
  segments?: string[];
}
export type GameTranslationsValue = Partial<Record<(typeof LANGS)[number], GameTextsValue>>;

const validator = Compile(GameTranslations);

/**
 * Why `translations` cannot be stored for a game of `template` with `config`, in one sentence,
 * or undefined. Segments must be as many as the game's (with defaults) and only where it has any.
 */
export function translationsProblem(
  template: GameTemplate,
  config: unknown,
  translations: unknown,
): string | undefined {
  if (!validator.Check(translations)) {
    const error = validator.Errors(translations).find((e) => e.keyword !== 'boolean');
    if (!error) return 'translations are not valid';
    const path = ['translations', ...error.instancePath.split('/').filter(Boolean)].join('.');
    if (error.keyword === 'additionalProperties') {
      const keys = (error.params as { additionalProperties?: string[] }).additionalProperties;
      return path === 'translations'
        ? `translations has unknown language(s): ${(keys ?? []).join(', ')} (languages: ${LANGS.join(', ')})`
        : `${path} has unknown key(s): ${(keys ?? []).join(', ')}`;
    }
    return `${path} ${error.message}`;
  }
  const filled = withDefaults(template, config) as { segments?: unknown };
  const count = Array.isArray(filled.segments) ? filled.segments.length : 0;
  for (const [lang, texts] of Object.entries(translations as GameTranslationsValue)) {
    const segments = texts?.segments;
    if (segments === undefined) continue;
    if (count === 0) return `translations.${lang}.segments: template ${template} has no segments`;
    if (segments.length !== count) {
      return `translations.${lang}.segments must have ${count} labels, one per segment (it has ${segments.length})`;
    }
  }
  return undefined;
}
