import { Button, Group, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { AuthLayout } from '../../components/auth-layout.tsx';
import { FormError } from '../../components/form-error.tsx';
import { useMe, useSignup } from '../../data/auth.queries.ts';
import { useAcceptInvitation } from '../../data/invitations.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, navigate, useLocation } from '../../router.tsx';
import { useWorkspace } from '../shell/workspace.ts';

interface Joined {
  org: { id: number; name: string };
  role: string;
}

/** The invitation link: accept as the signed-in user, or log in / create the account first. */
export function AcceptInviteScreen() {
  const { t } = useI18n();
  const { query } = useLocation();
  const token = query.get('token');
  const me = useMe();
  const [joined, setJoined] = useState<Joined | null>(null);
  const [signingUp, setSigningUp] = useState(false);

  let body;
  if (!token) body = <Text>{t('invite.no_token')}</Text>;
  else if (joined) body = <JoinedView joined={joined} />;
  else if (me.isPending) body = <Loader aria-label={t('common.loading')} />;
  else if (me.data)
    body = <AcceptAsUser token={token} email={me.data.email} onJoined={setJoined} />;
  else if (signingUp) body = <SignupWithInvitation token={token} onJoined={setJoined} />;
  else {
    const here = `${BASE}/accept-invite?token=${encodeURIComponent(token)}`;
    body = (
      <>
        <Text>{t('invite.intro')}</Text>
        <Group grow>
          <Button
            variant="default"
            data-testid="choose-login"
            onClick={() => navigate(`${BASE}/login?next=${encodeURIComponent(here)}`)}
          >
            {t('invite.login')}
          </Button>
          <Button data-testid="choose-signup" onClick={() => setSigningUp(true)}>
            {t('invite.signup')}
          </Button>
        </Group>
      </>
    );
  }
  return <AuthLayout title={t('invite.title')}>{body}</AuthLayout>;
}

function JoinedView({ joined }: { joined: Joined }) {
  const { t } = useI18n();
  const { setOrgId } = useWorkspace();
  return (
    <Stack data-testid="invite-done">
      <Text data-testid="joined">
        {t('invite.joined', { org: joined.org.name, role: joined.role })}
      </Text>
      <Button
        data-testid="open-dashboard"
        onClick={() => {
          setOrgId(joined.org.id);
          navigate(BASE);
        }}
      >
        {t('invite.open')}
      </Button>
    </Stack>
  );
}

function AcceptAsUser(props: { token: string; email: string; onJoined: (j: Joined) => void }) {
  const { t } = useI18n();
  const accept = useAcceptInvitation();
  return (
    <Stack>
      <Text>{t('invite.as', { email: props.email })}</Text>
      <FormError error={accept.error} context="invite" />
      <Button
        loading={accept.isPending}
        data-testid="accept-invite"
        onClick={() =>
          accept.mutate(props.token, {
            onSuccess: (data) => props.onJoined({ org: data.organization, role: data.role }),
          })
        }
      >
        {t('invite.accept')}
      </Button>
    </Stack>
  );
}

function SignupWithInvitation(props: { token: string; onJoined: (j: Joined) => void }) {
  const { t } = useI18n();
  const signup = useSignup();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signup.mutate(
      {
        email: email.trim(),
        password,
        invitation_token: props.token,
        ...(name.trim() ? { name: name.trim() } : {}),
      },
      {
        onSuccess: (result) => {
          // The invitation's organization is the one listed; sign-up created no other.
          const org = result.pending ? undefined : result.organizations[0];
          if (org) props.onJoined({ org, role: org.role });
        },
      },
    );
  };
  return (
    <form onSubmit={submit} data-testid="invite-signup-form" noValidate>
      <Stack>
        <TextInput
          label={t('common.name')}
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          data-testid="signup-name"
        />
        <TextInput
          label={t('common.email')}
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          data-testid="signup-email"
        />
        <PasswordInput
          label={t('common.password')}
          description={t('signup.password_hint')}
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          data-testid="signup-password"
        />
        <FormError error={signup.error} context="signup" />
        <Button type="submit" loading={signup.isPending} data-testid="signup-submit">
          {t('invite.signup')}
        </Button>
      </Stack>
    </form>
  );
}
