// Nightly refresh of member_stats: the fixed windows (30/90/180/365 days) slide every day and
// lifecycle stages and RFM scores are ranked over the whole base, so the whole table is
// recomputed once a night, set-based. Between refreshes the windows may be up to a day stale;
// order and visit ingestion refreshes the members it touches (server/members/stats.ts).
import pg from "pg";
import { refreshMemberStats } from "@/server/members/stats";
import { env } from "@/server/env";
import { inngest } from "../client";

export const refreshMemberStatsNightly = inngest.createFunction(
  {
    id: "refresh-member-stats",
    name: "Refresh member statistics",
    triggers: [{ cron: "TZ=Asia/Shanghai 30 3 * * *" }, { event: "memberflow/member-stats.refresh" }],
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
    return { members };
  },
);
