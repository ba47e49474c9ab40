import {
  Alert,
  Button,
  Group,
  Modal,
  NativeSelect,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import { useMe } from '../../data/auth.queries.ts';
import {
  type InvitableRole,
  type Member,
  type Role,
  useChangeRole,
  useInvite,
  useMembers,
  useRemoveMember,
  useRevokeInvitation,
} from '../../data/members.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { formatDay } from '../../i18n/format.ts';
import type { ShellContext } from '../shell/app-shell.tsx';
import { InviteForm } from './invite-form.tsx';
import { assignableRoles, mayChangeRole, mayManage, mayRemove } from './member-rules.ts';
import { memberErrorText } from './members-error.ts';
import { RoleHelp } from './role-help.tsx';

/**
 * The organization's members and pending invitations with their roles. Owners and Admins
 * invite, change roles, remove and re-send or cancel invitations; everyone else reads.
 */
export function MembersScreen({ org }: ShellContext) {
  const { t, lang } = useI18n();
  const me = useMe();
  const myId = me.data?.id ?? 0;
  const manage = mayManage(org.role);
  const members = useMembers(org.id);
  const changeRole = useChangeRole(org.id);
  const remove = useRemoveMember(org.id);
  const resend = useInvite(org.id);
  const revoke = useRevokeInvitation(org.id);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const nameOf = (member: Member) => member.name ?? member.email;
  const failure =
    (changeRole.error && memberErrorText(changeRole.error, t, 'role')) ||
    (resend.error && memberErrorText(resend.error, t, 'invite')) ||
    (revoke.error && memberErrorText(revoke.error, t, 'revoke'));

  const reset = () => {
    setNotice(null);
    changeRole.reset();
    resend.reset();
    revoke.reset();
  };

  const onRole = (member: Member, role: Role) => {
    if (member.user_id === null || role === member.role) return;
    reset();
    changeRole.mutate(
      { userId: member.user_id, role },
      {
        onSuccess: (changed) =>
          setNotice(
            t('members.role_changed', {
              name: nameOf(member),
              role: t(`members.role.${changed.role}`),
            }),
          ),
      },
    );
  };

  const onRemove = (member: Member) => {
    if (member.user_id === null) return;
    remove.mutate(member.user_id, {
      onSuccess: (result) => {
        setRemoving(null);
        const keys = [
          ...result.keys_created.api_keys.map((k) => `${k.name} (${k.key_prefix}…)`),
          ...result.keys_created.property_keys.map((k) => `${k.name} (${k.key_prefix}…)`),
        ];
        setNotice(
          [
            t('members.removed', { name: nameOf(member) }),
            keys.length ? t('members.removed_keys', { keys: keys.join(', ') }) : '',
          ]
            .filter(Boolean)
            .join(' '),
        );
      },
    });
  };

  return (
    <Stack>
      <Title order={1} size="h2" data-testid="members-title">
        {t('members.title', { org: org.name })}
      </Title>
      <Text>{t('members.intro')}</Text>
      {manage ? (
        <InviteForm orgId={org.id} myRole={org.role} />
      ) : (
        <Alert color="gray" data-testid="members-read-only">
          {t('members.read_only')}
        </Alert>
      )}

      <Title order={2} size="h4">
        {t('members.list')}
      </Title>
      {notice && (
        <Alert color="green" role="status" data-testid="members-notice">
          {notice}
        </Alert>
      )}
      {failure && (
        <Alert color="red" role="alert" data-testid="members-error">
          {failure}
        </Alert>
      )}
      {members.error ? (
        <Alert color="red">{errorText(members.error, t)}</Alert>
      ) : members.data?.length ? (
        <ScrollTable label={t('members.list')} minWidth={820}>
          <Table data-testid="members-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('members.col.name')}</Table.Th>
                <Table.Th>{t('members.col.email')}</Table.Th>
                <Table.Th>{t('members.col.role')}</Table.Th>
                <Table.Th>{t('members.col.status')}</Table.Th>
                <Table.Th>{t('members.col.joined')}</Table.Th>
                {manage && <Table.Th>{t('members.col.actions')}</Table.Th>}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.data.map((member) => {
                const pending = member.status === 'Pending';
                const name = nameOf(member);
                return (
                  <Table.Tr
                    key={member.user_id ?? member.invitation_id ?? member.email}
                    data-testid={pending ? 'invitation-row' : 'member-row'}
                    data-email={member.email}
                  >
                    <Table.Td>
                      {member.name ?? (
                        <Text span c="dimmed">
                          {t('members.no_name')}
                        </Text>
                      )}
                      {member.user_id === myId && ` ${t('members.you')}`}
                    </Table.Td>
                    <Table.Td>{member.email}</Table.Td>
                    <Table.Td>
                      {mayChangeRole(org.role, myId, member) ? (
                        <NativeSelect
                          size="xs"
                          miw={120}
                          aria-label={t('members.role_of', { name })}
                          value={member.role}
                          disabled={changeRole.isPending}
                          data={assignableRoles(org.role).map((r) => ({
                            value: r,
                            label: t(`members.role.${r}`),
                          }))}
                          onChange={(event) => onRole(member, event.currentTarget.value as Role)}
                          data-testid="member-role"
                        />
                      ) : (
                        <Text span data-testid="member-role-text">
                          {t(`members.role.${member.role}`)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text span size="sm" fw={pending ? 400 : 700}>
                        {t(`members.status.${member.status}`)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {pending
                        ? t('members.expires', { date: formatDay(member.expires_at, lang) })
                        : formatDay(member.joined_at, lang)}
                    </Table.Td>
                    {manage && (
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          {mayRemove(org.role, myId, member) && (
                            <Button
                              size="xs"
                              variant="light"
                              color="red"
                              aria-label={t('members.remove_named', { name })}
                              onClick={() => {
                                reset();
                                remove.reset();
                                setRemoving(member);
                              }}
                              data-testid="member-remove"
                            >
                              {t('members.remove')}
                            </Button>
                          )}
                          {pending && member.invitation_id !== null && (
                            <>
                              <Button
                                size="xs"
                                variant="default"
                                aria-label={t('members.resend_named', { email: member.email })}
                                loading={
                                  resend.isPending && resend.variables.email === member.email
                                }
                                onClick={() => {
                                  reset();
                                  resend.mutate(
                                    { email: member.email, role: member.role as InvitableRole },
                                    {
                                      onSuccess: (sent) =>
                                        setNotice(
                                          t(
                                            sent.email_sent
                                              ? 'members.invited'
                                              : 'members.invited_not_mailed',
                                            { email: sent.email },
                                          ),
                                        ),
                                    },
                                  );
                                }}
                                data-testid="invitation-resend"
                              >
                                {t('members.resend')}
                              </Button>
                              <Button
                                size="xs"
                                variant="light"
                                color="red"
                                aria-label={t('members.revoke_named', { email: member.email })}
                                loading={
                                  revoke.isPending && revoke.variables === member.invitation_id
                                }
                                onClick={() => {
                                  reset();
                                  const id = member.invitation_id ?? '';
                                  revoke.mutate(id, {
                                    onSuccess: () =>
                                      setNotice(t('members.revoked', { email: member.email })),
                                  });
                                }}
                                data-testid="invitation-revoke"
                              >
                                {t('members.revoke')}
                              </Button>
                            </>
                          )}
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : (
        members.data && <Text>{t('members.empty')}</Text>
      )}

      <RoleHelp />

      <Modal
        opened={removing !== null}
        onClose={() => setRemoving(null)}
        closeButtonProps={{ 'aria-label': t('members.close') }}
        title={removing ? t('members.remove_title', { name: nameOf(removing) }) : ''}
      >
        {removing && (
          <Stack>
            <Text>{t('members.remove_body', { name: nameOf(removing), org: org.name })}</Text>
            {remove.error && (
              <Alert color="red" role="alert" data-testid="remove-error">
                {memberErrorText(remove.error, t, 'remove')}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRemoving(null)}>
                {t('members.cancel')}
              </Button>
              <Button
                color="red"
                loading={remove.isPending}
                onClick={() => onRemove(removing)}
                data-testid="member-remove-confirm"
              >
                {t('members.remove_confirm')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
