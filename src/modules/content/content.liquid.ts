import {
  Context,
  type Emitter,
  Liquid,
  LiquidError,
  Tag,
  type TagToken,
  type Template,
  toPromise,
  type TopLevelToken,
  toValue,
} from 'liquidjs';
import { AppError } from '../../lib/errors.ts';
import type { Mint } from './content.links.ts';

// The Liquid engines templates are parsed and rendered with, and the tags of the loop.
//
// Templates are written by a property's staff and rendered on the server for every recipient,
// so the engines are closed and bounded: no file is ever read (`templates: {}` replaces the file
// system, and include/render/layout are refused at parse), unknown filters are parse errors,
// and each render is capped in time, allocations and output.

/**
 * Per-render bounds. LiquidJS's DoS options bound time (minting included) and allocations
 * (ranges, string filters); the output itself is capped by our emitter, since a loop over a
 * large literal allocates nothing LiquidJS counts. (LiquidJS 10.31 declares a templateLimit but
 * does not enforce it.)
 */
export const RENDER_LIMITS = {
  /** Milliseconds of one part's render: a render blocks the event loop while it computes. */
  renderLimit: 300,
  /** Allocations (characters of strings built, items of ranges and arrays). */
  memoryLimit: 1_000_000,
  /** Characters one part may render to. */
  outputLimit: 1024 * 1024,
} as const;

/** Characters one parse may read (the body caps are lower: this is the engine's own guard). */
const PARSE_LIMIT = 256 * 1024;

export interface LinkRef {
  kind: 'game' | 'stream';
  id: number;
  line: number;
}

// Parsing is synchronous: the tags record what they name here while one parse runs.
let collecting: LinkRef[] | undefined;

const MINTER = Symbol('content.minter');
type MintingScope = Record<string, unknown> & { [MINTER]?: Mint };

const MAX_ID = 2_147_483_647;

/** `game: 42, short: true` (commas optional) as name → raw value; anything else throws. */
function tagArgs(args: string, allowed: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  const text = args.trim();
  if (text === '') return found;
  for (const part of text.split(/\s*,\s*|\s+(?=[a-z_]+\s*:)/)) {
    const match = /^([a-z_]+)\s*:\s*(\S+)$/.exec(part);
    if (!match?.[1] || match[2] === undefined || !allowed.includes(match[1])) {
      throw new Error(`expected ${allowed.map((name) => `${name}: …`).join(', ')}, got "${text}"`);
    }
    if (found.has(match[1])) throw new Error(`${match[1]} is given twice`);
    found.set(match[1], match[2]);
  }
  return found;
}

/** A minter's own failure (a database error, a game gone since the save): passed on as is. */
class MintFailure extends Error {
  readonly failure: unknown;
  constructor(failure: unknown) {
    super('minting a link failed');
    this.failure = failure;
  }
}

function* minted(pending: Promise<string>): Generator<unknown, string, unknown> {
  try {
    return (yield pending) as string;
  } catch (error) {
    throw new MintFailure(error);
  }
}

function linkTag(kind: 'game' | 'stream', html: boolean) {
  return class LinkTag extends Tag {
    private readonly id: number;
    private readonly short: boolean;
    constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
      super(token, remain, liquid);
      const args = tagArgs(token.args, [kind, 'short']);
      const id = args.get(kind);
      // A literal id: it is checked against the organization when the template is saved.
      if (id === undefined || !/^\d{1,10}$/.test(id) || Number(id) < 1 || Number(id) > MAX_ID) {
        throw new Error(`${token.name} needs ${kind}: <a literal ${kind} id>`);
      }
      const short = args.get('short') ?? 'false';
      if (short !== 'true' && short !== 'false') throw new Error('short is true or false');
      this.id = Number(id);
      this.short = short === 'true';
      collecting?.push({ kind, id: this.id, line: token.getPosition()[0] ?? 1 });
    }
    override *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
      const mint = (ctx.environments as MintingScope)[MINTER];
      if (!mint) throw new Error('no link minter');
      const pending = mint(`${kind}:${this.id}:${this.short}`, (minter) =>
        kind === 'game'
          ? minter.gameLink(this.id, { short: this.short })
          : minter.streamLink(this.id, { short: this.short }),
      );
      const url = yield* minted(pending);
      emitter.write(html ? escapeHtml(url) : url);
    }
  };
}

function unsubscribeTag(html: boolean) {
  return class UnsubscribeTag extends Tag {
    constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
      super(token, remain, liquid);
      tagArgs(token.args, []);
    }
    override *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
      const mint = (ctx.environments as MintingScope)[MINTER];
      if (!mint) throw new Error('no link minter');
      const url = yield* minted(mint('unsubscribe', (minter) => minter.unsubscribeUrl()));
      emitter.write(html ? escapeHtml(url) : url);
    }
  };
}

class RefusedTag extends Tag {
  constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
    super(token, remain, liquid);
    throw new Error(`the ${token.name} tag is not available: templates cannot read other files`);
  }
  override render(): void {
    // Never reached: the constructor refuses the tag at parse.
  }
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&#34;')
    .replaceAll("'", '&#39;');
}

function engine(html: boolean): Liquid {
  const liquid = new Liquid({
    // An empty in-memory file system: no lookup ever reaches the disk.
    templates: {},
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    parseLimit: PARSE_LIMIT,
    ...(html ? { outputEscape: 'escape' as const } : {}),
    renderLimit: RENDER_LIMITS.renderLimit,
    memoryLimit: RENDER_LIMITS.memoryLimit,
  });
  for (const name of ['include', 'render', 'layout', 'block']) liquid.registerTag(name, RefusedTag);
  liquid.registerTag('game_link', linkTag('game', html));
  liquid.registerTag('stream_link', linkTag('stream', html));
  liquid.registerTag('unsubscribe_url', unsubscribeTag(html));
  return liquid;
}

/** HTML parts (email bodies): every `{{ }}` output is HTML-escaped. */
const htmlEngine = engine(true);
/** Subjects, plain-text parts and SMS: output as is. */
const textEngine = engine(false);

export type Part = 'subject' | 'body' | 'text_body';

export interface ParsedPart {
  html: boolean;
  templates: Template[];
}

/** The line (1-based) and reason of a Liquid error, without the engine's location suffix. */
export function liquidProblem(error: unknown): { line: number; reason: string } | undefined {
  if (!(error instanceof LiquidError)) return undefined;
  const reason = (error.originalError?.message ?? error.message).replace(
    /, line:\d+, col:\d+$/,
    '',
  );
  return { line: error.token.getPosition()[0] ?? 1, reason };
}

export function templateError(part: Part, line: number, reason: string): AppError {
  return new AppError('validation_failed', `Invalid template ${part} (line ${line}): ${reason}`, {
    field: part,
    line,
    reason,
  });
}

/** Parses one part; refuses it with its line and reason. Returns the links its tags name. */
export function parsePart(
  part: Part,
  source: string,
  html: boolean,
): { parsed: ParsedPart; links: LinkRef[] } {
  const links: LinkRef[] = [];
  collecting = links;
  try {
    const templates = (html ? htmlEngine : textEngine).parse(source);
    return { parsed: { html, templates }, links };
  } catch (error) {
    const problem = liquidProblem(error);
    if (problem) throw templateError(part, problem.line, problem.reason);
    throw error;
  } finally {
    collecting = undefined;
  }
}

/** An emitter that refuses to grow past RENDER_LIMITS.outputLimit characters. */
class BoundedEmitter implements Emitter {
  buffer = '';
  write(value: unknown): void {
    this.buffer += stringify(value);
    if (this.buffer.length > RENDER_LIMITS.outputLimit) {
      throw new Error(`output limit exceeded (${RENDER_LIMITS.outputLimit} characters)`);
    }
  }
}

/** What LiquidJS's own emitter writes for a value (an object: its JSON, not "[object Object]"). */
function stringify(value: unknown): string {
  const plain: unknown = toValue(value);
  if (typeof plain === 'string') return plain;
  if (plain === null || plain === undefined) return '';
  if (Array.isArray(plain)) return plain.map(stringify).join('');
  if (typeof plain === 'number' || typeof plain === 'boolean' || typeof plain === 'bigint') {
    return String(plain);
  }
  if (plain instanceof Date) return plain.toString();
  return JSON.stringify(plain) ?? '';
}

/** Renders one parsed part with the variables; refuses a failed or over-limit render with its line. */
export async function renderPart(
  part: Part,
  parsed: ParsedPart,
  variables: Record<string, unknown>,
  mint: Mint,
): Promise<string> {
  const liquid = parsed.html ? htmlEngine : textEngine;
  const scope: MintingScope = { ...variables, [MINTER]: mint };
  const emitter = new BoundedEmitter();
  try {
    const context = new Context(scope, liquid.options, {}, { liquid });
    await toPromise(liquid.renderer.renderTemplates(parsed.templates, context, emitter));
    return emitter.buffer;
  } catch (error) {
    if (error instanceof LiquidError && error.originalError instanceof MintFailure) {
      throw error.originalError.failure;
    }
    const problem = liquidProblem(error);
    if (problem) throw templateError(part, problem.line, problem.reason);
    throw error;
  }
}
