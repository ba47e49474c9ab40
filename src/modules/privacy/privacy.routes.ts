import type { Deps } from '../../deps.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import type { App } from '../../http/types.ts';
import {
  ExportBundle,
  PrivacyRequestBody,
  PrivacyRequestList,
  PrivacyRequestOne,
  PrivacyRequestQuery,
} from './privacy.schemas.ts';
import { deletePlayerData, exportPlayerData, listPrivacyRequests } from './privacy.service.ts';

const tags = ['Privacy requests'];
const security = propertySecurity;

/** GDPR / CCPA requests of a data subject, as PlayerOS-style `/api/functions/*` endpoints. */
export function privacyRoutes(app: App, deps: Deps): void {
  const read = requirePropertyAccess(deps, 'read');
  const write = requirePropertyAccess(deps, 'write');

  app.post(
    '/api/functions/export-player-data',
    {
      onRequest: write,
      schema: {
        operationId: 'privacyRequests.export',
        summary: "Export a player's data (access / portability request)",
        description:
          'Answers everything PlayLoop holds about one player of the property as one JSON bundle (GDPR Art. 15 and 20, CCPA right to know), and records the request as completed with the rows exported by kind. ' +
          "`player_id` takes PlayLoop's id or the casino's player_id, as `GET /api/players/{id}`. " +
          'Each kind carries at most 10,000 rows (`truncated`, `truncated_kinds`). Write scope: an export is a recorded request. ' +
          "Another property's player is 404.",
        tags,
        security,
        headers: PropertyHeaders,
        body: PrivacyRequestBody,
        response: { 200: ExportBundle, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const { player_id, regime, note } = request.body;
      const data = await exportPlayerData(deps, currentProperty(request).id, {
        player: player_id,
        regime,
        note,
      });
      return { success: true as const, data };
    },
  );

  app.post(
    '/api/functions/delete-player-data',
    {
      onRequest: write,
      schema: {
        operationId: 'privacyRequests.delete',
        summary: "Erase a player's data (erasure / delete request)",
        description:
          'Erases the player in one transaction (GDPR Art. 17, CCPA delete), partially as gambling regulation requires: ' +
          'deletes the profile, its timeline, subscription memberships, contact log, the player.* events about it and the webhook messages that carried them; ' +
          'keeps consent records and compliance decisions (kept under a legal obligation; they name the player by id only); ' +
          "writes SHA-256 suppression hashes of the player's email, phone and casino id (reason `erased`, and `self_excluded` for a self-excluded player) so a re-created player is still suppressed. " +
          'The deletion writes a player.deleted event, which webhook subscribers receive. Answers the completed request with the rows deleted and kept by kind. ' +
          "Irreversible. Another property's player is 404.",
        tags,
        security,
        headers: PropertyHeaders,
        body: PrivacyRequestBody,
        response: { 200: PrivacyRequestOne, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const { player_id, regime, note } = request.body;
      const data = await deletePlayerData(deps, currentProperty(request).id, {
        player: player_id,
        regime,
        note,
      });
      return { success: true as const, data };
    },
  );

  app.get(
    '/api/functions/privacy-requests',
    {
      onRequest: read,
      schema: {
        operationId: 'privacyRequests.list',
        summary: 'List the privacy requests of the property',
        description:
          'Export and delete requests, newest first, with their deadlines and completion proof. Records of erased players name them by `subject_hash` only.',
        tags,
        security,
        headers: PropertyHeaders,
        querystring: PrivacyRequestQuery,
        response: { 200: PrivacyRequestList, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const data = await listPrivacyRequests(
        deps,
        currentProperty(request).id,
        request.query.limit ?? 100,
      );
      return { success: true as const, data };
    },
  );
}
