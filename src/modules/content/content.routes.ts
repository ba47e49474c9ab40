import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { errorResponses, SuccessOnly } from '../../http/schemas.ts';
import type { App } from '../../http/types.ts';
import {
  currentProperty,
  propertyAuthErrors,
  PropertyHeaders,
  propertySecurity,
  requirePropertyAccess,
} from '../auth/index.ts';
import {
  CreateTemplateBody,
  LIQUID_HELP,
  ListQuery,
  PreviewBody,
  RenderBody,
  RenderedOne,
  TemplateList,
  TemplateOne,
  TemplateParams,
  UpdateTemplateBody,
} from './content.schemas.ts';
import * as content from './content.service.ts';

const tags = ['Content'];
const security = propertySecurity;
const headers = PropertyHeaders;
const AREA =
  "PlayerOS names content/templates among the areas of its read and write scopes but documents no endpoint; PlayLoop defines these. Property-scoped: a pk_ key (read scope to read and render, write scope to change), or a member's bearer token with X-Property-Id.";

/**
 * Request bytes of a route taking template sources: two 100 KiB parts and a subject, with room
 * for JSON escapes (a control character is 6 bytes on the wire).
 */
const SOURCE_BODY_LIMIT = 1024 * 1024;

const propertyOf = (request: FastifyRequest) => {
  const property = currentProperty(request);
  return { id: property.id, orgId: property.orgId };
};

/** Email and SMS templates of the credential's property, and their previews. */
export function contentRoutes(app: App, deps: Deps): void {
  const read = requirePropertyAccess(deps, 'read');
  const write = requirePropertyAccess(deps, 'write');
  const conflictErrors = { ...propertyAuthErrors, ...errorResponses(409) };

  app.get(
    '/api/templates',
    {
      onRequest: read,
      schema: {
        operationId: 'templates.list',
        summary: 'List templates',
        description: `${AREA} The property's templates by name, paged with \`after\`.`,
        tags,
        security,
        headers,
        querystring: ListQuery,
        response: { 200: TemplateList, ...propertyAuthErrors },
      },
    },
    async (request) => {
      const page = await content.listTemplates(deps, propertyOf(request), request.query);
      return { success: true as const, ...page };
    },
  );

  app.post(
    '/api/templates',
    {
      onRequest: write,
      bodyLimit: Math.max(SOURCE_BODY_LIMIT, deps.config.bodyLimitBytes),
      schema: {
        operationId: 'templates.create',
        summary: 'Create a template',
        description: `${AREA} An email (subject, MJML body, optional plain-text part) or SMS template, checked before it is saved. ${LIQUID_HELP} A property has at most ${content.MAX_TEMPLATES_PER_PROPERTY} templates (403 quota_exceeded).`,
        tags,
        security,
        headers,
        body: CreateTemplateBody,
        response: { 201: TemplateOne, ...conflictErrors },
      },
    },
    async (request, reply) => {
      const template = await content.createTemplate(deps, propertyOf(request), request.body);
      return reply.code(201).send({ success: true as const, data: template });
    },
  );

  app.get(
    '/api/templates/:id',
    {
      onRequest: read,
      schema: {
        operationId: 'templates.get',
        summary: 'Get a template',
        description: `${AREA} Another property's template is 404.`,
        tags,
        security,
        headers,
        params: TemplateParams,
        response: { 200: TemplateOne, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await content.getTemplate(deps, propertyOf(request), request.params.id),
    }),
  );

  app.patch(
    '/api/templates/:id',
    {
      onRequest: write,
      bodyLimit: Math.max(SOURCE_BODY_LIMIT, deps.config.bodyLimitBytes),
      schema: {
        operationId: 'templates.update',
        summary: 'Update a template',
        description: `${AREA} Changes the name or sources (the channel stays); the whole template is checked again, as at creation, and its version goes up by one. \`text_body: null\` removes the plain-text part. 409 when the name is taken, when \`version\` is not the current one, or when another update landed meanwhile.`,
        tags,
        security,
        headers,
        params: TemplateParams,
        body: UpdateTemplateBody,
        response: { 200: TemplateOne, ...conflictErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await content.updateTemplate(
        deps,
        propertyOf(request),
        request.params.id,
        request.body,
      ),
    }),
  );

  app.delete(
    '/api/templates/:id',
    {
      onRequest: write,
      schema: {
        operationId: 'templates.delete',
        summary: 'Delete a template',
        description: `${AREA} Deletes the template.`,
        tags,
        security,
        headers,
        params: TemplateParams,
        response: { 200: SuccessOnly, ...propertyAuthErrors },
      },
    },
    async (request) => {
      await content.deleteTemplate(deps, propertyOf(request), request.params.id);
      return { success: true as const };
    },
  );

  app.post(
    '/api/templates/:id/preview',
    {
      onRequest: read,
      schema: {
        operationId: 'templates.preview',
        summary: 'Preview a template for a player',
        description: `${AREA} The message \`player_id\` would receive: email subject, HTML and plain text, or SMS text with its encoding (GSM-7 or UCS-2) and segment count. Links are preview links (\`session_token=preview-not-playable\`, \`/l/PREVIEW…\`): no session is created and nothing is sent. With render-template, at most ${content.RENDERS_PER_MINUTE} renders a minute per property (429).`,
        tags,
        security,
        headers,
        params: TemplateParams,
        body: PreviewBody,
        response: { 200: RenderedOne, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await content.previewTemplate(
        deps,
        propertyOf(request),
        request.params.id,
        request.body.player_id,
      ),
    }),
  );

  app.post(
    '/api/functions/render-template',
    {
      onRequest: read,
      bodyLimit: Math.max(SOURCE_BODY_LIMIT, deps.config.bodyLimitBytes),
      schema: {
        operationId: 'templates.render',
        summary: 'Render an unsaved template',
        description: `${AREA} Checks a template source as a save would (400 validation_failed with \`details: { field, line, reason }\`) and renders it like a preview, for \`player_id\` when given. Nothing is stored. With previews, at most ${content.RENDERS_PER_MINUTE} renders a minute per property (429). ${LIQUID_HELP}`,
        tags,
        security,
        headers,
        body: RenderBody,
        response: { 200: RenderedOne, ...propertyAuthErrors },
      },
    },
    async (request) => ({
      success: true as const,
      data: await content.renderTemplate(deps, propertyOf(request), request.body),
    }),
  );
}
