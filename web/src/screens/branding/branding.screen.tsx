import {
  Alert,
  Button,
  ColorInput,
  ColorSwatch,
  FileButton,
  Group,
  NativeSelect,
  NumberInput,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError, errorText } from '../../api/errors.ts';
import { QueryState } from '../../components/query-state.tsx';
import {
  type Asset,
  type Background,
  type Branding,
  type BrandingBody,
  FONTS,
  type Font,
  IMAGE_TYPES,
  MAX_IMAGE_BYTES,
  useAssets,
  useBranding,
  useDeleteAsset,
  useSaveBranding,
  useUploadAsset,
} from '../../data/branding.queries.ts';
import { type MessageKey, type Translate, useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { BrandPreview, PLAYLOOP_COLORS } from './brand-preview.tsx';

/**
 * The organization's look on the play pages: name, logo, background, font, colours and the
 * powered-by line, with a live preview. Owners and Admins change it; everyone else reads.
 */
export function BrandingScreen({ org }: ShellContext) {
  const { t } = useI18n();
  const branding = useBranding(org.id);
  const assets = useAssets(org.id);
  const admin = org.role === 'Owner' || org.role === 'Admin';
  return (
    <Stack maw={1100}>
      <Title order={1}>{t('branding.title')}</Title>
      <Text>{t('branding.intro')}</Text>
      {!admin && (
        <Alert color="gray" data-testid="branding-read-only">
          {t('branding.read_only')}
        </Alert>
      )}
      <QueryState query={branding}>
        {(saved) => (
          <QueryState query={assets}>
            {(list) => (
              <BrandingForm
                orgId={org.id}
                orgName={org.name}
                admin={admin}
                saved={saved}
                assets={list}
              />
            )}
          </QueryState>
        )}
      </QueryState>
    </Stack>
  );
}

type Kind = Background['type'];

interface Draft {
  display_name: string;
  logo: string;
  kind: Kind;
  from: string;
  to: string;
  angle: number;
  image: string;
  font: Font;
  primary: string;
  secondary: string;
  background: string;
  powered_by: boolean;
}

function toDraft(saved: Branding): Draft {
  const bg = saved.background;
  return {
    display_name: saved.display_name ?? '',
    logo: saved.logo_asset_id ?? '',
    kind: bg.type,
    from: bg.type === 'gradient' ? bg.from : '#7f1d1d',
    to: bg.type === 'gradient' ? bg.to : '#f59e0b',
    angle: bg.type === 'gradient' ? bg.angle : 160,
    image: bg.type === 'image' ? bg.asset_id : '',
    font: saved.font,
    primary: saved.primary_color ?? '',
    secondary: saved.secondary_color ?? '',
    background: saved.background_color ?? '',
    powered_by: saved.powered_by,
  };
}

const HEX = /^#[0-9a-fA-F]{6}$/;

function toBody(d: Draft): BrandingBody {
  const background: Background =
    d.kind === 'gradient'
      ? { type: 'gradient', from: d.from, to: d.to, angle: d.angle }
      : d.kind === 'image' && d.image
        ? { type: 'image', asset_id: d.image }
        : { type: 'color' };
  return {
    display_name: d.display_name.trim() || null,
    logo_asset_id: d.logo || null,
    background,
    font: d.font,
    primary_color: HEX.test(d.primary) ? d.primary : null,
    secondary_color: HEX.test(d.secondary) ? d.secondary : null,
    background_color: HEX.test(d.background) ? d.background : null,
    powered_by: d.powered_by,
  };
}

/** Upload and delete failures in words: the few codes that mean something precise here. */
function assetErrorText(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    const key: MessageKey | undefined = (
      {
        unsupported_media_type: 'branding.error.type',
        payload_too_large: 'branding.error.size',
        validation_failed: 'branding.error.image',
        conflict: 'branding.error.in_use',
        quota_exceeded: 'branding.error.quota',
      } as Record<string, MessageKey>
    )[error.code];
    if (key) return t(key);
  }
  return errorText(error, t);
}

function BrandingForm(props: {
  orgId: number;
  orgName: string;
  admin: boolean;
  saved: Branding;
  assets: Asset[];
}) {
  const { t } = useI18n();
  const save = useSaveBranding(props.orgId);
  const upload = useUploadAsset(props.orgId);
  const remove = useDeleteAsset(props.orgId);
  const [draft, setDraft] = useState(() => toDraft(props.saved));
  const [localError, setLocalError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const readOnly = !props.admin;
  const set = (patch: Partial<Draft>) => {
    setDone(false);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const urlOf = (id: string) => props.assets.find((a) => a.id === id)?.url ?? null;
  const choices = [
    { value: '', label: t('branding.none') },
    ...props.assets.map((a, i) => ({
      value: a.id,
      label: t('branding.image_label', { n: i + 1, w: a.width, h: a.height }),
    })),
  ];

  const pick = (field: 'logo' | 'image') => async (file: File | null) => {
    setLocalError(null);
    upload.reset();
    if (!file) return;
    if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
      setLocalError(t('branding.error.type'));
      return;
    }
    if (file.size > MAX_IMAGE_BYTES) {
      setLocalError(t('branding.error.size'));
      return;
    }
    const asset = await upload.mutateAsync(file).catch(() => undefined);
    if (asset) set(field === 'logo' ? { logo: asset.id } : { image: asset.id, kind: 'image' });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(toBody(draft), {
      onSuccess: (saved) => {
        setDraft(toDraft(saved));
        setDone(true);
      },
    });
  };

  /** A colour as `#rrggbb` text (empty: the default), with a swatch of what it gives. */
  const color = (field: 'primary' | 'secondary' | 'background', label: MessageKey) => (
    <TextInput
      label={t(label)}
      placeholder={PLAYLOOP_COLORS[field]}
      maxLength={7}
      value={draft[field]}
      readOnly={readOnly}
      data-testid={`branding-${field}`}
      error={draft[field] && !HEX.test(draft[field]) ? t('branding.color_invalid') : undefined}
      leftSection={
        <ColorSwatch
          size={16}
          color={HEX.test(draft[field]) ? draft[field] : PLAYLOOP_COLORS[field]}
        />
      }
      onChange={(e) => set({ [field]: e.currentTarget.value.trim() })}
    />
  );

  const failure =
    localError ??
    ((upload.error || remove.error) && assetErrorText(upload.error ?? remove.error, t)) ??
    null;

  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
      <form onSubmit={submit} aria-label={t('branding.title')}>
        <Stack>
          <TextInput
            label={t('branding.display_name')}
            description={t('branding.display_name_hint')}
            placeholder={props.orgName}
            maxLength={60}
            value={draft.display_name}
            readOnly={readOnly}
            data-testid="branding-name"
            onChange={(e) => set({ display_name: e.currentTarget.value })}
          />
          <Group align="flex-end">
            <NativeSelect
              label={t('branding.logo')}
              data={choices}
              value={draft.logo}
              disabled={readOnly}
              data-testid="branding-logo"
              onChange={(e) => set({ logo: e.currentTarget.value })}
              style={{ flex: 1 }}
            />
            {props.admin && (
              <FileButton onChange={(f) => void pick('logo')(f)} accept={IMAGE_TYPES.join(',')}>
                {(p) => (
                  <Button
                    {...p}
                    variant="default"
                    loading={upload.isPending}
                    data-testid="branding-upload-logo"
                  >
                    {t('branding.upload')}
                  </Button>
                )}
              </FileButton>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {t('branding.upload_hint')}
          </Text>
          <div>
            <Text size="sm" fw={500} mb={4} id="branding-background-label">
              {t('branding.background')}
            </Text>
            <SegmentedControl
              aria-labelledby="branding-background-label"
              disabled={readOnly}
              value={draft.kind}
              data-testid="branding-background"
              onChange={(value) => set({ kind: value })}
              data={[
                { value: 'color', label: t('branding.bg.color') },
                { value: 'gradient', label: t('branding.bg.gradient') },
                { value: 'image', label: t('branding.bg.image') },
              ]}
            />
          </div>
          {draft.kind === 'gradient' && (
            <Group grow>
              <ColorInput
                label={t('branding.gradient_from')}
                format="hex"
                withEyeDropper={false}
                value={draft.from}
                disabled={readOnly}
                onChange={(from) => set({ from })}
              />
              <ColorInput
                label={t('branding.gradient_to')}
                format="hex"
                withEyeDropper={false}
                value={draft.to}
                disabled={readOnly}
                onChange={(to) => set({ to })}
              />
              <NumberInput
                label={t('branding.gradient_angle')}
                min={0}
                max={360}
                value={draft.angle}
                disabled={readOnly}
                onChange={(v) => set({ angle: Math.max(0, Math.min(360, Number(v) || 0)) })}
              />
            </Group>
          )}
          {draft.kind === 'image' && (
            <Group align="flex-end">
              <NativeSelect
                label={t('branding.background_image')}
                data={choices}
                value={draft.image}
                disabled={readOnly}
                onChange={(e) => set({ image: e.currentTarget.value })}
                style={{ flex: 1 }}
              />
              {props.admin && (
                <FileButton onChange={(f) => void pick('image')(f)} accept={IMAGE_TYPES.join(',')}>
                  {(p) => (
                    <Button {...p} variant="default" loading={upload.isPending}>
                      {t('branding.upload')}
                    </Button>
                  )}
                </FileButton>
              )}
            </Group>
          )}
          <NativeSelect
            label={t('branding.font')}
            description={t('branding.font_hint')}
            data={FONTS.map((f) => ({ value: f, label: t(`branding.font.${f}`) }))}
            value={draft.font}
            disabled={readOnly}
            data-testid="branding-font"
            onChange={(e) => set({ font: e.currentTarget.value as Font })}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {color('primary', 'branding.primary')}
            {color('secondary', 'branding.secondary')}
            {color('background', 'branding.background_color')}
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            {t('branding.colors_hint')}
          </Text>
          <Switch
            label={t('branding.powered_by')}
            checked={draft.powered_by}
            disabled={readOnly}
            data-testid="branding-powered-by"
            onChange={(e) => set({ powered_by: e.currentTarget.checked })}
          />
          {failure && (
            <Alert color="red" role="alert" data-testid="form-error">
              {failure}
            </Alert>
          )}
          {save.error && (
            <Alert color="red" role="alert" data-testid="form-error">
              {errorText(save.error, t)}
            </Alert>
          )}
          {done && (
            <Alert color="green" data-testid="branding-saved">
              {t('branding.saved')}
            </Alert>
          )}
          {props.admin && (
            <Group>
              <Button type="submit" loading={save.isPending} data-testid="branding-save">
                {t('branding.save')}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
      <Stack align="center">
        <Text fw={600}>{t('branding.preview')}</Text>
        <BrandPreview
          look={{
            name: draft.display_name.trim() || props.orgName,
            logoUrl: draft.logo ? urlOf(draft.logo) : null,
            background: toBody(draft).background ?? { type: 'color' },
            backgroundUrl: draft.image ? urlOf(draft.image) : null,
            font: draft.font,
            primary: HEX.test(draft.primary) ? draft.primary : PLAYLOOP_COLORS.primary,
            secondary: HEX.test(draft.secondary) ? draft.secondary : PLAYLOOP_COLORS.secondary,
            backgroundColor: HEX.test(draft.background)
              ? draft.background
              : PLAYLOOP_COLORS.background,
            poweredBy: draft.powered_by,
          }}
        />
        {props.assets.length > 0 && (
          <Paper withBorder p="sm" w="100%">
            <Text fw={600} mb="xs">
              {t('branding.images')}
            </Text>
            <Stack gap="xs">
              {props.assets.map((a, i) => (
                <Group key={a.id} justify="space-between" wrap="nowrap">
                  <Group gap="xs" wrap="nowrap">
                    <img
                      src={a.url}
                      alt=""
                      style={{ height: 28, maxWidth: 64, objectFit: 'contain' }}
                    />
                    <Text size="sm">
                      {t('branding.image_label', { n: i + 1, w: a.width, h: a.height })}
                    </Text>
                  </Group>
                  {props.admin && (
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      loading={remove.isPending && remove.variables === a.id}
                      onClick={() => remove.mutate(a.id)}
                    >
                      {t('branding.delete_image')}
                    </Button>
                  )}
                </Group>
              ))}
            </Stack>
          </Paper>
        )}
      </Stack>
    </SimpleGrid>
  );
}
