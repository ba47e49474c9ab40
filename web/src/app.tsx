import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { type ReactNode, useEffect } from 'react';
import { ApiError, errorText } from './api/errors.ts';
import { useMe } from './data/auth.queries.ts';
import { useI18n } from './i18n/i18n.tsx';
import { BASE, navigate, useLocation } from './router.tsx';
import { AcceptInviteScreen } from './screens/accept-invite/accept-invite.screen.tsx';
import { ApiKeysScreen } from './screens/api-keys/api-keys.screen.tsx';
import { GamesScreen } from './screens/games/games.screen.tsx';
import { HomeScreen } from './screens/home/home.screen.tsx';
import { LoginScreen } from './screens/login/login.screen.tsx';
import { PlayerProfileScreen } from './screens/player-profile/player-profile.screen.tsx';
import { PlayersScreen } from './screens/players/players.screen.tsx';
import { ResetPasswordScreen } from './screens/reset-password/reset-password.screen.tsx';
import { SegmentPlayersScreen } from './screens/segments/segment-players.screen.tsx';
import { SegmentsScreen } from './screens/segments/segments.screen.tsx';
import { Shell, type ShellContext } from './screens/shell/app-shell.tsx';
import { SignupScreen } from './screens/signup/signup.screen.tsx';
import { StreamsScreen } from './screens/streams/streams.screen.tsx';

/** Pages anyone may open; every other path needs a signed-in user. */
const PUBLIC = {
  '/login': LoginScreen,
  '/signup': SignupScreen,
  '/reset-password': ResetPasswordScreen,
  '/accept-invite': AcceptInviteScreen,
} as const;

/** Signed-in pages: a path pattern and the screen it shows (with the pattern's groups). */
const ROUTES: readonly [RegExp, (ctx: ShellContext, params: string[]) => ReactNode][] = [
  [/^\/$/, (ctx) => <HomeScreen {...ctx} />],
  [/^\/players$/, (ctx) => <PlayersScreen {...ctx} />],
  [/^\/players\/([^/]+)$/, (ctx, [id]) => <PlayerProfileScreen {...ctx} id={id ?? ''} />],
  [/^\/segments$/, (ctx) => <SegmentsScreen {...ctx} />],
  [/^\/segments\/([^/]+)$/, (ctx, [id]) => <SegmentPlayersScreen {...ctx} id={id ?? ''} />],
  [/^\/games$/, (ctx) => <GamesScreen {...ctx} />],
  [/^\/streams$/, (ctx) => <StreamsScreen {...ctx} />],
  [/^\/api-keys$/, (ctx) => <ApiKeysScreen {...ctx} />],
];

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
      {(ctx) => {
        for (const [pattern, screen] of ROUTES) {
          const match = pattern.exec(path);
          if (match) return screen(ctx, match.slice(1));
        }
        return <Text data-testid="not-found">{t('shell.not_found')}</Text>;
      }}
    </Shell>
  );
}
