-- A skill game's result screen shows the player's previous best and, for a game with a
-- leaderboard, their rank among its players (src/modules/plays/plays.standing.ts). A player is
-- the play's external id when it has one, else its device id; this index holds that key with
-- the score, so both questions are index-only scans of one game's completed plays.
CREATE INDEX plays_game_player_score_idx
  ON plays (org_id, game_id, (COALESCE('e:' || external_id, 'u:' || player_uuid)), score)
  WHERE status = 'completed' AND score IS NOT NULL;
