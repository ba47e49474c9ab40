import {
  Alert,
  Badge,
  Button,
  Group,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError, errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import {
  type ConsentRecord,
  type DecisionRecord,
  type LogFilter,
  type LogKind,
  useComplianceLog,
  usePlayerLookup,
} from '../../data/compliance.queries.ts';
import { usePlayersNamed } from '../../data/privacy.queries.ts';
import { formatCount, formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { codeText } from './compliance-error.ts';
import { PlayerName, playerLabel } from './player-name.tsx';

const PAGE = 25;
// Mantine's green 9 is 4.4:1 on white, short of AA for a badge's small text; this is 7:1.
const GREEN = '#1b5e20';
const CHANNELS = ['sms', 'email', 'voice', 'push'] as const;

/**
 * The compliance log: consent changes or pre-send decisions, newest first, filtered by player,
 * dates, channel and outcome, a page at a time (the table API's limit/offset and exact count).
 */
export function ComplianceLog({ propertyId }: { propertyId: string }) {
  const { t, lang } = useI18n();
  const [kind, setKind] = useState<LogKind>('consents');
  const [typed, setTyped] = useState('');
  const [player, setPlayer] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [outcome, setOutcome] = useState('');
  const [channel, setChannel] = useState('');
  const [offset, setOffset] = useState(0);

  const lookup = usePlayerLookup(propertyId, player);
  const unknownPlayer = lookup.error instanceof ApiError && lookup.error.status === 404;
  const filter: LogFilter = {
    kind,
    playerUuid: player ? (lookup.data?.id ?? null) : null,
    from,
    to,
    outcome,
    channel,
    limit: PAGE,
    offset,
  };
  const log = useComplianceLog<ConsentRecord | DecisionRecord>(
    propertyId,
    filter,
    !player || lookup.data !== undefined,
  );
  // A player typed but not (yet) found: no rows, rather than the unfiltered page still held.
  const waiting = player !== '' && lookup.data === undefined;
  const rows = waiting ? [] : (log.data?.rows ?? []);
  const names = usePlayersNamed(
    propertyId,
    rows.flatMap((row) => (row.player_id ? [row.player_id] : [])),
  );
  const total = log.data?.total ?? null;
  const filtered = Boolean(player || from || to || outcome || channel);

  // Any change of filter starts again from the first page.
  const change =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      set(value);
      setOffset(0);
    };

  const applyPlayer = (event: FormEvent) => {
    event.preventDefault();
    change(setPlayer)(typed.trim());
  };

  const outcomes =
    kind === 'consents'
      ? (['grant', 'revoke'] as const).map((v) => ({
          value: v,
          label: t(`compliance.action.${v}`),
        }))
      : (['allow', 'skip'] as const).map((v) => ({
          value: v,
          label: t(`compliance.outcome.${v}`),
        }));

  return (
    <Stack>
      <form onSubmit={applyPlayer} noValidate data-testid="log-filters">
        <Group align="end" wrap="wrap">
          <NativeSelect
            label={t('compliance.log.kind')}
            value={kind}
            data={(['consents', 'compliance_decisions'] as const).map((k) => ({
              value: k,
              label: t(`compliance.log.kind.${k}`),
            }))}
            onChange={(event) => {
              change(setKind)(event.currentTarget.value as LogKind);
              setOutcome('');
            }}
            data-testid="log-kind"
          />
          <NativeSelect
            label={kind === 'consents' ? t('compliance.log.change') : t('compliance.log.outcome')}
            value={outcome}
            data={[{ value: '', label: t('compliance.log.any') }, ...outcomes]}
            onChange={(event) => change(setOutcome)(event.currentTarget.value)}
            data-testid="log-outcome"
          />
          <NativeSelect
            label={t('compliance.log.channel')}
            value={channel}
            data={[
              { value: '', label: t('compliance.log.any') },
              ...CHANNELS.map((c) => ({ value: c, label: t(`compliance.channel.${c}`) })),
            ]}
            onChange={(event) => change(setChannel)(event.currentTarget.value)}
            data-testid="log-channel"
          />
          <TextInput
            type="date"
            label={t('compliance.log.from')}
            value={from}
            max={to || undefined}
            onChange={(event) => change(setFrom)(event.currentTarget.value)}
            data-testid="log-from"
          />
          <TextInput
            type="date"
            label={t('compliance.log.to')}
            value={to}
            min={from || undefined}
            onChange={(event) => change(setTo)(event.currentTarget.value)}
            data-testid="log-to"
          />
        </Group>
        <Group align="end" wrap="wrap" mt="sm">
          <TextInput
            label={t('compliance.log.player')}
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            data-testid="log-player"
            style={{ flex: '1 1 220px', maxWidth: 360 }}
          />
          <Button type="submit" variant="default" data-testid="log-player-apply">
            {t('compliance.log.player_apply')}
          </Button>
          {player && (
            <Button
              variant="subtle"
              onClick={() => {
                setTyped('');
                change(setPlayer)('');
              }}
              data-testid="log-player-clear"
            >
              {t('compliance.log.player_clear')}
            </Button>
          )}
        </Group>
      </form>

      {unknownPlayer && (
        <Alert color="yellow" data-testid="log-player-unknown">
          {t('compliance.log.player_unknown', { id: player })}
        </Alert>
      )}
      {lookup.error && !unknownPlayer && <Alert color="red">{errorText(lookup.error, t)}</Alert>}
      {player && lookup.data && (
        <Text size="sm" data-testid="log-player-for">
          {t('compliance.log.player_for', {
            name: playerLabel(
              {
                id: lookup.data.id,
                player_id: lookup.data.player_id,
                first_name: lookup.data.first_name,
                last_name: lookup.data.last_name,
              },
              lookup.data.id,
            ),
          })}
        </Text>
      )}

      {log.error ? (
        <Alert color="red">{errorText(log.error, t)}</Alert>
      ) : rows.length ? (
        <>
          <ScrollTable label={t(`compliance.log.kind.${kind}`)} minWidth={960}>
            <Table data-testid="log-list">
              <Table.Thead>
                {kind === 'consents' ? (
                  <Table.Tr>
                    <Table.Th>{t('compliance.col.when')}</Table.Th>
                    <Table.Th>{t('compliance.col.player')}</Table.Th>
                    <Table.Th>{t('compliance.col.channel')}</Table.Th>
                    <Table.Th>{t('compliance.col.address')}</Table.Th>
                    <Table.Th>{t('compliance.col.change')}</Table.Th>
                    <Table.Th>{t('compliance.col.consent_type')}</Table.Th>
                    <Table.Th>{t('compliance.col.purpose')}</Table.Th>
                    <Table.Th>{t('compliance.col.source')}</Table.Th>
                  </Table.Tr>
                ) : (
                  <Table.Tr>
                    <Table.Th>{t('compliance.col.when')}</Table.Th>
                    <Table.Th>{t('compliance.col.player')}</Table.Th>
                    <Table.Th>{t('compliance.col.channel')}</Table.Th>
                    <Table.Th>{t('compliance.col.address')}</Table.Th>
                    <Table.Th>{t('compliance.col.purpose')}</Table.Th>
                    <Table.Th>{t('compliance.col.outcome')}</Table.Th>
                    <Table.Th>{t('compliance.col.reasons')}</Table.Th>
                    <Table.Th>{t('compliance.col.send_at')}</Table.Th>
                  </Table.Tr>
                )}
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => {
                  const who = (
                    <PlayerName
                      uuid={row.player_id}
                      player={row.player_id ? names.data?.get(row.player_id) : undefined}
                      loaded={names.isSuccess}
                    />
                  );
                  if ('recorded_at' in row) {
                    const method = row.source['method'];
                    return (
                      <Table.Tr key={row.id} data-testid="log-row">
                        <Table.Td>{formatDateTime(row.recorded_at, lang)}</Table.Td>
                        <Table.Td>{who}</Table.Td>
                        <Table.Td>{codeText(t, 'compliance.channel', row.channel)}</Table.Td>
                        <Table.Td>{row.address}</Table.Td>
                        <Table.Td>
                          <Badge
                            variant="outline"
                            color={row.action === 'revoke' ? 'red.9' : GREEN}
                          >
                            {codeText(t, 'compliance.action', row.action)}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          {codeText(t, 'compliance.consent_type', row.consent_type)}
                        </Table.Td>
                        <Table.Td>{codeText(t, 'compliance.purpose', row.purpose)}</Table.Td>
                        <Table.Td>{typeof method === 'string' ? method : '–'}</Table.Td>
                      </Table.Tr>
                    );
                  }
                  return (
                    <Table.Tr key={row.id} data-testid="log-row">
                      <Table.Td>{formatDateTime(row.decided_at, lang)}</Table.Td>
                      <Table.Td>{who}</Table.Td>
                      <Table.Td>{codeText(t, 'compliance.channel', row.channel)}</Table.Td>
                      <Table.Td>{row.address ?? '–'}</Table.Td>
                      <Table.Td>{codeText(t, 'compliance.purpose', row.purpose)}</Table.Td>
                      <Table.Td>
                        <Badge variant="outline" color={row.outcome === 'skip' ? 'red.9' : GREEN}>
                          {codeText(t, 'compliance.outcome', row.outcome)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {row.reasons.length
                          ? row.reasons.map((r) => codeText(t, 'compliance.reason', r)).join(', ')
                          : '–'}
                      </Table.Td>
                      <Table.Td>{formatDateTime(row.send_at, lang)}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </ScrollTable>
          <Group justify="space-between" wrap="wrap">
            <Text size="sm" data-testid="log-range">
              {total === null
                ? t('compliance.log.total', { count: formatCount(rows.length, lang) })
                : t('compliance.log.range', {
                    first: formatCount(offset + 1, lang),
                    last: formatCount(offset + rows.length, lang),
                    count: formatCount(total, lang),
                  })}
            </Text>
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                disabled={offset === 0}
                onClick={() => setOffset(Math.max(0, offset - PAGE))}
                data-testid="log-previous"
              >
                {t('compliance.log.previous')}
              </Button>
              <Button
                variant="default"
                size="xs"
                disabled={total === null ? rows.length < PAGE : offset + rows.length >= total}
                onClick={() => setOffset(offset + PAGE)}
                data-testid="log-next"
              >
                {t('compliance.log.next')}
              </Button>
            </Group>
          </Group>
        </>
      ) : (
        log.data &&
        !waiting && (
          <Text data-testid="log-empty">
            {filtered
              ? t('compliance.log.empty_filtered')
              : t(
                  kind === 'consents'
                    ? 'compliance.log.empty_consents'
                    : 'compliance.log.empty_decisions',
                )}
          </Text>
        )
      )}
    </Stack>
  );
}
