import { Alert, Button, Loader, Stack } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { errorText } from '../api/errors.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** A query's three states: loading, its failure in words with a retry, else `children(data)`. */
export function QueryState<T>(props: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
}) {
  const { t } = useI18n();
  const { query } = props;
  if (query.isPending) return <Loader aria-label={t('common.loading')} />;
  if (query.isError) {
    return (
      <Stack align="flex-start">
        <Alert color="red" role="alert" data-testid="load-error">
          {errorText(query.error, t)}
        </Alert>
        <Button variant="default" onClick={() => void query.refetch()}>
          {t('common.retry')}
        </Button>
      </Stack>
    );
  }
  return props.children(query.data);
}
