import { Alert, Button, Group, Modal, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import { useVoucherSets, type VoucherSet } from '../../data/vouchers.queries.ts';
import { formatCount, formatDay } from '../../i18n/format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { VoucherCodes } from './voucher-codes.tsx';
import { type CodesAdded, VoucherCodesForm } from './voucher-codes-form.tsx';

/**
 * The organization's voucher sets with how many codes players got (claimed of total). Editors
 * and above make sets and add codes by file or by generating them; others read.
 */
export function VouchersScreen({ org }: ShellContext) {
  const { t, lang } = useI18n();
  const editor = roleAtLeast(org.role, 'Editor');
  const sets = useVoucherSets(org.id);
  // undefined: no form; null: a new set; a set: adding codes to it.
  const [form, setForm] = useState<VoucherSet | null | undefined>(undefined);
  const [added, setAdded] = useState<CodesAdded | null>(null);
  const [codesOf, setCodesOf] = useState<VoucherSet | null>(null);
  const n = (value: number) => formatCount(value, lang);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2" data-testid="vouchers-title">
          {t('vouchers.heading')}
        </Title>
        {editor && (
          <Button
            onClick={() => {
              setAdded(null);
              setForm(null);
            }}
            data-testid="voucher-new"
          >
            {t('vouchers.new')}
          </Button>
        )}
      </Group>
      <Text>{t('vouchers.intro')}</Text>
      {!editor && (
        <Alert color="gray" data-testid="vouchers-read-only">
          {t('vouchers.read_only')}
        </Alert>
      )}
      {added && (
        <Alert color="green" role="status" data-testid="vouchers-added">
          {t('vouchers.added', {
            name: added.set,
            added: n(added.added),
            duplicates: n(added.duplicates),
            total: n(added.total),
          })}
        </Alert>
      )}
      {sets.error ? (
        <Alert color="red">{errorText(sets.error, t)}</Alert>
      ) : sets.data?.length ? (
        <ScrollTable label={t('vouchers.heading')} minWidth={820}>
          <Table data-testid="vouchers-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('vouchers.name')}</Table.Th>
                <Table.Th>{t('vouchers.usage')}</Table.Th>
                <Table.Th>{t('vouchers.available')}</Table.Th>
                <Table.Th>{t('vouchers.expires')}</Table.Th>
                <Table.Th>{t('vouchers.games')}</Table.Th>
                <Table.Th>{t('vouchers.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sets.data.map((set) => {
                const { total, claimed, available } = set.counts;
                const usage = t('vouchers.usage_value', { used: n(claimed), total: n(total) });
                return (
                  <Table.Tr key={set.id} data-testid="voucher-row">
                    <Table.Td>
                      <Text fw={600} size="sm">
                        {set.name}
                      </Text>
                      {set.description && (
                        <Text size="xs" c="dimmed">
                          {set.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td miw={160}>
                      <Text size="sm" data-testid="voucher-usage">
                        {usage}
                      </Text>
                      <Progress
                        value={total ? (claimed / total) * 100 : 0}
                        size="sm"
                        mt={4}
                        aria-label={usage}
                      />
                    </Table.Td>
                    <Table.Td data-testid="voucher-available">
                      {total === 0 ? t('vouchers.no_codes') : n(available)}
                    </Table.Td>
                    <Table.Td>
                      {set.expires_at
                        ? formatDay(String(set.expires_at), lang)
                        : t('vouchers.never')}
                    </Table.Td>
                    <Table.Td>
                      {set.games.length
                        ? set.games.map((g) => g.title).join(', ')
                        : t('vouchers.no_games')}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => setCodesOf(set)}
                          aria-label={t('vouchers.codes_named', { name: set.name })}
                          data-testid="voucher-codes-open"
                        >
                          {t('vouchers.codes')}
                        </Button>
                        {editor && (
                          <Button
                            size="xs"
                            variant="default"
                            onClick={() => {
                              setAdded(null);
                              setForm(set);
                            }}
                            aria-label={t('vouchers.add_codes_named', { name: set.name })}
                            data-testid="voucher-add-codes"
                          >
                            {t('vouchers.add_codes')}
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      ) : (
        sets.data && (
          <Text data-testid="vouchers-empty">
            {t(editor ? 'vouchers.empty_edit' : 'vouchers.empty_view')}
          </Text>
        )
      )}
      <Modal
        opened={codesOf !== null}
        onClose={() => setCodesOf(null)}
        closeButtonProps={{ 'aria-label': t('vouchers.close') }}
        title={t('vouchers.codes_title', { name: codesOf?.name ?? '' })}
        size="lg"
      >
        {codesOf && <VoucherCodes orgId={org.id} set={codesOf} />}
      </Modal>
      <Modal
        opened={form !== undefined}
        onClose={() => setForm(undefined)}
        closeButtonProps={{ 'aria-label': t('vouchers.close') }}
        title={form ? t('vouchers.add_title', { name: form.name }) : t('vouchers.new_title')}
        size="lg"
      >
        {form !== undefined && (
          <VoucherCodesForm
            key={form?.id ?? 'new'}
            orgId={org.id}
            set={form ?? undefined}
            onCancel={() => setForm(undefined)}
            onDone={(result) => {
              setForm(undefined);
              setAdded(result);
            }}
          />
        )}
      </Modal>
    </Stack>
  );
}
