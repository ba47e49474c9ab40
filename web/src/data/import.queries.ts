import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, unwrap } from '../api/client.ts';
import type { paths } from '../api/schema.d.ts';
import { propertyHeader } from './players.queries.ts';

export type BatchResult =
  paths['/api/players/batch']['post']['responses'][200]['content']['application/json']['data'];

/** Rows per call of the batch upsert: small enough that a file shows its progress as it goes. */
export const IMPORT_BATCH = 250;

/**
 * One batch of an import: `POST /api/players/batch` (write scope), which creates or updates by
 * player_id and reports each bad row in `errors` while the others are applied. The API has no
 * CSV import job of its own, so the screen reads the file and sends it batch by batch.
 */
export function useImportBatch(propertyId: string) {
  const client = useQueryClient();
  const send = useCallback(
    async (players: object[]): Promise<BatchResult> =>
      unwrap(
        await api.POST('/api/players/batch', {
          params: { header: propertyHeader(propertyId) },
          body: { players },
        }),
      ).data,
    [propertyId],
  );
  // After the last batch the players list and counts are stale.
  const done = useCallback(
    () => client.invalidateQueries({ queryKey: ['players', propertyId] }),
    [client, propertyId],
  );
  return { send, done };
}
