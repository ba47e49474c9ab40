import { Alert, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { AuthLayout } from '../../components/auth-layout.tsx';
import { FormError } from '../../components/form-error.tsx';
import { useConfirmPasswordReset, useRequestPasswordReset } from '../../data/auth.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link, useLocation } from '../../router.tsx';

/** Without `?token=`: ask for the link. With it (the mailed link): choose the new password. */
export function ResetPasswordScreen() {
  const token = useLocation().query.get('token');
  return token ? <ChooseNewPassword token={token} /> : <RequestLink />;
}

function RequestLink() {
  const { t } = useI18n();
  const request = useRequestPasswordReset();
  const [email, setEmail] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate({ email: email.trim() });
  };
  return (
    <AuthLayout title={t('reset.title')}>
      {request.isSuccess ? (
        <Text data-testid="reset-sent">{t('reset.sent', { email: email.trim() })}</Text>
      ) : (
        <form onSubmit={submit} data-testid="reset-request-form" noValidate>
          <Stack>
            <Text>{t('reset.intro')}</Text>
            <TextInput
              label={t('common.email')}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              data-testid="reset-email"
            />
            <FormError error={request.error} context="reset" />
            <Button type="submit" loading={request.isPending} data-testid="reset-request-submit">
              {t('reset.submit')}
            </Button>
          </Stack>
        </form>
      )}
      <Link to={`${BASE}/login`} size="sm">
        {t('common.back_to_login')}
      </Link>
    </AuthLayout>
  );
}

function ChooseNewPassword({ token }: { token: string }) {
  const { t } = useI18n();
  const confirm = useConfirmPasswordReset();
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [check, setCheck] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== again) return setCheck(t('check.mismatch'));
    if (password.length < 8) return setCheck(t('check.password_short'));
    setCheck(null);
    confirm.mutate({ token, new_password: password });
  };
  return (
    <AuthLayout title={t('reset.new_title')}>
      {confirm.isSuccess ? (
        <Text data-testid="reset-done">{t('reset.done')}</Text>
      ) : (
        <form onSubmit={submit} data-testid="reset-form" noValidate>
          <Stack>
            <PasswordInput
              label={t('reset.new_password')}
              autoComplete="new-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              data-testid="new-password"
            />
            <PasswordInput
              label={t('reset.confirm_password')}
              autoComplete="new-password"
              required
              value={again}
              onChange={(e) => setAgain(e.currentTarget.value)}
              data-testid="confirm-password"
            />
            {check && (
              <Alert color="red" role="alert" data-testid="form-error">
                {check}
              </Alert>
            )}
            <FormError error={confirm.error} context="reset" />
            <Button type="submit" loading={confirm.isPending} data-testid="reset-submit">
              {t('reset.save')}
            </Button>
          </Stack>
        </form>
      )}
      <Link to={`${BASE}/login`} size="sm" data-testid="to-login">
        {t('common.back_to_login')}
      </Link>
    </AuthLayout>
  );
}
