// Hourly refresh of member_stats: the fixed windows (30/90/180/365 days) slide, so the whole
// table is recomputed every hour, set-based (lifecycle stages and RFM scores: evaluate-lifecycle.ts); no window is more than an hour behind. Between refreshes, orders, refunds and
// visits move their members' counts and spend at once (server/members/stats.ts). Expired
// Idempotency-Key records are pruned on the same beat.
import pg from "pg";
import { refreshMemberStats } from "@/server/members/stats";
import { env } from "@/server/env";
import { sharedPool } from "@/server/db/sql";
import { pruneIdempotencyRecords } from "@/server/storefront/idempotency";
import { inngest } from "../client";

export const refreshMemberStatsHourly = inngest.createFunction(
  {
    id: "refresh-member-stats",
    name: "Refresh member statistics",
    triggers: [{ cron: "0 * * * *" }, { event: "memberflow/member-stats.refresh" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step }) => {
    const members = await step.run("refresh", async () => {
      const client = new pg.Client({ connectionString: env().DATABASE_URL });
      await client.connect();
      try {
        return await refreshMemberStats(client);
      } finally {
        await client.end();
      }
    });
    const idempotencyKeysPruned = await step.run("prune-idempotency-keys", () => pruneIdempotencyRecords(sharedPool()));
    return { members, idempotencyKeysPruned };
  },
);
