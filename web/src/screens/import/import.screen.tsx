import {
  Alert,
  Button,
  FileInput,
  Group,
  Paper,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { Property } from '../../data/properties.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link } from '../../router.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { roleAtLeast } from '../shell/roles.ts';
import { type CsvRecord, guessTarget, parseCsv, type Target } from './csv.ts';
import { ImportMapping } from './import-mapping.tsx';
import { ImportProgress } from './import-progress.tsx';
import { useImportRun } from './import-run.ts';

/** A read file or pasted text: its header and data records. */
interface Parsed {
  name: string;
  header: string[];
  records: CsvRecord[];
}

/**
 * Players from a CSV file (chosen or pasted) into the chosen property: a look at the first
 * rows and where each column goes, then the import with its live counts and the rows refused,
 * each with why. Editors and above; the API refuses the others the write scope.
 */
export function ImportScreen({ org, property }: ShellContext) {
  const { t } = useI18n();
  const editor = roleAtLeast(org.role, 'Editor');
  return (
    <Stack>
      <Title order={1} size="h2" data-testid="import-title">
        {property ? t('import.title', { property: property.name }) : t('import.title_none')}
      </Title>
      <Text>{t('import.intro')}</Text>
      {!property ? (
        <Text data-testid="import-no-property">{t('import.no_property')}</Text>
      ) : !editor ? (
        <Alert color="gray" data-testid="import-not-allowed">
          {t('import.not_allowed')}
        </Alert>
      ) : (
        <Importer key={property.id} property={property} />
      )}
      <Link to={`${BASE}/players`} data-testid="import-back">
        {t('import.back')}
      </Link>
    </Stack>
  );
}

function Importer({ property }: { property: Property }) {
  const { t } = useI18n();
  const run = useImportRun(property.id);
  const [file, setFile] = useState<File | null>(null);
  const [pasted, setPasted] = useState('');
  const [parsed, setParsed] = useState<Parsed | null>(null);
  const [targets, setTargets] = useState<Target[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  const read = (name: string, text: string) => {
    const [header, ...records] = parseCsv(text);
    if (!header) {
      setProblem(t('import.empty_file'));
      return;
    }
    if (records.length === 0) {
      setProblem(t('import.no_rows'));
      return;
    }
    setProblem(null);
    setParsed({ name, header: header.cells, records });
    setTargets(header.cells.map(guessTarget));
  };

  const choose = (chosen: File | null) => {
    setFile(chosen);
    if (chosen) {
      chosen.text().then(
        (text) => read(chosen.name, text),
        () => setProblem(t('import.unreadable')),
      );
    }
  };

  const again = () => {
    run.reset();
    setParsed(null);
    setFile(null);
    setPasted('');
  };

  if (run.state.phase !== 'idle') {
    return <ImportProgress state={run.state} fileName={parsed?.name ?? ''} onAgain={again} />;
  }

  if (parsed) {
    return (
      <ImportMapping
        fileName={parsed.name}
        header={parsed.header}
        records={parsed.records}
        targets={targets}
        onTargets={setTargets}
        onStart={() => void run.start(parsed.records, targets)}
        onCancel={again}
      />
    );
  }

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="import-choose">
      <Stack gap="sm">
        <Title order={2} size="h4" id="import-choose">
          {t('import.choose_title')}
        </Title>
        <Text size="sm">{t('import.columns_hint')}</Text>
        <FileInput
          label={t('import.file')}
          description={t('import.file_hint')}
          accept=".csv,text/csv"
          value={file}
          onChange={choose}
          data-testid="import-file"
        />
        <Textarea
          label={t('import.paste')}
          description={t('import.paste_hint')}
          autosize
          minRows={4}
          maxRows={12}
          value={pasted}
          onChange={(e) => setPasted(e.currentTarget.value)}
          styles={{ input: { fontFamily: 'monospace' } }}
          data-testid="import-paste"
        />
        {problem && (
          <Alert color="red" role="alert" data-testid="import-problem">
            {problem}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button
            disabled={pasted.trim() === ''}
            onClick={() => read(t('import.pasted_name'), pasted)}
            data-testid="import-read-pasted"
          >
            {t('import.read_pasted')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
