import type { FuzzCase } from './fuzz-http.ts';
import type { Operation } from './fuzz-openapi.ts';
import type { RawCase } from './fuzz-raw.ts';
import { envelopeProblem, jsonBody, type Reply } from './fuzz-send.ts';

/**
 * Statuses Node's HTTP server answers by itself, before the application sees the request:
 * 400 (malformed request line, header or framing; no Host header), 413 and 431 (head over
 * maxHeaderSize), and 417 (an Expect other than 100-continue). Only requests built to trip the
 * parser may get them without the envelope, or a closed socket. (The application's
 * clientErrorHandler answers most parser errors with the envelope; Node answers the rest.)
 */
export const PARSER_STATUSES = new Set([400, 413, 417, 431]);

/** The quality the Accept header gives a media type (0 when absent), and its position. */
function quality(accept: string, type: string): { q: number; at: number } {
  for (const [at, range] of accept.split(',').entries()) {
    const [name = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (name !== type) continue;
    const q = params.find((p) => p.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    return { q: Number.isFinite(value) ? value : 0, at };
  }
  return { q: 0, at: Infinity };
}

/**
 * True when the request's Accept prefers a page: text/html named, ahead of application/json or
 * without it. Only then may a route documenting `text/html` for an error answer one.
 */
export function prefersHtml(headers: FuzzCase['headers']): boolean {
  const raw = Object.entries(headers).find(([name]) => name.toLowerCase() === 'accept')?.[1];
  const accept = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  const html = quality(accept, 'text/html');
  const json = quality(accept, 'application/json');
  return html.q > 0 && (html.q > json.q || (html.q === json.q && html.at < json.at));
}

export interface Problem {
  readonly kind: string;
  readonly detail: string;
}

/** Running counts over every request the fuzzer sends. */
export class Tally {
  sent = 0;
  readonly byStatus = new Map<number, number>();
  readonly byLabel = new Map<string, number>();
  success = 0;
  redirect = 0;
  clientError = 0;
  serverError = 0;
  connectionErrors = 0;
  /** Closed without an answer, on a case built to trip Node's parser (acceptable). */
  parserClosed = 0;
  /** Closed while an over-limit body was being sent (acceptable: the 413 may race the upload). */
  overLimitClosed = 0;
  /** 4xx that are not JSON, by `<label> <status>`: only parser-level cases may produce them. */
  readonly nonJson = new Map<string, number>();
  nonJsonUnexpected = 0;
  envelopeViolations = 0;
  /** HEAD answers carry no body: their 4xx cannot show the envelope. */
  headWithoutBody = 0;
  mustFailSucceeded = 0;
  /** Requests sent again on a fresh socket because the pooled one had been closed. */
  retried = 0;
  /** HTML error pages to requests that asked for one, from operations documenting them. */
  htmlPages = 0;
  readonly problems: Problem[] = [];
  /** Operation id → the statuses it documents with a `text/html` answer. */
  readonly #htmlStatuses: ReadonlyMap<string, ReadonlySet<number>>;

  constructor(operations: readonly Operation[] = []) {
    this.#htmlStatuses = new Map(operations.map((op) => [op.id, op.htmlStatuses]));
  }

  #problem(kind: string, detail: string) {
    this.problems.push({ kind, detail });
  }

  #count(status: number, label: string) {
    this.sent += 1;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    this.byLabel.set(label, (this.byLabel.get(label) ?? 0) + 1);
  }

  /** Counts one answer; returns true when the request succeeded (2xx/3xx). */
  record(c: FuzzCase, reply: Reply): boolean {
    const headers = Object.keys(c.headers).join(',');
    const what = `${c.phase} ${c.op} [${c.label}] ${c.method} ${c.path.slice(0, 300)} (${c.role}; ${headers})`;
    this.#count(reply.status, `${c.phase}:${c.label.split(':')[0]}`);
    return this.#judge(reply, what, c.label, {
      parserLevel: c.parserLevel,
      overLimit: c.overLimit,
      head: c.method === 'HEAD',
      mustFail: c.mustFail,
      body: c.body,
      htmlAllowed:
        prefersHtml(c.headers) && (this.#htmlStatuses.get(c.op)?.has(reply.status) ?? false),
    });
  }

  recordRaw(c: RawCase, reply: Reply): boolean {
    const what = `D ${c.label} ${c.bytes.subarray(0, 120).toString('latin1').replace(/\r\n/g, '⏎')}`;
    this.#count(reply.status, `D:${c.label}`);
    return this.#judge(reply, what, c.label, {
      parserLevel: true,
      overLimit: false,
      head: false,
      mustFail: false,
      body: undefined,
      htmlAllowed: false,
    });
  }

  #judge(
    reply: Reply,
    what: string,
    label: string,
    c: {
      parserLevel: boolean;
      overLimit: boolean;
      head: boolean;
      mustFail: boolean;
      body: string | Buffer | undefined;
      /** The request asked for a page and the operation documents one for this status. */
      htmlAllowed: boolean;
    },
  ): boolean {
    const { status } = reply;
    if (reply.retried) this.retried += 1;
    const bodyStart =
      c.body === undefined
        ? ''
        : ` body=${JSON.stringify(c.body.toString().slice(0, 200))} (${c.body.length} bytes)`;
    if (status === 0) {
      if (c.parserLevel) this.parserClosed += 1;
      else if (c.overLimit) this.overLimitClosed += 1;
      else {
        this.connectionErrors += 1;
        this.#problem('connection error', `${what}${bodyStart} → ${reply.error}`);
      }
      return false;
    }
    if (status >= 500) {
      this.serverError += 1;
      this.#problem(`${status}`, `${what}${bodyStart} → ${reply.body.slice(0, 300)}`);
      return false;
    }
    if (status < 400) {
      if (status < 300) this.success += 1;
      else this.redirect += 1;
      if (c.mustFail) {
        this.mustFailSucceeded += 1;
        this.#problem('must-fail case succeeded', `${what}${bodyStart} → ${status}`);
      }
      return true;
    }
    this.clientError += 1;
    if (c.head && reply.body === '') {
      this.headWithoutBody += 1;
      return false;
    }
    const body = jsonBody(reply);
    if (body === undefined && c.htmlAllowed && /^text\/html/i.test(reply.contentType)) {
      this.htmlPages += 1;
      return false;
    }
    if (body === undefined) {
      const key = `${status} ${reply.contentType || 'no content-type'} (${label})`;
      this.nonJson.set(key, (this.nonJson.get(key) ?? 0) + 1);
      if (!(c.parserLevel && PARSER_STATUSES.has(status))) {
        this.nonJsonUnexpected += 1;
        this.#problem(
          'non-JSON 4xx',
          `${what}${bodyStart} → ${status} ${reply.body.slice(0, 200)}`,
        );
      }
      return false;
    }
    const problem =
      envelopeProblem(status, body) ??
      (reply.contentType.startsWith('application/json') ? undefined : 'content-type not JSON');
    if (problem) {
      this.envelopeViolations += 1;
      this.#problem(
        `envelope: ${problem}`,
        `${what}${bodyStart} → ${status} ${reply.body.slice(0, 300)}`,
      );
    }
    return false;
  }
}
