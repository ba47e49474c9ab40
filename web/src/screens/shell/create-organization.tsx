import { Button, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { FormError } from '../../components/form-error.tsx';
import { useCreateOrganization } from '../../data/organizations.queries.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** The empty state of a user in no organization: create one (they become its Owner). */
export function CreateOrganization({ onCreated }: { onCreated: (orgId: number) => void }) {
  const { t } = useI18n();
  const create = useCreateOrganization();
  const [name, setName] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name.trim(), { onSuccess: (org) => onCreated(org.id) });
  };
  return (
    <Paper withBorder p="lg" radius="md" maw={520} data-testid="no-organization">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={1} size="h2">
            {t('org.none_title')}
          </Title>
          <Text>{t('org.none_body')}</Text>
          <TextInput
            label={t('org.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-testid="org-name"
          />
          <FormError error={create.error} context="org" />
          <Button type="submit" loading={create.isPending} data-testid="org-create">
            {t('org.create')}
          </Button>
        </Stack>
      </form>
    </Paper>
  );
}
