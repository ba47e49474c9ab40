import { Alert, Button, Group, NativeSelect, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import {
  type OpenRequestBody,
  type PrivacyRequest,
  useOpenPrivacyRequest,
} from '../../data/privacy.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { privacyErrorText } from './compliance-error.ts';

type RequestType = OpenRequestBody['type'];
type Regime = NonNullable<OpenRequestBody['regime']>;

/** Opens a request on receipt: the API records it and computes its legal deadline. */
export function PrivacyRequestForm(props: {
  propertyId: string;
  onOpened: (request: Omit<PrivacyRequest, 'overdue'>) => void;
}) {
  const { t } = useI18n();
  const openRequest = useOpenPrivacyRequest(props.propertyId);
  const [type, setType] = useState<RequestType>('export');
  const [player, setPlayer] = useState('');
  const [regime, setRegime] = useState<Regime>('gdpr');
  const [note, setNote] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    openRequest.mutate(
      { type, player_id: player.trim(), regime, ...(note.trim() && { note: note.trim() }) },
      {
        onSuccess: (request) => {
          setPlayer('');
          setNote('');
          props.onOpened(request);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="request-form">
      <Stack gap="sm">
        <Group align="end" wrap="wrap">
          <NativeSelect
            label={t('privacy.type')}
            value={type}
            data={(['export', 'delete'] as const).map((v) => ({
              value: v,
              label: t(`privacy.type.${v}`),
            }))}
            onChange={(event) => setType(event.currentTarget.value as RequestType)}
            data-testid="request-type"
          />
          <TextInput
            required
            label={t('privacy.player')}
            value={player}
            onChange={(event) => setPlayer(event.currentTarget.value)}
            data-testid="request-player"
            style={{ flex: '1 1 220px' }}
          />
          <NativeSelect
            label={t('privacy.regime')}
            value={regime}
            data={(['gdpr', 'ccpa'] as const).map((v) => ({
              value: v,
              label: t(`privacy.regime.${v}`),
            }))}
            onChange={(event) => setRegime(event.currentTarget.value as Regime)}
            data-testid="request-regime"
          />
        </Group>
        <TextInput
          label={t('privacy.note')}
          value={note}
          maxLength={500}
          onChange={(event) => setNote(event.currentTarget.value)}
          data-testid="request-note"
        />
        {openRequest.error && (
          <Alert color="red" role="alert" data-testid="request-error">
            {privacyErrorText(openRequest.error, t)}
          </Alert>
        )}
        <Group>
          <Button
            type="submit"
            loading={openRequest.isPending}
            disabled={!player.trim()}
            data-testid="request-create"
          >
            {t('privacy.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
