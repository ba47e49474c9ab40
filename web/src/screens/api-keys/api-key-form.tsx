import {
  Button,
  Checkbox,
  Group,
  NumberInput,
  SimpleGrid,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { FormError } from '../../components/form-error.tsx';
import { type ApiKey, useCreateApiKey } from '../../data/api-keys.queries.ts';
import type { Game } from '../../data/games.queries.ts';
import type { Stream } from '../../data/streams.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const numberOf = (value: number | string) => (typeof value === 'number' ? value : undefined);
const ids = (values: string[]) => (values.length ? values.map(Number) : null);

/**
 * A new dpk_ key: what it may open (no game or stream ticked: all of them) and its limits.
 * `onCreated` gets the key with its secret, which the API answers this once.
 */
export function ApiKeyForm(props: {
  orgId: number;
  games: Game[];
  streams: Stream[];
  onCreated: (key: ApiKey & { key: string }) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const create = useCreateApiKey();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [gameIds, setGameIds] = useState<string[]>([]);
  const [streamIds, setStreamIds] = useState<string[]>([]);
  const [perMinute, setPerMinute] = useState<number | undefined>(60);
  const [perDay, setPerDay] = useState<number | undefined>(10_000);
  const [expires, setExpires] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        org_id: props.orgId,
        name: name.trim(),
        description: description.trim() || null,
        allowed_game_ids: ids(gameIds),
        allowed_stream_ids: ids(streamIds),
        ...(perMinute !== undefined && { rate_limit_per_minute: perMinute }),
        ...(perDay !== undefined && { rate_limit_per_day: perDay }),
        expires_at: expires ? new Date(expires).toISOString() : null,
      },
      { onSuccess: props.onCreated },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="key-form">
      <Stack gap="sm">
        <TextInput
          label={t('keys.name')}
          description={t('keys.name_hint')}
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          data-testid="key-name"
        />
        <Textarea
          label={t('keys.description')}
          value={description}
          onChange={(e) => setDescription(e.currentTarget.value)}
          autosize
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Checkbox.Group
            label={t('keys.scope_games')}
            description={t('keys.scope_hint')}
            value={gameIds}
            onChange={setGameIds}
            data-testid="key-games"
          >
            <Stack gap={6} mt={6}>
              {props.games.map((game) => (
                <Checkbox key={game.id} value={String(game.id)} label={game.title} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Checkbox.Group
            label={t('keys.scope_streams')}
            description={t('keys.scope_hint')}
            value={streamIds}
            onChange={setStreamIds}
            data-testid="key-streams"
          >
            <Stack gap={6} mt={6}>
              {props.streams.map((stream) => (
                <Checkbox key={stream.id} value={String(stream.id)} label={stream.name} />
              ))}
            </Stack>
          </Checkbox.Group>
          <NumberInput
            label={t('keys.per_minute')}
            min={1}
            value={perMinute ?? ''}
            onChange={(v) => setPerMinute(numberOf(v))}
          />
          <NumberInput
            label={t('keys.per_day')}
            min={1}
            value={perDay ?? ''}
            onChange={(v) => setPerDay(numberOf(v))}
          />
          <TextInput
            type="datetime-local"
            label={t('keys.expires')}
            description={t('keys.expires_hint')}
            value={expires}
            onChange={(e) => setExpires(e.currentTarget.value)}
          />
        </SimpleGrid>
        <FormError error={create.error} context="keys" />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            {t('keys.cancel')}
          </Button>
          <Button type="submit" loading={create.isPending} data-testid="key-create">
            {t('keys.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
