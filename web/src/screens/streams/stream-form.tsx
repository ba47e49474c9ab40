import {
  Button,
  Checkbox,
  Group,
  NativeSelect,
  NumberInput,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { FormError } from '../../components/form-error.tsx';
import type { Game } from '../../data/games.queries.ts';
import {
  type Stream,
  type StreamStatus,
  useCreateStream,
  useUpdateStream,
} from '../../data/streams.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const STATUSES: readonly StreamStatus[] = [
  'Draft',
  'Scheduled',
  'Active',
  'Paused',
  'Completed',
  'Archived',
];

/** An instant as the value of a datetime-local field, in this browser's time. */
function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : null);
const numberOf = (value: number | string) => (typeof value === 'number' ? value : undefined);

/** Creates a stream (no `stream`) or edits one: its games, schedule, caps and status. */
export function StreamForm({
  orgId,
  games,
  stream,
  onDone,
}: {
  orgId: number;
  games: Game[];
  stream?: Stream | undefined;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const create = useCreateStream();
  const update = useUpdateStream();
  const mutation = stream ? update : create;
  const [name, setName] = useState(stream?.name ?? '');
  const [description, setDescription] = useState(stream?.description ?? '');
  const [gameIds, setGameIds] = useState<string[]>(stream?.game_ids.map(String) ?? []);
  const [orderMode, setOrderMode] = useState(stream?.order_mode ?? 'fixed');
  const [status, setStatus] = useState<StreamStatus>(stream?.status ?? 'Draft');
  const [startAt, setStartAt] = useState(toLocalInput(stream?.start_at));
  const [endAt, setEndAt] = useState(toLocalInput(stream?.end_at));
  const [timezone, setTimezone] = useState(
    stream?.timezone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'),
  );
  const [maxTotal, setMaxTotal] = useState(stream?.max_total_plays ?? undefined);
  const [maxPerPlayer, setMaxPerPlayer] = useState(stream?.max_plays_per_player ?? undefined);
  const [completion, setCompletion] = useState(stream?.completion_message ?? '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // Kept in the order the games are listed, which is the play order of a fixed stream.
    const ids = games.filter((g) => gameIds.includes(String(g.id))).map((g) => g.id);
    const body = {
      org_id: orgId,
      name: name.trim(),
      description: description.trim() || null,
      game_ids: ids,
      order_mode: orderMode,
      status,
      start_at: fromLocalInput(startAt),
      end_at: fromLocalInput(endAt),
      timezone: timezone.trim() || 'UTC',
      max_total_plays: maxTotal ?? null,
      max_plays_per_player: maxPerPlayer ?? null,
      completion_message: completion.trim() || null,
    };
    if (stream) update.mutate({ id: stream.id, ...body }, { onSuccess: onDone });
    else create.mutate(body, { onSuccess: onDone });
  };

  return (
    <form onSubmit={submit} noValidate data-testid="stream-form">
      <Stack gap="sm">
        <TextInput
          label={t('streams.name')}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          data-testid="stream-name"
        />
        <Textarea
          label={t('streams.description')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          autosize
        />
        <Checkbox.Group
          label={t('streams.games')}
          description={t('streams.games_hint')}
          value={gameIds}
          onChange={setGameIds}
          data-testid="stream-games"
        >
          {games.length ? (
            <Stack gap={6} mt={6}>
              {games.map((game) => (
                <Checkbox
                  key={game.id}
                  value={String(game.id)}
                  label={`${game.title} (${t(`status.${game.status}`)})`}
                />
              ))}
            </Stack>
          ) : (
            <Text size="sm">{t('streams.no_games')}</Text>
          )}
        </Checkbox.Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NativeSelect
            label={t('streams.order')}
            value={orderMode}
            onChange={(e) => setOrderMode(e.currentTarget.value as 'fixed' | 'random')}
            data={[
              { value: 'fixed', label: t('streams.order_fixed') },
              { value: 'random', label: t('streams.order_random') },
            ]}
          />
          <NativeSelect
            label={t('streams.status')}
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as StreamStatus)}
            data={STATUSES.map((value) => ({ value, label: t(`status.${value}`) }))}
            data-testid="stream-status"
          />
          <TextInput
            type="datetime-local"
            label={t('streams.start_at')}
            value={startAt}
            onChange={(e) => setStartAt(e.currentTarget.value)}
            data-testid="stream-start"
          />
          <TextInput
            type="datetime-local"
            label={t('streams.end_at')}
            value={endAt}
            onChange={(e) => setEndAt(e.currentTarget.value)}
            data-testid="stream-end"
          />
          <TextInput
            label={t('streams.timezone')}
            description={t('streams.timezone_hint')}
            value={timezone}
            onChange={(e) => setTimezone(e.currentTarget.value)}
          />
          <div />
          <NumberInput
            label={t('streams.max_total')}
            description={t('streams.unlimited_hint')}
            min={1}
            value={maxTotal ?? ''}
            onChange={(v) => setMaxTotal(numberOf(v))}
            data-testid="stream-max-total"
          />
          <NumberInput
            label={t('streams.max_per_player')}
            description={t('streams.unlimited_hint')}
            min={1}
            value={maxPerPlayer ?? ''}
            onChange={(v) => setMaxPerPlayer(numberOf(v))}
            data-testid="stream-max-player"
          />
        </SimpleGrid>
        <Textarea
          label={t('streams.completion')}
          description={t('streams.completion_hint')}
          value={completion}
          onChange={(e) => setCompletion(e.currentTarget.value)}
          autosize
        />
        <FormError error={mutation.error} context="stream" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('streams.cancel')}
          </Button>
          <Button type="submit" loading={mutation.isPending} data-testid="stream-save">
            {stream ? t('streams.save') : t('streams.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
