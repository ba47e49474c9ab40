import { Group, NativeSelect, NumberInput, TextInput } from '@mantine/core';
import type { GameTemplate } from '../../data/games.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** The lucky draws: the server draws their outcome from the prize slots or `segments`. */
export const LUCKY_DRAWS: readonly GameTemplate[] = [
  'spin-wheel',
  'scratch-card',
  'grid-box-reveal',
];

/** Settings only the scratch card and the box grid have, as the editor holds them. */
export interface PrizeGameSettings {
  cover_color: string;
  reveal_percent: number | undefined;
  boxes: number | undefined;
}

// The play pages' defaults (src/modules/games/games.templates.ts withDefaults).
const DEFAULT_COVER = '#a8a29e';

export function prizeGameSettings(config: Record<string, unknown>): PrizeGameSettings {
  return {
    cover_color: typeof config.cover_color === 'string' ? config.cover_color : DEFAULT_COVER,
    reveal_percent: typeof config.reveal_percent === 'number' ? config.reveal_percent : undefined,
    boxes: typeof config.boxes === 'number' ? config.boxes : undefined,
  };
}

/** What the API gets for `template`: only the keys that template understands. */
export function prizeGameConfig(
  template: GameTemplate,
  s: PrizeGameSettings,
): Record<string, unknown> {
  if (template === 'scratch-card') {
    return {
      cover_color: s.cover_color,
      ...(s.reveal_percent !== undefined && { reveal_percent: s.reveal_percent }),
    };
  }
  if (template === 'grid-box-reveal') return s.boxes !== undefined ? { boxes: s.boxes } : {};
  return {};
}

export function PrizeGameFields({
  template,
  value,
  onChange,
}: {
  template: GameTemplate;
  value: PrizeGameSettings;
  onChange: (next: PrizeGameSettings) => void;
}) {
  const { t } = useI18n();
  if (template === 'scratch-card') {
    return (
      <Group grow align="flex-start">
        <TextInput
          type="color"
          label={t('games.cover_color')}
          value={value.cover_color}
          onChange={(e) => onChange({ ...value, cover_color: e.currentTarget.value })}
          data-testid="game-cover-color"
        />
        <NumberInput
          label={t('games.reveal_percent')}
          description={t('games.reveal_percent_hint')}
          min={30}
          max={90}
          placeholder="50"
          value={value.reveal_percent ?? ''}
          onChange={(v) =>
            onChange({ ...value, reveal_percent: typeof v === 'number' ? v : undefined })
          }
          data-testid="game-reveal-percent"
        />
      </Group>
    );
  }
  if (template === 'grid-box-reveal') {
    return (
      <NativeSelect
        label={t('games.boxes')}
        value={String(value.boxes ?? 9)}
        onChange={(e) => onChange({ ...value, boxes: Number(e.currentTarget.value) })}
        data={['4', '6', '9']}
        data-testid="game-boxes"
      />
    );
  }
  return null;
}
