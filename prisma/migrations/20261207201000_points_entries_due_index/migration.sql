-- Every query on a lot's due date asks for open lots (remaining > 0), which the two partial
-- indexes of 20261207060000_loyalty_points serve. The full index on expires_at only cost a write
-- per ledger entry and per lot the expiry empties.
DROP INDEX IF EXISTS "points_entries_expires_at_idx";
