-- Tags and badges for real (server/loyalty/tags/): rule tags and badges, bulk jobs on an audience,
-- and each rule evaluation with who entered and who left.

-- A tag or badge is manual (people, imports and flows set it) or a rule (a condition in the
-- audience language, re-evaluated on a schedule and as events arrive).
ALTER TABLE "tags" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'manual',
  ADD COLUMN "condition" JSONB,
  ADD CONSTRAINT "tags_kind_check" CHECK (("kind" = 'manual' AND "condition" IS NULL) OR ("kind" = 'rule' AND "condition" IS NOT NULL));
ALTER TABLE "badges" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'manual',
  ADD COLUMN "condition" JSONB,
  ADD CONSTRAINT "badges_kind_check" CHECK (("kind" = 'manual' AND "condition" IS NULL) OR ("kind" = 'rule' AND "condition" IS NOT NULL));
-- How a member got a badge (manual, rule, import); badges are never taken away.
ALTER TABLE "member_badges" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'manual';

-- Bulk add/remove of a tag, or grant of a badge, on an audience: processed in member-id ranges
-- by the runtimes; `done` of `total` is the progress the UI polls.
CREATE TABLE "tag_jobs" (
    "id" BIGSERIAL NOT NULL,
    "tag_id" INTEGER,
    "badge_id" INTEGER,
    "action" TEXT NOT NULL,
    "audience_id" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "changed" INTEGER NOT NULL DEFAULT 0,
    "cursor_member_id" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(6),
    "finished_at" TIMESTAMPTZ(6),
    CONSTRAINT "tag_jobs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "tag_jobs_target_check" CHECK (("tag_id" IS NULL) <> ("badge_id" IS NULL)),
    CONSTRAINT "tag_jobs_action_check" CHECK ("action" IN ('add', 'remove') AND ("badge_id" IS NULL OR "action" = 'add'))
);
CREATE INDEX "tag_jobs_status_idx" ON "tag_jobs"("status", "id");
ALTER TABLE "tag_jobs" ADD CONSTRAINT "tag_jobs_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tags"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "tag_jobs" ADD CONSTRAINT "tag_jobs_badge_id_fkey" FOREIGN KEY ("badge_id") REFERENCES "badges"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One evaluation of a rule tag or rule badge: on a schedule (all members) or for the members
-- of an event batch; who entered and left are its tag_changes rows (badges: member_badges).
CREATE TABLE "rule_runs" (
    "id" BIGSERIAL NOT NULL,
    "tag_id" INTEGER,
    "badge_id" INTEGER,
    "cause" TEXT NOT NULL,
    "entered" INTEGER NOT NULL DEFAULT 0,
    "left" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(6) NOT NULL,
    "finished_at" TIMESTAMPTZ(6),
    CONSTRAINT "rule_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "rule_runs_target_check" CHECK (("tag_id" IS NULL) <> ("badge_id" IS NULL))
);
CREATE INDEX "rule_runs_tag_idx" ON "rule_runs"("tag_id", "id");
CREATE INDEX "rule_runs_badge_idx" ON "rule_runs"("badge_id", "id");
ALTER TABLE "rule_runs" ADD CONSTRAINT "rule_runs_tag_id_fkey" FOREIGN KEY ("tag_id") REFERENCES "tags"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "rule_runs" ADD CONSTRAINT "rule_runs_badge_id_fkey" FOREIGN KEY ("badge_id") REFERENCES "badges"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- tag_changes holds every change, not only a flow's: a bulk job's or a rule run's rows name it,
-- once per member (the unique keys make a retried range change nothing twice).
ALTER TABLE "tag_changes" ADD COLUMN "job_id" BIGINT, ADD COLUMN "rule_run_id" BIGINT;
CREATE UNIQUE INDEX "tag_changes_job_id_member_id_key" ON "tag_changes"("job_id", "member_id");
CREATE UNIQUE INDEX "tag_changes_rule_run_id_member_id_key" ON "tag_changes"("rule_run_id", "member_id");
