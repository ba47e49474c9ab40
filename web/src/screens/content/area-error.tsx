import { Alert } from '@mantine/core';
import { ApiError } from '../../api/errors.ts';
import { FormError } from '../../components/form-error.tsx';
import { type MessageKey, useI18n } from '../../i18n/i18n.tsx';

/**
 * A form's failure in words: a 409 says what it means on this form (`conflict`, a word of the
 * campaigns dictionary: errors.ts has no context for templates or campaigns); anything else is
 * errorText's, through FormError.
 */
export function AreaError({ error, conflict }: { error: unknown; conflict: MessageKey }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.status === 409) {
    return (
      <Alert color="red" role="alert" data-testid="form-error">
        {t(conflict)}
      </Alert>
    );
  }
  return <FormError error={error} />;
}
