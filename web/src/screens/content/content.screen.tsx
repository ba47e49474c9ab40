import {
  Alert,
  Badge,
  Button,
  Grid,
  Group,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { errorText } from '../../api/errors.ts';
import { FormError } from '../../components/form-error.tsx';
import { ScrollTable } from '../../components/scroll-table.tsx';
import {
  type Channel,
  type RenderBody,
  type Template,
  useDeleteTemplate,
  useRenderTemplate,
  useSaveTemplate,
  useTemplates,
} from '../../data/content.queries.ts';
import { useGames } from '../../data/games.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { PropertyScreen } from '../shell/property-screen.tsx';
import { AreaError } from './area-error.tsx';
import { MessagePreview, PlayerPicker, RenderError } from './message-preview.tsx';

const EMAIL_STARTER = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hi {{ player.first_name | default: "friend" }},</mj-text>
        <mj-text>We have something for you.</mj-text>
        <mj-text font-size="11px" color="#555555">{{ property.postal_address }} · <a href="{% unsubscribe_url %}">Unsubscribe</a></mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
const SMS_STARTER = 'Hi {{ player.first_name | default: "friend" }}! Reply STOP to opt out.';

/** The property's email and SMS templates; Editors and above also write them. */
export function ContentScreen(ctx: ShellContext) {
  const { t } = useI18n();
  return (
    <PropertyScreen ctx={ctx} name="content" title={t('content.title')}>
      {(scope) => <Content {...scope} />}
    </PropertyScreen>
  );
}

function Content(props: { orgId: number; propertyId: string; editor: boolean }) {
  const { t } = useI18n();
  const templates = useTemplates(props.propertyId);
  const remove = useDeleteTemplate(props.propertyId);
  // null: nothing open; 'new': the create form; else the open template's id.
  const [open, setOpen] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  // A new editor (fresh fields) only when the user opens one, not when a save updates the list.
  const [editorKey, setEditorKey] = useState(0);
  const show = (id: string) => {
    setOpen(id);
    setEditorKey((k) => k + 1);
  };
  const current = templates.data?.find((x) => x.id === open) ?? null;

  return (
    <>
      <Paper withBorder p="md" radius="md" component="section">
        <Stack gap="sm">
          <Group justify="space-between">
            <Text size="sm" maw={640}>
              {t('content.intro')}
            </Text>
            {props.editor && (
              <Button onClick={() => show('new')} data-testid="template-new">
                {t('content.new')}
              </Button>
            )}
          </Group>
          {remove.error ? <FormError error={remove.error} /> : null}
          {templates.error ? (
            <Text c="red">{errorText(templates.error, t)}</Text>
          ) : !templates.data ? (
            <Text>{t('common.loading')}</Text>
          ) : templates.data.length === 0 ? (
            <Text data-testid="templates-empty">
              {t(props.editor ? 'content.empty_edit' : 'content.empty_view')}
            </Text>
          ) : (
            <ScrollTable label={t('content.title')} minWidth={560}>
              <Table data-testid="templates-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('content.name')}</Table.Th>
                    <Table.Th>{t('content.channel')}</Table.Th>
                    <Table.Th>{t('content.subject')}</Table.Th>
                    <Table.Th>{t('content.actions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {templates.data.map((template) => (
                    <Table.Tr key={template.id} data-testid="template-row">
                      <Table.Td>{template.name}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" c="dark">
                          {t(`content.channel.${template.channel}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{template.subject ?? '—'}</Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Button
                            size="xs"
                            variant="default"
                            data-testid="template-open"
                            aria-label={t(
                              props.editor ? 'content.edit_named' : 'content.view_named',
                              {
                                name: template.name,
                              },
                            )}
                            onClick={() => show(template.id)}
                          >
                            {t(props.editor ? 'content.edit' : 'content.view')}
                          </Button>
                          {props.editor &&
                            (confirming === template.id ? (
                              <Button
                                size="xs"
                                color="red"
                                loading={remove.isPending}
                                data-testid="template-delete-confirm"
                                onClick={() =>
                                  remove.mutate(template.id, {
                                    onSettled: () => setConfirming(null),
                                    onSuccess: () => open === template.id && setOpen(null),
                                  })
                                }
                              >
                                {t('content.delete_confirm', { name: template.name })}
                              </Button>
                            ) : (
                              <Button
                                size="xs"
                                variant="default"
                                color="red"
                                data-testid="template-delete"
                                aria-label={t('content.delete_named', { name: template.name })}
                                onClick={() => {
                                  remove.reset();
                                  setConfirming(template.id);
                                }}
                              >
                                {t('content.delete')}
                              </Button>
                            ))}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollTable>
          )}
        </Stack>
      </Paper>
      {(open === 'new' || current) && (
        <TemplateEditor
          key={editorKey}
          orgId={props.orgId}
          propertyId={props.propertyId}
          template={current}
          editor={props.editor}
          onSaved={(id) => setOpen(id)}
          onClose={() => setOpen(null)}
        />
      )}
    </>
  );
}

/** One template's fields beside its live preview for a chosen player (render-template). */
function TemplateEditor(props: {
  orgId: number;
  propertyId: string;
  template: Template | null;
  editor: boolean;
  onSaved: (id: string) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const save = useSaveTemplate(props.propertyId);
  const games = useGames(props.orgId);
  const [name, setName] = useState(props.template?.name ?? '');
  const [channel, setChannel] = useState<Channel>(props.template?.channel ?? 'email');
  const [subject, setSubject] = useState(props.template?.subject ?? '');
  const [body, setBody] = useState(props.template?.body ?? EMAIL_STARTER);
  const [textBody, setTextBody] = useState(props.template?.text_body ?? '');
  const [game, setGame] = useState<string | null>(null);
  const [player, setPlayer] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const readOnly = !props.editor;

  const source: RenderBody | null = body.trim()
    ? {
        channel,
        body,
        ...(channel === 'email' && subject.trim() && { subject }),
        ...(channel === 'email' && textBody.trim() && { text_body: textBody }),
        ...(player && { player_id: player }),
      }
    : null;
  const [debounced] = useDebouncedValue(source, 500);
  const rendered = useRenderTemplate(props.propertyId, debounced);

  const switchChannel = (next: Channel) => {
    setChannel(next);
    // A starter that was not changed follows the channel.
    if (body === EMAIL_STARTER || body === SMS_STARTER || !body.trim()) {
      setBody(next === 'email' ? EMAIL_STARTER : SMS_STARTER);
    }
  };

  const insertGameLink = () => {
    if (!game) return;
    setBody((current) => {
      if (channel === 'sms')
        return `${current.trimEnd()} {% game_link game: ${game}, short: true %}`;
      const button = `        <mj-button href="{% game_link game: ${game} %}">${t('content.play_button')}</mj-button>\n`;
      const at = current.indexOf('</mj-column>');
      if (at === -1) return `${current}\n${button}`;
      // On a line of its own before the column's end; just before it when they share a line.
      const lineStart = current.lastIndexOf('\n', at) + 1;
      if (current.slice(lineStart, at).trim() === '') {
        return current.slice(0, lineStart) + button + current.slice(lineStart);
      }
      return `${current.slice(0, at)}\n${button}${current.slice(at)}`;
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    save.mutate(
      {
        id: props.template?.id,
        version: props.template?.version,
        name: name.trim(),
        channel,
        subject: channel === 'email' ? subject : undefined,
        body,
        text_body: channel === 'email' ? textBody : undefined,
      },
      {
        onSuccess: (template) => {
          setSaved(true);
          props.onSaved(template.id);
        },
      },
    );
  };

  const activeGames = (games.data ?? []).map((g) => ({ value: String(g.id), label: g.title }));

  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Paper withBorder p="md" radius="md" component="section">
          <form onSubmit={submit} noValidate data-testid="template-form">
            <Stack gap="sm">
              <Title order={2} size="h4">
                {props.template
                  ? t(readOnly ? 'content.view_title' : 'content.edit_title', {
                      name: props.template.name,
                    })
                  : t('content.create_title')}
              </Title>
              <TextInput
                label={t('content.name')}
                required
                readOnly={readOnly}
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                data-testid="template-name"
              />
              <div>
                <Text size="sm" fw={500} id="template-channel-label" mb={4}>
                  {t('content.channel')}
                </Text>
                <SegmentedControl
                  aria-labelledby="template-channel-label"
                  disabled={props.template !== null}
                  value={channel}
                  onChange={(value) => switchChannel(value === 'sms' ? 'sms' : 'email')}
                  data={[
                    { value: 'email', label: t('content.channel.email') },
                    { value: 'sms', label: t('content.channel.sms') },
                  ]}
                  data-testid="template-channel"
                />
              </div>
              {channel === 'email' && (
                <TextInput
                  label={t('content.subject')}
                  required
                  readOnly={readOnly}
                  value={subject}
                  onChange={(e) => setSubject(e.currentTarget.value)}
                  data-testid="template-subject"
                />
              )}
              <Textarea
                label={t(channel === 'email' ? 'content.body_email' : 'content.body_sms')}
                description={t('content.body_hint')}
                required
                readOnly={readOnly}
                autosize
                minRows={channel === 'email' ? 10 : 3}
                maxRows={24}
                value={body}
                onChange={(e) => setBody(e.currentTarget.value)}
                styles={{ input: { fontFamily: 'monospace', fontSize: 13 } }}
                data-testid="template-body"
              />
              {channel === 'email' && (
                <Textarea
                  label={t('content.text_body')}
                  description={t('content.text_body_hint')}
                  readOnly={readOnly}
                  autosize
                  minRows={2}
                  value={textBody}
                  onChange={(e) => setTextBody(e.currentTarget.value)}
                  data-testid="template-text-body"
                />
              )}
              {!readOnly && (
                <Group align="end" gap="xs">
                  <Select
                    label={t('content.game_link')}
                    description={t('content.game_link_hint')}
                    placeholder={t(activeGames.length ? 'content.pick_game' : 'content.no_games')}
                    data={activeGames}
                    value={game}
                    onChange={setGame}
                    data-testid="template-game"
                    style={{ flex: 1, minWidth: 200 }}
                  />
                  <Button
                    variant="default"
                    disabled={!game}
                    onClick={insertGameLink}
                    data-testid="template-insert-game"
                  >
                    {t('content.insert')}
                  </Button>
                </Group>
              )}
              <AreaError error={save.error} conflict="content.error.conflict" />
              {saved && !save.isPending && (
                <Alert color="green" role="status" data-testid="template-saved">
                  {t('content.saved')}
                </Alert>
              )}
              <Group>
                {!readOnly && (
                  <Button type="submit" loading={save.isPending} data-testid="template-save">
                    {t(props.template ? 'content.save' : 'content.create')}
                  </Button>
                )}
                <Button variant="default" onClick={props.onClose} data-testid="template-close">
                  {t('content.close')}
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Paper withBorder p="md" radius="md" component="section" aria-labelledby="preview-title">
          <Stack gap="sm">
            <Title order={2} size="h4" id="preview-title">
              {t('content.preview')}
            </Title>
            <PlayerPicker propertyId={props.propertyId} value={player} onChange={setPlayer} />
            {rendered.error ? (
              <RenderError error={rendered.error} />
            ) : rendered.data ? (
              <MessagePreview message={rendered.data} />
            ) : (
              <Text c="dimmed">{t(source ? 'common.loading' : 'content.preview_empty')}</Text>
            )}
          </Stack>
        </Paper>
      </Grid.Col>
    </Grid>
  );
}
