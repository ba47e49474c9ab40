import { Alert, Badge, Box, Group, Select, Stack, Text } from '@mantine/core';
import { ApiError, errorText } from '../../api/errors.ts';
import type { Rendered } from '../../data/content.queries.ts';
import { usePlayers } from '../../data/players.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const PLAYER_PAGE = { filter: '', order: 'created_at.desc', limit: 100, offset: 0 };

/** Picks one of the property's newest 100 players to render a message for (none: empty fields). */
export function PlayerPicker(props: {
  propertyId: string;
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  const { t } = useI18n();
  const players = usePlayers(props.propertyId, PLAYER_PAGE);
  const data = (players.data?.players ?? []).map((p) => {
    const name = [p.first_name, p.last_name].filter(Boolean).join(' ');
    const label = [name, p.player_id ?? p.email].filter(Boolean).join(' · ');
    return { value: p.id, label: label || p.id };
  });
  return (
    <Select
      label={t('campaigns.preview_for')}
      placeholder={t('campaigns.preview_nobody')}
      data={data}
      value={props.value}
      onChange={props.onChange}
      searchable
      clearable
      nothingFoundMessage={t('campaigns.no_players')}
      data-testid="preview-player"
    />
  );
}

/**
 * A rendered message: an email's subject and HTML in a sandboxed frame (no script, no form, no
 * same-origin access: `sandbox=""`), or an SMS's text with its length and segment count.
 */
export function MessagePreview({ message }: { message: Rendered }) {
  const { t } = useI18n();
  if (message.channel === 'sms') {
    return (
      <Stack gap="xs" data-testid="preview-sms">
        <Box
          p="sm"
          bg="gray.1"
          style={{ borderRadius: 12, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
          data-testid="preview-text"
        >
          {message.text}
        </Box>
        <Group gap="xs">
          <Badge variant="light" c="dark" data-testid="preview-segments">
            {t('campaigns.sms_segments', { count: message.segments ?? 1 })}
          </Badge>
          <Text size="sm" c="dimmed" data-testid="preview-length">
            {t('campaigns.sms_length', {
              length: message.length ?? message.text.length,
              encoding: message.encoding === 'ucs2' ? 'UCS-2' : 'GSM-7',
              single: message.single_segment ?? 160,
              per: message.per_segment ?? 153,
            })}
          </Text>
        </Group>
      </Stack>
    );
  }
  return (
    <Stack gap="xs" data-testid="preview-email">
      <Text size="sm">
        <Text span fw={700}>
          {t('content.subject')}:
        </Text>{' '}
        <span data-testid="preview-subject">{message.subject}</span>
      </Text>
      <iframe
        title={t('campaigns.preview_frame')}
        sandbox=""
        srcDoc={message.html ?? ''}
        data-testid="preview-frame"
        style={{ width: '100%', height: 420, border: '1px solid #dee2e6', borderRadius: 8 }}
      />
      {message.warnings && message.warnings.length > 0 && (
        <Alert color="yellow" data-testid="preview-warnings">
          {t('content.warnings', { count: message.warnings.length })}
        </Alert>
      )}
    </Stack>
  );
}

/**
 * A render refused by the API, in words, with the field and line it names (400 details); a
 * campaign's 409 means its template was deleted.
 */
export function RenderError({ error }: { error: unknown }) {
  const { t } = useI18n();
  const details = error instanceof ApiError ? error.details : {};
  const line = typeof details.line === 'number' ? details.line : null;
  const field =
    details.field === 'subject' || details.field === 'text_body' || details.field === 'body'
      ? details.field
      : null;
  return (
    <Alert color="red" role="alert" data-testid="render-error">
      {error instanceof ApiError && error.status === 409
        ? t('campaigns.error.no_template')
        : errorText(error, t)}
      {field && line !== null && (
        <Text size="sm" mt={4} data-testid="render-error-where">
          {t('content.error_where', { field: t(`content.field.${field}`), line })}
        </Text>
      )}
    </Alert>
  );
}
