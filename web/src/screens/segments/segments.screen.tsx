import {
  Alert,
  Button,
  Code,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { ScrollTable } from '../../components/scroll-table.tsx';
import { type FormEvent, useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { FormError } from '../../components/form-error.tsx';
import {
  type Segment,
  useDeleteSegment,
  useSaveSegment,
  useSegments,
} from '../../data/segments.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { BASE, Link } from '../../router.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { PropertyScreen } from '../shell/property-screen.tsx';

/** The property's saved segments; Owners, Admins and Editors also create, edit and delete. */
export function SegmentsScreen(ctx: ShellContext) {
  const { t } = useI18n();
  return (
    <PropertyScreen ctx={ctx} name="segments" title={t('segments.title')}>
      {(scope) => <Segments propertyId={scope.propertyId} editor={scope.editor} />}
    </PropertyScreen>
  );
}

function Segments({ propertyId, editor }: { propertyId: string; editor: boolean }) {
  const { t } = useI18n();
  const segments = useSegments(propertyId);
  const remove = useDeleteSegment(propertyId);
  const [editing, setEditing] = useState<Segment | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  return (
    <>
      <Paper withBorder p="md" radius="md" component="section">
        <Stack gap="sm">
          <Text size="sm">{t('segments.intro')}</Text>
          {remove.error ? (
            <Alert color="red" role="alert" data-testid="segment-delete-error">
              {errorText(remove.error, t, 'segment_delete')}
            </Alert>
          ) : null}
          {segments.error ? (
            <Alert color="red">{errorText(segments.error, t)}</Alert>
          ) : !segments.data ? (
            <Text>{t('common.loading')}</Text>
          ) : segments.data.length === 0 ? (
            <Text data-testid="segments-empty">
              {t(editor ? 'segments.empty_edit' : 'segments.empty_view')}
            </Text>
          ) : (
            <ScrollTable label={t('segments.title')} minWidth={560}>
              <Table data-testid="segments-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('segments.name')}</Table.Th>
                    <Table.Th>{t('segments.filter')}</Table.Th>
                    {editor && <Table.Th>{t('segments.actions')}</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {segments.data.map((segment) => (
                    <Table.Tr key={segment.id} data-testid="segment-row">
                      <Table.Td>
                        <Link to={`${BASE}/segments/${segment.id}`} data-testid="segment-link">
                          {segment.name}
                        </Link>
                      </Table.Td>
                      <Table.Td>
                        <Code>{segment.filter || t('segments.everyone')}</Code>
                      </Table.Td>
                      {editor && (
                        <Table.Td>
                          <Group gap="xs" wrap="nowrap">
                            <Button
                              size="xs"
                              variant="default"
                              data-testid="segment-edit"
                              aria-label={t('segments.edit_named', { name: segment.name })}
                              onClick={() => setEditing(segment)}
                            >
                              {t('segments.edit')}
                            </Button>
                            {confirming === segment.id ? (
                              <Button
                                size="xs"
                                color="red"
                                loading={remove.isPending}
                                data-testid="segment-delete-confirm"
                                onClick={() =>
                                  remove.mutate(segment.id, {
                                    onSettled: () => setConfirming(null),
                                  })
                                }
                              >
                                {t('segments.delete_confirm', { name: segment.name })}
                              </Button>
                            ) : (
                              <Button
                                size="xs"
                                variant="default"
                                color="red"
                                data-testid="segment-delete"
                                aria-label={t('segments.delete_named', { name: segment.name })}
                                onClick={() => {
                                  remove.reset();
                                  setConfirming(segment.id);
                                }}
                              >
                                {t('segments.delete')}
                              </Button>
                            )}
                          </Group>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          )}
        </Stack>
      </Paper>
      {editor && (
        <SegmentForm
          key={editing?.id ?? 'new'}
          propertyId={propertyId}
          segment={editing}
          onDone={() => setEditing(null)}
        />
      )}
    </>
  );
}

/** Creates a segment, or edits `segment`: its name and its filter in the players grammar. */
function SegmentForm(props: { propertyId: string; segment: Segment | null; onDone: () => void }) {
  const { t } = useI18n();
  const save = useSaveSegment(props.propertyId);
  const [name, setName] = useState(props.segment?.name ?? '');
  const [filter, setFilter] = useState(props.segment?.filter ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      { id: props.segment?.id, name: name.trim(), filter: filter.trim() },
      {
        onSuccess: () => {
          setName('');
          setFilter('');
          props.onDone();
        },
      },
    );
  };
  return (
    <Paper withBorder p="md" radius="md" component="section">
      <form onSubmit={submit} data-testid="segment-form" noValidate>
        <Stack gap="sm" maw={560}>
          <Title order={2} size="h4">
            {props.segment
              ? t('segments.edit_title', { name: props.segment.name })
              : t('segments.create_title')}
          </Title>
          <TextInput
            label={t('segments.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-testid="segment-name"
          />
          <Textarea
            label={t('segments.filter')}
            description={t('segments.filter_hint')}
            value={filter}
            autosize
            minRows={2}
            onChange={(e) => setFilter(e.currentTarget.value)}
            data-testid="segment-filter"
          />
          <FormError error={save.error} context="segment" />
          <Group>
            <Button type="submit" loading={save.isPending} data-testid="segment-save">
              {props.segment ? t('segments.save') : t('segments.create')}
            </Button>
            {props.segment && (
              <Button variant="default" onClick={props.onDone} data-testid="segment-cancel">
                {t('segments.cancel')}
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
