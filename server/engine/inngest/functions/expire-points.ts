// Every 10 minutes: points lots past their date expire (server/loyalty/points-expiry.ts), a range
// of members per transaction, each telling the flows (points.expired). Re-running is safe: an
// expired lot has nothing left and its expire entry is unique per lot.
import { sharedPool } from "@/server/db/sql";
import { expirePoints } from "@/server/loyalty/points-expiry";
import { inngest } from "../client";

export const expirePointsRun = inngest.createFunction(
  {
    id: "expire-points",
    name: "Expire points",
    triggers: [{ cron: "*/10 * * * *" }, { event: "memberflow/points.expire" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step }) => {
    // The clock is read once, in a step, so a retried run expires against the same instant.
    const at = await step.run("clock", () => new Date().toISOString());
    return step.run("expire", () => expirePoints(sharedPool(), new Date(at)));
  },
);
