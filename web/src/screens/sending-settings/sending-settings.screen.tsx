import {
  Alert,
  Badge,
  Button,
  Group,
  NativeSelect,
  Paper,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, type ReactNode, useState } from 'react';
import { FormError } from '../../components/form-error.tsx';
import {
  type SendingSettings,
  type SendingSettingsChange,
  useSaveSendingSettings,
  useSendingSettings,
} from '../../data/sending-settings.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ShellContext } from '../shell/app-shell.tsx';
import { PropertyScreen } from '../shell/property-screen.tsx';
import { QueryState } from '../../components/query-state.tsx';

/**
 * What the pre-send check needs from the property before marketing goes out: the postal
 * address every marketing email carries, the minimum age and daily caps, the SMS program and
 * its carrier account. Editors and above change them; the others read them.
 */
export function SendingSettingsScreen(ctx: ShellContext) {
  const { t } = useI18n();
  return (
    <PropertyScreen ctx={ctx} name="sending" title={t('sending.title')}>
      {(scope) => (
        <>
          <Text>{t('sending.intro')}</Text>
          <Settings propertyId={scope.propertyId} editor={scope.editor} />
        </>
      )}
    </PropertyScreen>
  );
}

function Settings({ propertyId, editor }: { propertyId: string; editor: boolean }) {
  const settings = useSendingSettings(propertyId);
  return (
    <QueryState query={settings}>
      {(data) => <SettingsForm propertyId={propertyId} editor={editor} saved={data} />}
    </QueryState>
  );
}

/** The form's fields as typed; '' is "none" for the fields that may be empty. */
type Draft = Record<(typeof TEXT_FIELDS)[number] | (typeof NUMBER_FIELDS)[number], string> & {
  revocation_scope: SendingSettings['revocation_scope'];
};
const TEXT_FIELDS = [
  'postal_address',
  'unsubscribe_url',
  'sms_program_name',
  'sms_help_text',
  'sms_account_sid',
  'sms_from',
  'sms_messaging_service_sid',
] as const;
const NUMBER_FIELDS = [
  'minimum_age',
  'cap_email_per_day',
  'cap_sms_per_day',
  'cap_total_per_day',
] as const;

function toDraft(saved: SendingSettings): Draft {
  const draft = { revocation_scope: saved.revocation_scope } as Draft;
  for (const field of TEXT_FIELDS) draft[field] = saved[field] ?? '';
  for (const field of NUMBER_FIELDS)
    draft[field] = saved[field] === null ? '' : String(saved[field]);
  return draft;
}

/** Only what changed goes to the API (PATCH); the auth token only when one was typed. */
function changes(saved: SendingSettings, draft: Draft, token: string): SendingSettingsChange {
  const body: Record<string, unknown> = {};
  for (const field of TEXT_FIELDS) {
    const value = draft[field].trim() || null;
    if (value !== saved[field]) body[field] = value;
  }
  for (const field of NUMBER_FIELDS) {
    const value = draft[field].trim() === '' ? null : Number(draft[field]);
    if (value !== saved[field]) body[field] = value;
  }
  if (draft.revocation_scope !== saved.revocation_scope) {
    body.revocation_scope = draft.revocation_scope;
  }
  if (token) body.sms_auth_token = token;
  return body;
}

function SettingsForm(props: { propertyId: string; editor: boolean; saved: SendingSettings }) {
  const { t } = useI18n();
  const save = useSaveSendingSettings(props.propertyId);
  const [draft, setDraft] = useState(() => toDraft(props.saved));
  const [token, setToken] = useState('');
  const [done, setDone] = useState(false);
  const body = changes(props.saved, draft, token);
  const dirty = Object.keys(body).length > 0;
  const readOnly = !props.editor;

  const text = (field: keyof Draft) => ({
    value: draft[field],
    readOnly,
    'data-testid': `sending-${field.replaceAll('_', '-')}`,
    onChange: (event: { currentTarget: { value: string } }) => {
      const value = event.currentTarget.value;
      setDone(false);
      setDraft((d) => ({ ...d, [field]: value }));
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!dirty) return;
    save.mutate(body, {
      onSuccess: (saved) => {
        setDraft(toDraft(saved));
        setToken('');
        setDone(true);
      },
    });
  };

  return (
    <form onSubmit={submit} data-testid="sending-form" noValidate>
      <Stack>
        {!props.saved.postal_address && (
          <Alert color="yellow" data-testid="sending-no-address">
            {t('sending.no_address')}
          </Alert>
        )}
        {readOnly && <Text data-testid="sending-read-only">{t('sending.read_only')}</Text>}
        <Section title={t('sending.email')}>
          <Textarea
            label={t('sending.postal_address')}
            description={t('sending.postal_address_hint')}
            autosize
            minRows={2}
            {...text('postal_address')}
          />
          <TextInput
            label={t('sending.unsubscribe_url')}
            description={t('sending.unsubscribe_url_hint')}
            {...text('unsubscribe_url')}
          />
        </Section>
        <Section title={t('sending.limits')}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              type="number"
              label={t('sending.minimum_age')}
              description={t('sending.minimum_age_hint')}
              {...text('minimum_age')}
            />
            <TextInput
              type="number"
              label={t('sending.cap_total')}
              description={t('sending.cap_hint')}
              {...text('cap_total_per_day')}
            />
            <TextInput
              type="number"
              label={t('sending.cap_email')}
              description={t('sending.cap_hint')}
              {...text('cap_email_per_day')}
            />
            <TextInput
              type="number"
              label={t('sending.cap_sms')}
              description={t('sending.cap_hint')}
              {...text('cap_sms_per_day')}
            />
          </SimpleGrid>
        </Section>
        <Section title={t('sending.sms')}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('sending.sms_program_name')} {...text('sms_program_name')} />
            <NativeSelect
              label={t('sending.revocation_scope')}
              data-testid="sending-revocation-scope"
              disabled={readOnly}
              value={draft.revocation_scope}
              data={[
                { value: 'program', label: t('sending.scope.program') },
                { value: 'sender', label: t('sending.scope.sender') },
              ]}
              onChange={(event) => {
                const value = event.currentTarget.value as Draft['revocation_scope'];
                setDone(false);
                setDraft((d) => ({ ...d, revocation_scope: value }));
              }}
            />
          </SimpleGrid>
          <Textarea
            label={t('sending.sms_help_text')}
            description={t('sending.sms_help_text_hint')}
            autosize
            minRows={2}
            {...text('sms_help_text')}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('sending.sms_account_sid')} {...text('sms_account_sid')} />
            <TextInput
              label={t('sending.sms_from')}
              description={t('sending.sms_from_hint')}
              {...text('sms_from')}
            />
            <TextInput
              label={t('sending.sms_messaging_service_sid')}
              {...text('sms_messaging_service_sid')}
            />
            <Stack gap={4}>
              <PasswordInput
                label={t('sending.sms_auth_token')}
                description={t('sending.sms_auth_token_hint')}
                value={token}
                readOnly={readOnly}
                autoComplete="new-password"
                data-testid="sending-sms-auth-token"
                onChange={(event) => {
                  setDone(false);
                  setToken(event.currentTarget.value);
                }}
              />
              <Badge
                variant="light"
                color={props.saved.sms_auth_token_set ? 'green' : 'gray'}
                data-testid="sending-token-state"
              >
                {props.saved.sms_auth_token_set
                  ? t('sending.token_set')
                  : t('sending.token_not_set')}
              </Badge>
            </Stack>
          </SimpleGrid>
        </Section>
        <FormError error={save.error} />
        {done && (
          <Alert color="green" data-testid="sending-saved">
            {t('sending.saved')}
          </Alert>
        )}
        {props.editor && (
          <Group>
            <Button
              type="submit"
              disabled={!dirty}
              loading={save.isPending}
              data-testid="sending-save"
            >
              {t('sending.save')}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" component="section">
      <Stack gap="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}
