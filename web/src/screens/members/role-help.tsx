import { List, Paper, Stack, Text, Title } from '@mantine/core';
import { ROLES } from '../../data/members.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** What each role may do, most powerful first (the API's rules in words). */
export function RoleHelp() {
  const { t } = useI18n();
  return (
    <Paper withBorder p="md" radius="md" component="section" data-testid="role-help">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('members.roles_title')}
        </Title>
        <List spacing="xs">
          {ROLES.map((role) => (
            <List.Item key={role}>
              <Text span fw={700}>
                {t(`members.role.${role}`)}
              </Text>
              {': '}
              {t(`members.role_help.${role}`)}
            </List.Item>
          ))}
        </List>
      </Stack>
    </Paper>
  );
}
