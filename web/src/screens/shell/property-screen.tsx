import { Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from './app-shell.tsx';
import { roleAtLeast } from './roles.ts';

/** What a PlayerOS screen's body gets: the chosen property and whether the user may change it. */
export interface PropertyScope {
  orgId: number;
  propertyId: string;
  /** Editor and above: the API gives them the property's write scope. */
  editor: boolean;
}

/**
 * A PlayerOS screen: its title (`<name>-title`), then its body for the chosen property, rebuilt
 * from scratch when another property is chosen; without a property, a sentence saying so.
 */
export function PropertyScreen(props: {
  ctx: ShellContext;
  /** The screen's name in test ids: `<name>-title`, `<name>-no-property`. */
  name: string;
  title: string;
  children: (scope: PropertyScope) => ReactNode;
}) {
  const { t } = useI18n();
  const { org, property } = props.ctx;
  return (
    <Stack>
      <Title order={1} size="h2" data-testid={`${props.name}-title`}>
        {props.title}
      </Title>
      {property ? (
        <Stack key={property.id}>
          {props.children({
            orgId: org.id,
            propertyId: property.id,
            editor: roleAtLeast(org.role, 'Editor'),
          })}
        </Stack>
      ) : (
        <Text data-testid={`${props.name}-no-property`}>{t('players.no_property')}</Text>
      )}
    </Stack>
  );
}
