import { Box, Text } from '@mantine/core';
import type { Background, Font } from '../../data/branding.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** The play pages' font stacks (src/web/brand.ts), shortened: local fonts only. */
export const FONT_STACKS: Readonly<Record<Font, string>> = {
  system: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans Thai', sans-serif",
  rounded: "ui-rounded, 'SF Pro Rounded', 'Arial Rounded MT Bold', 'Noto Sans Thai', sans-serif",
  serif: "ui-serif, Georgia, 'Times New Roman', 'Noto Serif Thai', serif",
  slab: "Rockwell, 'Roboto Slab', 'Courier New', 'Noto Serif Thai', serif",
  condensed: "'Arial Narrow', 'Roboto Condensed', 'Noto Sans Thai', sans-serif",
  mono: "ui-monospace, 'SF Mono', Menlo, Consolas, 'Noto Sans Thai', monospace",
};

/** PlayLoop's own colours, where the organization sets none. */
export const PLAYLOOP_COLORS = { primary: '#6d28d9', secondary: '#f59e0b', background: '#f4f1fb' };

/** Dark or white text, whichever contrasts more with `hex` (as the play pages pick it). */
export function textOn(hex: string): string {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#1f1933' : '#ffffff';
}

export interface PreviewLook {
  name: string;
  logoUrl: string | null;
  background: Background;
  backgroundUrl: string | null;
  font: Font;
  primary: string;
  secondary: string;
  backgroundColor: string;
  poweredBy: boolean;
}

/** A phone-sized sketch of a play page in the brand, updated as the form changes. */
export function BrandPreview({ look }: { look: PreviewLook }) {
  const { t } = useI18n();
  const bg = look.background;
  const art =
    bg.type === 'gradient'
      ? `linear-gradient(${bg.angle}deg, ${bg.from}, ${bg.to})`
      : bg.type === 'image' && look.backgroundUrl
        ? `center / cover no-repeat url("${look.backgroundUrl}")`
        : undefined;
  const onBg = textOn(look.backgroundColor);
  const chip = art ? { background: look.backgroundColor, borderRadius: 12 } : {};
  return (
    <Box
      data-testid="brand-preview"
      aria-label={t('branding.preview')}
      role="img"
      style={{
        width: 280,
        maxWidth: '100%',
        minHeight: 420,
        borderRadius: 24,
        padding: 12,
        display: 'flex',
        flexDirection: 'column',
        gap: 10,
        fontFamily: FONT_STACKS[look.font],
        background: art ? `${art}, ${look.backgroundColor}` : look.backgroundColor,
        border: '1px solid var(--mantine-color-gray-4)',
      }}
    >
      <Box
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 8,
          padding: '4px 8px',
          color: onBg,
          fontWeight: 700,
          ...chip,
        }}
      >
        {look.logoUrl ? (
          <img
            src={look.logoUrl}
            alt=""
            style={{ height: 28, maxWidth: 96, objectFit: 'contain' }}
          />
        ) : (
          <span
            style={{
              width: 22,
              height: 22,
              borderRadius: 7,
              background: `linear-gradient(135deg, ${look.primary}, ${look.secondary})`,
            }}
          />
        )}
        <span data-testid="brand-preview-name">{look.name}</span>
      </Box>
      <Box
        style={{
          background: '#fff',
          borderRadius: 18,
          padding: 16,
          flex: 1,
          display: 'flex',
          flexDirection: 'column',
          justifyContent: 'flex-end',
          gap: 10,
          textAlign: 'center',
          color: '#1f1933',
        }}
      >
        <Text fw={800} fz={22} style={{ fontFamily: 'inherit' }}>
          {t('branding.preview_title')}
        </Text>
        <Text
          fz="xs"
          fw={700}
          style={{
            color: look.secondary === '#ffffff' ? '#1f1933' : undefined,
            fontFamily: 'inherit',
          }}
        >
          <span
            style={{
              background: look.secondary,
              color: textOn(look.secondary),
              padding: '2px 8px',
              borderRadius: 8,
            }}
          >
            {t('branding.preview_prize')}
          </span>
        </Text>
        <Box
          style={{
            background: look.primary,
            color: textOn(look.primary),
            borderRadius: 14,
            padding: '10px 0',
            fontWeight: 700,
          }}
        >
          {t('branding.preview_play')}
        </Box>
      </Box>
      {look.poweredBy && (
        <Text
          fz={11}
          ta="center"
          style={{
            color: onBg,
            fontFamily: 'inherit',
            ...chip,
            alignSelf: 'center',
            padding: '0 8px',
          }}
        >
          Powered by PlayLoop
        </Text>
      )}
    </Box>
  );
}
