-- Publishing needs approval (a setting): a marketer's publish becomes a request that an approver
-- approves (publishing the requested snapshot) or rejects with a comment.

CREATE TYPE "PublishRequestStatus" AS ENUM ('pending', 'approved', 'rejected', 'withdrawn');

CREATE TABLE "flow_publish_requests" (
    "id" TEXT NOT NULL,
    "flow_id" TEXT NOT NULL,
    "status" "PublishRequestStatus" NOT NULL DEFAULT 'pending',
    "definition" JSONB NOT NULL,
    "layout" JSONB NOT NULL DEFAULT '{}',
    "note" TEXT NOT NULL DEFAULT '',
    "migrate" JSONB,
    "requested_by_id" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_by_id" TEXT,
    "decided_at" TIMESTAMPTZ(6),
    "comment" TEXT,
    "published_version_id" TEXT,

    CONSTRAINT "flow_publish_requests_pkey" PRIMARY KEY ("id"),
    -- A decision names who took it and when; a rejection always says why.
    CONSTRAINT "flow_publish_requests_decided" CHECK ("status" IN ('pending', 'withdrawn') OR ("decided_by_id" IS NOT NULL AND "decided_at" IS NOT NULL)),
    CONSTRAINT "flow_publish_requests_rejection_comment" CHECK ("status" <> 'rejected' OR length(btrim(coalesce("comment", ''))) > 0),
    CONSTRAINT "flow_publish_requests_approval_version" CHECK ("status" <> 'approved' OR "published_version_id" IS NOT NULL)
);

CREATE UNIQUE INDEX "flow_publish_requests_published_version_id_key" ON "flow_publish_requests"("published_version_id");
CREATE INDEX "flow_publish_requests_flow_id_requested_at_idx" ON "flow_publish_requests"("flow_id", "requested_at");
CREATE INDEX "flow_publish_requests_status_requested_at_idx" ON "flow_publish_requests"("status", "requested_at");
-- One pending request per flow (Prisma cannot express a partial index): a second one is refused
-- by the database even when two arrive at once.
CREATE UNIQUE INDEX "flow_publish_requests_one_pending_key" ON "flow_publish_requests"("flow_id") WHERE "status" = 'pending';

ALTER TABLE "flow_publish_requests" ADD CONSTRAINT "flow_publish_requests_flow_id_fkey" FOREIGN KEY ("flow_id") REFERENCES "flows"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "flow_publish_requests" ADD CONSTRAINT "flow_publish_requests_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "flow_publish_requests" ADD CONSTRAINT "flow_publish_requests_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "flow_publish_requests" ADD CONSTRAINT "flow_publish_requests_published_version_id_fkey" FOREIGN KEY ("published_version_id") REFERENCES "flow_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Workspace switches: exactly one row, so reading a setting never finds none or two.
CREATE TABLE "app_settings" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "publish_needs_approval" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "app_settings_single_row" CHECK ("id" = 1)
);
INSERT INTO "app_settings" ("id") VALUES (1);
