import { Alert, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { AuthLayout } from '../../components/auth-layout.tsx';
import { FormError } from '../../components/form-error.tsx';
import { useSignup } from '../../data/auth.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link } from '../../router.tsx';

/**
 * Sign-up without an invitation: the API mails a link (202) and the account exists once that
 * link is opened, so this screen ends on "check your inbox".
 */
export function SignupScreen() {
  const { t } = useI18n();
  const signup = useSignup();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [organization, setOrganization] = useState('');
  const [check, setCheck] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password.length < 8) return setCheck(t('check.password_short'));
    setCheck(null);
    signup.mutate({
      email: email.trim(),
      password,
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(organization.trim() ? { organization_name: organization.trim() } : {}),
    });
  };

  if (signup.data?.pending) {
    return (
      <AuthLayout title={t('signup.sent.title')}>
        <Text data-testid="signup-sent">{t('signup.sent.body', { email: email.trim() })}</Text>
        <Link to={`${BASE}/login`}>{t('common.back_to_login')}</Link>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title={t('signup.title')}>
      <form onSubmit={submit} data-testid="signup-form" noValidate>
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
          <TextInput
            label={t('signup.org')}
            description={t('signup.org_hint')}
            autoComplete="organization"
            value={organization}
            onChange={(e) => setOrganization(e.currentTarget.value)}
            data-testid="signup-org"
          />
          {check && (
            <Alert color="red" role="alert" data-testid="form-error">
              {check}
            </Alert>
          )}
          <FormError error={signup.error} context="signup" />
          <Button type="submit" loading={signup.isPending} data-testid="signup-submit">
            {t('signup.submit')}
          </Button>
        </Stack>
      </form>
      <Group gap={6}>
        <Text size="sm">{t('signup.have_account')}</Text>
        <Link to={`${BASE}/login`} size="sm">
          {t('login.submit')}
        </Link>
      </Group>
    </AuthLayout>
  );
}
