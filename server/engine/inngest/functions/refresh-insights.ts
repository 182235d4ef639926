// Every 10 minutes: Insights' daily rollup takes the days that have settled and the rolled days
// changed since, then the radar's standard groups when hourly due (server/analytics/rollup.ts). Re-running is safe: a run rolls only what is missing
// or marked, and a day rolled twice holds the same figures.
import { refreshInsights, refreshInsightsDays } from "@/server/analytics/rollup";
import { sharedPool } from "@/server/db/sql";
import { inngest } from "../client";

/** Days per step (two transactions of 31), and steps per run (the next run takes what is left). */
const DAYS_PER_STEP = 62;
const MAX_STEPS = 60;

export const refreshInsightsRun = inngest.createFunction(
  {
    id: "refresh-insights",
    name: "Roll up Insights days",
    triggers: [{ cron: "*/10 * * * *" }, { event: "memberflow/insights.refresh" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step }) => {
    // The clock is read once, in a step, so a retried run rolls up to the same day.
    const at = await step.run("clock", () => new Date().toISOString());
    let rolled = 0;
    let remaining = 0;
    for (let n = 0; n < MAX_STEPS; n++) {
      const part = await step.run(`roll-${n}`, () => refreshInsightsDays(sharedPool(), new Date(at), { maxDays: DAYS_PER_STEP }));
      rolled += part.rolled;
      remaining = part.remaining;
      if (remaining === 0) break;
    }
    // The radar's standard groups, when an hour old (no days left to roll: it rolls none).
    const { groups } = await step.run("groups", () => refreshInsights(sharedPool(), new Date(at), { maxDays: 0 }));
    return { rolled, remaining, groups };
  },
);
