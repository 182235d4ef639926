-- Insights read whole past days from a daily rollup (server/analytics/rollup.ts) instead of
-- scanning a year of orders: one row per local day (Asia/Shanghai) with the day's figures and the
-- set of members active that day as a bitmap (bit n = member id n), so "distinct active members"
-- over any span of days is the popcount of an OR of its days' bitmaps. Today, days not rolled yet
-- and past days whose data changed since they were rolled are computed live from the tables, so
-- the figures are always exact; the rollup only makes them fast.
CREATE TABLE "insights_days" (
    "day" DATE NOT NULL,
    "new_members" INTEGER NOT NULL,
    "orders" INTEGER NOT NULL,
    "spend" DECIMAL(16,2) NOT NULL,
    "active" INTEGER NOT NULL,
    -- Every row's bitmap has the same length (the refresh pads them all when ids outgrow it), so
    -- they OR without casts.
    "active_members" BIT VARYING NOT NULL,
    "redemptions" INTEGER NOT NULL,
    "discount" DECIMAL(16,2) NOT NULL,
    "rolled_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "insights_days_pkey" PRIMARY KEY ("day")
);
-- Bitmaps are read whole and OR-ed: keep them uncompressed out of line (no decompression per read).
ALTER TABLE "insights_days" ALTER COLUMN "active_members" SET STORAGE EXTERNAL;

-- Rolled days whose orders, registrations or redemptions changed afterwards (a late order, a
-- refund, a rollback): read live until the refresh rolls them again. One row per change, never
-- updated, so writers never wait on each other here.
CREATE TABLE "insights_dirty_days" (
    "id" BIGSERIAL NOT NULL,
    "day" DATE NOT NULL,
    CONSTRAINT "insights_dirty_days_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "insights_dirty_days_day" ON "insights_dirty_days"("day");

-- Marks the local day of TG_ARGV[0] (old and new row) when that day is rolled. The shared
-- advisory lock pairs with the refresh's exclusive one: a writer either commits before the refresh
-- reads the day, or waits and then sees the day rolled and marks it. Only past days reach this
-- function (the triggers' WHEN clauses), so today's writes never pay for it.
CREATE FUNCTION insights_mark_day() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d date;
BEGIN
  PERFORM pg_advisory_xact_lock_shared(hashtext('insights_days'));
  FOR d IN SELECT DISTINCT x FROM unnest(ARRAY[
    CASE WHEN TG_OP <> 'INSERT' THEN ((to_jsonb(OLD) ->> TG_ARGV[0])::timestamptz AT TIME ZONE 'Asia/Shanghai')::date END,
    CASE WHEN TG_OP <> 'DELETE' THEN ((to_jsonb(NEW) ->> TG_ARGV[0])::timestamptz AT TIME ZONE 'Asia/Shanghai')::date END]) x
    WHERE x IS NOT NULL AND EXISTS (SELECT 1 FROM insights_days WHERE day = x)
  LOOP
    INSERT INTO insights_dirty_days (day) VALUES (d);
  END LOOP;
  RETURN NULL;
END $$;

-- The instant today began in the program's time zone.
CREATE FUNCTION insights_today_start() RETURNS timestamptz LANGUAGE sql STABLE AS
  $$ SELECT date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' $$;

CREATE TRIGGER insights_orders_insert AFTER INSERT ON "orders" FOR EACH ROW
  WHEN (NEW.placed_at < insights_today_start()) EXECUTE FUNCTION insights_mark_day('placed_at');
CREATE TRIGGER insights_orders_update AFTER UPDATE OF placed_at, member_id, total_amount, refunded_amount, refunded_at ON "orders" FOR EACH ROW
  WHEN ((OLD.placed_at < insights_today_start() OR NEW.placed_at < insights_today_start())
        AND (OLD.placed_at, OLD.member_id, OLD.total_amount, OLD.refunded_amount, OLD.refunded_at)
            IS DISTINCT FROM (NEW.placed_at, NEW.member_id, NEW.total_amount, NEW.refunded_amount, NEW.refunded_at))
  EXECUTE FUNCTION insights_mark_day('placed_at');
CREATE TRIGGER insights_orders_delete AFTER DELETE ON "orders" FOR EACH ROW
  WHEN (OLD.placed_at < insights_today_start()) EXECUTE FUNCTION insights_mark_day('placed_at');

CREATE TRIGGER insights_members_insert AFTER INSERT ON "members" FOR EACH ROW
  WHEN (NEW.registered_at < insights_today_start()) EXECUTE FUNCTION insights_mark_day('registered_at');
CREATE TRIGGER insights_members_update AFTER UPDATE OF registered_at ON "members" FOR EACH ROW
  WHEN (OLD.registered_at IS DISTINCT FROM NEW.registered_at) EXECUTE FUNCTION insights_mark_day('registered_at');
CREATE TRIGGER insights_members_delete AFTER DELETE ON "members" FOR EACH ROW
  WHEN (OLD.registered_at < insights_today_start()) EXECUTE FUNCTION insights_mark_day('registered_at');

CREATE TRIGGER insights_redemptions_insert AFTER INSERT ON "coupon_redemptions" FOR EACH ROW
  WHEN (NEW.redeemed_at < insights_today_start()) EXECUTE FUNCTION insights_mark_day('redeemed_at');
CREATE TRIGGER insights_redemptions_update AFTER UPDATE OF redeemed_at, rolled_back_at, discount_amount ON "coupon_redemptions" FOR EACH ROW
  WHEN ((OLD.redeemed_at < insights_today_start() OR NEW.redeemed_at < insights_today_start())
        AND (OLD.redeemed_at, OLD.rolled_back_at, OLD.discount_amount) IS DISTINCT FROM (NEW.redeemed_at, NEW.rolled_back_at, NEW.discount_amount))
  EXECUTE FUNCTION insights_mark_day('redeemed_at');
CREATE TRIGGER insights_redemptions_delete AFTER DELETE ON "coupon_redemptions" FOR EACH ROW
  WHEN (OLD.redeemed_at < insights_today_start()) EXECUTE FUNCTION insights_mark_day('redeemed_at');

-- The radar's standard groups (all members, each tier, stage and RFM segment), computed hourly by
-- the same refresh (server/analytics/radar.ts `refreshRadarGroups`): each is a pass over a large
-- part of the base, so the radar reads them instead and says when they were computed.
CREATE TABLE "insights_group_figures" (
    "group_key" TEXT NOT NULL,
    "sums" JSONB NOT NULL,
    "computed_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "insights_group_figures_pkey" PRIMARY KEY ("group_key")
);
