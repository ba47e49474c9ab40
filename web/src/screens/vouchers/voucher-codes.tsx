import { Alert, Badge, Loader, Stack, Table, Text } from '@mantine/core';
import { errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import { useVoucherCodes, type VoucherSet } from '../../data/vouchers.queries.ts';
import { formatCount, formatDateTime } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * The first 100 codes of a set, oldest first: which were given out and when. The codes
 * themselves are prize secrets the API shows to Editors and above only.
 */
export function VoucherCodes({ orgId, set }: { orgId: number; set: VoucherSet }) {
  const { t, lang } = useI18n();
  const codes = useVoucherCodes(orgId, set.id);
  if (codes.error) return <Alert color="red">{errorText(codes.error, t)}</Alert>;
  if (!codes.data) return <Loader size="sm" aria-label={t('common.loading')} />;
  const list = codes.data.data;
  if (!list.length)
    return <Text data-testid="voucher-codes-empty">{t('vouchers.codes_empty')}</Text>;
  return (
    <Stack gap="xs">
      {codes.data.next_cursor !== null && (
        <Text size="sm">
          {t('vouchers.codes_first', {
            shown: formatCount(list.length, lang),
            total: formatCount(set.counts.total, lang),
          })}
        </Text>
      )}
      {list[0]?.code === null && <Text size="sm">{t('vouchers.codes_hidden')}</Text>}
      <ScrollTable label={t('vouchers.codes_title', { name: set.name })} minWidth={360}>
        <Table data-testid="voucher-codes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('vouchers.code')}</Table.Th>
              <Table.Th>{t('vouchers.code_status')}</Table.Th>
              <Table.Th>{t('vouchers.claimed_at')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((code) => (
              <Table.Tr key={code.id} data-testid="voucher-code-row">
                <Table.Td>{code.code === null ? '••••••' : <code>{code.code}</code>}</Table.Td>
                <Table.Td>
                  <Badge variant="outline" color={code.status === 'claimed' ? 'teal.9' : 'blue'}>
                    {t(code.status === 'claimed' ? 'vouchers.claimed' : 'vouchers.unclaimed')}
                  </Badge>
                </Table.Td>
                <Table.Td>{formatDateTime(code.claimed_at, lang)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
    </Stack>
  );
}
