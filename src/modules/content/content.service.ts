import type { Deps } from '../../deps.ts';
import { AppError } from '../../lib/errors.ts';
import { countAttempt } from '../../lib/throttle.ts';
import { getPlayer } from '../players/index.ts';
import { previewMinter } from './content.links.ts';
import type { LinkRef } from './content.liquid.ts';
import * as repo from './content.repo.ts';
import {
  type Channel,
  checkMjml,
  type CompiledTemplate,
  compileTemplate,
  type PropertyFacts,
  renderMessage,
  type RenderedMessage,
  type TemplateSource,
  templateVariables,
} from './content.render.ts';

// Content templates of one property: the rules. The tenant is the property of the credential.

export interface PropertyRef {
  id: string;
  orgId: number;
}

export type Template = repo.TemplateRow;

/** Templates one property may hold. */
export const MAX_TEMPLATES_PER_PROPERTY = 500;
/** Bytes of an email body (MJML) and of its plain-text part. */
export const MAX_EMAIL_BODY_BYTES = 100 * 1024;
/** Characters of an SMS template's source (ten GSM-7 segments). */
export const MAX_SMS_SOURCE_CHARS = 1600;
export const MAX_SUBJECT_CHARS = 1000;
export const MAX_PAGE = 100;

export interface TemplateInput {
  name: string;
  channel: Channel;
  subject?: string | null | undefined;
  body: string;
  text_body?: string | null | undefined;
}

export type TemplatePatch = Partial<Omit<TemplateInput, 'channel'>> & {
  version?: number | undefined;
};

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', message, { field });

/** The shape rules of each channel (the schema checks types and character counts). */
function checkShape(source: TemplateSource): void {
  if (source.channel === 'email') {
    if (source.subject === null) throw invalid('subject', 'An email template needs a subject');
    for (const [field, text] of [
      ['body', source.body],
      ['text_body', source.text_body],
    ] as const) {
      if (text !== null && Buffer.byteLength(text) > MAX_EMAIL_BODY_BYTES) {
        throw invalid(field, `${field} is over ${MAX_EMAIL_BODY_BYTES} bytes`);
      }
    }
    return;
  }
  if (source.subject !== null) throw invalid('subject', 'SMS templates have no subject');
  if (source.text_body !== null) throw invalid('text_body', 'SMS templates have no text_body');
  if ([...source.body].length > MAX_SMS_SOURCE_CHARS) {
    throw invalid('body', `An SMS template is at most ${MAX_SMS_SOURCE_CHARS} characters`);
  }
}

async function checkLinks(
  deps: Deps,
  property: PropertyRef,
  links: CompiledTemplate['links'],
): Promise<void> {
  const ids = (kind: LinkRef['kind']) => [
    ...new Set(links.filter((link) => link.kind === kind).map((link) => link.id)),
  ];
  const found = await repo.existingLinkTargets(
    deps.database.db,
    property.orgId,
    ids('game'),
    ids('stream'),
  );
  const missing = links.find((link) =>
    link.kind === 'game' ? !found.games.has(link.id) : !found.streams.has(link.id),
  );
  if (missing) {
    throw new AppError(
      'validation_failed',
      `Invalid template (line ${missing.line}): ${missing.kind} ${missing.id} does not exist in this organization`,
      {
        field: missing.part,
        line: missing.line,
        reason: `${missing.kind} ${missing.id} does not exist in this organization`,
        [`${missing.kind}_id`]: missing.id,
      },
    );
  }
}

async function facts(deps: Deps, property: PropertyRef): Promise<PropertyFacts> {
  const found = await repo.propertyFacts(deps.database.db, property.id);
  if (!found) throw new AppError('not_found', 'Property not found');
  return found;
}

/**
 * Everything a template must pass to be saved or rendered: the channel's shape, Liquid that
 * parses with known tags and filters, valid MJML, links to games and streams of the
 * organization, and a render within the limits (for a player with no fields).
 */
async function checkTemplate(
  deps: Deps,
  property: PropertyRef,
  source: TemplateSource,
): Promise<CompiledTemplate> {
  checkShape(source);
  const compiled = compileTemplate(source);
  if (source.channel === 'email') await checkMjml(source.body);
  await checkLinks(deps, property, compiled.links);
  await renderMessage(
    compiled,
    templateVariables(undefined, await facts(deps, property)),
    previewMinter(deps.config.publicUrl),
  );
  return compiled;
}

const linkIds = (compiled: CompiledTemplate, kind: LinkRef['kind']) =>
  [...new Set(compiled.links.filter((link) => link.kind === kind).map((link) => link.id))].sort(
    (a, b) => a - b,
  );

function nameTaken(error: unknown): AppError | undefined {
  const pg = error as { code?: string; constraint?: string };
  return pg.code === '23505'
    ? new AppError('conflict', 'A template with this name already exists in this property', {
        field: 'name',
      })
    : undefined;
}

async function found(deps: Deps, property: PropertyRef, id: string): Promise<Template> {
  const template = await repo.findTemplate(deps.database.db, property.id, id);
  if (!template) throw new AppError('not_found', 'Template not found');
  return template;
}

export function getTemplate(deps: Deps, property: PropertyRef, id: string): Promise<Template> {
  return found(deps, property, id);
}

export async function listTemplates(
  deps: Deps,
  property: PropertyRef,
  query: { channel?: Channel | undefined; after?: string | undefined; limit?: number | undefined },
): Promise<{ data: Template[]; next_after: string | null }> {
  const limit = Math.min(query.limit ?? 50, MAX_PAGE);
  const rows = await repo.listTemplates(deps.database.db, property.id, {
    channel: query.channel,
    after: query.after,
    limit: limit + 1,
  });
  const data = rows.slice(0, limit);
  return { data, next_after: rows.length > limit ? (data.at(-1)?.name ?? null) : null };
}

export async function createTemplate(
  deps: Deps,
  property: PropertyRef,
  input: TemplateInput,
): Promise<Template> {
  const source: TemplateSource = {
    channel: input.channel,
    subject: input.subject ?? null,
    body: input.body,
    text_body: input.text_body ?? null,
  };
  const compiled = await checkTemplate(deps, property, source);
  const values = {
    ...source,
    name: input.name,
    game_ids: linkIds(compiled, 'game'),
    stream_ids: linkIds(compiled, 'stream'),
  };
  let template: Template | undefined;
  try {
    template = await deps.database.db
      .transaction()
      .execute((trx) =>
        repo.insertTemplate(trx, property.id, values, MAX_TEMPLATES_PER_PROPERTY, deps.clock.now()),
      );
  } catch (error) {
    throw nameTaken(error) ?? error;
  }
  if (!template) {
    throw new AppError(
      'quota_exceeded',
      `A property may have at most ${MAX_TEMPLATES_PER_PROPERTY} templates`,
    );
  }
  return template;
}

/**
 * Applies the patch and checks the whole template again (its games may have gone since). With
 * `version`, only that version is changed; either way a concurrent update makes this a 409.
 */
export async function updateTemplate(
  deps: Deps,
  property: PropertyRef,
  id: string,
  patch: TemplatePatch,
): Promise<Template> {
  const current = await found(deps, property, id);
  if (patch.version !== undefined && patch.version !== current.version) {
    throw new AppError(
      'conflict',
      `The template is at version ${current.version}, not ${patch.version}`,
      {
        version: current.version,
      },
    );
  }
  const source: TemplateSource = {
    channel: current.channel,
    subject: patch.subject === undefined ? current.subject : patch.subject,
    body: patch.body ?? current.body,
    text_body: patch.text_body === undefined ? current.text_body : patch.text_body,
  };
  const compiled = await checkTemplate(deps, property, source);
  let updated: Template | undefined;
  try {
    updated = await repo.updateTemplate(
      deps.database.db,
      property.id,
      id,
      current.version,
      {
        name: patch.name ?? current.name,
        subject: source.subject,
        body: source.body,
        text_body: source.text_body,
        game_ids: linkIds(compiled, 'game'),
        stream_ids: linkIds(compiled, 'stream'),
      },
      deps.clock.now(),
    );
  } catch (error) {
    throw nameTaken(error) ?? error;
  }
  if (!updated) {
    await found(deps, property, id);
    throw new AppError('conflict', 'The template was changed meanwhile: read it and try again');
  }
  return updated;
}

export async function deleteTemplate(deps: Deps, property: PropertyRef, id: string): Promise<void> {
  if (!(await repo.deleteTemplate(deps.database.db, property.id, id))) {
    throw new AppError('not_found', 'Template not found');
  }
}

async function previewFor(
  deps: Deps,
  property: PropertyRef,
  compiled: CompiledTemplate,
  playerId: string | undefined,
): Promise<RenderedMessage> {
  const player = playerId === undefined ? undefined : await getPlayer(deps, property.id, playerId);
  return renderMessage(
    compiled,
    templateVariables(player, await facts(deps, property)),
    previewMinter(deps.config.publicUrl),
  );
}

/** A saved template as `player_id` would receive it, with preview links (no session is made). */
/**
 * Renders a property may ask for a minute. One render is bounded (300 ms a part, 1 MiB out), but
 * a read-scoped key looping on previews would still hold the CPU that sends campaigns.
 */
export const RENDERS_PER_MINUTE = 120;

async function countRender(deps: Deps, property: PropertyRef): Promise<void> {
  await countAttempt(
    deps.rateLimiter,
    `template-render:${property.id}`,
    { limit: RENDERS_PER_MINUTE, windowSeconds: 60 },
    'Too many template renders for this property',
  );
}

export async function previewTemplate(
  deps: Deps,
  property: PropertyRef,
  id: string,
  playerId: string | undefined,
): Promise<RenderedMessage> {
  await countRender(deps, property);
  const template = await found(deps, property, id);
  return previewFor(deps, property, compileTemplate(template), playerId);
}

/** Sources already checked (a campaign's frozen copy), rendered as a preview for `playerId`. */
export async function previewSource(
  deps: Deps,
  property: PropertyRef,
  source: TemplateSource,
  playerId: string | undefined,
): Promise<RenderedMessage> {
  await countRender(deps, property);
  return previewFor(deps, property, compileTemplate(source), playerId);
}

/** An unsaved template, checked as a save would check it, rendered as a preview. */
export async function renderTemplate(
  deps: Deps,
  property: PropertyRef,
  input: Omit<TemplateInput, 'name'> & { player_id?: string | undefined },
): Promise<RenderedMessage> {
  await countRender(deps, property);
  const compiled = await checkTemplate(deps, property, {
    channel: input.channel,
    subject: input.subject ?? null,
    body: input.body,
    text_body: input.text_body ?? null,
  });
  return previewFor(deps, property, compiled, input.player_id);
}
