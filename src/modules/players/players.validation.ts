import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { AppError } from '../../lib/errors.ts';
import { ianaTimeZone } from '../../lib/time-zone.ts';
import { isCalendarDate } from '../../lib/postgrest-filter.ts';
import { PLAYER_STATUSES, PLAYER_TABLE, type PlayerStatus } from './players.table.ts';

/** A player's writable fields after validation and normalization; absent = not sent. */
export interface PlayerValues {
  player_id?: string | null;
  email?: string | null;
  phone?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  status?: PlayerStatus;
  tier?: string | null;
  adt?: number | null;
  coin_in?: number | null;
  timezone?: string | null;
  state?: string | null;
  country?: string | null;
  date_of_birth?: string | null;
  traits?: Record<string, unknown>;
}

export const TRAITS_MAX_BYTES = 16 * 1024;
const EARLIEST_BIRTH_DATE = '1900-01-01';
// Below the limits of numeric(14,2) and numeric(16,2), with room for rounding to cents.
const ADT_MAX = 999_999_999_999;
const COIN_IN_MAX = 99_999_999_999_999;

// ISO 3166-1 alpha-2 (officially assigned), plus XK (Kosovo), which is in common use.
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ ' +
    'BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM ' +
    'DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS ' +
    'GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN ' +
    'KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ ' +
    'MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM ' +
    'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV ' +
    'SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI ' +
    'VN VU WF WS YE YT ZA ZM ZW XK'
  ).split(' '),
);

const EMAIL = /^[^\s@"(),:;<>[\\\]]+@[^\s@"(),:;<>[\\\]]+\.[^\s@"(),:;<>[\\\]]+$/;

const invalid = (message: string): never => {
  throw new AppError('validation_failed', message);
};

/** An optional text field: null or "" clear it; otherwise trimmed, at most `max` characters. */
function text(field: string, value: unknown, max: number): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') return invalid(`${field} must be a string or null`);
  const trimmed = value.trim();
  if (trimmed.includes('\u0000')) return invalid(`${field} must not contain NUL characters`);
  if (trimmed.length > max) return invalid(`${field} must have at most ${max} characters`);
  return trimmed === '' ? null : trimmed;
}

/** Optional: null, "" or blank mean "no casino id" (on update: clear it). */
function playerId(value: unknown): string | null {
  if (value !== null && typeof value !== 'string') {
    return invalid('player_id must be a string of 1 to 100 characters, or null');
  }
  return text('player_id', value, 100);
}

function email(value: unknown): string | null {
  const address = text('email', value, 254);
  if (address !== null && !EMAIL.test(address)) {
    return invalid(`email ${JSON.stringify(address)} is not a valid email address`);
  }
  return address;
}

function country(value: unknown): string | null {
  const code = text('country', value, 2)?.toUpperCase() ?? null;
  if (code !== null && !COUNTRIES.has(code)) {
    return invalid(`country ${JSON.stringify(code)} is not an ISO 3166-1 alpha-2 code such as US`);
  }
  return code;
}

/**
 * E.164 from an international number (`+1 702 555 0100`), or from a national one
 * (`(702) 555-0100`) only when the same object names its `country`.
 */
function phone(value: unknown, countryHint: string | null | undefined): string | null {
  const raw = text('phone', value, 40);
  if (raw === null) return null;
  const international = raw.startsWith('+');
  if (!international && !countryHint) {
    return invalid(
      'phone must be in international format (+ and country code), or come with a country for a national number',
    );
  }
  const parsed = international
    ? parsePhoneNumberFromString(raw)
    : parsePhoneNumberFromString(raw, countryHint as CountryCode);
  if (!parsed?.isValid()) {
    return invalid(
      `phone ${JSON.stringify(raw)} is not a valid phone number${international ? '' : ` in ${countryHint}`}`,
    );
  }
  return parsed.number;
}

function status(value: unknown): PlayerStatus {
  if (typeof value === 'string' && (PLAYER_STATUSES as readonly string[]).includes(value)) {
    return value as PlayerStatus;
  }
  return invalid(`status must be one of ${PLAYER_STATUSES.join(', ')}`);
}

function amount(field: string, value: unknown, max: number): number | null {
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return invalid(`${field} must be a number or null`);
  }
  if (value < 0 || value > max) return invalid(`${field} must be from 0 to ${max}`);
  return value;
}

function timezone(value: unknown): string | null {
  const zone = text('timezone', value, 64);
  if (zone === null) return null;
  return (
    ianaTimeZone(zone) ??
    invalid(`timezone ${JSON.stringify(zone)} is not an IANA time zone such as America/Los_Angeles`)
  );
}

function dateOfBirth(value: unknown, today: string): string | null {
  const date = text('date_of_birth', value, 10);
  if (date === null) return null;
  if (!isCalendarDate(date)) return invalid('date_of_birth must be a date YYYY-MM-DD');
  if (date >= today) return invalid('date_of_birth must be in the past');
  if (date < EARLIEST_BIRTH_DATE)
    return invalid(`date_of_birth must be ${EARLIEST_BIRTH_DATE} or later`);
  return date;
}

function traits(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid('traits must be a JSON object');
  }
  const json = JSON.stringify(value);
  if (Buffer.byteLength(json) > TRAITS_MAX_BYTES) {
    return invalid(`traits must be at most ${TRAITS_MAX_BYTES} bytes of JSON`);
  }
  // jsonb cannot store the NUL character.
  if (json.includes('\\u0000')) return invalid('traits must not contain NUL characters');
  return value as Record<string, unknown>;
}

/**
 * Checks and normalizes one player object. player_id is optional (the vendor SDK creates
 * players without one); `update` requires at least one field. Every message names the
 * offending field; unknown and server-set fields are refused rather than ignored, so a typo
 * never passes silently.
 */
export function validatePlayer(input: unknown, mode: 'create' | 'update', now: Date): PlayerValues {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return invalid('A player must be a JSON object');
  }
  const body = input as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(PLAYER_TABLE.columns, key)) {
      invalid(`Unknown field ${JSON.stringify(key)}`);
    } else if (PLAYER_TABLE.columns[key]?.write !== true) {
      invalid(`Field ${key} is set by the server and cannot be written`);
    }
  }
  const has = (key: string) => Object.hasOwn(body, key) && body[key] !== undefined;
  const out: PlayerValues = {};
  if (has('player_id')) out.player_id = playerId(body.player_id);
  if (has('email')) out.email = email(body.email);
  if (has('country')) out.country = country(body.country);
  if (has('phone')) out.phone = phone(body.phone, out.country);
  if (has('first_name')) out.first_name = text('first_name', body.first_name, 100);
  if (has('last_name')) out.last_name = text('last_name', body.last_name, 100);
  if (has('status')) out.status = status(body.status);
  if (has('tier')) out.tier = text('tier', body.tier, 50);
  if (has('adt')) out.adt = amount('adt', body.adt, ADT_MAX);
  if (has('coin_in')) out.coin_in = amount('coin_in', body.coin_in, COIN_IN_MAX);
  if (has('timezone')) out.timezone = timezone(body.timezone);
  if (has('state')) out.state = text('state', body.state, 100);
  if (has('date_of_birth')) {
    out.date_of_birth = dateOfBirth(body.date_of_birth, now.toISOString().slice(0, 10));
  }
  if (has('traits')) out.traits = traits(body.traits);
  if (mode === 'update' && Object.keys(out).length === 0) invalid('Nothing to update');
  return out;
}
