import {
  AppShell,
  Burger,
  Button,
  Group,
  NavLink,
  ScrollArea,
  Select,
  Stack,
  Text,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { LanguageSwitch } from '../../components/language-switch.tsx';
import { type Me, type Membership, useLogout } from '../../data/auth.queries.ts';
import { type Property, useProperties } from '../../data/properties.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, navigate, useLocation } from '../../router.tsx';
import { CreateOrganization } from './create-organization.tsx';
import { useWorkspace } from './workspace.ts';

export interface ShellContext {
  org: Membership;
  properties: Property[] | undefined;
  property: Property | undefined;
}

/**
 * Header (menu button on phones, language, sign out), the navigation with the organization
 * and property switchers, and the page. A user in no organization gets the form to create one.
 */
export function Shell({ me, children }: { me: Me; children: (ctx: ShellContext) => ReactNode }) {
  const { t } = useI18n();
  const { path } = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const workspace = useWorkspace();
  const logout = useLogout();
  const org = me.organizations.find((o) => o.id === workspace.orgId) ?? me.organizations[0];
  const properties = useProperties(org?.id);
  const property =
    properties.data?.find((p) => p.id === workspace.propertyId) ?? properties.data?.[0];

  const signOut = () =>
    logout.mutate(undefined, { onSettled: () => navigate(`${BASE}/login`, { replace: true }) });

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 280, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('shell.open_menu')}
              data-testid="menu-toggle"
            />
            <Text fw={700}>{t('app.name')}</Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <LanguageSwitch />
            <Button
              variant="default"
              size="xs"
              onClick={signOut}
              loading={logout.isPending}
              data-testid="sign-out"
            >
              {t('shell.sign_out')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="md" aria-label={t('shell.nav')}>
        {/* The menu scrolls on its own when it is taller than the window. */}
        <AppShell.Section grow component={ScrollArea}>
          <Stack gap="sm">
            {org && (
              <>
                <Select
                  label={t('shell.organization')}
                  data-testid="org-switcher"
                  allowDeselect={false}
                  value={String(org.id)}
                  data={me.organizations.map((o) => ({ value: String(o.id), label: o.name }))}
                  onChange={(value) => {
                    workspace.setOrgId(Number(value));
                    workspace.setPropertyId(null);
                  }}
                />
                <Select
                  label={t('shell.property')}
                  data-testid="property-switcher"
                  allowDeselect={false}
                  disabled={!properties.data?.length}
                  placeholder={t('shell.no_property')}
                  value={property?.id ?? null}
                  data={(properties.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
                  onChange={(value) => workspace.setPropertyId(value)}
                />
                <Text size="sm" data-testid="role">
                  {t('shell.role', { role: org.role })}
                </Text>
              </>
            )}
            <div>
              <NavLink
                href={BASE}
                label={t('shell.home')}
                active={path === '/'}
                onClick={(event) => {
                  event.preventDefault();
                  close();
                  navigate(BASE);
                }}
              />
              <NavGroup label={t('shell.group.playeros')}>
                <ScreenLink to="/players" label={t('players.nav')} onGo={close} />
                <ScreenLink to="/segments" label={t('segments.nav')} onGo={close} />
                <ScreenLink to="/content" label={t('content.nav')} onGo={close} />
                <ScreenLink to="/campaigns" label={t('campaigns.nav')} onGo={close} />
                <ScreenLink to="/journeys" label={t('journeys.nav')} onGo={close} />
                <ScreenLink to="/compliance" label={t('compliance.nav')} onGo={close} />
              </NavGroup>
              <NavGroup label={t('shell.group.dailyplay')}>
                <ScreenLink to="/games" label={t('games.nav')} onGo={close} />
                <ScreenLink to="/streams" label={t('streams.nav')} onGo={close} />
                <ScreenLink to="/api-keys" label={t('keys.nav')} onGo={close} />
                <ScreenLink to="/sessions" label={t('sessions.nav')} onGo={close} />
                <ScreenLink to="/vouchers" label={t('vouchers.nav')} onGo={close} />
                <ScreenLink to="/connections" label={t('connections.nav')} onGo={close} />
                <ScreenLink to="/analytics" label={t('analytics.nav')} onGo={close} />
              </NavGroup>
              <NavGroup label={t('shell.group.settings')}>
                <ScreenLink to="/members" label={t('members.nav')} onGo={close} />
                <ScreenLink to="/branding" label={t('branding.nav')} onGo={close} />
                <ScreenLink to="/sending-settings" label={t('sending.nav')} onGo={close} />
                <ScreenLink to="/webhooks" label={t('webhooks.nav')} onGo={close} />
                <ScreenLink to="/property-keys" label={t('pk.nav')} onGo={close} />
                <NavLink href="/docs" label={t('shell.api_docs')} />
              </NavGroup>
            </div>
          </Stack>
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        {org ? (
          children({ org, properties: properties.data, property })
        ) : (
          <CreateOrganization onCreated={(id) => workspace.setOrgId(id)} />
        )}
      </AppShell.Main>
    </AppShell>
  );
}

/** A titled part of the menu (one per product, and the organization's settings). */
function NavGroup({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" fw={700} tt="uppercase" c="dimmed" px="sm" mt="xs" mb={4}>
        {label}
      </Text>
      {children}
    </div>
  );
}

/** A menu entry for a screen under /app: active on it and on the pages below it. */
function ScreenLink(props: { to: string; label: string; onGo: () => void }) {
  const { path } = useLocation();
  return (
    <NavLink
      href={BASE + props.to}
      label={props.label}
      active={path === props.to || path.startsWith(`${props.to}/`)}
      data-testid={`nav-${props.to.slice(1)}`}
      onClick={(event) => {
        event.preventDefault();
        props.onGo();
        navigate(BASE + props.to);
      }}
    />
  );
}
