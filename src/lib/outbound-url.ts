import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from './errors.ts';

// SSRF guard for URLs PlayLoop calls on a customer's behalf (webhooks, connections). A URL is
// checked twice: when it is saved (a clear 400) and before every delivery, because a name that
// was public yesterday can point inside the network today. The delivery then connects only to
// the addresses that were checked (`pinnedLookup`), so a DNS answer that changes between the
// check and the connection (DNS rebinding) cannot slip a private address in.
//
// Addresses are judged after WHATWG URL parsing, which already turns every IPv4 spelling
// (2130706433, 0x7f.1, 0177.0.0.1, 127.1) into dotted decimal and compresses IPv6, so one rule
// per range covers every spelling. IPv6 forms that embed an IPv4 address (mapped ::ffff:a.b.c.d,
// compatible ::a.b.c.d, SIIT ::ffff:0:a.b.c.d, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4
// 2002::/16) are judged by the IPv4 address they carry.

/** Why a URL was refused; `details.rule` of the 400 answer. */
export type OutboundUrlRule =
  | 'invalid_url'
  | 'scheme'
  | 'https_required'
  | 'credentials'
  | 'port'
  | 'localhost'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'metadata'
  | 'carrier_grade_nat'
  | 'unique_local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'tunnel'
  | 'unresolvable';

export class OutboundUrlError extends AppError {
  readonly rule: OutboundUrlRule;
  constructor(rule: OutboundUrlRule, message: string) {
    super('validation_failed', message, { rule });
    this.name = 'OutboundUrlError';
    this.rule = rule;
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every A/AAAA answer for a name (tests inject a fake; production uses getaddrinfo). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface OutboundUrlPolicy {
  /**
   * Allows loopback, RFC 1918, CGNAT, link-local and unique-local targets (the setting
   * `WEBHOOKS_ALLOW_PRIVATE_NETWORKS`, for tests and installs inside one network). Cloud metadata
   * addresses, unspecified, multicast, broadcast and reserved ranges stay refused even then.
   */
  allowPrivateNetworks: boolean;
  /** Refuse `http:` (Zapier hooks, and anything carrying credentials). */
  httpsOnly?: boolean | undefined;
  resolve?: HostResolver | undefined;
}

/** A URL that passed every rule, with the exact addresses a connection may use. */
export interface CheckedUrl {
  url: URL;
  /** Host without IPv6 brackets, as `lookup` receives it. */
  hostname: string;
  addresses: ResolvedAddress[];
}

export const MAX_OUTBOUND_URL_LENGTH = 2048;

/** Instance metadata services: refused even when private networks are allowed. */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254', // AWS, GCP, Azure, OCI, DigitalOcean
  '169.254.170.2', // AWS ECS task metadata
  '100.100.100.200', // Alibaba Cloud
  'fd00:ec2::254', // AWS IMDS over IPv6
]);

/** Ranges `allowPrivateNetworks` opens; everything else not public stays refused. */
const PRIVATE_RULES = new Set<OutboundUrlRule>([
  'loopback',
  'private',
  'link_local',
  'carrier_grade_nat',
  'unique_local',
  'localhost',
]);

const RULE_TEXT: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private network address',
  link_local: 'a link-local address',
  metadata: 'a cloud metadata address',
  carrier_grade_nat: 'a carrier-grade NAT address (100.64.0.0/10)',
  unique_local: 'an IPv6 unique-local address (fc00::/7)',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved or documentation address',
  tunnel: 'a Teredo tunnel address',
};

function v4Rule(ip: ipaddr.IPv4): OutboundUrlRule | null {
  if (METADATA_ADDRESSES.has(ip.toString())) return 'metadata';
  const range = ip.range();
  switch (range) {
    case 'unicast':
      return null;
    case 'loopback':
      return 'loopback';
    case 'private':
      return 'private';
    case 'linkLocal':
      return 'link_local';
    case 'carrierGradeNat':
      return 'carrier_grade_nat';
    case 'unspecified':
      return 'unspecified';
    case 'multicast':
      return 'multicast';
    case 'broadcast':
      return 'broadcast';
    case 'reserved':
    case 'benchmarking':
    case 'amt':
    case 'as112':
      return 'reserved';
  }
}

/** The IPv4 address an IPv6 address carries, for the forms that route to it. */
function embeddedV4(ip: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = ip.parts;
  const last32 = (hi: number, lo: number) =>
    new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const range = ip.range();
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') {
    return last32(p[6] ?? 0, p[7] ?? 0);
  }
  if (range === '6to4') return last32(p[1] ?? 0, p[2] ?? 0);
  // IPv4-compatible ::a.b.c.d (deprecated, RFC 4291 2.5.5.1): ipaddr.js calls it unicast.
  if (p.slice(0, 6).every((x) => x === 0) && ((p[6] ?? 0) !== 0 || (p[7] ?? 0) > 1)) {
    return last32(p[6] ?? 0, p[7] ?? 0);
  }
  return null;
}

function v6Rule(ip: ipaddr.IPv6): OutboundUrlRule | null {
  if (METADATA_ADDRESSES.has(ip.toString())) return 'metadata';
  const v4 = embeddedV4(ip);
  if (v4) return v4Rule(v4);
  const range = ip.range() as string;
  switch (range) {
    case 'unicast':
      return null;
    case 'loopback':
      return 'loopback';
    case 'linkLocal':
      return 'link_local';
    case 'uniqueLocal':
      return 'unique_local';
    case 'unspecified':
      return 'unspecified';
    case 'multicast':
      return 'multicast';
    case 'teredo':
      return 'tunnel';
    default:
      // site-local, discard, documentation, benchmarking, ORCHID, segment routing, …
      return 'reserved';
  }
}

/**
 * The rule an IP address breaks when it is not a public unicast address, or null.
 * Ignores the private-network switch: see `refusedBy`.
 */
export function addressRule(address: string): OutboundUrlRule | null {
  if (!ipaddr.isValid(address)) return 'invalid_url';
  const ip = ipaddr.parse(address);
  return ip.kind() === 'ipv4' ? v4Rule(ip as ipaddr.IPv4) : v6Rule(ip as ipaddr.IPv6);
}

function refusedBy(rule: OutboundUrlRule | null, policy: OutboundUrlPolicy): boolean {
  if (rule === null) return false;
  return !(policy.allowPrivateNetworks && PRIVATE_RULES.has(rule));
}

function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

function addressError(host: string, address: string, rule: OutboundUrlRule): OutboundUrlError {
  const what = RULE_TEXT[rule] ?? rule;
  const subject = host === address ? address : `${host} resolves to ${address}, which`;
  return new OutboundUrlError(rule, `URL refused: ${subject} is ${what}`);
}

/**
 * Checks what can be known without DNS: scheme, credentials, port, `localhost` names and IP
 * literals. Returns the parsed URL. Use it for request validation; `checkOutboundUrl` adds the
 * resolution.
 */
export function parseOutboundUrl(raw: string, policy: OutboundUrlPolicy): URL {
  if (raw.length > MAX_OUTBOUND_URL_LENGTH) {
    throw new OutboundUrlError(
      'invalid_url',
      `URL refused: longer than ${MAX_OUTBOUND_URL_LENGTH} characters`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundUrlError('invalid_url', 'URL refused: not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundUrlError(
      'scheme',
      `URL refused: scheme ${url.protocol} (only http and https)`,
    );
  }
  if (policy.httpsOnly && url.protocol !== 'https:') {
    throw new OutboundUrlError('https_required', 'URL refused: must use https');
  }
  if (url.username !== '' || url.password !== '') {
    throw new OutboundUrlError(
      'credentials',
      'URL refused: user name or password in the URL (use an auth header instead)',
    );
  }
  // Any port a public host listens on is fine: the address rules are what keep requests out of
  // private networks. Port 0 cannot be connected to.
  if (url.port === '0') throw new OutboundUrlError('port', 'URL refused: port 0');
  const host = bareHost(url);
  if (host === '') throw new OutboundUrlError('invalid_url', 'URL refused: no host');
  if (isLocalhostName(host) && !policy.allowPrivateNetworks) {
    throw new OutboundUrlError('localhost', `URL refused: ${host} is a loopback name`);
  }
  if (ipaddr.isValid(host)) {
    const rule = addressRule(host);
    if (refusedBy(rule, policy)) throw addressError(host, host, rule ?? 'invalid_url');
  }
  return url;
}

/** Resolves every A and AAAA record through the system resolver (honours /etc/hosts). */
export const systemResolver: HostResolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, order: 'verbatim' });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Every rule of `parseOutboundUrl`, then the name is resolved and EVERY address it resolves to
 * must pass (one private answer among public ones refuses the URL: the connection could pick
 * it). Throws `OutboundUrlError`; the addresses returned are the only ones `pinnedLookup` hands
 * to the connection.
 */
export async function checkOutboundUrl(
  raw: string,
  policy: OutboundUrlPolicy,
): Promise<CheckedUrl> {
  const url = parseOutboundUrl(raw, policy);
  const hostname = bareHost(url);
  if (ipaddr.isValid(hostname)) {
    const family = ipaddr.parse(hostname).kind() === 'ipv4' ? 4 : 6;
    return { url, hostname, addresses: [{ address: hostname, family }] };
  }
  let answers: ResolvedAddress[];
  try {
    answers = await (policy.resolve ?? systemResolver)(hostname);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new OutboundUrlError(
      'unresolvable',
      `URL refused: ${hostname} does not resolve${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
  if (answers.length === 0) {
    throw new OutboundUrlError('unresolvable', `URL refused: ${hostname} has no address`);
  }
  for (const { address } of answers) {
    const rule = addressRule(address);
    if (refusedBy(rule, policy)) throw addressError(hostname, address, rule ?? 'invalid_url');
  }
  return { url, hostname, addresses: answers };
}

/**
 * A `lookup` for `http.request` / `net.connect` that answers only with the checked addresses of
 * the checked host and never asks DNS again.
 */
export function pinnedLookup(checked: CheckedUrl): LookupFunction {
  return (hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : null;
    const list = checked.addresses.filter((a) => wanted === null || a.family === wanted);
    const first = list[0];
    if (hostname !== checked.hostname || first === undefined) {
      const error: NodeJS.ErrnoException = new Error(`${hostname} was not checked for delivery`);
      error.code = 'ENOTFOUND';
      callback(error, '', 0);
      return;
    }
    if (options.all) callback(null, list);
    else callback(null, first.address, first.family);
  };
}
