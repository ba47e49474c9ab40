import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { AppError } from '../../lib/errors.ts';
import type { CodeUpload } from './vouchers.codes.ts';
import {
  CodeList,
  CodesQuery,
  CreateVoucherSetBody,
  GenerateBody,
  GenerateResponse,
  OrgQuery,
  SetParams,
  UpdateVoucherSetBody,
  UploadBody,
  UploadQuery,
  UploadResponse,
  VoucherSetList,
  VoucherSetOne,
} from './vouchers.schemas.ts';
import {
  createVoucherSet,
  deleteVoucherSet,
  generateVoucherCodes,
  getVoucherSet,
  listVoucherCodes,
  listVoucherSets,
  updateVoucherSet,
  uploadVoucherCodes,
} from './vouchers.service.ts';

const tags = ['Vouchers'];
const security = [{ bearerAuth: [] }];
const errors = errorResponses(400, 401, 403, 404);
/** Code uploads may be larger than the usual JSON body (50,000 codes). */
const UPLOAD_LIMIT_BYTES = 2 * 1024 * 1024;
const UPLOAD_TYPES = ['text/csv', 'text/plain', 'application/json'];

const actorOf = (request: FastifyRequest) => ({ userId: currentUser(request).id });

function uploadOf(request: FastifyRequest, header: boolean): CodeUpload {
  const body: unknown = request.body;
  if (request.mediaType === 'application/json') {
    return { format: 'list', codes: (body as { codes: string[] }).codes };
  }
  if (typeof body !== 'string') {
    throw new AppError('bad_request', 'Send the codes as text/csv, text/plain or JSON { codes }');
  }
  return { format: request.mediaType === 'text/csv' ? 'csv' : 'text', text: body, header };
}

/** Voucher sets and their codes (dashboard, bearer auth): Editors write, every member reads. */
export function voucherRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.get(
    '/api/voucher-sets',
    {
      onRequest,
      schema: {
        operationId: 'voucherSets.list',
        summary: "List the organization's voucher sets",
        description: 'Every set with its code counts and the games that draw from it.',
        tags,
        security,
        querystring: OrgQuery,
        response: { 200: VoucherSetList, ...errors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await listVoucherSets(deps, actorOf(request), request.query.org_id),
    }),
  );

  app.post(
    '/api/voucher-sets',
    {
      onRequest,
      schema: {
        operationId: 'voucherSets.create',
        summary: 'Create a voucher set',
        description: 'An empty set; add codes by upload or generation. Editor or above.',
        tags,
        security,
        body: CreateVoucherSetBody,
        response: { 200: VoucherSetOne, ...errors },
      },
    },
    async (request) => {
      const { org_id, ...fields } = request.body;
      return {
        success: true as const,
        data: await createVoucherSet(deps, actorOf(request), org_id, fields),
      };
    },
  );

  app.get(
    '/api/voucher-sets/:id',
    {
      onRequest,
      schema: {
        operationId: 'voucherSets.get',
        summary: 'One voucher set',
        description: 'The set with its code counts (total, available, claimed) and its games.',
        tags,
        security,
        params: SetParams,
        querystring: OrgQuery,
        response: { 200: VoucherSetOne, ...errors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await getVoucherSet(deps, actorOf(request), request.query.org_id, request.params.id),
    }),
  );

  app.patch(
    '/api/voucher-sets/:id',
    {
      onRequest,
      schema: {
        operationId: 'voucherSets.update',
        summary: 'Rename a voucher set or change its description or expiry',
        description: 'Editor or above. `expires_at: null` removes the expiry.',
        tags,
        security,
        params: SetParams,
        querystring: OrgQuery,
        body: UpdateVoucherSetBody,
        response: { 200: VoucherSetOne, ...errors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await updateVoucherSet(
        deps,
        actorOf(request),
        request.query.org_id,
        request.params.id,
        request.body,
      ),
    }),
  );

  app.delete(
    '/api/voucher-sets/:id',
    {
      onRequest,
      schema: {
        operationId: 'voucherSets.delete',
        summary: 'Delete a voucher set and its codes',
        description:
          "Editor or above. Refused with 409 while a game's prize slots draw from the set. Prizes already claimed keep their record.",
        tags,
        security,
        params: SetParams,
        querystring: OrgQuery,
        response: { 200: SuccessOnly, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      await deleteVoucherSet(deps, actorOf(request), request.query.org_id, request.params.id);
      return { success: true as const };
    },
  );

  app.get(
    '/api/voucher-sets/:id/codes',
    {
      onRequest,
      schema: {
        operationId: 'voucherCodes.list',
        summary: 'List the codes of a voucher set',
        description:
          'Oldest first, `limit` per page; pass `next_cursor` as `cursor` for the next. Any member; the codes themselves are prize secrets, shown to Editors and above only (`code` is null for Analysts and Viewers, who still see statuses and claim times).',
        tags,
        security,
        params: SetParams,
        querystring: CodesQuery,
        response: { 200: CodeList, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const { codes, nextCursor } = await listVoucherCodes(
        deps,
        actorOf(request),
        q.org_id,
        request.params.id,
        { status: q.status, afterId: q.cursor, limit: q.limit ?? 100 },
      );
      return { success: true as const, data: codes, next_cursor: nextCursor };
    },
  );

  app.post(
    '/api/voucher-sets/:id/generate',
    {
      onRequest,
      schema: {
        operationId: 'voucherCodes.generate',
        summary: 'Generate random codes',
        description:
          'Adds `count` new codes shaped `PREFIX-XXXXXXXX` (no hyphen without a prefix), random part from crypto randomness, unique within the set. Editor or above.',
        tags,
        security,
        params: SetParams,
        querystring: OrgQuery,
        body: GenerateBody,
        response: { 200: GenerateResponse, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await generateVoucherCodes(
        deps,
        actorOf(request),
        request.query.org_id,
        request.params.id,
        request.body,
      ),
    }),
  );

  // The upload accepts CSV and plain text besides JSON; those parsers exist only in this scope.
  void app.register((scoped: App, _options, done) => {
    scoped.removeContentTypeParser('text/plain');
    scoped.addContentTypeParser(
      ['text/csv', 'text/plain'],
      { parseAs: 'string', bodyLimit: UPLOAD_LIMIT_BYTES },
      (_request, body, parsed) => parsed(null, body),
    );
    scoped.addContentTypeParser('*', (_request, _payload, parsed) =>
      parsed(
        new AppError('unsupported_media_type', `Content-Type must be ${UPLOAD_TYPES.join(', ')}`),
        undefined,
      ),
    );
    scoped.post(
      '/api/voucher-sets/:id/codes',
      {
        onRequest,
        bodyLimit: UPLOAD_LIMIT_BYTES,
        schema: {
          operationId: 'voucherCodes.upload',
          summary: 'Upload codes',
          description:
            'A `.csv` or `.txt` file as the body (`Content-Type: text/csv` or `text/plain`), or JSON `{ "codes": [...] }`. One code per line; of a multi-column CSV only the first column is used. Codes are trimmed and upper-cased, empty lines skipped, and codes repeated in the upload or already in the set are silently dropped. At most 50,000 codes of up to 64 characters, 2 MiB. Editor or above.',
          tags,
          security,
          params: SetParams,
          querystring: UploadQuery,
          body: UploadBody,
          response: { 200: UploadResponse, ...errorResponses(400, 401, 403, 404, 413, 415) },
        },
      },
      async (request) => ({
        success: true as const,
        data: await uploadVoucherCodes(
          deps,
          actorOf(request),
          request.query.org_id,
          request.params.id,
          uploadOf(request, request.query.header ?? false),
        ),
      }),
    );
    done();
  });
}
