-- Lifecycle and RFM with configurable thresholds (server/loyalty/lifecycle/).

-- A stage between silent and churned: long without an order, not yet lost.
-- (Not used in this migration: a new enum value is usable only once this transaction commits.)
ALTER TYPE "LifecycleStage" ADD VALUE IF NOT EXISTS 'churn_risk' BEFORE 'churned';

-- When the member's stage was last evaluated under the thresholds. NULL: never — the first
-- evaluation sets the stage without recording a change (there was no stage to change from).
ALTER TABLE "member_stats" ADD COLUMN "lifecycle_evaluated_at" TIMESTAMPTZ(6);

-- The thresholds: one row (id 1), a zod-validated document (lifecycle/settings-schema.ts), kept
-- apart from loyalty_program so the tier and points settings are edited independently.
-- `rfm_cutoffs` holds the quintile boundaries of the last full evaluation: members touched by
-- orders between full evaluations are scored against them.
CREATE TABLE "lifecycle_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "config" JSONB NOT NULL,
    "rfm_cutoffs" JSONB,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT,
    CONSTRAINT "lifecycle_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "lifecycle_settings_one_row" CHECK ("id" = 1)
);

-- Each member's stage changes, written only when the stage changes. `evaluation` names the run
-- that saw the change (a full evaluation's instant, or the orders that moved the member): unique
-- per member, so a retried or concurrent run of the same evaluation records the change once.
CREATE TABLE "lifecycle_changes" (
    "id" BIGSERIAL NOT NULL,
    "member_id" INTEGER NOT NULL,
    "from_stage" "LifecycleStage" NOT NULL,
    "to_stage" "LifecycleStage" NOT NULL,
    "reason" TEXT NOT NULL,
    "evaluation" TEXT NOT NULL,
    "changed_at" TIMESTAMPTZ(6) NOT NULL,
    CONSTRAINT "lifecycle_changes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "lifecycle_changes_member_id_fkey" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "lifecycle_changes_member_id_evaluation_key" ON "lifecycle_changes"("member_id", "evaluation");
CREATE INDEX "lifecycle_changes_member_id_changed_at_idx" ON "lifecycle_changes"("member_id", "changed_at");
