import { useLocalStorage } from '@mantine/hooks';

/**
 * The organization and property the user works in, kept in this browser. Only a choice of
 * what to show: every request still names the organization and the API checks the membership.
 */
export function useWorkspace() {
  const [orgId, setOrgId] = useLocalStorage<number | null>({
    key: 'playloop.org',
    defaultValue: null,
  });
  const [propertyId, setPropertyId] = useLocalStorage<string | null>({
    key: 'playloop.property',
    defaultValue: null,
  });
  return { orgId, setOrgId, propertyId, setPropertyId };
}
