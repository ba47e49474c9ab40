import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';

export type Game =
  paths['/api/games']['get']['responses'][200]['content']['application/json']['data'][number];
export type GameTemplate = Game['template'];
export type GameStatus = Game['status'];
export type CreateGameBody =
  paths['/api/games']['post']['requestBody']['content']['application/json'];
export type UpdateGameBody =
  paths['/api/games/{id}']['patch']['requestBody']['content']['application/json'];

const gamesKey = (orgId: number) => ['games', orgId] as const;

/** The organization's games as the API shows them to the caller's role (Viewers: Active only). */
export function useGames(orgId: number) {
  return useQuery({
    queryKey: gamesKey(orgId),
    queryFn: async () =>
      unwrap(await api.GET('/api/games', { params: { query: { org_id: orgId } } })).data,
  });
}

/** Editor and above (the API answers 403 to the others); a game starts as a Draft unless told. */
export function useCreateGame() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreateGameBody) => unwrap(await api.POST('/api/games', { body })).data,
    onSuccess: (game) => client.invalidateQueries({ queryKey: gamesKey(game.org_id) }),
  });
}

/** Editor and above; `config` replaces the stored settings as a whole. */
export function useUpdateGame() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, ...body }: UpdateGameBody & { id: number }) =>
      unwrap(await api.PATCH('/api/games/{id}', { params: { path: { id } }, body })).data,
    onSuccess: (game) => client.invalidateQueries({ queryKey: gamesKey(game.org_id) }),
  });
}
