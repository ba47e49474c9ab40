import { Alert, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { ComplianceLog } from './compliance-log.tsx';
import { PrivacyRequests } from './privacy-requests.tsx';

/**
 * The property's compliance records: the log of consent changes and pre-send checks, and the
 * privacy requests of its players with their legal deadlines. Every role reads; Owners,
 * Admins and Editors (the write scope) open and answer requests.
 */
export function ComplianceScreen({ org, property }: ShellContext) {
  const { t } = useI18n();
  const [tab, setTab] = useState<string | null>('log');
  const write = roleAtLeast(org.role, 'Editor');
  return (
    <Stack>
      <Title order={1} size="h2" data-testid="compliance-title">
        {property ? t('compliance.title', { property: property.name }) : t('compliance.title_none')}
      </Title>
      <Text>{t('compliance.intro')}</Text>
      {!property ? (
        <Alert color="gray" data-testid="compliance-no-property">
          {t('compliance.no_property')}
        </Alert>
      ) : (
        <Tabs value={tab} onChange={setTab} keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="log" data-testid="tab-log">
              {t('compliance.tab.log')}
            </Tabs.Tab>
            <Tabs.Tab value="privacy" data-testid="tab-privacy">
              {t('compliance.tab.privacy')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="log" pt="md">
            <ComplianceLog propertyId={property.id} />
          </Tabs.Panel>
          <Tabs.Panel value="privacy" pt="md">
            <PrivacyRequests propertyId={property.id} write={write} />
          </Tabs.Panel>
        </Tabs>
      )}
    </Stack>
  );
}
