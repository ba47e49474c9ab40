import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';

/** Joins the inviting organization as the signed-in user (the invitation names the role). */
export function useAcceptInvitation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (token: string) =>
      unwrap(await api.POST('/api/invitations/accept', { body: { token } })).data,
    onSuccess: () => client.invalidateQueries(),
  });
}
