import fc from 'fast-check';
import type { Operation } from './fuzz-openapi.ts';

/**
 * The request a fuzz case sends, and the hostile pieces shared by every phase: credentials
 * (valid, missing, malformed, another tenant's) and odd headers.
 */
export interface FuzzCase {
  readonly phase: string;
  /** What was fuzzed, e.g. `body:invalid` or `path:hostile`, for counts and failure reports. */
  readonly label: string;
  readonly op: string;
  readonly method: string;
  /** Path and query string, as they go on the wire. */
  readonly path: string;
  /** A credential role, resolved when sent (so a re-issued key is picked up). */
  readonly role: string;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body?: string | Buffer;
  /** Built so that it cannot succeed: a 2xx is reported as a fuzzer bug, not a server one. */
  readonly mustFail: boolean;
  /** Its head is near Node's 16 KiB header limit: a 431 or closed socket from Node is fine. */
  readonly parserLevel: boolean;
  /** Its body exceeds the route's limit: the server may close the socket while it is sent. */
  readonly overLimit: boolean;
}

/** Roles that authenticate (resolved by the test from the tenants it made). */
export const VALID_ROLES = [
  'dpOwner',
  'dpOwnerB',
  'dpKey',
  'dpKeyB',
  'pk',
  'pkB',
  'propOwner',
  'throwaway',
] as const;

/** Credentials that are refused whatever the route: missing, malformed or forged. */
export const MALFORMED_CREDENTIALS: readonly Readonly<Record<string, string>>[] = [
  {},
  { authorization: 'Bearer' },
  { authorization: 'Bearer ' },
  { authorization: 'Basic dXNlcjpwYXNzd29yZA==' },
  { authorization: `Bearer ${'x'.repeat(6000)}` },
  { authorization: 'Bearer a.b.c' },
  // alg "none": must never be taken as a signed OIDC token.
  {
    authorization:
      'Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiIxIiwiZXhwIjo5OTk5OTk5OTk5fQ.',
  },
  { authorization: "Bearer ' OR 1=1--" },
  { authorization: 'Bearer \u00ff\u00fe\u00fd' },
  { authorization: 'Bearer dpk_0000000000000000000000000000000000000000' },
  { 'x-api-key': '' },
  { 'x-api-key': 'dpk_' },
  { 'x-api-key': `dpk_${'A'.repeat(40)}` },
  { 'x-api-key': `pk_${'z'.repeat(48)}` },
  { 'x-api-key': "dpk_' OR '1'='1" },
  { 'x-api-key': 'x'.repeat(8000) },
  { 'x-api-key': 'dpk_\u00e9\u00ff' },
];
export const MALFORMED_ROLES = MALFORMED_CREDENTIALS.map((_, i) => `malformed:${i}`);

/**
 * Roles refused by routes of each security kind whatever else the request holds: a credential
 * of the wrong kind counts (a dpk_ key on a bearer route is simply no bearer token).
 */
export function refusedRoles(security: Operation['security']): string[] {
  switch (security) {
    case 'bearer':
      return [...MALFORMED_ROLES, 'dpKey', 'dpKeyB', 'pk', 'pkB'];
    case 'apiKey':
      return [...MALFORMED_ROLES, 'dpOwner', 'dpOwnerB', 'pk', 'pkB', 'propOwner'];
    case 'property':
      return [
        ...MALFORMED_ROLES,
        'dpKey',
        'dpKeyB',
        'propOwnerNoHeader',
        'propOwnerForeign',
        'propOwnerBadHeader',
      ];
    case 'none':
      return [];
  }
}

/** The credentials that pass a route of this kind, so that the request reaches validation. */
export function acceptedRoles(security: Operation['security']): string[] {
  switch (security) {
    case 'bearer':
      return ['dpOwner', 'dpOwnerB', 'propOwner'];
    case 'apiKey':
      return ['dpKey', 'dpKeyB'];
    case 'property':
      return ['pk', 'pkB', 'propOwner'];
    case 'none':
      return ['none'];
  }
}

const NOISE: readonly (readonly [string, string])[] = [
  ['accept', '*/*'],
  ['accept', 'application/xml'],
  ['accept', 'text/html, */*;q=0.1'],
  ['accept', 'application/json; q=garbage'],
  ['accept', ';;;'],
  ['accept', `x/${'y'.repeat(3000)}`],
  ['accept-language', 'zz-ZZ'],
  ['accept-language', '*;q=0'],
  ['accept-language', 'en-US,en;q=0.9,'.repeat(100)],
  ['accept-language', '\u00ff\u00fe'],
  ['accept-encoding', 'gzip, deflate, br, zstd'],
  ['accept-encoding', '*;q=0'],
  ['accept-charset', 'ebcdic'],
  ['prefer', 'count=exact'],
  ['prefer', 'count=bogus'],
  ['prefer', 'count='],
  ['prefer', 'return=minimal'],
  ['prefer', 'count=exact, count=none'],
  ['prefer', ';;;;,,,,===='],
  ['prefer', `count=${'x'.repeat(2000)}`],
  ['range', 'bytes=0-'],
  ['range', 'items=0-9'],
  ['range', 'bytes=-1'],
  ['range', 'items=9999999999999999999-'],
  ['range', 'garbage'],
  ['x-property-id', 'not-a-uuid'],
  ['x-property-id', '00000000-0000-0000-0000-000000000000'],
  ['x-property-id', "' OR 1=1--"],
  ['x-property-id', '\u00ff'.repeat(100)],
  ['x-forwarded-for', '1.1.1.1, 2.2.2.2'],
  ['x-forwarded-for', '999.999.999.999'],
  ['x-forwarded-host', 'evil.example'],
  ['x-forwarded-proto', 'gopher'],
  ['origin', 'null'],
  ['origin', 'https://evil.example'],
  ['cookie', 'a=b; c'],
  ['cookie', '=;=;==;'],
  ['cookie', `session=${'x'.repeat(3000)}`],
  ['if-none-match', '*'],
  ['if-modified-since', 'garbage'],
  ['content-encoding', 'gzip'],
  ['content-encoding', 'br'],
  ['x-http-method-override', 'DELETE'],
  ['x-request-id', '../../etc/passwd'],
  ['x-request-id', 'x'.repeat(1000)],
  ['user-agent', ''],
  ['user-agent', '\u00ff'.repeat(200)],
  ['access-control-request-method', 'DELETE'],
];

/** Zero to three odd headers, each within Node's limits (the sum is checked by `headBytes`). */
export const noiseHeaders: fc.Arbitrary<Record<string, string>> = fc
  .array(fc.constantFrom(...NOISE), { maxLength: 3 })
  .map((pairs) => Object.fromEntries(pairs));

/** Approximate size of the request head, which Node limits to 16 KiB. */
export function headBytes(
  method: string,
  path: string,
  headers: Readonly<Record<string, string | string[]>>,
  role: string,
): number {
  let size = method.length + path.length + 200;
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) size += name.length + v.length + 4;
  }
  if (role.startsWith('malformed:')) {
    const credential = MALFORMED_CREDENTIALS[Number(role.slice(10))] ?? {};
    for (const [name, value] of Object.entries(credential)) size += name.length + value.length + 4;
  } else {
    size += 200;
  }
  return size;
}

/** Node's default maxHeaderSize, less a margin for the headers the client adds. */
export const HEAD_LIMIT = 16 * 1024 - 512;
