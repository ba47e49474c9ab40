import { Badge, Paper, Stack, Table, Text } from '@mantine/core';
import { errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import { type CampaignStatus, useCampaigns } from '../../data/campaigns.queries.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link, navigate } from '../../router.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { PropertyScreen } from '../shell/property-screen.tsx';
import { CampaignForm } from './campaign-form.tsx';

export const STATUS_COLOR: Record<CampaignStatus, string> = {
  draft: 'gray',
  scheduled: 'blue',
  sending: 'orange',
  sent: 'green',
  cancelled: 'gray',
  failed: 'red',
};

/** The property's campaigns with their status; Editors and above also compose new ones. */
export function CampaignsScreen(ctx: ShellContext) {
  const { t } = useI18n();
  return (
    <PropertyScreen ctx={ctx} name="campaigns" title={t('campaigns.title')}>
      {(scope) => <Campaigns {...scope} />}
    </PropertyScreen>
  );
}

function Campaigns(props: { orgId: number; propertyId: string; editor: boolean }) {
  const { t, lang } = useI18n();
  const campaigns = useCampaigns(props.propertyId);
  return (
    <>
      <Paper withBorder p="md" radius="md" component="section">
        <Stack gap="sm">
          <Text size="sm">{t('campaigns.intro')}</Text>
          {campaigns.error ? (
            <Text c="red">{errorText(campaigns.error, t)}</Text>
          ) : !campaigns.data ? (
            <Text>{t('common.loading')}</Text>
          ) : campaigns.data.length === 0 ? (
            <Text data-testid="campaigns-empty">
              {t(props.editor ? 'campaigns.empty_edit' : 'campaigns.empty_view')}
            </Text>
          ) : (
            <ScrollTable label={t('campaigns.title')} minWidth={640}>
              <Table data-testid="campaigns-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('campaigns.name')}</Table.Th>
                    <Table.Th>{t('content.channel')}</Table.Th>
                    <Table.Th>{t('campaigns.status')}</Table.Th>
                    <Table.Th>{t('campaigns.stat.sent')}</Table.Th>
                    <Table.Th>{t('campaigns.when')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {campaigns.data.map((c) => (
                    <Table.Tr key={c.id} data-testid="campaign-row">
                      <Table.Td>
                        <Link to={`${BASE}/campaigns/${c.id}`} data-testid="campaign-link">
                          {c.name}
                        </Link>
                      </Table.Td>
                      <Table.Td>{t(`content.channel.${c.channel}`)}</Table.Td>
                      <Table.Td>
                        <Badge
                          color={STATUS_COLOR[c.status]}
                          variant="light"
                          c="dark"
                          data-testid="campaign-status"
                        >
                          {t(`campaigns.status.${c.status}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{c.status === 'draft' ? '—' : c.counts.sent}</Table.Td>
                      <Table.Td>
                        {formatDateTime(c.finished_at ?? c.send_at ?? c.created_at, lang)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          )}
        </Stack>
      </Paper>
      {props.editor && (
        <CampaignForm
          orgId={props.orgId}
          propertyId={props.propertyId}
          campaign={null}
          onSaved={(c) => navigate(`${BASE}/campaigns/${c.id}`)}
        />
      )}
    </>
  );
}
