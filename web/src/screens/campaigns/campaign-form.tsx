import {
  Button,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import {
  type Audience,
  type Campaign,
  type CampaignInput,
  useSaveCampaign,
} from '../../data/campaigns.queries.ts';
import { type Channel, useTemplates } from '../../data/content.queries.ts';
import { useGames } from '../../data/games.queries.ts';
import { useSegments } from '../../data/segments.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link } from '../../router.tsx';
import { AreaError } from '../content/area-error.tsx';

type Purpose = NonNullable<CampaignInput['purpose']>;
const PURPOSES: readonly Purpose[] = ['marketing', 'informational', 'transactional'];

/**
 * Composes a draft (or changes one): name, channel, the template of that channel, the audience
 * (everyone or a saved segment) and the purpose the pre-send check applies. A game link is part
 * of the template: the form names the games it links, each recipient gets a link of their own.
 */
export function CampaignForm(props: {
  orgId: number;
  propertyId: string;
  campaign: Campaign | null;
  onSaved: (campaign: Campaign) => void;
  onCancel?: () => void;
}) {
  const { t } = useI18n();
  const save = useSaveCampaign(props.propertyId);
  const templates = useTemplates(props.propertyId);
  const segments = useSegments(props.propertyId);
  const games = useGames(props.orgId);
  const start = props.campaign;
  const [name, setName] = useState(start?.name ?? '');
  const [channel, setChannel] = useState<Channel>(start?.channel ?? 'email');
  const [templateId, setTemplateId] = useState<string | null>(start?.template_id ?? null);
  const [audienceType, setAudienceType] = useState<'all' | 'segment'>(
    start?.audience.type === 'segment' ? 'segment' : 'all',
  );
  const [segmentId, setSegmentId] = useState<string | null>(
    start?.audience.type === 'segment' ? start.audience.segment_id : null,
  );
  const [purpose, setPurpose] = useState<Purpose>(start?.purpose ?? 'marketing');
  const [fromName, setFromName] = useState(start?.from_name ?? '');

  const ofChannel = (templates.data ?? []).filter((x) => x.channel === channel);
  const template = ofChannel.find((x) => x.id === templateId);
  const linked = (template?.game_ids ?? []).map(
    (id) => games.data?.find((g) => g.id === id)?.title ?? `#${id}`,
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const audience: Audience =
      audienceType === 'segment'
        ? { type: 'segment', segment_id: segmentId ?? '' }
        : { type: 'all' };
    save.mutate(
      {
        id: start?.id,
        name: name.trim(),
        channel,
        template_id: templateId ?? '',
        audience,
        purpose,
        ...(channel === 'email' && { from_name: fromName.trim() || null }),
      },
      { onSuccess: props.onSaved },
    );
  };

  return (
    <Paper withBorder p="md" radius="md" component="section">
      <form onSubmit={submit} noValidate data-testid="campaign-form">
        <Stack gap="sm" maw={560}>
          <Title order={2} size="h4">
            {start ? t('campaigns.edit_title', { name: start.name }) : t('campaigns.compose')}
          </Title>
          <TextInput
            label={t('campaigns.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-testid="campaign-name"
          />
          <div>
            <Text size="sm" fw={500} id="campaign-channel-label" mb={4}>
              {t('content.channel')}
            </Text>
            <SegmentedControl
              aria-labelledby="campaign-channel-label"
              disabled={start !== null}
              value={channel}
              onChange={(value) => {
                setChannel(value === 'sms' ? 'sms' : 'email');
                setTemplateId(null);
              }}
              data={[
                { value: 'email', label: t('content.channel.email') },
                { value: 'sms', label: t('content.channel.sms') },
              ]}
              data-testid="campaign-channel"
            />
          </div>
          <Select
            label={t('campaigns.template')}
            required
            placeholder={t(ofChannel.length ? 'campaigns.pick_template' : 'campaigns.no_templates')}
            data={ofChannel.map((x) => ({ value: x.id, label: x.name }))}
            value={templateId}
            onChange={setTemplateId}
            data-testid="campaign-template"
          />
          {ofChannel.length === 0 && templates.data && (
            <Text size="sm" data-testid="campaign-no-templates">
              <Link to={`${BASE}/content`}>{t('campaigns.to_content')}</Link>
            </Text>
          )}
          {template && (
            <Text size="sm" c="dimmed" data-testid="campaign-game-links">
              {linked.length
                ? t('campaigns.game_links', { games: linked.join(', ') })
                : t('campaigns.no_game_links')}
            </Text>
          )}
          <div>
            <Text size="sm" fw={500} id="campaign-audience-label" mb={4}>
              {t('campaigns.audience')}
            </Text>
            <SegmentedControl
              aria-labelledby="campaign-audience-label"
              value={audienceType}
              onChange={(value) => setAudienceType(value === 'segment' ? 'segment' : 'all')}
              data={[
                { value: 'all', label: t('campaigns.audience_all') },
                { value: 'segment', label: t('campaigns.audience_segment') },
              ]}
              data-testid="campaign-audience"
            />
          </div>
          {audienceType === 'segment' && (
            <Select
              label={t('campaigns.segment')}
              required
              placeholder={t(
                segments.data?.length ? 'campaigns.pick_segment' : 'campaigns.no_segments',
              )}
              data={(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
              value={segmentId}
              onChange={setSegmentId}
              data-testid="campaign-segment"
            />
          )}
          <Select
            label={t('campaigns.purpose')}
            description={t('campaigns.purpose_hint')}
            allowDeselect={false}
            data={PURPOSES.map((p) => ({ value: p, label: t(`campaigns.purpose.${p}`) }))}
            value={purpose}
            onChange={(value) => setPurpose(PURPOSES.find((p) => p === value) ?? 'marketing')}
            data-testid="campaign-purpose"
          />
          {channel === 'email' && (
            <TextInput
              label={t('campaigns.from_name')}
              value={fromName}
              onChange={(e) => setFromName(e.currentTarget.value)}
              data-testid="campaign-from-name"
            />
          )}
          <AreaError error={save.error} conflict="campaigns.error.save" />
          <Group>
            <Button type="submit" loading={save.isPending} data-testid="campaign-save">
              {t(start ? 'campaigns.save' : 'campaigns.create')}
            </Button>
            {props.onCancel && (
              <Button variant="default" onClick={props.onCancel} data-testid="campaign-cancel-edit">
                {t('content.close')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
