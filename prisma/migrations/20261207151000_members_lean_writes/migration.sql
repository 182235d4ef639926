-- Loyalty jobs rewrite member rows by the hundred thousand (points expiry, tier evaluation,
-- lifecycle). A row version that changes an indexed column, or finds no room on its page, is
-- written into every index of the table, and `members` had twenty. So:
--
-- 1. Indexes that another index already serves go: each is the leading column of a wider one.
DROP INDEX IF EXISTS "members_tier_id_idx";             -- members_tier_id_sort_idx (tier_id, id)
DROP INDEX IF EXISTS "members_registered_at_idx";       -- members_registered_at_sort_idx (registered_at, id)
DROP INDEX IF EXISTS "members_city_idx";                -- members_city_tier_registered_idx (city, tier_id, registered_at)
DROP INDEX IF EXISTS "members_phone_idx";               -- members_phone_prefix_idx (text_pattern_ops also serves =)
DROP INDEX IF EXISTS "member_events_name_occurred_at_idx"; -- member_events_name_occurred_member_idx (same key, INCLUDE member_id)
--
-- 2. The points balance is no longer indexed, so a balance change is a heap-only (HOT) update that
-- touches no index at all. Filters on points read it from the rows (a scan of the table, a few
-- hundred milliseconds at 1M members); the member list sorted by points does the same.
DROP INDEX IF EXISTS "members_points_balance_idx";
DROP INDEX IF EXISTS "members_points_balance_sort_idx";
--
-- 3. HOT needs room on the row's page, for every row a job changes in one transaction (the old
-- versions are not dead until it commits): pages are filled to 70% from now on (new pages, the
-- seed, and any rewrite of the table), which holds a yearly expiry's share of the members.
ALTER TABLE "members" SET (fillfactor = 70);
--
-- 4. A row version that is not HOT (a level change) adds a dozen trigrams per text to the two
-- trigram indexes. GIN queues them in a pending list and merges it into the index when it
-- outgrows gin_pending_list_limit (4 MB): at that size a job merged every few thousand rows, and
-- the merges cost four times the rest of the update. 32 MB merges an eighth as often; searches
-- read the pending list as well, and autovacuum empties it after a bulk change.
ALTER INDEX "members_name_trgm_idx" SET (gin_pending_list_limit = 32768);
ALTER INDEX "members_external_id_trgm_idx" SET (gin_pending_list_limit = 32768);
