import { Alert } from '@mantine/core';
import { type ErrorContext, errorText } from '../api/errors.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** A form's failure in words (errorText); renders nothing while there is none. */
export function FormError({ error, context }: { error: unknown; context?: ErrorContext }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <Alert color="red" role="alert" data-testid="form-error">
      {errorText(error, t, context)}
    </Alert>
  );
}
