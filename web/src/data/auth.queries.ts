import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { clearSession, readSession, saveSession } from '../api/session.ts';
import type { paths } from '../api/schema.d.ts';

type Body<P extends keyof paths> = paths[P] extends {
  post: { requestBody?: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

export type Me = NonNullable<
  paths['/api/auth/me']['get']['responses'][200]['content']['application/json']['data']
>;
export type Membership = Me['organizations'][number];
export type SignupBody = Body<'/api/auth/signup'>;

export const meKey = ['auth', 'me'] as const;

/** The signed-in user and their organizations (with the role in each); null when signed out. */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async () => {
      if (!readSession()) return null;
      return unwrap(await api.GET('/api/auth/me')).data;
    },
    retry: false,
  });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: Body<'/api/auth/login'>) =>
      unwrap(await api.POST('/api/auth/login', { body })).data,
    onSuccess: (data) => {
      saveSession(data);
      // Nothing cached before (a signed-out "me", another user's lists) may show now.
      client.clear();
    },
  });
}

/**
 * Without an invitation the API answers 202 and mails a link that finishes the sign-up
 * (`{ pending: true }`); with one it answers like a login and the user is signed in.
 */
export function useSignup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: SignupBody) => {
      const result = await api.POST('/api/auth/signup', { body });
      const answer = unwrap(result);
      if (!('data' in answer)) return { pending: true as const };
      const data = answer.data;
      saveSession(data);
      client.clear();
      return { pending: false as const, organizations: data.organizations };
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      // Ends the token on the server; the browser forgets it even when that call fails.
      try {
        await api.POST('/api/auth/logout');
      } finally {
        clearSession();
        client.clear();
      }
    },
  });
}

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: async (body: Body<'/api/auth/password-reset'>) =>
      unwrap(await api.POST('/api/auth/password-reset', { body })),
  });
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: async (body: Body<'/api/auth/password-reset/confirm'>) =>
      unwrap(await api.POST('/api/auth/password-reset/confirm', { body })),
  });
}
