-- Email verification (issue 9): an account exists only for an address that was proven to
-- receive mail. Sign-up stores a pending request and mails a single-use link; following it
-- creates the user. `email_verified_at` records when the address was proven (verification
-- link, invitation token, completed password reset, or an operator creating the user); an
-- external OpenID Connect identity is linked by email only to a user whose address is verified.
-- Users created before this migration stay unverified until one of those happens.

ALTER TABLE users ADD COLUMN email_verified_at timestamptz;

-- Pending sign-ups. Only the SHA-256 of the mailed token and the argon2 hash of the password are
-- kept (never either secret); the link works once, for 24 hours. Several pending requests may
-- exist for one address (each sign-up mails its own link): the first one followed wins, the
-- others are voided then.
CREATE TABLE signup_requests (
  id                 uuid PRIMARY KEY,
  email              text NOT NULL,
  password_hash      text NOT NULL,
  name               text,
  organization_name  text,
  token_hash         text NOT NULL UNIQUE,
  expires_at         timestamptz NOT NULL,
  used_at            timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX signup_requests_pending_email_idx ON signup_requests (lower(email))
  WHERE used_at IS NULL;
