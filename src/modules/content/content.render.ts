import { TokenKind, Tokenizer } from 'liquidjs';
import mjml2html from 'mjml';
import type { PlayerRow } from '../players/index.ts';
import { type LinkMinter, messageMinter } from './content.links.ts';
import {
  type LinkRef,
  type ParsedPart,
  type Part,
  parsePart,
  renderPart,
  templateError,
} from './content.liquid.ts';
import { analyzeSms, type SmsAnalysis } from './content.sms.ts';
import { htmlToText } from './content.text.ts';

// A template from source to message: parse (Liquid), check (MJML), render per recipient
// (Liquid, then MJML to HTML). Parsing once and rendering many times is the sender's path:
// compileTemplate, then renderMessage per recipient.

export type Channel = 'email' | 'sms';

export interface TemplateSource {
  channel: Channel;
  subject: string | null;
  body: string;
  text_body: string | null;
}

export interface CompiledTemplate {
  channel: Channel;
  subject: ParsedPart | undefined;
  body: ParsedPart;
  textBody: ParsedPart | undefined;
  /** Every game_link / stream_link of the parts, with its part and line. */
  links: (LinkRef & { part: Part })[];
}

export interface RenderedEmail {
  channel: 'email';
  subject: string;
  html: string;
  text: string;
  /** What MJML found wrong with the rendered document (it rendered it anyway). */
  warnings: { line: number; reason: string }[];
}

export type RenderedSms = { channel: 'sms'; text: string } & SmsAnalysis;

export type RenderedMessage = RenderedEmail | RenderedSms;

/** Parses every part with its engine (the body of an email escapes HTML); throws 400 with the line. */
export function compileTemplate(source: TemplateSource): CompiledTemplate {
  const links: CompiledTemplate['links'] = [];
  const parse = (part: Part, text: string, html: boolean) => {
    const { parsed, links: found } = parsePart(part, text, html);
    links.push(...found.map((link) => ({ ...link, part })));
    return parsed;
  };
  const email = source.channel === 'email';
  return {
    channel: source.channel,
    subject: email && source.subject !== null ? parse('subject', source.subject, false) : undefined,
    body: parse('body', source.body, email),
    textBody:
      email && source.text_body !== null ? parse('text_body', source.text_body, false) : undefined,
    links,
  };
}

const MJML_OPTIONS = { ignoreIncludes: true, keepComments: false } as const;

/** The MJML with its Liquid markup emptied (newlines kept, so MJML's line numbers are ours). */
function withoutLiquid(source: string): string {
  return new Tokenizer(source)
    .readTopLevelTokens()
    .map((token) => {
      const text = source.slice(token.begin, token.end);
      return token.kind === TokenKind.HTML ? text : text.replace(/[^\n]/g, '');
    })
    .join('');
}

/** An attribute MJML found invalid only because its value is Liquid, filled in at send. */
function liquidAttribute(lines: string[], error: { line: number; message: string }): boolean {
  const name = /^Attribute ([\w-]+) has invalid value/.exec(error.message)?.[1];
  if (!name) return false;
  const line = lines[error.line - 1] ?? '';
  return new RegExp(`\\b${name}\\s*=\\s*("[^"]*\\{[{%]|'[^']*\\{[{%])`).test(line);
}

/**
 * Refuses an email body that is not valid MJML (MJML's strict validation, every branch of its
 * Liquid conditions at once) or that tries to include a file.
 */
export async function checkMjml(source: string): Promise<void> {
  const lines = source.split('\n');
  const include = lines.findIndex((line) => /<mj-include\b/i.test(line));
  if (include !== -1) {
    throw templateError(
      'body',
      include + 1,
      'mj-include is not available: templates cannot read files',
    );
  }
  try {
    await mjml2html(withoutLiquid(source), { ...MJML_OPTIONS, validationLevel: 'strict' });
  } catch (error) {
    const found = (error as { errors?: { line: number; message: string }[] }).errors;
    if (!Array.isArray(found)) {
      throw templateError(
        'body',
        1,
        'not MJML: the body must be one <mjml> document with an <mj-body>',
      );
    }
    const real = found.filter((problem) => !liquidAttribute(lines, problem));
    const first = real[0];
    if (first) throw templateError('body', first.line, first.message.trim());
  }
}

export interface PropertyFacts {
  name: string;
  postal_address: string | null;
}

/**
 * What templates see: `player.*` (the fields a mail may carry: never PlayLoop's internal id,
 * the property, or the casino's financial figures), `player.traits.*` and `property.*`.
 * Missing values are nil, so `{{ player.first_name | default: "friend" }}` works.
 */
export function templateVariables(
  player: PlayerRow | undefined,
  property: PropertyFacts,
): Record<string, unknown> {
  return {
    player: player
      ? {
          player_id: player.player_id,
          first_name: player.first_name,
          last_name: player.last_name,
          email: player.email,
          phone: player.phone,
          tier: player.tier,
          status: player.status,
          timezone: player.timezone,
          state: player.state,
          country: player.country,
          plays: player.plays,
          prizes_won: player.prizes_won,
          last_score: player.last_score,
          last_played_at: player.last_played_at,
          traits: player.traits,
        }
      : { traits: {} },
    property: { name: property.name, postal_address: property.postal_address },
  };
}

/** One recipient's message. Each distinct link is minted once, whichever parts show it. */
export async function renderMessage(
  compiled: CompiledTemplate,
  variables: Record<string, unknown>,
  minter: LinkMinter,
): Promise<RenderedMessage> {
  const mint = messageMinter(minter);
  if (compiled.channel === 'sms') {
    const text = (await renderPart('body', compiled.body, variables, mint)).trim();
    return { channel: 'sms', text, ...analyzeSms(text) };
  }
  const subject = compiled.subject
    ? // A header: one line whatever the variables held.
      (await renderPart('subject', compiled.subject, variables, mint)).replace(/\s+/g, ' ').trim()
    : '';
  const source = await renderPart('body', compiled.body, variables, mint);
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    result = await mjml2html(source, { ...MJML_OPTIONS, validationLevel: 'soft' });
  } catch {
    throw templateError('body', 1, 'the rendered body is not MJML');
  }
  const text = compiled.textBody
    ? (await renderPart('text_body', compiled.textBody, variables, mint)).trim()
    : htmlToText(result.html);
  return {
    channel: 'email',
    subject,
    html: result.html,
    text,
    warnings: result.errors.map((error) => ({ line: error.line, reason: error.message.trim() })),
  };
}
