import {
  Button,
  Grid,
  Group,
  NativeSelect,
  NumberInput,
  Stack,
  Switch,
  Textarea,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { FormError } from '../../components/form-error.tsx';
import {
  type Game,
  type GameStatus,
  type GameTemplate,
  useCreateGame,
  useUpdateGame,
} from '../../data/games.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { GamePreview } from './game-preview.tsx';
import { GameTranslationsFields, thaiTexts, translationsBody } from './game-translations.tsx';
import {
  LUCKY_DRAWS,
  PrizeGameFields,
  prizeGameConfig,
  prizeGameSettings,
} from './prize-game-fields.tsx';

export const TEMPLATES: readonly GameTemplate[] = [
  'spin-wheel',
  'scratch-card',
  'grid-box-reveal',
  'memory-match',
  'quick-tap',
];
const STATUSES: readonly GameStatus[] = ['Draft', 'Active', 'Archived'];
// The play pages' defaults (src/modules/games/games.templates.ts), shown before anything is set.
const DEFAULT_COLORS = { primary: '#6d28d9', secondary: '#f59e0b', background: '#0f172a' };
/** Games scored by skill: the only ones with a personal best and a rank. */
const SKILL_GAMES: readonly GameTemplate[] = ['memory-match', 'quick-tap'];
const DEFAULT_SEGMENTS = 'Prize 1\nPrize 2\nPrize 3\nPrize 4\nPrize 5\nTry again';

const text = (config: Record<string, unknown>, key: string, fallback = '') =>
  typeof config[key] === 'string' ? config[key] : fallback;
const int = (config: Record<string, unknown>, key: string) =>
  typeof config[key] === 'number' ? config[key] : undefined;
const numberOf = (value: number | string) => (typeof value === 'number' ? value : undefined);

/** Creates a game from a template (no `game`) or edits one, beside a preview of its start screen. */
export function GameForm({
  orgId,
  game,
  onDone,
}: {
  orgId: number;
  game?: Game | undefined;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const create = useCreateGame();
  const update = useUpdateGame();
  const mutation = game ? update : create;
  const config = game?.config ?? {};
  const [template, setTemplate] = useState<GameTemplate>(game?.template ?? 'spin-wheel');
  const [title, setTitle] = useState(game?.title ?? '');
  const [description, setDescription] = useState(game?.description ?? '');
  const [status, setStatus] = useState<GameStatus>(game?.status ?? 'Draft');
  const [primary, setPrimary] = useState(text(config, 'primary_color', DEFAULT_COLORS.primary));
  const [secondary, setSecondary] = useState(
    text(config, 'secondary_color', DEFAULT_COLORS.secondary),
  );
  const [background, setBackground] = useState(
    text(config, 'background_color', DEFAULT_COLORS.background),
  );
  const [difficulty, setDifficulty] = useState(int(config, 'difficulty'));
  const [duration, setDuration] = useState(int(config, 'duration_s'));
  const [pairs, setPairs] = useState(int(config, 'pairs'));
  const [intro, setIntro] = useState(text(config, 'intro_text'));
  const [result, setResult] = useState(text(config, 'result_text'));
  const [ctaText, setCtaText] = useState(text(config, 'cta_text'));
  const [ctaUrl, setCtaUrl] = useState(text(config, 'cta_url'));
  const [leaderboard, setLeaderboard] = useState(config.leaderboard === true);
  const [segments, setSegments] = useState(
    Array.isArray(config.segments)
      ? (config.segments as { label: string }[]).map((s) => s.label).join('\n')
      : DEFAULT_SEGMENTS,
  );
  const [prizeGame, setPrizeGame] = useState(prizeGameSettings(config));
  const [prizes, setPrizes] = useState(game?.prize_enabled ?? false);
  const [thai, setThai] = useState(thaiTexts(game?.translations));
  const segmentList = segments
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Only what the template understands: the API refuses unknown settings.
    const settings: Record<string, unknown> = {
      // Branding overrides set through the API: this form has no fields for them, so keep them.
      ...Object.fromEntries(
        ['logo_asset', 'background_asset', 'background_gradient', 'font']
          .filter((key) => config[key] !== undefined)
          .map((key) => [key, config[key]]),
      ),
      primary_color: primary,
      secondary_color: secondary,
      background_color: background,
      ...(difficulty !== undefined && { difficulty }),
      ...(duration !== undefined && { duration_s: duration }),
      ...(intro.trim() && { intro_text: intro.trim() }),
      ...(result.trim() && { result_text: result.trim() }),
      // Both or neither: the API says which one is missing.
      ...((ctaText.trim() || ctaUrl.trim()) && {
        cta_text: ctaText.trim(),
        cta_url: ctaUrl.trim(),
      }),
      ...(SKILL_GAMES.includes(template) && leaderboard && { leaderboard: true }),
      ...(template === 'memory-match' && pairs !== undefined && { pairs }),
      ...(LUCKY_DRAWS.includes(template) && {
        segments: segmentList.map((label) => ({ label })),
      }),
      ...prizeGameConfig(template, prizeGame),
    };
    const body = {
      org_id: orgId,
      title: title.trim(),
      description: description.trim() || null,
      template,
      status,
      config: settings,
      prize_enabled: prizes,
      translations: translationsBody(
        thai,
        LUCKY_DRAWS.includes(template) ? segmentList.length : 0,
        game?.translations,
      ),
    };
    if (game) update.mutate({ id: game.id, ...body }, { onSuccess: onDone });
    else create.mutate(body, { onSuccess: onDone });
  };

  return (
    <form onSubmit={submit} noValidate data-testid="game-form">
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="sm">
            <NativeSelect
              label={t('games.template')}
              description={t('games.template_hint')}
              value={template}
              onChange={(e) => setTemplate(e.currentTarget.value as GameTemplate)}
              data={TEMPLATES.map((value) => ({ value, label: t(`games.template.${value}`) }))}
              data-testid="game-template"
            />
            <TextInput
              label={t('games.title_field')}
              required
              value={title}
              onChange={(e) => setTitle(e.currentTarget.value)}
              data-testid="game-title"
            />
            <Textarea
              label={t('games.description')}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              autosize
              minRows={2}
            />
            <NativeSelect
              label={t('games.status')}
              description={t('games.status_hint')}
              value={status}
              onChange={(e) => setStatus(e.currentTarget.value as GameStatus)}
              data={STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))}
              data-testid="game-status"
            />
            <Group grow>
              <TextInput
                type="color"
                label={t('games.primary_color')}
                value={primary}
                onChange={(e) => setPrimary(e.currentTarget.value)}
              />
              <TextInput
                type="color"
                label={t('games.secondary_color')}
                value={secondary}
                onChange={(e) => setSecondary(e.currentTarget.value)}
              />
              <TextInput
                type="color"
                label={t('games.background_color')}
                value={background}
                onChange={(e) => setBackground(e.currentTarget.value)}
              />
            </Group>
            <Group grow>
              <NumberInput
                label={t('games.difficulty')}
                min={1}
                max={10}
                placeholder="5"
                value={difficulty ?? ''}
                onChange={(v) => setDifficulty(numberOf(v))}
              />
              <NumberInput
                label={t('games.duration')}
                min={1}
                max={600}
                value={duration ?? ''}
                onChange={(v) => setDuration(numberOf(v))}
                data-testid="game-duration"
              />
              {template === 'memory-match' && (
                <NumberInput
                  label={t('games.pairs')}
                  min={2}
                  max={12}
                  placeholder="6"
                  value={pairs ?? ''}
                  onChange={(v) => setPairs(numberOf(v))}
                />
              )}
            </Group>
            <PrizeGameFields template={template} value={prizeGame} onChange={setPrizeGame} />
            {LUCKY_DRAWS.includes(template) && (
              <Textarea
                label={t(template === 'spin-wheel' ? 'games.segments' : 'games.outcomes')}
                description={t(
                  template === 'spin-wheel' ? 'games.segments_hint' : 'games.outcomes_hint',
                )}
                value={segments}
                onChange={(e) => setSegments(e.currentTarget.value)}
                autosize
                minRows={3}
                data-testid="game-segments"
              />
            )}
            <Textarea
              label={t('games.intro_text')}
              value={intro}
              onChange={(e) => setIntro(e.currentTarget.value)}
              autosize
              data-testid="game-intro"
            />
            <Textarea
              label={t('games.result_text')}
              value={result}
              onChange={(e) => setResult(e.currentTarget.value)}
              autosize
            />
            <Group grow align="flex-start">
              <TextInput
                label={t('games.cta_text')}
                description={t('games.cta_text_hint')}
                maxLength={40}
                value={ctaText}
                onChange={(e) => setCtaText(e.currentTarget.value)}
                data-testid="game-cta-text"
              />
              <TextInput
                type="url"
                label={t('games.cta_url')}
                description={t('games.cta_url_hint')}
                placeholder="https://"
                value={ctaUrl}
                onChange={(e) => setCtaUrl(e.currentTarget.value)}
                data-testid="game-cta-url"
              />
            </Group>
            {SKILL_GAMES.includes(template) && (
              <Switch
                label={t('games.leaderboard')}
                description={t('games.leaderboard_hint')}
                checked={leaderboard}
                onChange={(e) => setLeaderboard(e.currentTarget.checked)}
                data-testid="game-leaderboard"
              />
            )}
            <GameTranslationsFields
              value={thai}
              onChange={setThai}
              segments={LUCKY_DRAWS.includes(template) ? segmentList : []}
            />
            <Switch
              label={t('games.prize_enabled')}
              description={t('games.prize_enabled_hint')}
              checked={prizes}
              onChange={(e) => setPrizes(e.currentTarget.checked)}
            />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="xs">
            <GamePreview
              s={{
                template,
                title,
                primary_color: primary,
                secondary_color: secondary,
                background_color: background,
                intro_text: intro,
                segments: segmentList,
                pairs,
                duration_s: duration,
                ...prizeGame,
              }}
            />
          </Stack>
        </Grid.Col>
      </Grid>
      <Stack mt="md">
        <FormError error={mutation.error} context="game" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('games.cancel')}
          </Button>
          <Button type="submit" loading={mutation.isPending} data-testid="game-save">
            {game ? t('games.save') : t('games.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
