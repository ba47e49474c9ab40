/** The API's roles, most powerful first (Owner > Admin > Editor > Analyst > Viewer). */
const ORDER = ['Owner', 'Admin', 'Editor', 'Analyst', 'Viewer'];

/**
 * Whether `role` is `least` or above. Used only to hide what the API would refuse anyway
 * (properties: Admin; games and streams: Editor; sessions: Analyst); the API stays the judge.
 */
export function roleAtLeast(role: string, least: 'Admin' | 'Editor' | 'Analyst'): boolean {
  const rank = ORDER.indexOf(role);
  return rank !== -1 && rank <= ORDER.indexOf(least);
}
