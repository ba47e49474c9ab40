-- Account flows: a password change or reset voids the user's other unused reset links, and a
-- sign-up accepts every pending invitation for its address (across organizations).

CREATE INDEX password_resets_user_idx ON password_resets (user_id) WHERE used_at IS NULL;
CREATE INDEX invitations_pending_email_idx ON invitations (lower(email)) WHERE status = 'pending';
