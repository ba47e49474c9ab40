import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * A new endpoint's signing secret, the only time it is shown (the API never lists it again):
 * the receiver checks each delivery's `webhook-signature` with it.
 */
export function WebhookSecret({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal
      opened={secret !== null}
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('webhooks.close') }}
      title={t('webhooks.secret_title')}
      closeOnClickOutside={false}
      size="lg"
    >
      <Stack data-testid="webhook-secret-modal">
        <Alert color="yellow">{t('webhooks.secret_once')}</Alert>
        <Text size="sm">{t('webhooks.secret_use')}</Text>
        <Code block data-testid="webhook-secret" style={{ wordBreak: 'break-all' }}>
          {secret}
        </Code>
        <Group justify="space-between">
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Button onClick={copy} data-testid="webhook-copy">
                {copied ? t('webhooks.copied') : t('webhooks.copy')}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onClose} data-testid="webhook-secret-done">
            {t('webhooks.secret_done')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
