import type { GameRow } from '../games/index.ts';
import type { GameTexts, GameView, LangTexts } from '../../web/index.ts';

// The texts per language a game view carries until the page or the API localizes it
// (web/localize.ts): the game's own texts, and one label per segment, from the prize slot the
// segment shows or from the game's translated config segments.

type Segment = GameView['segments'][number];
type Translations = GameRow['translations'];

/** The game's translated texts (title, description, config texts); segments go per segment. */
export function gameTexts(translations: Translations): LangTexts<GameTexts> {
  const out: LangTexts<GameTexts> = {};
  for (const [lang, texts] of Object.entries(translations ?? {})) {
    if (!texts) continue;
    const { segments: _segments, ...rest } = texts;
    out[lang] = rest;
  }
  return out;
}

/** A prize slot's segment: its name, and its name in each language it was given. */
export function slotSegment(slot: {
  name: string;
  translations?: Record<string, { name?: string }> | null | undefined;
}): Segment {
  const labels: LangTexts<string> = {};
  for (const [lang, texts] of Object.entries(slot.translations ?? {})) {
    if (texts?.name) labels[lang] = texts.name;
  }
  return { label: slot.name, translations: labels };
}

/** The config's segments, each with its label per language (only when the counts still match). */
export function configSegments(
  segments: readonly { label: string }[],
  translations: Translations,
): Segment[] {
  return segments.map((segment, index) => {
    const labels: LangTexts<string> = {};
    for (const [lang, texts] of Object.entries(translations ?? {})) {
      const translated = texts?.segments;
      if (translated?.length === segments.length && translated[index]) {
        labels[lang] = translated[index];
      }
    }
    return { label: segment.label, translations: labels };
  });
}

/** A game's title per language (stream lists, the next game's name). */
export function titleTexts(
  translations: Record<string, { title?: string } | undefined> | null | undefined,
): LangTexts<string> {
  const out: LangTexts<string> = {};
  for (const [lang, texts] of Object.entries(translations ?? {})) {
    if (texts?.title) out[lang] = texts.title;
  }
  return out;
}
