-- Hand-written: the unguessable part of a coupon code, producible by INSERT … SELECT. 15 hex
-- digits (60 bits) from gen_random_uuid(), which draws from the server's strong random source;
-- the 13th digit of a v4 uuid is always "4", so it is skipped.
CREATE OR REPLACE FUNCTION mf_coupon_code() RETURNS text
LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT upper(substr(h, 1, 12) || substr(h, 14, 3)) FROM (SELECT replace(gen_random_uuid()::text, '-', '') AS h) u
$$;


-- DropForeignKey
ALTER TABLE "journey_steps" DROP CONSTRAINT "journey_steps_journey_id_fkey";

-- DropForeignKey
ALTER TABLE "journey_effects" DROP CONSTRAINT "journey_effects_journey_id_fkey";

-- DropIndex
DROP INDEX "coupons_journey_id_idx";

-- DropIndex
DROP INDEX "notifications_journey_id_idx";

-- DropIndex
DROP INDEX "journeys_status_wait_until_idx";

-- DropIndex
DROP INDEX "journeys_flow_id_member_id_entry_seq_key";

-- AlterTable
ALTER TABLE "points_entries" ADD COLUMN     "journey_id" BIGINT,
ADD COLUMN     "node_id" TEXT,
ADD COLUMN     "visit" INTEGER;

-- AlterTable
ALTER TABLE "coupon_templates" ADD COLUMN     "code_prefix" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "issued_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "source_flow_id" TEXT;

-- AlterTable
ALTER TABLE "coupons" ADD COLUMN     "flow_id" TEXT,
ADD COLUMN     "visit" INTEGER,
ALTER COLUMN "id" SET DEFAULT (gen_random_uuid())::text,
ALTER COLUMN "code" SET DEFAULT mf_coupon_code();

-- AlterTable
ALTER TABLE "coupon_redemptions" ALTER COLUMN "id" SET DEFAULT (gen_random_uuid())::text;

-- AlterTable
ALTER TABLE "member_prices" DROP CONSTRAINT IF EXISTS "member_prices_product_id_fkey";
ALTER TABLE "member_prices" DROP COLUMN "product_id", DROP COLUMN "category_id",
ADD COLUMN     "product_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "category_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "flow_id" TEXT,
ADD COLUMN     "visit" INTEGER;

-- AlterTable
ALTER TABLE "banners" ADD COLUMN     "flow_id" TEXT,
ADD COLUMN     "visit" INTEGER;

-- AlterTable
ALTER TABLE "notifications" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "flow_id" TEXT,
ADD COLUMN     "provider" TEXT,
ADD COLUMN     "suppressed_reason" TEXT,
ADD COLUMN     "variables" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "visit" INTEGER;

-- AlterTable
ALTER TABLE "flows" ADD COLUMN     "last_error" TEXT;

-- AlterTable
ALTER TABLE "flow_versions" ADD COLUMN     "definition_schema" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "journeys" DROP COLUMN "entry_seq",
ADD COLUMN     "converted_at" TIMESTAMPTZ(6),
ADD COLUMN     "current_visit" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "entry_key" TEXT NOT NULL,
ADD COLUMN     "path" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "visits" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "wait_event" TEXT;

-- DropTable
DROP TABLE "journey_steps";

-- DropTable
DROP TABLE "journey_effects";

-- CreateTable
CREATE TABLE "flow_node_counts" (
    "flow_version_id" TEXT NOT NULL,
    "node_id" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "members" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "flow_node_counts_pkey" PRIMARY KEY ("flow_version_id","node_id","metric")
);

-- CreateTable
CREATE TABLE "flow_triggers" (
    "id" BIGSERIAL NOT NULL,
    "flow_id" TEXT NOT NULL,
    "flow_version_id" TEXT NOT NULL,
    "node_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "event_name" TEXT,
    "next_run_at" TIMESTAMPTZ(6),
    "armed" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "flow_triggers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trigger_occurrences" (
    "id" BIGSERIAL NOT NULL,
    "trigger_id" BIGINT NOT NULL,
    "flow_id" TEXT NOT NULL,
    "flow_version_id" TEXT NOT NULL,
    "node_id" TEXT NOT NULL,
    "occurrence_key" TEXT NOT NULL,
    "due_at" TIMESTAMPTZ(6) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "cursor_member_id" INTEGER NOT NULL DEFAULT 0,
    "member_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "entered" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(6),
    "finished_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trigger_occurrences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tag_changes" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "tag_ids" INTEGER[],
    "flow_id" TEXT,
    "journey_id" BIGINT,
    "node_id" TEXT,
    "visit" INTEGER,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tag_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "headers" JSONB NOT NULL DEFAULT '[]',
    "body_template" TEXT NOT NULL,
    "variables" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "response_status" INTEGER,
    "error" TEXT,
    "scheduled_for" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(6),
    "flow_id" TEXT,
    "journey_id" BIGINT,
    "node_id" TEXT,
    "visit" INTEGER,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "suppressed_effects" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "flow_id" TEXT,
    "journey_id" BIGINT NOT NULL,
    "node_id" TEXT NOT NULL,
    "visit" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suppressed_effects_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "flow_triggers_armed_next_run_at_idx" ON "flow_triggers"("armed", "next_run_at");

-- CreateIndex
CREATE INDEX "flow_triggers_event_name_armed_idx" ON "flow_triggers"("event_name", "armed");

-- CreateIndex
CREATE UNIQUE INDEX "flow_triggers_flow_version_id_node_id_key" ON "flow_triggers"("flow_version_id", "node_id");

-- CreateIndex
CREATE INDEX "trigger_occurrences_status_due_at_idx" ON "trigger_occurrences"("status", "due_at");

-- CreateIndex
CREATE INDEX "trigger_occurrences_flow_id_created_at_idx" ON "trigger_occurrences"("flow_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "trigger_occurrences_trigger_id_occurrence_key_key" ON "trigger_occurrences"("trigger_id", "occurrence_key");

-- CreateIndex
CREATE INDEX "tag_changes_member_id_created_at_idx" ON "tag_changes"("member_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "tag_changes_journey_id_node_id_visit_key" ON "tag_changes"("journey_id", "node_id", "visit");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_scheduled_for_idx" ON "webhook_deliveries"("status", "scheduled_for");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_journey_id_node_id_visit_key" ON "webhook_deliveries"("journey_id", "node_id", "visit");

-- CreateIndex
CREATE UNIQUE INDEX "suppressed_effects_journey_id_node_id_visit_key" ON "suppressed_effects"("journey_id", "node_id", "visit");

-- CreateIndex
CREATE UNIQUE INDEX "points_entries_journey_id_node_id_visit_key" ON "points_entries"("journey_id", "node_id", "visit");

-- CreateIndex
CREATE INDEX "coupons_flow_id_idx" ON "coupons"("flow_id");

-- CreateIndex
CREATE UNIQUE INDEX "coupons_journey_id_node_id_visit_key" ON "coupons"("journey_id", "node_id", "visit");

-- CreateIndex
CREATE UNIQUE INDEX "member_prices_journey_id_node_id_visit_key" ON "member_prices"("journey_id", "node_id", "visit");

-- CreateIndex
CREATE UNIQUE INDEX "banners_journey_id_node_id_visit_key" ON "banners"("journey_id", "node_id", "visit");

-- CreateIndex
CREATE INDEX "notifications_flow_id_channel_scheduled_for_idx" ON "notifications"("flow_id", "channel", "scheduled_for");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_journey_id_node_id_visit_key" ON "notifications"("journey_id", "node_id", "visit");

-- CreateIndex
CREATE INDEX "journeys_flow_id_member_id_ended_at_idx" ON "journeys"("flow_id", "member_id", "ended_at");

-- CreateIndex
CREATE UNIQUE INDEX "journeys_flow_id_member_id_entry_key_key" ON "journeys"("flow_id", "member_id", "entry_key");


-- Hand-written: journeys' hot paths, which Prisma cannot express.
-- At most one live journey per flow and member.
CREATE UNIQUE INDEX "journeys_live_flow_member_key" ON "journeys" ("flow_id", "member_id") WHERE "status" IN ('active', 'waiting');
-- Deadlines falling due (the sweeper).
CREATE INDEX "journeys_waiting_until_idx" ON "journeys" ("wait_until") WHERE "status" = 'waiting';
-- A member's journeys waiting for an event (ingestion resolves them).
CREATE INDEX "journeys_waiting_event_idx" ON "journeys" ("member_id", "wait_event") WHERE "status" = 'waiting' AND "wait_event" IS NOT NULL;
-- Live journeys of a member (goals are checked against them on every event).
CREATE INDEX "journeys_live_member_idx" ON "journeys" ("member_id", "flow_id") WHERE "status" IN ('active', 'waiting');
-- Frequency caps count a member's recent messages per channel.
CREATE INDEX "notifications_flow_member_channel_idx" ON "notifications" ("flow_id", "member_id", "channel", "created_at") WHERE "status" IN ('queued', 'deferred', 'sent');
-- The sender picks what is due.
CREATE INDEX "notifications_due_idx" ON "notifications" ("scheduled_for") WHERE "status" IN ('queued', 'deferred');

-- Hand-written: the random split's stable bucket hash (FNV-1a, 32-bit), continued from the state
-- of the key's constant prefix over the member id, so SQL and the builder's preview agree
-- (server/flows/kinds/random_split/spec.ts, stableHash).
CREATE OR REPLACE FUNCTION mf_fnv1a(state bigint, suffix text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  h bigint := state;
BEGIN
  FOR i IN 1..length(suffix) LOOP
    h := ((h # ascii(substr(suffix, i, 1))) * 16777619) & 4294967295;
  END LOOP;
  RETURN h;
END
$$;
