-- "Gold players, biggest coin-in first" (`tier.eq=Gold&order=coin_in.desc`) is what a casino
-- marketer asks for most after the quickstart. With only (property_id, tier) PostgreSQL read
-- every player of the tier and sorted them: 1.5 s for 150,000 Gold players of 1,000,000. Read
-- backwards, this index gives `coin_in DESC, id DESC` (the list's tie-breaker) in order, so a
-- page is 25 index entries. It also serves every tier-only filter, so the old index goes.
CREATE INDEX players_property_tier_coin_in_idx ON players (property_id, tier, coin_in, id);
DROP INDEX players_property_tier_idx;
