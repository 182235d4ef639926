-- Points redeemed for coupons (server/loyalty/points-redemption.ts): each coupon a redemption
-- issued names its `redeem` entry, so a replayed redemption answers with the coupons it made.
-- Exactly-once comes from the entry's unique effect_key; the link only finds them.
ALTER TABLE "coupons" ADD COLUMN "points_entry_id" BIGINT;
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_points_entry_id_fkey" FOREIGN KEY ("points_entry_id") REFERENCES "points_entries"("id") ON DELETE SET NULL ON UPDATE CASCADE;
-- Partial: only redemption coupons carry it (flows issue millions without).
CREATE INDEX "coupons_points_entry_id_idx" ON "coupons"("points_entry_id") WHERE "points_entry_id" IS NOT NULL;

-- The expiry job finds due lots through the open-lots partial index (points_entries_open_lots_due_idx)
-- and every other reader of expiry dates goes by member; the full index on expires_at only cost
-- the job an index entry per lot it empties and per expire entry it writes (≈10% of its buffer
-- work, measured with EXPLAIN (BUFFERS) on a 100k-member seed).
DROP INDEX IF EXISTS "points_entries_expires_at_idx";
