import type { Answer } from './load.ts';
import type { Template } from './walls-matrix.ts';
import type { Built } from './walls-variants.ts';
import type { Credential } from './walls-seed.ts';

/** One request of the matrix: tenant A's credential, tenant B's objects in `built`. */
export interface Cell {
  readonly template: Template;
  readonly variant: string;
  readonly credential: Credential;
  readonly built: Built;
  readonly answer: Answer;
  /** The same request with never-issued ids where B's objects were. */
  readonly ghost: Answer;
  /** The same request on A's own objects; sent when `answer` is a 401 or 403. */
  own: Answer | undefined;
}

/**
 * - target: the request names B's tenant or one of its objects;
 * - filter / scoped: B's id only narrows a list of A's own tenant, or is a natural key that is
 *   unique per tenant (player_id), so A's tenant is the one acted on;
 * - skipped: nothing of B is effective for this credential (a pk_ key ignores X-Property-Id).
 */
export type CellKind = 'target' | 'filter' | 'scoped' | 'skipped';

export interface Verdict {
  readonly cell: Cell;
  readonly kind: CellKind;
  readonly outcome: '2xx' | '404' | 'credential' | 'justified' | 'wrong' | 'ok' | 'error';
  readonly failures: string[];
}

export interface Justification {
  readonly status: number;
  readonly code: string;
  /** Only when B's object is in this slot (`location.name`). */
  readonly slot?: string;
  /** The answer may differ from the never-issued id's (the reason says why that is safe). */
  readonly unlikeGhost?: true;
  readonly why: string;
}

/**
 * Ids in a list field are checked against the caller's own organization like any other field
 * value: one that is not the organization's, B's or never issued alike, is the same 400 naming
 * it (the route's object itself was found, and nothing is written).
 */
const unknownListId = (slot: string): Justification => ({
  status: 400,
  code: 'validation_failed',
  slot,
  why: "an id list field names ids outside the caller's organization",
});

/**
 * Answers other than 404 to a request naming B's object that are right, each with its reason.
 * Each must still equal the answer to the same request with a never-issued id (unless marked
 * otherwise), so it cannot tell B's object from nothing.
 */
export const JUSTIFIED: Readonly<Record<string, readonly Justification[]>> = {
  createApiKey: [unknownListId('body.allowed_game_ids'), unknownListId('body.allowed_stream_ids')],
  updateApiKey: [unknownListId('body.allowed_game_ids'), unknownListId('body.allowed_stream_ids')],
  'streams.create': [unknownListId('body.game_ids')],
  'streams.update': [unknownListId('body.game_ids')],
  'prizes.replace': [
    unknownListId('body.slots[].id'),
    unknownListId('body.slots[].voucher_set_id'),
  ],
  'plays.start': [
    {
      status: 400,
      code: 'validation_failed',
      why:
        "the session token is the play API's credential and names its own game or stream: any " +
        'other target, of any organization or none, is 400 wrong_game (docs/play.md)',
    },
  ],
  'invitations.accept': [
    {
      status: 403,
      code: 'forbidden',
      unlikeGhost: true,
      why:
        'the invitation token is a 256-bit secret mailed to one address; its holder signed in ' +
        'with another account is told so (the accept page shows "sent to another email address"), ' +
        'while an unknown token is 410. Only someone who already has the link learns it is valid, ' +
        'and nothing is joined or consumed',
    },
  ],
};

/** Positive-control answers other than 2xx that still prove the lookup found B's object. */
export const POSITIVE_EXCEPTIONS: Readonly<Record<string, { status: number; why: string }>> = {
  'plays.start#2': {
    status: 400,
    why: "B's play token names a game, so asking for its stream is wrong_game: the token was found",
  },
  'tables.insert': {
    status: 409,
    why: "inserting B's player_id into B's own property conflicts with B's player: it was found",
  },
};

interface Envelope {
  success?: unknown;
  error?: unknown;
  code?: unknown;
  request_id?: unknown;
  data?: unknown;
}

function parse(body: string): Envelope | undefined {
  try {
    return JSON.parse(body) as Envelope;
  } catch {
    return undefined;
  }
}

const isEnvelope = (body: Envelope | undefined) =>
  body?.success === false &&
  typeof body.error === 'string' &&
  body.error !== '' &&
  typeof body.code === 'string' &&
  typeof body.request_id === 'string';

/** Ids, tokens and numbers replaced, so two messages compare by their wording only. */
const wording = (text: unknown) =>
  String(text)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '#')
    .replace(/[A-Za-z0-9_-]{32,}/g, '#')
    .replace(/\d+/g, '#');

const is2xx = (status: number) => status >= 200 && status < 300;

/** A pk_ key's own property always applies: the X-Property-Id it carries is ignored. */
function effective(cell: Cell) {
  return cell.built.other.filter(
    (slot) => !(cell.credential.kind === 'pk' && slot.location === 'header'),
  );
}

function kindOf(cell: Cell): CellKind {
  const slots = effective(cell);
  if (slots.some((slot) => slot.role === 'tenant' || slot.role === 'object')) return 'target';
  if (slots.some((slot) => slot.role === 'filter')) return 'filter';
  if (slots.some((slot) => slot.role === 'scoped')) return 'scoped';
  return 'skipped';
}

export function judge(cell: Cell, privateOfB: readonly string[]): Verdict {
  const kind = kindOf(cell);
  const failures: string[] = [];
  const { answer, ghost } = cell;
  const body = parse(answer.body);
  const leaked = privateOfB.filter((text) => answer.body.includes(text));
  if (leaked.length > 0) failures.push(`B data in the answer: ${leaked.join(', ')}`);
  if (answer.status === 0 || answer.status >= 500) {
    failures.push(`server error ${answer.status}: ${answer.body.slice(0, 200)}`);
    return { cell, kind, outcome: 'error', failures };
  }
  if (!is2xx(answer.status) && !isEnvelope(body)) {
    failures.push(`${answer.status} not in the error envelope: ${answer.body.slice(0, 200)}`);
  }
  const ghostBody = parse(ghost.body);
  const sameAsGhost = () => {
    if (ghost.status !== answer.status || ghostBody?.code !== body?.code) {
      failures.push(
        `distinguishable: B's object ${answer.status} ${String(body?.code)}, never-issued id ${ghost.status} ${String(ghostBody?.code)}`,
      );
    } else if (!is2xx(answer.status) && wording(body?.error) !== wording(ghostBody?.error)) {
      failures.push(
        `distinguishable: "${String(body?.error)}" for B's object, "${String(ghostBody?.error)}" for a never-issued id`,
      );
    }
  };

  if (kind === 'skipped') return { cell, kind, outcome: 'ok', failures };
  if (kind === 'filter' || kind === 'scoped') {
    if (kind === 'filter') sameAsGhost();
    if (
      kind === 'filter' &&
      is2xx(answer.status) &&
      Array.isArray(body?.data) &&
      body.data.length
    ) {
      failures.push(`B data: a filter on B's id returned ${body.data.length} row(s)`);
    }
    return { cell, kind, outcome: 'ok', failures };
  }

  if (is2xx(answer.status)) {
    failures.push(`LEAK: ${answer.status} ${answer.body.slice(0, 200)}`);
    return { cell, kind, outcome: '2xx', failures };
  }
  if (answer.status === 404) {
    sameAsGhost();
    return { cell, kind, outcome: '404', failures };
  }
  const reason = JUSTIFIED[cell.template.operationId]?.find(
    (j) =>
      j.status === answer.status &&
      j.code === body?.code &&
      (j.slot === undefined || cell.built.other.some((slot) => slot.label === j.slot)),
  );
  if (reason) {
    if (!reason.unlikeGhost) sameAsGhost();
    return { cell, kind, outcome: 'justified', failures };
  }
  if (answer.status === 401 || answer.status === 403) {
    // Refused before any lookup: the never-issued id gets the same refusal.
    sameAsGhost();
    const own = cell.own;
    const ownCode = own ? parse(own.body)?.code : undefined;
    if (own?.status === answer.status && ownCode === body?.code) {
      return { cell, kind, outcome: 'credential', failures };
    }
    failures.push(
      `${answer.status} ${String(body?.code)} for B's object but ${own?.status} ${String(ownCode)} for A's own: the refusal depends on the tenant`,
    );
    return { cell, kind, outcome: 'wrong', failures };
  }
  failures.push(
    `foreign object answered ${answer.status} ${String(body?.code)} (not 404): ${String(body?.error)}`,
  );
  return { cell, kind, outcome: 'wrong', failures };
}
