// Hourly at :05: the tier evaluation (server/loyalty/tiers/evaluate.ts) — growth value lapses, and
// the first run after a period ends downgrades; a range of members per transaction, each telling
// the flows (tier.changed). Any run in a period reaches the same verdicts, each written once.
import { sharedPool } from "@/server/db/sql";
import { evaluateTiers } from "@/server/loyalty/tiers/evaluate";
import { inngest } from "../client";

/** Ranges of 20,000 member ids per step, and steps per run (1M members: 10 steps). */
const RANGES_PER_STEP = 5;
const MAX_STEPS = 200;

export const evaluateTiersRun = inngest.createFunction(
  {
    id: "evaluate-tiers",
    name: "Evaluate tiers",
    triggers: [{ cron: "5 * * * *" }, { event: "memberflow/tiers.evaluate" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step }) => {
    // The clock is read once, in a step, so a retried run evaluates the same period at the same instant.
    const at = await step.run("clock", () => new Date().toISOString());
    const total = { period: "", written: 0, up: 0, down: 0, chunks: 0 };
    let from: number | undefined;
    for (let n = 0; n < MAX_STEPS; n++) {
      const part = await step.run(`evaluate-${n}`, () => evaluateTiers(sharedPool(), new Date(at), { from, maxRanges: RANGES_PER_STEP }));
      total.period = part.period;
      total.written += part.written;
      total.up += part.up;
      total.down += part.down;
      total.chunks += part.chunks;
      if (part.next === null) break;
      from = part.next;
    }
    return total;
  },
);
