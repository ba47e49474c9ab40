import { Alert, Button, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { ScrollTable } from '../../components/scroll-table.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { type CsvRecord, PLAYER_FIELDS, SKIP, type Target } from './csv.ts';

/** Rows shown before the import starts. */
const PREVIEW_ROWS = 5;

/** Why the columns cannot be imported as mapped (the CLI refuses the same files). */
function mappingProblem(targets: readonly Target[]) {
  if (!targets.includes('player_id')) return 'import.map.no_player_id' as const;
  const used = targets.filter((target) => target !== SKIP);
  if (new Set(used).size !== used.length) return 'import.map.twice' as const;
  if (used.includes('traits') && used.some((target) => target.startsWith('traits.'))) {
    return 'import.map.traits_both' as const;
  }
  return null;
}

/**
 * The file's first rows and, for each of its columns, the player field it goes to (guessed
 * from the header as the CLI reads it; "do not import" leaves the column out).
 */
export function ImportMapping(props: {
  fileName: string;
  header: string[];
  records: CsvRecord[];
  targets: Target[];
  onTargets: (targets: Target[]) => void;
  onStart: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const problem = mappingProblem(props.targets);
  const options = (header: string) => [
    { value: SKIP, label: t('import.map.skip') },
    ...PLAYER_FIELDS.map((field) => ({ value: field, label: field })),
    {
      value: `traits.${header.trim().replace(/^traits\./i, '')}`,
      label: t('import.map.trait', { name: header.trim().replace(/^traits\./i, '') }),
    },
  ];
  const preview = props.records.slice(0, PREVIEW_ROWS);

  return (
    <Stack>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="import-preview">
        <Stack gap="sm">
          <Title order={2} size="h4" id="import-preview">
            {t('import.preview_title', { name: props.fileName })}
          </Title>
          <Text size="sm" data-testid="import-row-count">
            {t('import.preview_count', { rows: props.records.length, shown: preview.length })}
          </Text>
          <ScrollTable
            label={t('import.preview_label')}
            minWidth={Math.max(320, props.header.length * 130)}
          >
            <Table data-testid="import-preview" striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('import.line')}</Table.Th>
                  {props.header.map((cell, index) => (
                    <Table.Th key={index}>{cell}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.map((record) => (
                  <Table.Tr key={record.line} data-testid="import-preview-row">
                    <Table.Td>{record.line}</Table.Td>
                    {props.header.map((_, index) => (
                      <Table.Td key={index}>{record.cells[index] ?? ''}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        </Stack>
      </Paper>

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="import-map">
        <Stack gap="sm">
          <Title order={2} size="h4" id="import-map">
            {t('import.map.title')}
          </Title>
          <Text size="sm">{t('import.map.intro')}</Text>
          {props.header.map((cell, index) => (
            <Select
              key={index}
              label={t('import.map.column', { name: cell || `#${index + 1}` })}
              data={options(cell)}
              value={props.targets[index] ?? SKIP}
              allowDeselect={false}
              onChange={(value) => {
                const next = [...props.targets];
                next[index] = value ?? SKIP;
                props.onTargets(next);
              }}
              maw={420}
              data-testid="import-target"
            />
          ))}
          {problem && (
            <Alert color="red" role="alert" data-testid="import-map-problem">
              {t(problem)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onCancel} data-testid="import-cancel">
              {t('import.other_file')}
            </Button>
            <Button disabled={problem !== null} onClick={props.onStart} data-testid="import-start">
              {t('import.start', { rows: props.records.length })}
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
