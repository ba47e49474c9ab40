import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import { AppError } from '../../lib/errors.ts';
import { currentUser, requireUser } from '../auth/index.ts';
import {
  IMAGE_TYPES,
  isImageType,
  MAX_ASSET_BYTES,
  mediaType,
  refusedType,
} from './branding.images.ts';
import {
  AssetList,
  AssetParams,
  AssetResponse,
  BrandingBody,
  BrandingResponse,
  OrgParams,
  PublicAssetParams,
} from './branding.schemas.ts';
import {
  deleteAsset,
  getBranding,
  listAssets,
  MAX_ASSETS_PER_ORG,
  publicAsset,
  updateBranding,
  uploadAsset,
} from './branding.service.ts';

const tags = ['Branding'];
const security = [{ bearerAuth: [] }];
const actorOf = (request: FastifyRequest) => ({ userId: currentUser(request).id });

// The bytes arrive as a Buffer (an object to the validator); the document says binary.
const Binary = Type.Unsafe<Buffer>({
  anyOf: [{ type: 'string', format: 'binary' }, { type: 'object' }],
  description: 'The image file itself',
});

/** Organization branding and its images (bearer auth); another organization is 404 throughout. */
export function brandingRoutes(app: App, deps: Deps): void {
  const onRequest = requireUser(deps);

  app.get(
    '/api/organizations/:orgId/branding',
    {
      onRequest,
      schema: {
        operationId: 'branding.get',
        summary: "An organization's play-page branding",
        description:
          "Any member. Unset fields are null (the game's or PlayLoop's defaults apply); `name` is what the pages show.",
        tags,
        security,
        params: OrgParams,
        response: { 200: BrandingResponse, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await getBranding(deps, actorOf(request), request.params.orgId),
    }),
  );

  app.put(
    '/api/organizations/:orgId/branding',
    {
      onRequest,
      schema: {
        operationId: 'branding.update',
        summary: "Set an organization's play-page branding",
        description:
          'Admin or higher. Replaces the whole branding: a field left out takes its default. Images (`logo_asset_id`, a background `asset_id`) must be uploaded to this organization first (404 otherwise, as for an id never issued). ' +
          'A game can override the logo, background and font in its config (`logo_asset`, `background_asset`, `background_gradient`, `font`); its colours win too. Applied on every play screen, errors included, whenever the link names the organization.',
        tags,
        security,
        params: OrgParams,
        body: BrandingBody,
        response: { 200: BrandingResponse, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await updateBranding(deps, actorOf(request), request.params.orgId, request.body),
    }),
  );

  app.get(
    '/api/organizations/:orgId/assets',
    {
      onRequest,
      schema: {
        operationId: 'branding.listAssets',
        summary: "An organization's uploaded images",
        description: 'Any member. Oldest first, without the bytes (each has its public `url`).',
        tags,
        security,
        params: OrgParams,
        response: { 200: AssetList, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({
      success: true as const,
      data: await listAssets(deps, actorOf(request), request.params.orgId),
    }),
  );

  void app.register((scoped: App, _options, done) => {
    // The image arrives as the raw body; nothing past the limit is read (413).
    scoped.addContentTypeParser(
      [...IMAGE_TYPES],
      { parseAs: 'buffer', bodyLimit: MAX_ASSET_BYTES },
      (_request, body, next) => next(null, body),
    );
    scoped.post(
      '/api/organizations/:orgId/assets',
      {
        onRequest,
        bodyLimit: MAX_ASSET_BYTES,
        // Before the body is read: a type we do not take is refused without reading it.
        preParsing: (request, _reply, payload, next) => {
          const problem = refusedType(request.headers['content-type']);
          if (problem) return next(new AppError('unsupported_media_type', problem));
          const length = Number(request.headers['content-length']);
          if (length > MAX_ASSET_BYTES) {
            return next(new AppError('payload_too_large', 'The image is larger than 2 MB'));
          }
          return next(null, payload);
        },
        schema: {
          operationId: 'branding.uploadAsset',
          summary: 'Upload an image (logo or background)',
          description:
            'Admin or higher. The body is the image itself with `Content-Type: image/png`, `image/jpeg` or `image/webp`: at most 2 MB (413), each side 16–4096 px. ' +
            'The bytes must be the declared type (400 when they are another image type); SVG and other formats are 415. ' +
            `An organization keeps at most ${MAX_ASSETS_PER_ORG} images (403 quota_exceeded). The image is served publicly at its \`url\` under an unguessable id.`,
          tags,
          security,
          params: OrgParams,
          body: {
            content: Object.fromEntries(IMAGE_TYPES.map((type) => [type, { schema: Binary }])),
          },
          response: { 201: AssetResponse, ...errorResponses(400, 401, 403, 404, 413, 415) },
        },
      },
      async (request, reply) => {
        const type = mediaType(request.headers['content-type']);
        const body = request.body;
        if (!isImageType(type) || !Buffer.isBuffer(body)) {
          throw new AppError('unsupported_media_type', refusedType(type) ?? 'Send the image bytes');
        }
        const asset = await uploadAsset(deps, actorOf(request), request.params.orgId, {
          type,
          bytes: body,
        });
        return reply.code(201).send({ success: true as const, data: asset });
      },
    );
    done();
  });

  app.delete(
    '/api/organizations/:orgId/assets/:assetId',
    {
      onRequest,
      schema: {
        operationId: 'branding.deleteAsset',
        summary: 'Delete an uploaded image',
        description:
          'Admin or higher. An image still used by the branding or by a game (its `logo_asset` / `background_asset`) is 409, naming them: change those first.',
        tags,
        security,
        params: AssetParams,
        response: { 200: SuccessOnly, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      await deleteAsset(deps, actorOf(request), request.params.orgId, request.params.assetId);
      return { success: true as const };
    },
  );

  app.get(
    '/play/assets/:assetId',
    {
      schema: {
        hide: true,
        params: PublicAssetParams,
      },
    },
    async (request, reply) => {
      const asset = await publicAsset(deps, request.params.assetId);
      const etag = `"${asset.sha256}"`;
      void reply
        .header('Content-Type', asset.content_type)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'")
        .header('Cache-Control', 'public, max-age=31536000, immutable')
        .header('ETag', etag);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.send(asset.bytes);
    },
  );
}
