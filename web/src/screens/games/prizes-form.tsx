import {
  Alert,
  Button,
  Group,
  Loader,
  NativeSelect,
  NumberInput,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { FormError } from '../../components/form-error.tsx';
import type { Game } from '../../data/games.queries.ts';
import {
  type PrizeSlot,
  type PrizeSlotInput,
  usePrizes,
  useReplacePrizes,
} from '../../data/prizes.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';

type PrizeType = PrizeSlot['type'];
// Voucher sets are chosen on their own screen; a slot already drawing from one keeps it.
const TYPES: readonly PrizeType[] = ['item', 'voucher', 'external_link', 'no_prize'];
const MAX_SLOTS = 12;

interface Draft {
  key: number;
  slot: PrizeSlot | undefined;
  name: string;
  type: PrizeType;
  winChance: number | undefined;
  quantity: number | undefined;
  code: string;
  url: string;
  /** The name and description in Thai (empty: the play page shows the name above). */
  thName: string;
  thDescription: string;
}

let nextKey = 0;
const draftOf = (slot?: PrizeSlot): Draft => ({
  key: nextKey++,
  slot,
  name: slot?.name ?? '',
  type: slot?.type ?? 'item',
  winChance: slot?.win_chance ?? 10,
  quantity: slot?.quantity ?? undefined,
  code: slot?.voucher_code ?? '',
  url: slot?.external_url ?? '',
  thName: slot?.translations?.th?.name ?? '',
  thDescription: slot?.translations?.th?.description ?? '',
});

/** The slot's translations with its Thai texts as edited (other languages kept). */
function translationsOf(d: Draft): NonNullable<PrizeSlotInput['translations']> {
  const { th: _old, ...others } = d.slot?.translations ?? {};
  const name = d.thName.trim();
  const description = d.thDescription.trim();
  if (!name && !description) return others;
  return { ...others, th: { ...(name && { name }), ...(description && { description }) } };
}
const numberOf = (value: number | string) => (typeof value === 'number' ? value : undefined);

function inputOf(d: Draft): PrizeSlotInput {
  return {
    ...(d.slot && { id: d.slot.id }),
    name: d.name.trim(),
    type: d.type,
    win_chance: d.winChance ?? 0,
    quantity: d.quantity ?? null,
    description: d.slot?.description ?? null,
    min_score: d.slot?.min_score ?? null,
    voucher_set_id: d.type === 'voucher_set' ? (d.slot?.voucher_set_id ?? null) : null,
    voucher_code: d.type === 'voucher' ? d.code.trim() : null,
    external_url: d.type === 'external_link' ? d.url.trim() : null,
    translations: translationsOf(d),
  };
}

/** A game's prize slots: what can be won, the chance of each and how many there are. */
export function PrizesForm({ game, onDone }: { game: Game; onDone: () => void }) {
  const { t } = useI18n();
  const prizes = usePrizes(game.org_id, game.id);
  if (prizes.error) return <Alert color="red">{errorText(prizes.error, t)}</Alert>;
  if (!prizes.data) return <Loader aria-label={t('common.loading')} />;
  return <PrizesEditor game={game} slots={prizes.data} onDone={onDone} />;
}

function PrizesEditor(props: { game: Game; slots: PrizeSlot[]; onDone: () => void }) {
  const { t } = useI18n();
  const replace = useReplacePrizes(props.game.org_id, props.game.id);
  const [drafts, setDrafts] = useState(() => props.slots.map(draftOf));
  const total = drafts.reduce((sum, d) => sum + (d.winChance ?? 0), 0);
  const change = (key: number, patch: Partial<Draft>) =>
    setDrafts((all) => all.map((d) => (d.key === key ? { ...d, ...patch } : d)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    replace.mutate(drafts.map(inputOf), { onSuccess: props.onDone });
  };

  return (
    <form onSubmit={submit} noValidate data-testid="prizes-form">
      <Stack gap="sm">
        {!props.game.prize_enabled && <Alert color="gray">{t('games.prizes_disabled')}</Alert>}
        {drafts.length === 0 && <Text data-testid="prizes-empty">{t('games.prizes_empty')}</Text>}
        {drafts.map((d, index) => (
          <Paper key={d.key} withBorder p="sm" data-testid="prize-slot">
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
              <TextInput
                label={t('games.prize_name', { n: index + 1 })}
                required
                value={d.name}
                onChange={(e) => change(d.key, { name: e.currentTarget.value })}
                data-testid="prize-name"
              />
              <NativeSelect
                label={t('games.prize_type')}
                value={d.type}
                onChange={(e) => change(d.key, { type: e.currentTarget.value as PrizeType })}
                data={(d.type === 'voucher_set' ? [...TYPES, 'voucher_set' as const] : TYPES).map(
                  (value) => ({ value, label: t(`games.prize_type.${value}`) }),
                )}
                data-testid="prize-type"
              />
              <NumberInput
                label={t('games.prize_chance')}
                min={1}
                max={100}
                suffix="%"
                value={d.winChance ?? ''}
                onChange={(v) => change(d.key, { winChance: numberOf(v) })}
                data-testid="prize-chance"
              />
              <NumberInput
                label={t('games.prize_quantity')}
                description={t('games.prize_quantity_hint')}
                min={1}
                value={d.quantity ?? ''}
                onChange={(v) => change(d.key, { quantity: numberOf(v) })}
                data-testid="prize-quantity"
              />
              <TextInput
                label={t('games.prize_name_th')}
                description={t('games.prize_th_hint')}
                maxLength={50}
                value={d.thName}
                onChange={(e) => change(d.key, { thName: e.currentTarget.value })}
                data-testid="prize-name-th"
              />
              <TextInput
                label={t('games.prize_description_th')}
                maxLength={200}
                value={d.thDescription}
                onChange={(e) => change(d.key, { thDescription: e.currentTarget.value })}
                data-testid="prize-description-th"
              />
              {d.type === 'voucher' && (
                <TextInput
                  label={t('games.prize_code')}
                  required
                  value={d.code}
                  onChange={(e) => change(d.key, { code: e.currentTarget.value })}
                />
              )}
              {d.type === 'external_link' && (
                <TextInput
                  label={t('games.prize_url')}
                  required
                  type="url"
                  value={d.url}
                  onChange={(e) => change(d.key, { url: e.currentTarget.value })}
                />
              )}
            </SimpleGrid>
            <Group justify="space-between" mt="xs">
              <Text size="sm" data-testid="prize-stock">
                {d.slot
                  ? t('games.prize_won', {
                      won: d.slot.won_count,
                      left: d.slot.remaining ?? t('games.prize_unlimited'),
                    })
                  : t('games.prize_new')}
              </Text>
              <Button
                size="xs"
                variant="default"
                onClick={() => setDrafts((all) => all.filter((x) => x.key !== d.key))}
                aria-label={t('games.prize_remove_named', { n: index + 1 })}
              >
                {t('games.prize_remove')}
              </Button>
            </Group>
          </Paper>
        ))}
        <Group justify="space-between">
          <Button
            variant="default"
            disabled={drafts.length >= MAX_SLOTS}
            onClick={() => setDrafts((all) => [...all, draftOf()])}
            data-testid="prize-add"
          >
            {t('games.prize_add')}
          </Button>
          <Text size="sm" data-testid="prizes-total">
            {t(total === 100 ? 'games.prizes_total' : 'games.prizes_total_off', { total })}
          </Text>
        </Group>
        <FormError error={replace.error} context="prizes" />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onDone}>
            {t('games.cancel')}
          </Button>
          <Button type="submit" loading={replace.isPending} data-testid="prizes-save">
            {t('games.prizes_save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
