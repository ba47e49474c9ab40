import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { insertEventsSelect, playFields, playJoins } from '../events/index.ts';

type Executor = Kysely<DB> | Transaction<DB>;

// The prize events, written in the transaction of the draw or of the claim they record.

/** The facts of a draw's prize events: its play (session, stream) and its slot. */
const DRAW_EVENT_FROM = `prize_draws d
  JOIN plays p ON p.org_id = d.org_id AND p.id = d.play_id
  JOIN prize_slots sl ON sl.org_id = d.org_id AND sl.id = d.slot_id
  ${playJoins('p', 's', 'st')}`;

const DRAW_EVENT_FIELDS = `${playFields('p', 's', 'st')}, 'draw_id', d.id, 'slot_id', d.slot_id,
  'prize_name', sl.name, 'prize_type', sl.type, 'voucher_set_id', sl.voucher_set_id`;

/**
 * Records prize.won for a draw that picked a prize (not a `no_prize` slot), in the caller's
 * transaction: the one that takes the slot's inventory and records the draw.
 */
export async function recordPrizeWon(
  trx: Executor,
  draw: { orgId: number; drawId: number },
  claimExpiresAt: Date,
): Promise<void> {
  await sql`
    WITH x AS (SELECT CAST(${claimExpiresAt} AS timestamptz) AS claim_expires_at)
    ${sql.raw(
      insertEventsSelect('prize.won', {
        occurredAt: 'd.drawn_at',
        orgId: 'd.org_id',
        data: `jsonb_build_object(${DRAW_EVENT_FIELDS}, 'drawn_at', d.drawn_at,
          'claim_expires_at', x.claim_expires_at)`,
        from: `${DRAW_EVENT_FROM} CROSS JOIN x`,
      }),
    )}
     WHERE d.org_id = ${draw.orgId} AND d.id = ${draw.drawId} AND sl.type <> 'no_prize'
  `.execute(trx);
}

/** Records prize.claimed for a draw, in the claim's transaction (after its code is set). */
export async function recordPrizeClaimed(
  trx: Executor,
  draw: { orgId: number; drawId: number },
): Promise<void> {
  await sql`
    ${sql.raw(
      insertEventsSelect('prize.claimed', {
        occurredAt: 'd.claimed_at',
        orgId: 'd.org_id',
        data: `jsonb_build_object(${DRAW_EVENT_FIELDS}, 'voucher_code_id', d.voucher_code_id,
          'claimed_at', d.claimed_at)`,
        from: DRAW_EVENT_FROM,
      }),
    )}
     WHERE d.org_id = ${draw.orgId} AND d.id = ${draw.drawId} AND d.status = 'claimed'
  `.execute(trx);
}
