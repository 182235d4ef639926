// Hourly: members hear N days ahead that points are expiring (points.expiring, server/loyalty/points-expiring.ts),
// a range of members per transaction. Re-running is safe: each reminder's event id is unique per
// member, due date and lead time.
import { sharedPool } from "@/server/db/sql";
import { remindExpiringPoints } from "@/server/loyalty/points-expiring";
import { inngest } from "../client";

/** Ranges of 50,000 member ids per step, and steps per run (the next run takes what is left). */
const RANGES_PER_STEP = 4;
const MAX_STEPS = 100;

export const remindExpiringPointsRun = inngest.createFunction(
  {
    id: "remind-expiring-points",
    name: "Remind of expiring points",
    triggers: [{ cron: "5 * * * *" }, { event: "memberflow/points.remind-expiring" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step }) => {
    // The clock is read once, in a step, so a retried run reminds against the same instant.
    const at = await step.run("clock", () => new Date().toISOString());
    const total = { events: 0, chunks: 0 };
    let from: number | undefined;
    for (let n = 0; n < MAX_STEPS; n++) {
      const part = await step.run(`remind-${n}`, () => remindExpiringPoints(sharedPool(), new Date(at), { from, maxRanges: RANGES_PER_STEP }));
      total.events += part.events;
      total.chunks += part.chunks;
      if (part.next === null) break;
      from = part.next;
    }
    return total;
  },
);
