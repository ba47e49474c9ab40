import type { GameView, Lang, LangTexts, PlayView, PrizeView, SlotTexts } from './play-view.ts';

// A game's texts in the page's language (docs/play.md, "Languages"). The brand's own texts are
// the default; a translation replaces one text at a time, so a language given only a title
// still shows the default intro, labels and prizes. Translations are dropped once applied: the
// page and the API hand the browser only the texts it shows.

/** The translated text when there is one (not blank), else the default. */
function pick<T extends string | null | undefined>(translated: unknown, fallback: T): string | T {
  return typeof translated === 'string' && translated.trim() !== '' ? translated : fallback;
}

const CONFIG_TEXTS = ['intro_text', 'result_text', 'cta_text'] as const;

/** The game as a player of `lang` reads it: title, description, config texts, segment labels. */
export function localizeGame(game: GameView, lang: Lang): GameView {
  const { translations, ...rest } = game;
  const texts = translations?.[lang];
  const config = { ...rest.config };
  for (const key of CONFIG_TEXTS) {
    // A call to action needs its link: a translation alone does not make a button appear.
    if (key === 'cta_text' && typeof config.cta_text !== 'string') continue;
    const text = pick(texts?.[key], undefined);
    if (text !== undefined) config[key] = text;
  }
  const segments = rest.segments.map((segment) => ({
    label: pick(segment.translations?.[lang], segment.label),
  }));
  // Segments taken from the config: the config's copy (a template's fallback) follows them.
  const own = config.segments;
  if (
    Array.isArray(own) &&
    own.length === segments.length &&
    own.every((segment, i) => (segment as { label?: unknown })?.label === rest.segments[i]?.label)
  ) {
    config.segments = segments.map((segment) => ({ ...segment }));
  }
  return {
    ...rest,
    title: pick(texts?.title, rest.title),
    description: pick(texts?.description, rest.description),
    config,
    segments,
  };
}

/** A prize (slot, offer or claimed prize) with its name and description in `lang`. */
export function localizePrize<
  T extends { name: string; description: string | null; translations?: SlotTexts | undefined },
>(prize: T, lang: Lang): Omit<T, 'translations'> {
  const { translations, ...rest } = prize;
  const texts = translations?.[lang];
  return {
    ...rest,
    name: pick(texts?.name, rest.name),
    description: pick(texts?.description, rest.description),
  };
}

/** A game named by its title alone (a stream's list, the next game) with the title in `lang`. */
export function localizeTitle<
  T extends { title: string; translations?: LangTexts<string> | undefined },
>(named: T, lang: Lang): Omit<T, 'translations'> {
  const { translations, ...rest } = named;
  return { ...rest, title: pick(translations?.[lang], rest.title) };
}

function localizePrizeView(prize: PrizeView, lang: Lang): PrizeView {
  return prize.state === 'claimed'
    ? localizePrize(prize, lang)
    : { ...prize, slot: localizePrize(prize.slot, lang) };
}

/** The page's view model in `lang` (its own language unless told). */
export function localizeView(view: PlayView, lang: Lang = view.lang): PlayView {
  return {
    ...view,
    ...(view.game ? { game: localizeGame(view.game, lang) } : {}),
    ...(view.prize ? { prize: localizePrizeView(view.prize, lang) } : {}),
    ...(view.next_game ? { next_game: localizeTitle(view.next_game, lang) } : {}),
    ...(view.stream?.games
      ? {
          stream: {
            ...view.stream,
            games: view.stream.games.map((game) => localizeTitle(game, lang)),
          },
        }
      : {}),
  };
}
