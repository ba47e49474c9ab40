import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { useI18n } from '../../i18n/i18n.tsx';

/**
 * The new key's secret, the only time it is shown: the API keeps only its hash, and this
 * modal keeps it in memory only, so closing or reloading the page loses it for good.
 */
export function ApiKeySecret({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <Modal
      opened={secret !== null}
      onClose={onClose}
      closeButtonProps={{ 'aria-label': t('keys.close') }}
      title={t('keys.secret_title')}
      closeOnClickOutside={false}
      size="lg"
    >
      <Stack data-testid="key-secret-modal">
        <Alert color="yellow" data-testid="key-secret-warning">
          {t('keys.secret_once')}
        </Alert>
        <Text size="sm">{t('keys.secret_use')}</Text>
        <Code block data-testid="key-secret" style={{ wordBreak: 'break-all' }}>
          {secret}
        </Code>
        <Group justify="space-between">
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => (
              <Button onClick={copy} data-testid="key-copy">
                {copied ? t('keys.copied') : t('keys.copy')}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onClose} data-testid="key-secret-done">
            {t('keys.secret_done')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
