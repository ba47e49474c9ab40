import { Alert, Button, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { FormError } from '../../components/form-error.tsx';
import { AuthLayout } from '../../components/auth-layout.tsx';
import { useLogin } from '../../data/auth.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link, navigate, useLocation } from '../../router.tsx';

/** Where to go after logging in: `?next=` when it is a dashboard path, else home. */
export function safeNext(next: string | null): string {
  return next && (next === BASE || next.startsWith(`${BASE}/`)) && !next.startsWith('//')
    ? next
    : BASE;
}

export function LoginScreen() {
  const { t } = useI18n();
  const { query } = useLocation();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate(
      { email, password },
      { onSuccess: () => navigate(safeNext(query.get('next')), { replace: true }) },
    );
  };

  return (
    <AuthLayout title={t('login.title')}>
      {query.get('expired') === '1' && <Alert color="yellow">{t('login.expired')}</Alert>}
      <form onSubmit={submit} data-testid="login-form" noValidate>
        <Stack>
          <TextInput
            label={t('common.email')}
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            data-testid="login-email"
          />
          <PasswordInput
            label={t('common.password')}
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            data-testid="login-password"
          />
          <FormError error={login.error} context="login" />
          <Button type="submit" loading={login.isPending} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Stack>
      </form>
      <Link to={`${BASE}/reset-password`} size="sm" data-testid="to-reset">
        {t('login.forgot')}
      </Link>
      <Group gap={6}>
        <Text size="sm">{t('login.no_account')}</Text>
        <Link to={`${BASE}/signup`} size="sm" data-testid="to-signup">
          {t('login.to_signup')}
        </Link>
      </Group>
    </AuthLayout>
  );
}
