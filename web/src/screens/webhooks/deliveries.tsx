import { Alert, Badge, Button, Stack, Table, Text } from '@mantine/core';
import { ApiError, errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import {
  type Delivery,
  type Endpoint,
  useDeliveries,
  useReplayDelivery,
} from '../../data/webhooks.queries.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

// Dark shades: the outline badge's text must keep AA contrast on white.
const STATUS_COLOR = { pending: 'blue.9', delivered: 'teal.9', failed: 'red.9' } as const;

/**
 * An endpoint's newest deliveries (status, attempts, the receiver's answer, when) and, for
 * Editors and above, sending one again with the same webhook-id.
 */
export function Deliveries(props: { propertyId: string; endpoint: Endpoint; editor: boolean }) {
  const { t, lang } = useI18n();
  const log = useDeliveries(props.propertyId, props.endpoint.id);
  const replay = useReplayDelivery(props.propertyId);
  const when = (iso: string) => formatDateTime(iso, lang);

  const answer = (delivery: Delivery) => {
    const last = delivery.last_attempt;
    if (!last) return t('webhooks.not_tried');
    if (last.http_status !== null) return String(last.http_status);
    return last.error_kind ?? t('webhooks.no_answer');
  };

  // Already queued again is 409: say that rather than the generic "already exists".
  const replayError =
    replay.error instanceof ApiError && replay.error.code === 'conflict'
      ? t('webhooks.replay_queued')
      : replay.error && errorText(replay.error, t);

  return (
    <Stack gap="sm" data-testid="deliveries">
      {log.error ? (
        <Alert color="red">{errorText(log.error, t)}</Alert>
      ) : log.data?.length ? (
        <ScrollTable
          label={t('webhooks.deliveries_of', { url: props.endpoint.url })}
          minWidth={720}
        >
          <Table data-testid="delivery-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('webhooks.event')}</Table.Th>
                <Table.Th>{t('webhooks.status')}</Table.Th>
                <Table.Th>{t('webhooks.attempts')}</Table.Th>
                <Table.Th>{t('webhooks.response')}</Table.Th>
                <Table.Th>{t('webhooks.time')}</Table.Th>
                {props.editor && <Table.Th>{t('webhooks.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {log.data.map((delivery) => (
                <Table.Tr key={delivery.id} data-testid="delivery-row">
                  <Table.Td>{delivery.event_type}</Table.Td>
                  <Table.Td>
                    <Badge
                      variant="outline"
                      color={STATUS_COLOR[delivery.status]}
                      data-testid="delivery-status"
                    >
                      {t(`webhooks.status.${delivery.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td data-testid="delivery-attempts">{delivery.attempts}</Table.Td>
                  <Table.Td data-testid="delivery-response">{answer(delivery)}</Table.Td>
                  <Table.Td>
                    {when(delivery.last_attempt?.attempted_at ?? delivery.created_at)}
                  </Table.Td>
                  {props.editor && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="light"
                        disabled={delivery.status === 'pending'}
                        loading={replay.isPending && replay.variables.messageId === delivery.id}
                        onClick={() =>
                          replay.mutate({ endpointId: props.endpoint.id, messageId: delivery.id })
                        }
                        aria-label={t('webhooks.replay_named', { event: delivery.event_type })}
                        data-testid="delivery-replay"
                      >
                        {t('webhooks.replay')}
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : (
        log.data && <Text data-testid="deliveries-empty">{t('webhooks.deliveries_empty')}</Text>
      )}
      {replayError && (
        <Alert color="red" role="alert" data-testid="replay-error">
          {replayError}
        </Alert>
      )}
      {replay.isSuccess && !replay.isPending && (
        <Text size="sm" data-testid="replay-queued" aria-live="polite">
          {t('webhooks.replay_done')}
        </Text>
      )}
    </Stack>
  );
}
