-- consent.recorded (issue 14): one event per consent record, written by a statement-level
-- trigger in the statement that stores it, whichever path records it (record-consent, a STOP
-- reply, an unsubscribe link, a carrier opt-out). Journeys trigger on it (`consent_changed`).
-- The payload is described in src/modules/events/events.catalog.ts. `id` is the player, as in
-- the player.* events, so privacy export and erasure find it; the address is not in it.

CREATE FUNCTION consents_events_apply() RETURNS trigger LANGUAGE plpgsql
  SET TimeZone = 'UTC' SET DateStyle = 'ISO, MDY'
AS $$
BEGIN
  INSERT INTO events (type, version, occurred_at, org_id, property_id, payload)
  SELECT 'consent.recorded', 1, n.recorded_at, pr.org_id, n.property_id,
         jsonb_build_object('property_id', n.property_id, 'id', n.player_id,
                            'consent_id', n.id, 'channel', n.channel, 'action', n.action,
                            'consent_type', n.consent_type, 'purpose', n.purpose,
                            'program', n.program, 'captured_at', n.captured_at)
    FROM new_consents n
    CROSS JOIN LATERAL (SELECT org_id FROM properties WHERE id = n.property_id) pr;
  RETURN NULL;
END
$$;

CREATE TRIGGER consents_events_insert AFTER INSERT ON consents
  REFERENCING NEW TABLE AS new_consents
  FOR EACH STATEMENT EXECUTE FUNCTION consents_events_apply();
