/**
 * When marketing calls and texts may reach a recipient, by US state: the federal window
 * (47 CFR §64.1200(c)(1): 8:00–21:00 at the called party's location) and the state laws that are
 * stricter. Each rule names its source; a state not listed follows the federal window. PlayLoop
 * applies rules, it does not give legal advice: an operator adds or tightens rules with counsel.
 *
 * Hours are local wall-clock minutes from midnight; `end` is exclusive. A day without a window
 * (a Sunday ban) is `null`.
 */

export interface DayWindow {
  readonly start: number;
  readonly end: number;
}

export interface StateRule {
  /** USPS code, or `US` for the federal baseline. */
  readonly state: string;
  /** Windows by weekday, Sunday first (0) as `Date.getDay` counts. */
  readonly days: readonly (DayWindow | null)[];
  /** Marketing messages per recipient per rolling 24 hours, or null for no cap. */
  readonly capPer24h: number | null;
  readonly source: string;
}

const h = (hour: number) => hour * 60;
const every = (window: DayWindow): (DayWindow | null)[] => Array.from({ length: 7 }, () => window);

export const FEDERAL_RULE: StateRule = {
  state: 'US',
  days: every({ start: h(8), end: h(21) }),
  capPer24h: null,
  source: '47 CFR §64.1200(c)(1) (TCPA): not before 8 a.m. or after 9 p.m. local time',
};

export const STATE_RULES: Readonly<Record<string, StateRule>> = {
  FL: {
    state: 'FL',
    days: every({ start: h(8), end: h(20) }),
    capPer24h: 3,
    source:
      'Fla. Stat. §501.059(8)(a)–(b) (Florida Telephone Solicitation Act): 8 a.m.–8 p.m.; at most 3 per 24 hours on the same subject',
  },
  OK: {
    state: 'OK',
    days: every({ start: h(8), end: h(21) }),
    capPer24h: 3,
    source:
      'Okla. Stat. tit. 15, §775C.4 (Oklahoma Telephone Solicitation Act): 8 a.m.–9 p.m.; at most 3 per 24 hours on the same subject',
  },
  MD: {
    state: 'MD',
    days: every({ start: h(8), end: h(20) }),
    capPer24h: 3,
    source:
      'Md. Code, Com. Law §14-4503 (Stop the Spam Calls Act of 2023): 8 a.m.–8 p.m.; at most 3 per 24 hours on the same subject',
  },
  TX: {
    state: 'TX',
    days: [
      { start: h(12), end: h(21) },
      ...Array.from({ length: 6 }, () => ({ start: h(9), end: h(21) })),
    ],
    capPer24h: null,
    source: 'Tex. Bus. & Com. Code §301.051: Monday–Saturday 9 a.m.–9 p.m., Sunday noon–9 p.m.',
  },
};

/** The strictest combination of the federal rule and these states' rules. */
export function strictestRule(states: readonly string[]): {
  days: (DayWindow | null)[];
  capPer24h: number | null;
  rules: StateRule[];
} {
  const rules = [FEDERAL_RULE, ...states.flatMap((s) => STATE_RULES[s] ?? [])];
  const days = Array.from({ length: 7 }, (_, day) => {
    let window: DayWindow | null = { start: 0, end: h(24) };
    for (const rule of rules) {
      const own = rule.days[day] ?? null;
      if (!own || !window) return null;
      window = { start: Math.max(window.start, own.start), end: Math.min(window.end, own.end) };
      if (window.start >= window.end) return null;
    }
    return window;
  });
  const caps = rules.map((r) => r.capPer24h).filter((c): c is number => c !== null);
  return { days, capPer24h: caps.length > 0 ? Math.min(...caps) : null, rules };
}

const STATE_NAMES: Readonly<Record<string, string>> = {
  ALABAMA: 'AL',
  ALASKA: 'AK',
  ARIZONA: 'AZ',
  ARKANSAS: 'AR',
  CALIFORNIA: 'CA',
  COLORADO: 'CO',
  CONNECTICUT: 'CT',
  DELAWARE: 'DE',
  'DISTRICT OF COLUMBIA': 'DC',
  FLORIDA: 'FL',
  GEORGIA: 'GA',
  HAWAII: 'HI',
  IDAHO: 'ID',
  ILLINOIS: 'IL',
  INDIANA: 'IN',
  IOWA: 'IA',
  KANSAS: 'KS',
  KENTUCKY: 'KY',
  LOUISIANA: 'LA',
  MAINE: 'ME',
  MARYLAND: 'MD',
  MASSACHUSETTS: 'MA',
  MICHIGAN: 'MI',
  MINNESOTA: 'MN',
  MISSISSIPPI: 'MS',
  MISSOURI: 'MO',
  MONTANA: 'MT',
  NEBRASKA: 'NE',
  NEVADA: 'NV',
  'NEW HAMPSHIRE': 'NH',
  'NEW JERSEY': 'NJ',
  'NEW MEXICO': 'NM',
  'NEW YORK': 'NY',
  'NORTH CAROLINA': 'NC',
  'NORTH DAKOTA': 'ND',
  OHIO: 'OH',
  OKLAHOMA: 'OK',
  OREGON: 'OR',
  PENNSYLVANIA: 'PA',
  'RHODE ISLAND': 'RI',
  'SOUTH CAROLINA': 'SC',
  'SOUTH DAKOTA': 'SD',
  TENNESSEE: 'TN',
  TEXAS: 'TX',
  UTAH: 'UT',
  VERMONT: 'VT',
  VIRGINIA: 'VA',
  WASHINGTON: 'WA',
  'WEST VIRGINIA': 'WV',
  WISCONSIN: 'WI',
  WYOMING: 'WY',
  'PUERTO RICO': 'PR',
  GUAM: 'GU',
  'U.S. VIRGIN ISLANDS': 'VI',
  'VIRGIN ISLANDS': 'VI',
  'AMERICAN SAMOA': 'AS',
  'NORTHERN MARIANA ISLANDS': 'MP',
};
const STATE_CODES = new Set(Object.values(STATE_NAMES));

/**
 * A profile's free-text state ("fl", "Florida", " FL ") as its USPS code, or null when it names
 * no US state: a rule keyed by code must not be missed because of how the state was typed.
 */
export function usStateCode(value: string | null | undefined): string | null {
  const text = value?.trim().replace(/\s+/g, ' ').toUpperCase();
  if (!text) return null;
  if (STATE_CODES.has(text)) return text;
  return STATE_NAMES[text.replace(/^STATE OF /, '')] ?? null;
}
