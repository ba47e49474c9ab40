import {
  Alert,
  Button,
  Group,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { errorText } from '../../api/errors.ts';
import { ScrollTable } from '../../components/scroll-table.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link } from '../../router.tsx';
import type { RowError, RunState } from './import-run.ts';

/** The counts while the rows go, then the outcome, the refused rows with why, and the way on. */
export function ImportProgress(props: {
  state: Exclude<RunState, { phase: 'idle' }>;
  fileName: string;
  onAgain: () => void;
}) {
  const { t } = useI18n();
  const { progress, errors, phase } = props.state;
  const percent = progress.total ? Math.round((progress.done / progress.total) * 100) : 100;
  const reason = (error: RowError) =>
    error.problem ? t(error.problem.key, error.problem.vars) : (error.api ?? '');
  const count = (key: 'created' | 'updated' | 'failed', label: string) => (
    <Paper withBorder p="sm" radius="md">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="xl" data-testid={`import-${key}`}>
        {progress[key]}
      </Text>
    </Paper>
  );

  return (
    <Stack>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="import-progress">
        <Stack gap="sm">
          <Title order={2} size="h4" id="import-progress">
            {t(
              phase === 'running'
                ? 'import.running'
                : phase === 'done'
                  ? 'import.finished'
                  : 'import.stopped',
              { name: props.fileName },
            )}
          </Title>
          <Progress
            value={percent}
            animated={phase === 'running'}
            aria-label={t('import.progress_label')}
            data-testid="import-bar"
          />
          <Text data-testid="import-done" aria-live="polite">
            {t('import.rows_done', { done: progress.done, total: progress.total })}
          </Text>
          <SimpleGrid cols={{ base: 3 }}>
            {count('created', t('import.created'))}
            {count('updated', t('import.updated'))}
            {count('failed', t('import.failed'))}
          </SimpleGrid>
          {props.state.phase === 'stopped' && (
            <Alert color="red" role="alert" data-testid="import-error">
              {errorText(props.state.error, t)} {t('import.stopped_hint')}
            </Alert>
          )}
          {phase === 'done' && (
            <Alert color={progress.failed ? 'yellow' : 'green'} data-testid="import-summary">
              {t(progress.failed ? 'import.summary_failed' : 'import.summary_ok', {
                created: progress.created,
                updated: progress.updated,
                failed: progress.failed,
              })}
            </Alert>
          )}
          {phase !== 'running' && (
            <Group>
              <Link to={`${BASE}/players`} data-testid="import-to-players">
                {t('import.to_players')}
              </Link>
              <Button variant="default" onClick={props.onAgain} data-testid="import-again">
                {t('import.again')}
              </Button>
            </Group>
          )}
        </Stack>
      </Paper>

      {errors.length > 0 && (
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="import-errors">
          <Stack gap="sm">
            <Title order={2} size="h4" id="import-errors">
              {t('import.errors_title')}
            </Title>
            {errors.length < progress.failed && (
              <Text size="sm">
                {t('import.errors_more', { shown: errors.length, failed: progress.failed })}
              </Text>
            )}
            <ScrollTable label={t('import.errors_title')} minWidth={560}>
              <Table data-testid="import-errors">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('import.line')}</Table.Th>
                    <Table.Th>{t('import.player_id')}</Table.Th>
                    <Table.Th>{t('import.reason')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {[...errors]
                    .sort((a, b) => a.line - b.line)
                    .map((error, index) => (
                      <Table.Tr key={index} data-testid="import-error-row">
                        <Table.Td>{error.line}</Table.Td>
                        <Table.Td>{error.playerId ?? '–'}</Table.Td>
                        <Table.Td>{reason(error)}</Table.Td>
                      </Table.Tr>
                    ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
