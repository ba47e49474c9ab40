import { Alert, Button, Group, Modal, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import {
  type PrivacyRequest,
  useDeletePlayerData,
  useExtendPrivacyRequest,
} from '../../data/privacy.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { privacyErrorText } from './compliance-error.ts';

/**
 * Answers a delete request: the erasure is irreversible, so it waits until the player's ID is
 * typed exactly.
 */
export function EraseRequest(props: {
  propertyId: string;
  request: PrivacyRequest | null;
  /** What must be typed: the casino's player ID, else PlayLoop's id. */
  confirmId: string;
  name: string;
  onClose: () => void;
  onErased: (name: string) => void;
}) {
  const { t } = useI18n();
  const erase = useDeletePlayerData(props.propertyId);
  const [typed, setTyped] = useState('');
  const close = () => {
    setTyped('');
    erase.reset();
    props.onClose();
  };
  const request = props.request;
  return (
    <Modal
      opened={request !== null}
      onClose={close}
      closeButtonProps={{ 'aria-label': t('privacy.close') }}
      title={t('privacy.erase_title', { name: props.name })}
    >
      {request?.player_id && (
        <Stack>
          <Text>{t('privacy.erase_body')}</Text>
          <TextInput
            label={t('privacy.erase_confirm_label', { id: props.confirmId })}
            value={typed}
            autoComplete="off"
            onChange={(event) => setTyped(event.currentTarget.value)}
            data-testid="erase-confirm-input"
          />
          {erase.error && (
            <Alert color="red" role="alert" data-testid="erase-error">
              {privacyErrorText(erase.error, t)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('privacy.cancel')}
            </Button>
            <Button
              color="red"
              disabled={typed.trim() !== props.confirmId}
              loading={erase.isPending}
              onClick={() =>
                erase.mutate(
                  { request_id: request.id, player_id: request.player_id ?? '' },
                  {
                    onSuccess: () => {
                      setTyped('');
                      props.onErased(props.name);
                    },
                  },
                )
              }
              data-testid="erase-confirm"
            >
              {t('privacy.erase_confirm')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** Extends a request's deadline once, with the reason the subject is told. */
export function ExtendRequest(props: {
  propertyId: string;
  request: PrivacyRequest | null;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const extend = useExtendPrivacyRequest(props.propertyId);
  const [reason, setReason] = useState('');
  const close = () => {
    setReason('');
    extend.reset();
    props.onClose();
  };
  const request = props.request;
  return (
    <Modal
      opened={request !== null}
      onClose={close}
      closeButtonProps={{ 'aria-label': t('privacy.close') }}
      title={t('privacy.extend_title')}
    >
      {request && (
        <Stack>
          <Text>{t('privacy.extend_body')}</Text>
          <Textarea
            label={t('privacy.extend_reason')}
            value={reason}
            maxLength={500}
            autosize
            minRows={2}
            onChange={(event) => setReason(event.currentTarget.value)}
            data-testid="extend-reason"
          />
          {extend.error && (
            <Alert color="red" role="alert" data-testid="extend-error">
              {privacyErrorText(extend.error, t)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('privacy.cancel')}
            </Button>
            <Button
              disabled={!reason.trim()}
              loading={extend.isPending}
              onClick={() =>
                extend.mutate({ id: request.id, reason: reason.trim() }, { onSuccess: close })
              }
              data-testid="extend-save"
            >
              {t('privacy.extend_save')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
