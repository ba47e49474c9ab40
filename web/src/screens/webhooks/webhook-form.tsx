import { Alert, Button, Checkbox, Group, MultiSelect, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError, errorText } from '../../api/errors.ts';
import { type Endpoint, useCreateWebhook } from '../../data/webhooks.queries.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';

/** Rules of a refused URL (`details.rule` of the 400) that mean it is not a usable address. */
const MALFORMED = new Set(['invalid_url', 'scheme', 'https_required', 'credentials', 'port']);

/** Why the endpoint was not created: a refused URL says which way it is wrong. */
function createError(error: unknown, t: Translate): string {
  const rule = error instanceof ApiError ? error.details.rule : undefined;
  if (typeof rule !== 'string') return errorText(error, t);
  if (MALFORMED.has(rule)) return t('webhooks.url_invalid');
  if (rule === 'unresolvable') return t('webhooks.url_unresolvable');
  return t('webhooks.url_private');
}

/** The event catalog (`webhooks` of openapi.json) an endpoint may subscribe to. */
export const EVENT_TYPES = [
  'player.created',
  'player.updated',
  'player.deleted',
  'players.imported',
  'consent.recorded',
  'player.event',
  'session.created',
  'session.consumed',
  'session.revoked',
  'stream.accessed',
  'play.started',
  'play.completed',
  'prize.won',
  'prize.claimed',
  'campaign.sending',
  'campaign.finished',
  'message.sent',
  'message.delivered',
  'message.failed',
  'message.opened',
  'message.clicked',
  'webhook.disabled',
  'connection.disabled',
] as const;

/**
 * A new endpoint: where to POST and which events. `onCreated` gets it with its signing secret,
 * which the API answers this once.
 */
export function WebhookForm(props: {
  propertyId: string;
  onCreated: (endpoint: Endpoint & { secret: string }) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const create = useCreateWebhook(props.propertyId);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [all, setAll] = useState(false);
  const [types, setTypes] = useState<string[]>(['player.created', 'player.updated']);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        url: url.trim(),
        event_types: all ? ['*'] : types,
        ...(description.trim() && { description: description.trim() }),
      },
      { onSuccess: props.onCreated },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="webhook-form">
      <Stack gap="sm">
        <TextInput
          label={t('webhooks.url')}
          description={t('webhooks.url_hint')}
          placeholder="https://example.com/playloop"
          required
          type="url"
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
          data-testid="webhook-url"
        />
        <TextInput
          label={t('webhooks.description')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          data-testid="webhook-description"
        />
        <Checkbox
          label={t('webhooks.all_events')}
          checked={all}
          onChange={(e) => setAll(e.currentTarget.checked)}
          data-testid="webhook-all"
        />
        {!all && (
          <MultiSelect
            label={t('webhooks.events')}
            description={t('webhooks.events_hint')}
            data={[...EVENT_TYPES]}
            value={types}
            onChange={setTypes}
            searchable
            required
            data-testid="webhook-events"
          />
        )}
        {create.error && (
          <Alert color="red" role="alert" data-testid="form-error">
            {createError(create.error, t)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            {t('webhooks.cancel')}
          </Button>
          <Button
            type="submit"
            loading={create.isPending}
            disabled={url.trim() === '' || (!all && types.length === 0)}
            data-testid="webhook-create"
          >
            {t('webhooks.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
