// Every 10 minutes: points lots past their date expire (server/loyalty/points-expiry.ts), a range
// of members per transaction, each telling the flows (points.expired). Re-running is safe: an
// expired lot has nothing left and its expire entry is keyed by the first lot it empties.
import { sharedPool } from "@/server/db/sql";
import { expirePoints } from "@/server/loyalty/points-expiry";
import { inngest } from "../client";

/** Ranges (10,000 member ids each, two at a time) per step, and steps per run (the next run takes what is left). */
const RANGES_PER_STEP = 10;
const MAX_STEPS = 200;

export const expirePointsRun = inngest.createFunction(
  {
    id: "expire-points",
    name: "Expire points",
    triggers: [{ cron: "*/10 * * * *" }, { event: "memberflow/points.expire" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step }) => {
    // The clock is read once, in a step, so a retried run expires against the same instant; each
    // step takes a few ranges of members and says where the next goes on (bounded step time).
    const at = await step.run("clock", () => new Date().toISOString());
    const total = { members: 0, points: 0, chunks: 0 };
    let from: number | undefined;
    for (let n = 0; n < MAX_STEPS; n++) {
      const part = await step.run(`expire-${n}`, () => expirePoints(sharedPool(), new Date(at), { from, maxRanges: RANGES_PER_STEP }));
      total.members += part.members;
      total.points += part.points;
      total.chunks += part.chunks;
      if (part.next === null) break;
      from = part.next;
    }
    return total;
  },
);
