import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { useEffect } from 'react';
import { ApiError, errorText } from './api/errors.ts';
import { useMe } from './data/auth.queries.ts';
import { useI18n } from './i18n/i18n.tsx';
import { BASE, navigate, useLocation } from './router.tsx';
import { AcceptInviteScreen } from './screens/accept-invite/accept-invite.screen.tsx';
import { HomeScreen } from './screens/home/home.screen.tsx';
import { LoginScreen } from './screens/login/login.screen.tsx';
import { ResetPasswordScreen } from './screens/reset-password/reset-password.screen.tsx';
import { Shell } from './screens/shell/app-shell.tsx';
import { SignupScreen } from './screens/signup/signup.screen.tsx';

/** Pages anyone may open; every other path needs a signed-in user. */
const PUBLIC = {
  '/login': LoginScreen,
  '/signup': SignupScreen,
  '/reset-password': ResetPasswordScreen,
  '/accept-invite': AcceptInviteScreen,
} as const;

export function App() {
  const { path } = useLocation();
  const Public = Object.hasOwn(PUBLIC, path) ? PUBLIC[path as keyof typeof PUBLIC] : undefined;
  return Public ? <Public /> : <SignedIn path={path} />;
}

function SignedIn({ path }: { path: string }) {
  const { t } = useI18n();
  const me = useMe();
  // No token in this browser, or the API no longer accepts it: log in, then come back here.
  const signedOut = me.data === null || (me.error instanceof ApiError && me.error.status === 401);

  useEffect(() => {
    if (!signedOut) return;
    const here = window.location.pathname + window.location.search;
    navigate(`${BASE}/login?next=${encodeURIComponent(here)}`, { replace: true });
  }, [signedOut]);

  if (me.isPending || signedOut) {
    return (
      <Center h="100vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  }
  if (!me.data) {
    return (
      <Center h="100vh" p="md" component="main">
        <Stack>
          <Alert color="red">{errorText(me.error, t)}</Alert>
          <Button onClick={() => void me.refetch()}>{t('common.retry')}</Button>
        </Stack>
      </Center>
    );
  }
  return (
    <Shell me={me.data}>
      {(ctx) =>
        path === '/' ? (
          <HomeScreen {...ctx} />
        ) : (
          <Text data-testid="not-found">{t('shell.not_found')}</Text>
        )
      }
    </Shell>
  );
}
