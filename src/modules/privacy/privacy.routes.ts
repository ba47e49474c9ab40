import type { Deps } from '../../deps.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import { errorResponses } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  ExportBundle,
  ExtendPrivacyRequestBody,
  OpenPrivacyRequestBody,
  PrivacyRequestBody,
  PrivacyRequestList,
  PrivacyRequestOne,
  PrivacyRequestQuery,
} from './privacy.schemas.ts';
import { extendPrivacyRequest, openPrivacyRequest } from './privacy.requests.ts';
import { deletePlayerData, exportPlayerData, listPrivacyRequests } from './privacy.service.ts';

const tags = ['Privacy requests'];
const security = propertySecurity;
const conflict = errorResponses(409);
const WITH_REQUEST =
  'With `request_id`, completes that opened request (same type and player, else 409) instead of recording a new one. ';

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
          WITH_REQUEST +
          "Another property's player or request is 404.",
        tags,
        security,
        headers: PropertyHeaders,
        body: PrivacyRequestBody,
        response: { 200: ExportBundle, ...propertyAuthErrors, ...conflict },
      },
    },
    async (request) => {
      const { player_id, regime, note, request_id } = request.body;
      const data = await exportPlayerData(deps, currentProperty(request).id, {
        player: player_id,
        regime,
        note,
        requestId: request_id,
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
          WITH_REQUEST +
          "Irreversible. Another property's player or request is 404.",
        tags,
        security,
        headers: PropertyHeaders,
        body: PrivacyRequestBody,
        response: { 200: PrivacyRequestOne, ...propertyAuthErrors, ...conflict },
      },
    },
    async (request) => {
      const { player_id, regime, note, request_id } = request.body;
      const data = await deletePlayerData(deps, currentProperty(request).id, {
        player: player_id,
        regime,
        note,
        requestId: request_id,
      });
      return { success: true as const, data };
    },
  );

  app.post(
    '/api/functions/open-privacy-request',
    {
      onRequest: write,
      schema: {
        operationId: 'privacyRequests.open',
        summary: 'Open a privacy request on receipt, to answer once the subject is verified',
        description:
          'Records an export or delete request as `received` with its deadline (gdpr: one month, GDPR Art. 12(3); ccpa: 45 calendar days) and performs nothing: ' +
          'the operator verifies the subject (GDPR Art. 12(6)), then answers with `export-player-data` or `delete-player-data` naming it by `request_id`. ' +
          "`player_id` takes PlayLoop's id or the casino's player_id. Another property's player is 404.",
        tags,
        security,
        headers: PropertyHeaders,
        body: OpenPrivacyRequestBody,
        response: { 201: PrivacyRequestOne, ...propertyAuthErrors },
      },
    },
    async (request, reply) => {
      const { type, player_id, regime, note } = request.body;
      const data = await openPrivacyRequest(deps, currentProperty(request).id, {
        type,
        player: player_id,
        regime,
        note,
      });
      return reply.code(201).send({ success: true as const, data });
    },
  );

  app.post(
    '/api/functions/extend-privacy-request',
    {
      onRequest: write,
      schema: {
        operationId: 'privacyRequests.extend',
        summary: "Extend a privacy request's deadline, with the reason",
        description:
          'Sets `extended_until`: gdpr two further months after the deadline (Art. 12(3), for complex or numerous requests), ccpa another 45 days; keeps the reason, which the subject must be told. ' +
          'Once per request, and only while the first deadline has not passed (the notice must come inside the first period): ' +
          "an extended, completed or late request is 409. Another property's request is 404.",
        tags,
        security,
        headers: PropertyHeaders,
        body: ExtendPrivacyRequestBody,
        response: { 200: PrivacyRequestOne, ...propertyAuthErrors, ...conflict },
      },
    },
    async (request) => {
      const data = await extendPrivacyRequest(deps, currentProperty(request).id, request.body);
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
          'Export and delete requests, newest first, with their deadlines, extensions and completion proof. ' +
          '`overdue`: not completed and past its deadline (the extended one when extended); `?overdue=true` lists only those. ' +
          'Records of erased players name them by `subject_hash` only.',
        tags,
        security,
        headers: PropertyHeaders,
        querystring: PrivacyRequestQuery,
        response: { 200: PrivacyRequestList, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const { limit, overdue } = request.query;
      const data = await listPrivacyRequests(deps, currentProperty(request).id, {
        limit: limit ?? 100,
        overdue,
      });
      return { success: true as const, data };
    },
  );
}
