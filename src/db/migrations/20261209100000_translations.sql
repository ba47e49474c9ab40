-- Game texts per page language (docs/play.md, "Languages"): { "<lang>": { title, description,
-- intro_text, result_text, cta_text, segments } } on games, { "<lang>": { name, description } }
-- on prize slots. Empty when the brand gave none: every text then shows as typed.
ALTER TABLE games ADD COLUMN translations jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE prize_slots ADD COLUMN translations jsonb NOT NULL DEFAULT '{}'::jsonb;
