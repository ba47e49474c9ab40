import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

type MembersPath = paths['/api/organizations/{orgId}/members'];
type InvitationsPath = paths['/api/organizations/{orgId}/invitations'];

/** A member (`Active`) or a pending invitation (`Pending`, no `user_id`). */
export type Member =
  MembersPath['get']['responses'][200]['content']['application/json']['data'][number];
export type Role = Member['role'];
export type InviteBody = InvitationsPath['post']['requestBody']['content']['application/json'];
export type InvitableRole = InviteBody['role'];
export type MemberRemoved =
  paths['/api/organizations/{orgId}/members/{userId}']['delete']['responses'][200]['content']['application/json']['data'];

/** Most powerful first, as the API ranks them. */
export const ROLES: readonly Role[] = ['Owner', 'Admin', 'Editor', 'Analyst', 'Viewer'];
/** Owner is never invited: a member is promoted instead. */
export const INVITABLE_ROLES: readonly InvitableRole[] = ['Admin', 'Editor', 'Analyst', 'Viewer'];

const membersKey = (orgId: number) => ['members', orgId] as const;

/** Members first (oldest first), then pending invitations; any member may list. */
export function useMembers(orgId: number) {
  return useQuery({
    queryKey: membersKey(orgId),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/organizations/{orgId}/members', {
          params: { path: { orgId } },
        }),
      ).data,
  });
}

/** Admin or higher; roles up to the caller's own (the API answers 403 / 409 otherwise). */
export function useChangeRole(orgId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { userId: number; role: Role }) =>
      unwrap(
        await api.PATCH('/api/organizations/{orgId}/members/{userId}', {
          params: { path: { orgId, userId: input.userId } },
          body: { role: input.role },
        }),
      ).data,
    onSuccess: () => client.invalidateQueries({ queryKey: membersKey(orgId) }),
  });
}

/** Removes a member (or the caller leaving); answers the keys they created, still working. */
export function useRemoveMember(orgId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (userId: number) =>
      unwrap(
        await api.DELETE('/api/organizations/{orgId}/members/{userId}', {
          params: { path: { orgId, userId } },
        }),
      ).data,
    onSuccess: () => client.invalidateQueries({ queryKey: membersKey(orgId) }),
  });
}

/** Mails an accept link; inviting the same address again re-sends it (the old link stops). */
export function useInvite(orgId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: InviteBody) =>
      unwrap(
        await api.POST('/api/organizations/{orgId}/invitations', {
          params: { path: { orgId } },
          body,
        }),
      ).data,
    onSuccess: () => client.invalidateQueries({ queryKey: membersKey(orgId) }),
  });
}

/** Revokes a pending invitation for good (its link answers 410). */
export function useRevokeInvitation(orgId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(
        await api.DELETE('/api/organizations/{orgId}/invitations/{id}', {
          params: { path: { orgId, id } },
        }),
      ).data,
    onSuccess: () => client.invalidateQueries({ queryKey: membersKey(orgId) }),
  });
}
