import { Anchor, Text } from '@mantine/core';
import type { NamedPlayer } from '../../data/privacy.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, navigate } from '../../router.tsx';

/** How a player is named in a row: name and casino ID, else the casino ID, else PlayLoop's id. */
export function playerLabel(player: NamedPlayer | undefined, uuid: string): string {
  if (!player) return uuid.slice(0, 8);
  const name = [player.first_name, player.last_name].filter(Boolean).join(' ');
  if (name && player.player_id) return `${name} (${player.player_id})`;
  return name || player.player_id || uuid.slice(0, 8);
}

/** A player named in a record, linking to their profile; records outlive erased players. */
export function PlayerName(props: {
  uuid: string | null;
  player: NamedPlayer | undefined;
  /** Whether the names were fetched: a player missing from them was erased. */
  loaded: boolean;
}) {
  const { t } = useI18n();
  if (props.uuid === null) {
    return (
      <Text span c="dimmed">
        {t('compliance.player_unknown')}
      </Text>
    );
  }
  if (!props.player) {
    if (!props.loaded) return <Text span>{props.uuid.slice(0, 8)}</Text>;
    return (
      <Text span c="dimmed" title={props.uuid}>
        {t('compliance.player_erased')}
      </Text>
    );
  }
  const href = `${BASE}/players/${props.uuid}`;
  return (
    <Anchor
      href={href}
      onClick={(event) => {
        event.preventDefault();
        navigate(href);
      }}
    >
      {playerLabel(props.player, props.uuid)}
    </Anchor>
  );
}
