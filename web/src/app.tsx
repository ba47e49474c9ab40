import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { type ComponentType, lazy, type ReactNode, Suspense, useEffect } from 'react';
import { ApiError, errorText } from './api/errors.ts';
import { useMe } from './data/auth.queries.ts';
import { useI18n } from './i18n/i18n.tsx';
import { BASE, navigate, useLocation } from './router.tsx';
import { AcceptInviteScreen } from './screens/accept-invite/accept-invite.screen.tsx';
import { LoginScreen } from './screens/login/login.screen.tsx';
import { ResetPasswordScreen } from './screens/reset-password/reset-password.screen.tsx';
import { Shell, type ShellContext } from './screens/shell/app-shell.tsx';
import { SignupScreen } from './screens/signup/signup.screen.tsx';

/** Pages anyone may open; every other path needs a signed-in user. */
const PUBLIC = {
  '/login': LoginScreen,
  '/signup': SignupScreen,
  '/reset-password': ResetPasswordScreen,
  '/accept-invite': AcceptInviteScreen,
} as const;

/**
 * A signed-in screen, loaded when first opened: the login route's JavaScript stays small
 * (issue 15's 300 KB budget) however many screens, charts and editors the app grows.
 */
function screen<P extends object>(load: () => Promise<ComponentType<P>>) {
  return lazy(async () => ({ default: await load() }));
}

const Home = screen(async () => (await import('./screens/home/home.screen.tsx')).HomeScreen);
const Players = screen(
  async () => (await import('./screens/players/players.screen.tsx')).PlayersScreen,
);
const PlayerProfile = screen(
  async () =>
    (await import('./screens/player-profile/player-profile.screen.tsx')).PlayerProfileScreen,
);
const Segments = screen(
  async () => (await import('./screens/segments/segments.screen.tsx')).SegmentsScreen,
);
const SegmentPlayers = screen(
  async () => (await import('./screens/segments/segment-players.screen.tsx')).SegmentPlayersScreen,
);
const Games = screen(async () => (await import('./screens/games/games.screen.tsx')).GamesScreen);
const Streams = screen(
  async () => (await import('./screens/streams/streams.screen.tsx')).StreamsScreen,
);
const ApiKeys = screen(
  async () => (await import('./screens/api-keys/api-keys.screen.tsx')).ApiKeysScreen,
);
const Sessions = screen(
  async () => (await import('./screens/sessions/sessions.screen.tsx')).SessionsScreen,
);
const Vouchers = screen(
  async () => (await import('./screens/vouchers/vouchers.screen.tsx')).VouchersScreen,
);
const Connections = screen(
  async () => (await import('./screens/connections/connections.screen.tsx')).ConnectionsScreen,
);
const Analytics = screen(
  async () => (await import('./screens/analytics/analytics.screen.tsx')).AnalyticsScreen,
);

const Compliance = screen(
  async () => (await import('./screens/compliance/compliance.screen.tsx')).ComplianceScreen,
);
const Members = screen(
  async () => (await import('./screens/members/members.screen.tsx')).MembersScreen,
);

const ImportPlayers = screen(
  async () => (await import('./screens/import/import.screen.tsx')).ImportScreen,
);
const Webhooks = screen(
  async () => (await import('./screens/webhooks/webhooks.screen.tsx')).WebhooksScreen,
);
const PropertyKeys = screen(
  async () => (await import('./screens/property-keys/property-keys.screen.tsx')).PropertyKeysScreen,
);
const Journeys = screen(
  async () => (await import('./screens/journeys/journeys.screen.tsx')).JourneysScreen,
);
const JourneyEditor = screen(
  async () => (await import('./screens/journeys/journey-editor.screen.tsx')).JourneyEditorScreen,
);
const Content = screen(
  async () => (await import('./screens/content/content.screen.tsx')).ContentScreen,
);
const Campaigns = screen(
  async () => (await import('./screens/campaigns/campaigns.screen.tsx')).CampaignsScreen,
);
const Campaign = screen(
  async () => (await import('./screens/campaigns/campaign.screen.tsx')).CampaignScreen,
);

const Branding = screen(
  async () => (await import('./screens/branding/branding.screen.tsx')).BrandingScreen,
);

const SendingSettings = screen(
  async () =>
    (await import('./screens/sending-settings/sending-settings.screen.tsx')).SendingSettingsScreen,
);

/** Signed-in pages: a path pattern and the screen it shows (with the pattern's groups). */
const ROUTES: readonly [RegExp, (ctx: ShellContext, params: string[]) => ReactNode][] = [
  [/^\/$/, (ctx) => <Home {...ctx} />],
  [/^\/players$/, (ctx) => <Players {...ctx} />],
  [/^\/players\/import$/, (ctx) => <ImportPlayers {...ctx} />],
  [/^\/players\/([^/]+)$/, (ctx, [id]) => <PlayerProfile {...ctx} id={id ?? ''} />],
  [/^\/segments$/, (ctx) => <Segments {...ctx} />],
  [/^\/segments\/([^/]+)$/, (ctx, [id]) => <SegmentPlayers {...ctx} id={id ?? ''} />],
  [/^\/content$/, (ctx) => <Content {...ctx} />],
  [/^\/campaigns$/, (ctx) => <Campaigns {...ctx} />],
  [/^\/campaigns\/([^/]+)$/, (ctx, [id]) => <Campaign {...ctx} id={id ?? ''} />],
  [/^\/games$/, (ctx) => <Games {...ctx} />],
  [/^\/streams$/, (ctx) => <Streams {...ctx} />],
  [/^\/api-keys$/, (ctx) => <ApiKeys {...ctx} />],
  [/^\/sending-settings$/, (ctx) => <SendingSettings {...ctx} />],
  [/^\/branding$/, (ctx) => <Branding {...ctx} />],
  [/^\/sessions$/, (ctx) => <Sessions {...ctx} />],
  [/^\/vouchers$/, (ctx) => <Vouchers {...ctx} />],
  [/^\/connections$/, (ctx) => <Connections {...ctx} />],
  [/^\/analytics$/, (ctx) => <Analytics {...ctx} />],
  [/^\/webhooks$/, (ctx) => <Webhooks {...ctx} />],
  [/^\/property-keys$/, (ctx) => <PropertyKeys {...ctx} />],
  [/^\/compliance$/, (ctx) => <Compliance {...ctx} />],
  [/^\/members$/, (ctx) => <Members {...ctx} />],
  [/^\/journeys$/, (ctx) => <Journeys {...ctx} />],
  [/^\/journeys\/([^/]+)$/, (ctx, [id]) => <JourneyEditor {...ctx} id={id ?? ''} />],
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
      {(ctx) => (
        <Suspense fallback={<Loader aria-label={t('common.loading')} />}>
          {route(ctx, path) ?? <Text data-testid="not-found">{t('shell.not_found')}</Text>}
        </Suspense>
      )}
    </Shell>
  );
}

function route(ctx: ShellContext, path: string): ReactNode {
  for (const [pattern, show] of ROUTES) {
    const match = pattern.exec(path);
    if (match) return show(ctx, match.slice(1));
  }
  return undefined;
}
