-- A member's level changes by the hundred thousand at an evaluation (server/loyalty/tiers). While
-- `tier_id` was a key of two indexes, every level change was a non-HOT update: a new entry in all
-- fourteen indexes of `members`, about three quarters of the evaluation's time. With no index on
-- it, a level change is heap-only wherever its page has room (fillfactor 70, see
-- 20261207151000_members_lean_writes), as growth value and points balance changes already are.
--
-- What the two indexes served, and how it is served now:
--   - audience counts on city + tier + registration: the city and registration keys remain an
--     index (city, registered_at) and the tier is checked on the rows it finds (bench:audience);
--   - the member list sorted by tier: one segment per level in id order, read along the primary
--     key and filtered by level (a LIMIT page stops after its rows).
DROP INDEX IF EXISTS "members_tier_id_sort_idx";
DROP INDEX IF EXISTS "members_city_tier_registered_idx";
CREATE INDEX IF NOT EXISTS "members_city_registered_idx" ON "members" ("city", "registered_at") INCLUDE ("id");
