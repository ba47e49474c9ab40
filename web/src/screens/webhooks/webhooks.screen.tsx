import { Alert, Badge, Button, Group, Modal, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { errorText } from '../../api/errors.ts';
import type { Property } from '../../data/properties.queries.ts';
import {
  type Endpoint,
  useDeleteWebhook,
  useSetWebhookEnabled,
  useTestWebhook,
  useWebhooks,
} from '../../data/webhooks.queries.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { Deliveries } from './deliveries.tsx';
import { WebhookForm } from './webhook-form.tsx';
import { WebhookSecret } from './webhook-secret.tsx';

/**
 * The chosen property's webhook endpoints and their delivery logs. Every role reads them;
 * Editors and above create, pause, delete and send again (the API's write scope).
 */
export function WebhooksScreen({ org, property }: ShellContext) {
  const { t } = useI18n();
  return (
    <Stack>
      <Title order={1} size="h2" data-testid="webhooks-title">
        {t('webhooks.heading')}
      </Title>
      <Text>{t('webhooks.intro')}</Text>
      {property ? (
        <Webhooks key={property.id} property={property} editor={roleAtLeast(org.role, 'Editor')} />
      ) : (
        <Text data-testid="webhooks-no-property">{t('webhooks.no_property')}</Text>
      )}
    </Stack>
  );
}

function Webhooks({ property, editor }: { property: Property; editor: boolean }) {
  const { t } = useI18n();
  const hooks = useWebhooks(property.id);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  return (
    <>
      <Group justify="space-between">
        <Text size="sm">{t('webhooks.for_property', { property: property.name })}</Text>
        {editor ? (
          <Button onClick={() => setCreating(true)} data-testid="webhook-new">
            {t('webhooks.new')}
          </Button>
        ) : (
          <Text size="sm" c="dimmed" data-testid="webhooks-read-only">
            {t('webhooks.read_only')}
          </Text>
        )}
      </Group>
      {hooks.error ? (
        <Alert color="red">{errorText(hooks.error, t)}</Alert>
      ) : hooks.data?.length ? (
        <Stack data-testid="webhook-list">
          {hooks.data.map((endpoint) => (
            <EndpointCard
              key={endpoint.id}
              propertyId={property.id}
              endpoint={endpoint}
              editor={editor}
              open={open === endpoint.id}
              onToggle={() => setOpen(open === endpoint.id ? null : endpoint.id)}
            />
          ))}
        </Stack>
      ) : (
        hooks.data && (
          <Text data-testid="webhooks-empty">
            {t(editor ? 'webhooks.empty' : 'webhooks.empty_viewer')}
          </Text>
        )
      )}
      <Modal
        opened={creating}
        onClose={() => setCreating(false)}
        closeButtonProps={{ 'aria-label': t('webhooks.close') }}
        title={t('webhooks.new_title')}
        size="lg"
      >
        {creating && (
          <WebhookForm
            propertyId={property.id}
            onCancel={() => setCreating(false)}
            onCreated={(endpoint) => {
              setCreating(false);
              setSecret(endpoint.secret);
              setOpen(endpoint.id);
            }}
          />
        )}
      </Modal>
      <WebhookSecret secret={secret} onClose={() => setSecret(null)} />
    </>
  );
}

function EndpointCard(props: {
  propertyId: string;
  endpoint: Endpoint;
  editor: boolean;
  open: boolean;
  onToggle: () => void;
}) {
  const { t, lang } = useI18n();
  const { endpoint } = props;
  const setEnabled = useSetWebhookEnabled(props.propertyId);
  const remove = useDeleteWebhook(props.propertyId);
  const test = useTestWebhook(props.propertyId);
  const [confirming, setConfirming] = useState(false);
  const error = setEnabled.error ?? remove.error ?? test.error;
  const when = (iso: string) => formatDateTime(iso, lang);
  const events = endpoint.event_types.includes('*')
    ? t('webhooks.all_events_short')
    : endpoint.event_types.join(', ');

  return (
    <Paper withBorder p="md" radius="md" component="article" data-testid="webhook-row">
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text fw={700} style={{ wordBreak: 'break-all' }} data-testid="webhook-row-url">
            {endpoint.url}
          </Text>
          <Badge
            variant="outline"
            color={endpoint.enabled ? (endpoint.failing_since ? 'red.9' : 'teal.9') : 'gray.7'}
            data-testid="webhook-status"
          >
            {endpoint.enabled
              ? t(endpoint.failing_since ? 'webhooks.failing' : 'webhooks.enabled')
              : t('webhooks.disabled')}
          </Badge>
        </Group>
        {endpoint.description && <Text size="sm">{endpoint.description}</Text>}
        <Text size="sm" data-testid="webhook-events">
          {t('webhooks.events_line', { events })}
        </Text>
        {!endpoint.enabled && endpoint.disabled_reason && (
          <Text size="sm" c="dimmed">
            {t(`webhooks.reason.${endpoint.disabled_reason}`)}
          </Text>
        )}
        {endpoint.failing_since && (
          <Text size="sm" c="dimmed">
            {t('webhooks.failing_since', { time: when(endpoint.failing_since) })}
          </Text>
        )}
        <Group gap="xs">
          <Button
            size="xs"
            variant={props.open ? 'filled' : 'light'}
            onClick={props.onToggle}
            aria-expanded={props.open}
            data-testid="webhook-deliveries"
          >
            {t(props.open ? 'webhooks.hide_deliveries' : 'webhooks.show_deliveries')}
          </Button>
          {props.editor && (
            <>
              <Button
                size="xs"
                variant="default"
                disabled={!endpoint.enabled}
                loading={test.isPending}
                onClick={() => test.mutate(endpoint.id)}
                data-testid="webhook-test"
              >
                {t('webhooks.send_test')}
              </Button>
              <Button
                size="xs"
                variant="default"
                loading={setEnabled.isPending}
                onClick={() => setEnabled.mutate({ id: endpoint.id, enabled: !endpoint.enabled })}
                data-testid={endpoint.enabled ? 'webhook-disable' : 'webhook-enable'}
              >
                {t(endpoint.enabled ? 'webhooks.disable' : 'webhooks.enable')}
              </Button>
              {confirming ? (
                <>
                  <Button
                    size="xs"
                    color="red"
                    loading={remove.isPending}
                    onClick={() => remove.mutate(endpoint.id)}
                    data-testid="webhook-delete-confirm"
                  >
                    {t('webhooks.delete_confirm')}
                  </Button>
                  <Button size="xs" variant="default" onClick={() => setConfirming(false)}>
                    {t('webhooks.cancel')}
                  </Button>
                </>
              ) : (
                <Button
                  size="xs"
                  variant="light"
                  color="red"
                  onClick={() => setConfirming(true)}
                  data-testid="webhook-delete"
                >
                  {t('webhooks.delete')}
                </Button>
              )}
            </>
          )}
        </Group>
        {test.isSuccess && (
          <Text size="sm" data-testid="webhook-test-queued">
            {t('webhooks.test_queued')}
          </Text>
        )}
        {error && (
          <Alert color="red" role="alert" data-testid="webhook-error">
            {errorText(error, t)}
          </Alert>
        )}
        {props.open && (
          <Deliveries propertyId={props.propertyId} endpoint={endpoint} editor={props.editor} />
        )}
      </Stack>
    </Paper>
  );
}
