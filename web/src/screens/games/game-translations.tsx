import { Fieldset, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import type { Game } from '../../data/games.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';

// A game's texts in Thai, the play pages' other language (docs/play.md, "Game texts per
// language"). Left empty, a text shows as typed above: the play page falls back text by text.

type Translations = NonNullable<Game['translations']>;

/** The Thai texts as the editor holds them (segment labels by position). */
export interface ThaiTexts {
  title: string;
  description: string;
  intro_text: string;
  result_text: string;
  cta_text: string;
  segments: string[];
}

export function thaiTexts(translations: Translations | undefined): ThaiTexts {
  const th = translations?.th;
  return {
    title: th?.title ?? '',
    description: th?.description ?? '',
    intro_text: th?.intro_text ?? '',
    result_text: th?.result_text ?? '',
    cta_text: th?.cta_text ?? '',
    segments: th?.segments ?? [],
  };
}

/**
 * What the API gets: the texts given, trimmed; segment labels fitted to the `segmentCount`
 * segments the game has now (the API refuses another count), none when all are empty. The
 * other languages the game has are kept as they are.
 */
export function translationsBody(
  texts: ThaiTexts,
  segmentCount: number,
  current: Translations | undefined,
): Translations {
  const th: NonNullable<Translations['th']> = {};
  for (const key of ['title', 'description', 'intro_text', 'result_text', 'cta_text'] as const) {
    const value = texts[key].trim();
    if (value) th[key] = value;
  }
  const labels = Array.from({ length: segmentCount }, (_, i) => texts.segments[i]?.trim() ?? '');
  if (labels.some(Boolean)) th.segments = labels;
  const { th: _old, ...others } = current ?? {};
  return Object.keys(th).length > 0 ? { ...others, th } : others;
}

/** The Thai section of the game editor; `segments` are the game's labels, in order. */
export function GameTranslationsFields({
  value,
  onChange,
  segments,
}: {
  value: ThaiTexts;
  onChange: (value: ThaiTexts) => void;
  segments: readonly string[];
}) {
  const { t } = useI18n();
  const set = (patch: Partial<ThaiTexts>) => onChange({ ...value, ...patch });
  return (
    <Fieldset legend={t('games.th_texts')} data-testid="game-translations">
      <Stack gap="sm">
        <TextInput
          label={t('games.th_title')}
          description={t('games.th_hint')}
          value={value.title}
          maxLength={200}
          onChange={(e) => set({ title: e.currentTarget.value })}
          data-testid="game-th-title"
        />
        <Textarea
          label={t('games.th_description')}
          value={value.description}
          maxLength={2000}
          autosize
          onChange={(e) => set({ description: e.currentTarget.value })}
        />
        <Textarea
          label={t('games.th_intro')}
          value={value.intro_text}
          maxLength={500}
          autosize
          onChange={(e) => set({ intro_text: e.currentTarget.value })}
          data-testid="game-th-intro"
        />
        <Textarea
          label={t('games.th_result')}
          value={value.result_text}
          maxLength={500}
          autosize
          onChange={(e) => set({ result_text: e.currentTarget.value })}
        />
        <TextInput
          label={t('games.th_cta')}
          description={t('games.th_cta_hint')}
          value={value.cta_text}
          maxLength={40}
          onChange={(e) => set({ cta_text: e.currentTarget.value })}
        />
        {segments.length > 0 && (
          <Fieldset legend={t('games.th_segments')} variant="unstyled">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
              {segments.map((label, index) => (
                <TextInput
                  key={index}
                  aria-label={t('games.th_segment', { n: index + 1, label })}
                  placeholder={label}
                  maxLength={40}
                  value={value.segments[index] ?? ''}
                  onChange={(e) => {
                    const next = Array.from(
                      { length: Math.max(segments.length, value.segments.length) },
                      (_, i) => value.segments[i] ?? '',
                    );
                    next[index] = e.currentTarget.value;
                    set({ segments: next });
                  }}
                  data-testid="game-th-segment"
                />
              ))}
            </SimpleGrid>
          </Fieldset>
        )}
      </Stack>
    </Fieldset>
  );
}
