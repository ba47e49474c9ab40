-- Content templates (issue 13): the email and SMS sources campaigns render per recipient.
-- Sources are Liquid (email bodies: MJML with Liquid); they are checked when saved (parse,
-- known tags and filters, valid MJML, games and streams of the organization), so a stored
-- template always renders. A property holds at most 500 (content.service.ts).
CREATE TABLE templates (
  property_id  uuid NOT NULL REFERENCES properties (id) ON DELETE CASCADE,
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  channel      text NOT NULL CHECK (channel IN ('email', 'sms')),
  -- Email only: the subject (Liquid) and the optional plain-text part (Liquid); without a
  -- plain-text part it is derived from the rendered HTML.
  subject      text CHECK (length(subject) BETWEEN 1 AND 1000),
  body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 102400),
  text_body    text CHECK (length(text_body) BETWEEN 1 AND 102400),
  -- The games and streams its game_link / stream_link tags name, as checked at the last save:
  -- a sender can mint their links without parsing the source again.
  game_ids     integer[] NOT NULL DEFAULT '{}',
  stream_ids   integer[] NOT NULL DEFAULT '{}',
  -- Incremented by every update: a campaign can record which version it sent.
  version      integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (channel = 'email' OR (subject IS NULL AND text_body IS NULL)),
  CHECK (channel = 'sms' OR subject IS NOT NULL),
  CHECK (channel = 'email' OR length(body) <= 1600),
  UNIQUE (property_id, name)
);
-- The list is ordered by name: the unique index above serves it (keyset on name).
