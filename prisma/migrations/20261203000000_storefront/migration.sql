-- Refunds: the refunded part of an order leaves spend; a fully refunded order leaves the counts.
ALTER TABLE "orders" ADD COLUMN "refunded_amount" DECIMAL(12,2) NOT NULL DEFAULT 0,
                     ADD COLUMN "refunded_at" TIMESTAMPTZ(6);

-- A per-key rate limit (requests per second).
ALTER TABLE "storefront_keys" ADD COLUMN "rate_limit" INTEGER NOT NULL DEFAULT 100;

-- Idempotency records expire after a day; the sweep reads them by age.
CREATE INDEX "idempotency_records_created_at_idx" ON "idempotency_records"("created_at");

-- At most one live (not rolled back) redemption per coupon: exactly-once redeem is this key's job.
CREATE UNIQUE INDEX "coupon_redemptions_live_coupon_key" ON "coupon_redemptions"("coupon_id") WHERE "rolled_back_at" IS NULL;
