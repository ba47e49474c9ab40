import { Alert, Button, Group, NativeSelect, Paper, Stack, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { INVITABLE_ROLES, type InvitableRole, useInvite } from '../../data/members.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { memberErrorText } from './members-error.ts';
import { assignableRoles } from './member-rules.ts';

/** Invite by email with a role up to the inviter's own (Owner is never invited). */
export function InviteForm({ orgId, myRole }: { orgId: number; myRole: string }) {
  const { t } = useI18n();
  const invite = useInvite(orgId);
  const roles = INVITABLE_ROLES.filter((role) => assignableRoles(myRole).includes(role));
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<InvitableRole>('Viewer');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    invite.mutate({ email: email.trim(), role }, { onSuccess: () => setEmail('') });
  };

  return (
    <Paper withBorder p="md" radius="md" component="section">
      <form onSubmit={submit} noValidate data-testid="invite-form">
        <Stack gap="sm">
          <Title order={2} size="h4">
            {t('members.invite_title')}
          </Title>
          <Group align="end" wrap="wrap">
            <TextInput
              type="email"
              required
              label={t('members.invite_email')}
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              data-testid="invite-email"
              style={{ flex: '1 1 240px' }}
            />
            <NativeSelect
              label={t('members.invite_role')}
              value={role}
              data={roles.map((r) => ({ value: r, label: t(`members.role.${r}`) }))}
              onChange={(event) => setRole(event.currentTarget.value as InvitableRole)}
              data-testid="invite-role"
            />
            <Button type="submit" loading={invite.isPending} data-testid="invite-send">
              {t('members.invite_send')}
            </Button>
          </Group>
          {invite.error && (
            <Alert color="red" role="alert" data-testid="invite-error">
              {memberErrorText(invite.error, t, 'invite')}
            </Alert>
          )}
          {invite.data && (
            <Alert
              color={invite.data.email_sent ? 'green' : 'yellow'}
              role="status"
              data-testid="invite-sent"
            >
              {t(invite.data.email_sent ? 'members.invited' : 'members.invited_not_mailed', {
                email: invite.data.email,
              })}
            </Alert>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
