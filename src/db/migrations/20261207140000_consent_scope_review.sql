-- Consent (issue 12, part 2): how far an SMS opt-out reaches, and the review of replies that
-- read like an opt-out.

-- 'program': a STOP revokes the property's SMS program (sms_program_name; every program when
-- it has none), the reading of FCC 24-18 in force today. 'sender': a STOP revokes every SMS and
-- voice program of the property, the "revoke-all" rule delayed to 2027-01-31.
ALTER TABLE compliance_settings
  ADD COLUMN revocation_scope text NOT NULL DEFAULT 'program'
    CHECK (revocation_scope IN ('program', 'sender'));

-- A person's reading of a reply flagged for review: it was an opt-out (a revocation was
-- recorded) or it was not.
ALTER TABLE inbound_messages
  ADD COLUMN review_outcome text CHECK (review_outcome IN ('opt_out', 'not_opt_out')),
  ADD COLUMN reviewed_by text CHECK (length(reviewed_by) <= 200),
  ADD CONSTRAINT inbound_messages_review_complete
    CHECK ((reviewed_at IS NULL) = (review_outcome IS NULL));
