import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import {
  type ExportBundle,
  type PrivacyRequest,
  useExportPlayerData,
  usePlayersNamed,
  usePrivacyRequests,
} from '../../data/privacy.queries.ts';
import { formatCount, formatDateTime, formatDay } from '../../i18n/format.ts';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';
import { privacyErrorText } from './compliance-error.ts';
import { PlayerName, playerLabel } from './player-name.tsx';
import { EraseRequest, ExtendRequest } from './privacy-dialogs.tsx';
import { PrivacyRequestForm } from './privacy-request-form.tsx';

const DAY_MS = 86_400_000;

/** The deadline in force: the extended one when there is one. */
export const dueOf = (request: PrivacyRequest) => request.extended_until ?? request.deadline;

/** Rows by kind in a completion proof (`exported` or `deleted`), added up. */
function rowsIn(completion: Record<string, unknown> | null, field: 'exported' | 'deleted') {
  const counts = completion?.[field];
  if (typeof counts !== 'object' || counts === null) return 0;
  return Object.values(counts).reduce<number>((sum, n) => sum + (typeof n === 'number' ? n : 0), 0);
}

/** Saves the export bundle as a JSON file in the browser's downloads. */
function download(bundle: ExportBundle, name: string) {
  const blob = new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** When it is due, in words and colour: overdue in red with the word, soon in orange. */
function Due({ request, t, lang }: { request: PrivacyRequest; t: Translate; lang: 'en' | 'th' }) {
  const due = dueOf(request);
  const date = formatDay(due, lang);
  if (request.status === 'completed') {
    return <Text size="sm">{date}</Text>;
  }
  if (request.overdue) {
    return (
      <Stack gap={2}>
        <Badge color="red.9" variant="filled" miw="fit-content" data-testid="request-overdue">
          {t('privacy.overdue')}
        </Badge>
        <Text size="sm" c="red.9" fw={700}>
          {t('privacy.overdue_since', { date })}
        </Text>
      </Stack>
    );
  }
  const days = Math.ceil((new Date(due).getTime() - Date.now()) / DAY_MS);
  return (
    <Stack gap={2}>
      <Text size="sm" fw={days <= 7 ? 700 : 400} {...(days <= 7 && { c: 'orange.9' })}>
        {days <= 0 ? t('privacy.due_today') : t('privacy.due_in', { days })}
      </Text>
      <Text size="sm">{date}</Text>
    </Stack>
  );
}

/**
 * Privacy requests (GDPR / CCPA): opened on receipt with the deadline the API computes, then
 * answered by an export (downloaded here) or an erasure (confirmed by typing the player's ID),
 * or extended once with a reason. `write`: the role has the write scope (Editor and above).
 */
export function PrivacyRequests({ propertyId, write }: { propertyId: string; write: boolean }) {
  const { t, lang } = useI18n();
  const requests = usePrivacyRequests(propertyId);
  const names = usePlayersNamed(
    propertyId,
    (requests.data ?? []).flatMap((r) => (r.player_id ? [r.player_id] : [])),
  );
  const exportData = useExportPlayerData(propertyId);
  const [erasing, setErasing] = useState<PrivacyRequest | null>(null);
  const [extending, setExtending] = useState<PrivacyRequest | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const nameOf = (request: PrivacyRequest) =>
    request.player_id
      ? playerLabel(names.data?.get(request.player_id), request.player_id)
      : t('privacy.subject_hash', { hash: request.subject_hash.slice(0, 8) });

  const runExport = (request: PrivacyRequest) => {
    if (!request.player_id) return;
    setNotice(null);
    const player = names.data?.get(request.player_id);
    exportData.mutate(
      { request_id: request.id, player_id: request.player_id },
      {
        onSuccess: (bundle) => {
          download(
            bundle,
            `privacy-export-${player?.player_id ?? request.player_id ?? 'player'}.json`,
          );
          setNotice(t('privacy.exported', { name: nameOf(request) }));
        },
      },
    );
  };

  const open = (request: PrivacyRequest) =>
    request.status !== 'completed' && request.player_id !== null;

  return (
    <Stack>
      <Text>{t('privacy.intro')}</Text>
      {write ? (
        <Paper withBorder p="md" radius="md" component="section">
          <Title order={2} size="h4" mb="sm">
            {t('privacy.new')}
          </Title>
          <PrivacyRequestForm
            propertyId={propertyId}
            onOpened={(request) =>
              setNotice(t('privacy.created', { due: formatDay(request.deadline, lang) }))
            }
          />
        </Paper>
      ) : (
        <Alert color="gray" data-testid="privacy-read-only">
          {t('privacy.read_only')}
        </Alert>
      )}
      {notice && (
        <Alert color="green" role="status" data-testid="privacy-notice">
          {notice}
        </Alert>
      )}
      {exportData.error && (
        <Alert color="red" role="alert" data-testid="privacy-error">
          {privacyErrorText(exportData.error, t)}
        </Alert>
      )}
      {requests.error ? (
        <Alert color="red">{errorText(requests.error, t)}</Alert>
      ) : requests.data?.length ? (
        <ScrollTable label={t('compliance.tab.privacy')} minWidth={980}>
          <Table data-testid="requests-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('privacy.col.player')}</Table.Th>
                <Table.Th>{t('privacy.col.type')}</Table.Th>
                <Table.Th>{t('privacy.col.due')}</Table.Th>
                <Table.Th>{t('privacy.col.status')}</Table.Th>
                {write && <Table.Th>{t('privacy.col.actions')}</Table.Th>}
                <Table.Th>{t('privacy.col.received')}</Table.Th>
                <Table.Th>{t('privacy.col.regime')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {requests.data.map((request) => {
                const name = nameOf(request);
                const canExtend =
                  open(request) &&
                  request.extended_until === null &&
                  new Date(request.deadline).getTime() > Date.now();
                return (
                  <Table.Tr key={request.id} data-testid="request-row">
                    <Table.Td>
                      {request.player_id ? (
                        <PlayerName
                          uuid={request.player_id}
                          player={names.data?.get(request.player_id)}
                          loaded={names.isSuccess}
                        />
                      ) : (
                        <Text span c="dimmed">
                          {name}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{t(`privacy.type.${request.type}`)}</Table.Td>
                    <Table.Td data-testid="request-due" miw={140}>
                      <Due request={request} t={t} lang={lang} />
                      {request.extended_until && request.extension_reason && (
                        <Text size="xs">
                          {t('privacy.extended', {
                            date: formatDay(request.deadline, lang),
                            reason: request.extension_reason,
                          })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td data-testid="request-status">
                      <Text size="sm" fw={700}>
                        {t(`privacy.status.${request.status}`)}
                      </Text>
                      {request.status === 'completed' && (
                        <Text size="xs">
                          {t('privacy.completed_on', {
                            date: formatDateTime(request.completed_at, lang),
                          })}
                          {' · '}
                          {request.type === 'export'
                            ? t('privacy.exported_n', {
                                count: formatCount(rowsIn(request.completion, 'exported'), lang),
                              })
                            : t('privacy.deleted_n', {
                                count: formatCount(rowsIn(request.completion, 'deleted'), lang),
                              })}
                        </Text>
                      )}
                    </Table.Td>
                    {write && (
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {open(request) && request.type === 'export' && (
                            <Button
                              size="xs"
                              loading={
                                exportData.isPending &&
                                exportData.variables.request_id === request.id
                              }
                              aria-label={t('privacy.export_named', { name })}
                              onClick={() => runExport(request)}
                              data-testid="request-export"
                            >
                              {t('privacy.export')}
                            </Button>
                          )}
                          {open(request) && request.type === 'delete' && (
                            <Button
                              size="xs"
                              color="red"
                              aria-label={t('privacy.erase_named', { name })}
                              onClick={() => {
                                setNotice(null);
                                setErasing(request);
                              }}
                              data-testid="request-erase"
                            >
                              {t('privacy.erase')}
                            </Button>
                          )}
                          {canExtend && (
                            <Button
                              size="xs"
                              variant="default"
                              aria-label={t('privacy.extend_named', { name })}
                              onClick={() => {
                                setNotice(null);
                                setExtending(request);
                              }}
                              data-testid="request-extend"
                            >
                              {t('privacy.extend')}
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    )}
                    <Table.Td>{formatDateTime(request.received_at, lang)}</Table.Td>
                    <Table.Td>{request.regime.toUpperCase()}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : (
        requests.data && <Text data-testid="requests-empty">{t('privacy.empty')}</Text>
      )}

      <EraseRequest
        propertyId={propertyId}
        request={erasing}
        confirmId={
          erasing?.player_id
            ? (names.data?.get(erasing.player_id)?.player_id ?? erasing.player_id)
            : ''
        }
        name={erasing ? nameOf(erasing) : ''}
        onClose={() => setErasing(null)}
        onErased={(name) => {
          setErasing(null);
          setNotice(t('privacy.erased', { name }));
        }}
      />
      <ExtendRequest
        propertyId={propertyId}
        request={extending}
        onClose={() => setExtending(null)}
      />
    </Stack>
  );
}
