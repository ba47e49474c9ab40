import {
  Alert,
  Badge,
  Button,
  Grid,
  Group,
  List,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { FormError } from '../../components/form-error.tsx';
import {
  type Campaign,
  useCampaign,
  useCampaignAction,
  useCampaignPreview,
  useDeleteCampaign,
  useSkippedMessages,
  useTestSend,
} from '../../data/campaigns.queries.ts';
import { useTemplates } from '../../data/content.queries.ts';
import { useSegments } from '../../data/segments.queries.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { isMessageKey, useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link, navigate } from '../../router.tsx';
import { AreaError } from '../content/area-error.tsx';
import { MessagePreview, PlayerPicker, RenderError } from '../content/message-preview.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { CampaignForm } from './campaign-form.tsx';
import { STATUS_COLOR } from './campaigns.screen.tsx';

/** A pre-send check reason in words (an unknown one shows as the API names it). */
function useReason() {
  const { t } = useI18n();
  return (reason: string) => {
    const key = `campaigns.reason.${reason}`;
    return isMessageKey(key) ? t(key) : reason;
  };
}

/** Skipped players by reason, most first: `[reason, count]`. */
function ReasonList(props: { counts: Record<string, number>; testId: string }) {
  const reason = useReason();
  const { t } = useI18n();
  const rows = Object.entries(props.counts).sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return null;
  return (
    <List size="sm" data-testid={props.testId}>
      {rows.map(([code, count]) => (
        <List.Item key={code} data-testid="skip-reason" data-reason={code}>
          {t('campaigns.reason_row', { reason: reason(code), count })}
        </List.Item>
      ))}
    </List>
  );
}

/** One campaign: what it sends to whom, its preview and test, sending, and its live results. */
export function CampaignScreen({ org, property, id }: ShellContext & { id: string }) {
  const { t } = useI18n();
  return (
    <Stack>
      <Link to={`${BASE}/campaigns`} data-testid="campaigns-back">
        {t('campaigns.back')}
      </Link>
      {property ? (
        <CampaignPage
          key={property.id}
          orgId={org.id}
          propertyId={property.id}
          id={id}
          editor={roleAtLeast(org.role, 'Editor')}
        />
      ) : (
        <Text>{t('players.no_property')}</Text>
      )}
    </Stack>
  );
}

function CampaignPage(props: { orgId: number; propertyId: string; id: string; editor: boolean }) {
  const { t } = useI18n();
  const campaign = useCampaign(props.propertyId, props.id);
  const [editing, setEditing] = useState(false);
  // The player the preview and the test send render for.
  const [player, setPlayer] = useState<string | null>(null);
  if (campaign.error) return <Alert color="red">{errorText(campaign.error, t)}</Alert>;
  const c = campaign.data;
  if (!c) return <Text>{t('common.loading')}</Text>;
  const open = c.status === 'draft' || c.status === 'scheduled';
  return (
    <>
      <Group gap="sm" align="center">
        <Title order={1} size="h2" data-testid="campaign-title">
          {c.name}
        </Title>
        <Badge
          color={STATUS_COLOR[c.status]}
          variant="light"
          c="dark"
          data-testid="campaign-status"
        >
          {t(`campaigns.status.${c.status}`)}
        </Badge>
      </Group>
      <Summary propertyId={props.propertyId} campaign={c} />
      {props.editor &&
        c.status === 'draft' &&
        (editing ? (
          <CampaignForm
            orgId={props.orgId}
            propertyId={props.propertyId}
            campaign={c}
            onSaved={() => setEditing(false)}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <Group>
            <Button variant="default" onClick={() => setEditing(true)} data-testid="campaign-edit">
              {t('campaigns.edit')}
            </Button>
          </Group>
        ))}
      {c.status !== 'draft' && <Results propertyId={props.propertyId} campaign={c} />}
      {open && (
        <PreviewPanel
          propertyId={props.propertyId}
          campaign={c}
          player={player}
          onPlayer={setPlayer}
        />
      )}
      {props.editor && open && (
        <Grid>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <TestSend propertyId={props.propertyId} campaign={c} player={player} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <SendPanel propertyId={props.propertyId} campaign={c} />
          </Grid.Col>
        </Grid>
      )}
      {props.editor && <Danger propertyId={props.propertyId} campaign={c} />}
    </>
  );
}

function Summary({ propertyId, campaign: c }: { propertyId: string; campaign: Campaign }) {
  const { t, lang } = useI18n();
  const templates = useTemplates(propertyId);
  const segments = useSegments(propertyId);
  const template = templates.data?.find((x) => x.id === c.template_id);
  const segmentId = c.audience.type === 'segment' ? c.audience.segment_id : null;
  const audience =
    c.audience.type === 'segment'
      ? t('campaigns.audience_named', {
          name: segments.data?.find((s) => s.id === segmentId)?.name ?? '…',
        })
      : c.audience.type === 'all'
        ? t('campaigns.audience_all')
        : t('campaigns.audience_players', { count: c.audience.player_ids.length });
  return (
    <Paper withBorder p="md" radius="md" component="section">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" data-testid="campaign-summary">
        <Text size="sm">
          <b>{t('content.channel')}:</b> {t(`content.channel.${c.channel}`)}
        </Text>
        <Text size="sm" data-testid="campaign-summary-template">
          <b>{t('campaigns.template')}:</b>{' '}
          {c.template_id ? (template?.name ?? '…') : t('campaigns.template_deleted')}
        </Text>
        <Text size="sm" data-testid="campaign-summary-audience">
          <b>{t('campaigns.audience')}:</b> {audience}
        </Text>
        <Text size="sm">
          <b>{t('campaigns.purpose')}:</b> {t(`campaigns.purpose.${c.purpose}`)}
        </Text>
        {c.send_at && (
          <Text size="sm" data-testid="campaign-send-at">
            <b>{t('campaigns.scheduled_for')}:</b> {formatDateTime(c.send_at, lang)}
          </Text>
        )}
        {c.finished_at && (
          <Text size="sm">
            <b>{t('campaigns.finished_at')}:</b> {formatDateTime(c.finished_at, lang)}
          </Text>
        )}
      </SimpleGrid>
    </Paper>
  );
}

/** The message for a chosen player, and the audience's size and skip reasons (preview-campaign). */
function PreviewPanel({
  propertyId,
  campaign: c,
  player,
  onPlayer,
}: {
  propertyId: string;
  campaign: Campaign;
  player: string | null;
  onPlayer: (id: string | null) => void;
}) {
  const { t } = useI18n();
  const preview = useCampaignPreview(propertyId, c.id, player, c.updated_at);
  const audience = preview.data?.audience;
  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="audience-title">
          <Stack gap="xs">
            <Title order={2} size="h4" id="audience-title">
              {t('campaigns.audience_check')}
            </Title>
            {preview.error ? (
              <AreaError error={preview.error} conflict="campaigns.error.no_template" />
            ) : !audience ? (
              <Text>{t('common.loading')}</Text>
            ) : (
              <>
                <Text size="xl" fw={700} data-testid="audience-size">
                  {t('campaigns.audience_size', { count: audience.size })}
                </Text>
                <Text size="sm" data-testid="audience-would-send">
                  {t('campaigns.would_send', { count: audience.would_send })}
                </Text>
                <Text size="sm" data-testid="audience-skipped">
                  {t('campaigns.would_skip', { count: audience.skipped })}
                </Text>
                <ReasonList counts={audience.would_skip} testId="audience-reasons" />
                {audience.sampled && (
                  <Text size="xs" c="dimmed">
                    {t('campaigns.sampled', { count: audience.evaluated })}
                  </Text>
                )}
              </>
            )}
          </Stack>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 7 }}>
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="message-title">
          <Stack gap="xs">
            <Title order={2} size="h4" id="message-title">
              {t('content.preview')}
            </Title>
            <PlayerPicker propertyId={propertyId} value={player} onChange={onPlayer} />
            {preview.error ? (
              <RenderError error={preview.error} />
            ) : preview.data ? (
              <MessagePreview message={preview.data.message} />
            ) : (
              <Text>{t('common.loading')}</Text>
            )}
          </Stack>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}

/** A test to the team's own addresses, rendered for the player chosen in the preview. */
function TestSend(props: { propertyId: string; campaign: Campaign; player: string | null }) {
  const { propertyId, campaign: c } = props;
  const { t } = useI18n();
  const test = useTestSend(propertyId);
  const [to, setTo] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const addresses = to
      .split(/[,;\s]+/)
      .map((a) => a.trim())
      .filter(Boolean);
    test.mutate({
      campaign_id: c.id,
      to: addresses,
      ...(props.player && { player_id: props.player }),
    });
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" h="100%">
      <form onSubmit={submit} noValidate data-testid="test-send-form">
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('campaigns.test_title')}
          </Title>
          <TextInput
            label={t(c.channel === 'email' ? 'campaigns.test_to_email' : 'campaigns.test_to_sms')}
            description={t(props.player ? 'campaigns.test_hint_player' : 'campaigns.test_hint')}
            required
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            data-testid="test-send-to"
          />
          <AreaError error={test.error} conflict="campaigns.error.no_template" />
          {test.data && (
            <List size="sm" data-testid="test-send-results">
              {test.data.results.map((r) => (
                <List.Item key={r.to} data-testid="test-send-result">
                  {r.error
                    ? t('campaigns.test_failed', { to: r.to })
                    : t('campaigns.test_sent', { to: r.to })}
                </List.Item>
              ))}
            </List>
          )}
          <Group>
            <Button
              type="submit"
              variant="default"
              loading={test.isPending}
              disabled={!to.trim()}
              data-testid="test-send"
            >
              {t('campaigns.test_send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

/** Send now (asked twice), or schedule at a moment of the browser's time zone; cancel a schedule. */
function SendPanel({ propertyId, campaign: c }: { propertyId: string; campaign: Campaign }) {
  const { t } = useI18n();
  const action = useCampaignAction(propertyId);
  const [confirmKey, setConfirmKey] = useState<string | null>(null);
  const [when, setWhen] = useState('');
  const schedule = (event: FormEvent) => {
    event.preventDefault();
    const at = new Date(when);
    if (Number.isNaN(at.getTime())) return;
    action.mutate({ kind: 'schedule', id: c.id, sendAt: at.toISOString() });
  };
  return (
    <Paper withBorder p="md" radius="md" component="section" h="100%">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {t('campaigns.send_title')}
        </Title>
        <Text size="sm">{t('campaigns.send_hint')}</Text>
        <Group>
          {confirmKey ? (
            <>
              <Button
                color="red"
                loading={action.isPending}
                onClick={() => action.mutate({ kind: 'send', id: c.id, key: confirmKey })}
                data-testid="send-confirm"
              >
                {t('campaigns.send_confirm')}
              </Button>
              <Button variant="default" onClick={() => setConfirmKey(null)}>
                {t('content.close')}
              </Button>
            </>
          ) : (
            <Button
              onClick={() => {
                action.reset();
                setConfirmKey(crypto.randomUUID());
              }}
              data-testid="send-now"
            >
              {t('campaigns.send_now')}
            </Button>
          )}
        </Group>
        <form onSubmit={schedule} noValidate>
          <Group align="end" gap="xs">
            <TextInput
              type="datetime-local"
              label={t('campaigns.schedule_at')}
              value={when}
              onChange={(e) => setWhen(e.currentTarget.value)}
              data-testid="schedule-at"
              style={{ flex: 1, minWidth: 200 }}
            />
            <Button
              type="submit"
              variant="default"
              disabled={!when}
              loading={action.isPending}
              data-testid="schedule"
            >
              {t(c.status === 'scheduled' ? 'campaigns.reschedule' : 'campaigns.schedule')}
            </Button>
          </Group>
        </form>
        {c.status === 'scheduled' && (
          <Group>
            <Button
              variant="default"
              color="red"
              onClick={() => action.mutate({ kind: 'cancel', id: c.id })}
              data-testid="campaign-cancel"
            >
              {t('campaigns.cancel_schedule')}
            </Button>
          </Group>
        )}
        <AreaError error={action.error} conflict="campaigns.error.state" />
      </Stack>
    </Paper>
  );
}

const STATS = ['sent', 'delivered', 'skipped', 'failed', 'bounced', 'opened', 'clicked'] as const;

/** Live while it sends (the campaign is polled): progress, the counts, and why players were skipped. */
function Results({ propertyId, campaign: c }: { propertyId: string; campaign: Campaign }) {
  const { t } = useI18n();
  const action = useCampaignAction(propertyId);
  const skipped = useSkippedMessages(propertyId, c.id, c.counts.skipped);
  const done = c.counts.sent + c.counts.skipped + c.counts.failed;
  const total = c.audience_size ?? done + c.counts.queued;
  const percent = total > 0 ? Math.round((done / total) * 100) : c.status === 'sent' ? 100 : 0;
  const reasons: Record<string, number> = {};
  for (const message of skipped.data ?? []) {
    for (const reason of message.skip_reasons) reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="results-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="results-title">
            {t('campaigns.results')}
          </Title>
          {c.status === 'sending' && (
            <Button
              size="xs"
              variant="default"
              color="red"
              loading={action.isPending}
              onClick={() => action.mutate({ kind: 'cancel', id: c.id })}
              data-testid="campaign-stop"
            >
              {t('campaigns.stop')}
            </Button>
          )}
        </Group>
        <AreaError error={action.error} conflict="campaigns.error.state" />
        <Text size="sm" data-testid="campaign-progress-text">
          {c.status === 'sending' && c.audience_size === null && c.counts.queued === 0
            ? t('campaigns.progress_planning')
            : c.status === 'sending'
              ? t('campaigns.progress_live', { done, total })
              : c.status === 'scheduled'
                ? t('campaigns.progress_scheduled')
                : t('campaigns.progress_done', { done, total })}
        </Text>
        <Progress
          value={percent}
          aria-label={t('campaigns.progress_label', { percent })}
          data-testid="campaign-progress"
        />
        {c.failure && (
          <Alert color="red" data-testid="campaign-failure">
            {t('campaigns.failed_note')}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
          <Stat label={t('campaigns.stat.audience')} value={c.audience_size ?? '—'} id="audience" />
          {STATS.map((key) => (
            <Stat key={key} label={t(`campaigns.stat.${key}`)} value={c.counts[key]} id={key} />
          ))}
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          {t('campaigns.plays_note')}
        </Text>
        {c.counts.skipped > 0 && (
          <>
            <Text size="sm" fw={500}>
              {t(c.counts.skipped > 100 ? 'campaigns.skipped_why_sample' : 'campaigns.skipped_why')}
            </Text>
            {skipped.error ? (
              <FormError error={skipped.error} />
            ) : (
              <ReasonList counts={reasons} testId="result-reasons" />
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function Stat(props: { label: string; value: number | string; id: string }) {
  return (
    <Paper withBorder p="xs" radius="sm">
      <Text size="xs" c="dimmed">
        {props.label}
      </Text>
      <Text size="lg" fw={700} data-testid={`stat-${props.id}`}>
        {props.value}
      </Text>
    </Paper>
  );
}

function Danger({ propertyId, campaign: c }: { propertyId: string; campaign: Campaign }) {
  const { t } = useI18n();
  const remove = useDeleteCampaign(propertyId);
  const [confirming, setConfirming] = useState(false);
  if (c.status === 'sending' || c.status === 'scheduled') return null;
  return (
    <Stack gap="xs">
      <AreaError error={remove.error} conflict="campaigns.error.delete" />
      <Group>
        {confirming ? (
          <Button
            color="red"
            loading={remove.isPending}
            data-testid="campaign-delete-confirm"
            onClick={() => remove.mutate(c.id, { onSuccess: () => navigate(`${BASE}/campaigns`) })}
          >
            {t('campaigns.delete_confirm', { name: c.name })}
          </Button>
        ) : (
          <Button
            variant="default"
            color="red"
            data-testid="campaign-delete"
            onClick={() => setConfirming(true)}
          >
            {t('campaigns.delete')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
