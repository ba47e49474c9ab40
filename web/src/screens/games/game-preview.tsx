import { Badge, Box, Group, Stack, Text } from '@mantine/core';
import type { GameTemplate } from '../../data/games.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export interface PreviewSettings {
  template: GameTemplate;
  title: string;
  primary_color: string;
  secondary_color: string;
  background_color: string;
  intro_text: string;
  segments: string[];
  pairs: number | undefined;
  duration_s: number | undefined;
  cover_color?: string | undefined;
  boxes?: number | undefined;
}

/**
 * How the start screen will look with the settings being edited, redrawn on every change.
 * The API has no preview URL for a game (a play page needs a one-time session made with a
 * dpk_ key, and it would count as a play), so this is drawn here from the same settings.
 */
/** Black or white, whichever reads better on `background` (#rrggbb). */
function ink(background: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(background.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? '#000' : '#fff';
}

export function GamePreview({ s }: { s: PreviewSettings }) {
  const { t } = useI18n();
  return (
    <Box
      data-testid="game-preview"
      aria-label={t('games.preview')}
      role="img"
      p="md"
      style={{ background: s.background_color, borderRadius: 12, minHeight: 220 }}
    >
      <Stack gap="xs" align="center">
        <Badge style={{ background: s.secondary_color, color: ink(s.secondary_color) }}>
          {t(`games.template.${s.template}`)}
        </Badge>
        <Text fw={700} size="lg" c={ink(s.background_color)} ta="center">
          {s.title || t('games.untitled')}
        </Text>
        {s.intro_text && (
          <Text size="sm" c={ink(s.background_color)} ta="center">
            {s.intro_text}
          </Text>
        )}
        {s.template === 'spin-wheel' && (
          <Group gap={4} justify="center">
            {s.segments.map((label, i) => (
              <Box
                key={i}
                px={6}
                py={2}
                style={{
                  background: i % 2 ? s.secondary_color : s.primary_color,
                  color: ink(i % 2 ? s.secondary_color : s.primary_color),
                  borderRadius: 4,
                  fontSize: 12,
                }}
              >
                {label}
              </Box>
            ))}
          </Group>
        )}
        {s.template === 'scratch-card' && (
          <Box
            data-testid="preview-scratch"
            w={180}
            h={110}
            p={12}
            style={{ background: s.primary_color, borderRadius: 12 }}
          >
            <Box
              h="100%"
              style={{
                background: s.cover_color ?? '#a8a29e',
                color: ink(s.cover_color ?? '#a8a29e'),
                borderRadius: 8,
                display: 'grid',
                placeItems: 'center',
                fontWeight: 800,
                fontSize: 13,
              }}
            >
              {t('games.preview_scratch')}
            </Box>
          </Box>
        )}
        {s.template === 'grid-box-reveal' && (
          <Box
            data-testid="preview-boxes"
            style={{
              display: 'grid',
              gridTemplateColumns: `repeat(${(s.boxes ?? 9) === 4 ? 2 : 3}, 32px)`,
              gap: 6,
            }}
          >
            {Array.from({ length: s.boxes ?? 9 }, (_, i) => (
              <Box
                key={i}
                w={32}
                h={32}
                style={{
                  background: `linear-gradient(90deg, transparent 42%, ${s.secondary_color} 42% 58%, transparent 58%), ${s.primary_color}`,
                  borderRadius: 6,
                }}
              />
            ))}
          </Box>
        )}
        {s.template === 'memory-match' && (
          <Group gap={4} justify="center">
            {Array.from({ length: (s.pairs ?? 6) * 2 }, (_, i) => (
              <Box key={i} w={22} h={28} style={{ background: s.primary_color, borderRadius: 4 }} />
            ))}
          </Group>
        )}
        {s.duration_s !== undefined && (
          <Text size="xs" c={ink(s.background_color)}>
            {t('games.preview_time', { seconds: s.duration_s })}
          </Text>
        )}
        <Box
          px="lg"
          py={6}
          style={{
            background: s.primary_color,
            color: ink(s.primary_color),
            borderRadius: 8,
            fontWeight: 700,
          }}
        >
          {t('games.preview_start')}
        </Box>
      </Stack>
    </Box>
  );
}
