import { TokenKind, Tokenizer } from 'liquidjs';
import mjml2html from 'mjml';
import { type LinkMinter, messageMinter } from './content.links.ts';
import { type ParsedPart, parsePart, renderPart } from './content.liquid.ts';
import {
  type CompiledTemplate,
  compileTemplate,
  type RenderedMessage,
  renderMessage,
  type TemplateSource,
} from './content.render.ts';
import { htmlToText } from './content.text.ts';

// The sender's render path. MJML costs about 2 ms a document, too slow to run once per
// recipient of a large campaign, so an email body is put through MJML once, with its Liquid
// markup still in it, and the resulting HTML is what each recipient's render fills in. That is
// only sound when MJML carried every Liquid token through unchanged and in order (it does for
// Liquid inside text, buttons and attributes, not for a tag wrapped around sections, which MJML
// may move); otherwise each recipient's message goes through MJML, as a preview does.

export interface SendingTemplate {
  compiled: CompiledTemplate;
  /** The MJML-compiled body with its Liquid intact; absent when MJML rearranged the Liquid. */
  html: ParsedPart | undefined;
}

/** The Liquid tokens of a source, as written, in order. */
function liquidTokens(source: string): string[] {
  return new Tokenizer(source)
    .readTopLevelTokens()
    .filter((token) => token.kind !== TokenKind.HTML)
    .map((token) => source.slice(token.begin, token.end));
}

const sameTokens = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((token, index) => token === b[index]);

/** Parses a template once for a campaign (throws 400 as a save would). */
export async function prepareForSending(source: TemplateSource): Promise<SendingTemplate> {
  const compiled = compileTemplate(source);
  if (source.channel !== 'email') return { compiled, html: undefined };
  let html: ParsedPart | undefined;
  try {
    const result = await mjml2html(source.body, {
      ignoreIncludes: true,
      keepComments: false,
      validationLevel: 'soft',
    });
    if (sameTokens(liquidTokens(source.body), liquidTokens(result.html))) {
      html = parsePart('body', result.html, true).parsed;
    }
  } catch {
    html = undefined;
  }
  return { compiled, html };
}

/** One recipient's message, as renderMessage would produce it. */
export async function renderForSending(
  template: SendingTemplate,
  variables: Record<string, unknown>,
  minter: LinkMinter,
): Promise<RenderedMessage> {
  const { compiled, html } = template;
  if (compiled.channel === 'sms' || !html) return renderMessage(compiled, variables, minter);
  const mint = messageMinter(minter);
  const subject = compiled.subject
    ? (await renderPart('subject', compiled.subject, variables, mint)).replace(/\s+/g, ' ').trim()
    : '';
  const body = await renderPart('body', html, variables, mint);
  const text = compiled.textBody
    ? (await renderPart('text_body', compiled.textBody, variables, mint)).trim()
    : htmlToText(body);
  return { channel: 'email', subject, html: body, text, warnings: [] };
}
