import type { Channel, Purpose } from '../../db/schema.ts';

/**
 * Which consent a message needs, and whether the records on file give it. Pure: the check
 * (compliance.check.ts) loads the records and asks here.
 *
 * - SMS and voice: marketing needs prior express written consent (PEWC) for marketing;
 *   informational needs prior express consent (PEC or PEWC) for informational or marketing;
 *   transactional needs PEC or PEWC of any purpose.
 * - Email: marketing needs an opt-in for marketing (the stricter GDPR reading; CAN-SPAM alone
 *   would allow opt-out mail); informational and transactional need none.
 * - Push: marketing needs a grant for marketing; the others none.
 * A grant for a program covers that program; a grant without one covers every program. The
 * newest record decides: a revocation after the grant withdraws it (a revocation without a
 * program or purpose withdraws every one).
 */

export interface ConsentRecord {
  action: 'grant' | 'revoke';
  consent_type: 'pec' | 'pewc' | 'email_opt_in' | null;
  purpose: Purpose | null;
  program: string | null;
  captured_at: Date;
}

export type ConsentVerdict =
  'ok' | 'not_required' | 'no_consent' | 'consent_insufficient' | 'revoked';

function accepts(channel: Channel, purpose: Purpose, record: ConsentRecord): boolean {
  const type = record.consent_type;
  switch (channel) {
    case 'sms':
    case 'voice':
      if (purpose === 'marketing') return type === 'pewc' && record.purpose === 'marketing';
      if (purpose === 'informational') {
        return (type === 'pec' || type === 'pewc') && record.purpose !== 'transactional';
      }
      return type === 'pec' || type === 'pewc';
    case 'email':
      return type === 'email_opt_in' && record.purpose === 'marketing';
    case 'push':
      return record.purpose === 'marketing';
  }
}

export function consentRequired(channel: Channel, purpose: Purpose): boolean {
  if (channel === 'sms' || channel === 'voice') return true;
  return purpose === 'marketing';
}

const covers = (record: ConsentRecord, program: string | null) =>
  record.program === null || record.program === program;

/** The verdict of the records of one channel and address for a message. */
export function consentVerdict(
  channel: Channel,
  purpose: Purpose,
  program: string | null,
  records: readonly ConsentRecord[],
): ConsentVerdict {
  const relevant = records.filter((record) => covers(record, program));
  const revokedAt = Math.max(
    ...relevant
      .filter((r) => r.action === 'revoke' && (r.purpose === null || r.purpose === purpose))
      .map((r) => r.captured_at.getTime()),
    -Infinity,
  );
  const grants = relevant.filter((r) => r.action === 'grant');
  const live = grants.filter((r) => r.captured_at.getTime() > revokedAt);
  if (!consentRequired(channel, purpose)) {
    // Nothing is needed, but an opt-out still stops informational mail (not transactional).
    if (purpose === 'transactional') return 'not_required';
    return revokedAt > -Infinity && live.length === 0 ? 'revoked' : 'not_required';
  }
  if (live.some((record) => accepts(channel, purpose, record))) return 'ok';
  if (grants.some((record) => accepts(channel, purpose, record))) return 'revoked';
  return grants.length > 0 ? 'consent_insufficient' : 'no_consent';
}

/** Whole years between a date of birth (YYYY-MM-DD) and an instant, in UTC. */
export function ageAt(dateOfBirth: string, at: Date): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  let age = at.getUTCFullYear() - y;
  const beforeBirthday =
    at.getUTCMonth() + 1 < m || (at.getUTCMonth() + 1 === m && at.getUTCDate() < d);
  if (beforeBirthday) age--;
  return age;
}
