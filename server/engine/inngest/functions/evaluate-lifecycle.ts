// Daily at 03:15 in Shanghai, and after the lifecycle thresholds are saved: every member's stage
// and RFM scores (server/loyalty/lifecycle/evaluate.ts). The first step takes the quintile
// cut-offs over the whole base and a few member ranges; each next step a few more ranges (bounded
// step time). A retried run evaluates at the same instant, so it records no change twice.
import { sharedPool } from "@/server/db/sql";
import { evaluateLifecycle } from "@/server/loyalty/lifecycle/evaluate";
import { inngest } from "../client";

/** Ranges of 25,000 member ids per step, and steps per run. */
const RANGES_PER_STEP = 4;
const MAX_STEPS = 400;
export const LIFECYCLE_EVALUATE = "memberflow/lifecycle.evaluate";
export type LifecycleEvaluateData = { reason: "settings"; at: string };

export const evaluateLifecycleRun = inngest.createFunction(
  {
    id: "evaluate-lifecycle",
    name: "Evaluate lifecycle stages and RFM",
    triggers: [{ cron: "TZ=Asia/Shanghai 15 3 * * *" }, { event: LIFECYCLE_EVALUATE }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ event, step }) => {
    const data = (event?.data ?? {}) as Partial<LifecycleEvaluateData>;
    const reason = data.reason === "settings" ? "settings" : "schedule";
    const at = data.at ?? (await step.run("clock", () => new Date().toISOString()));
    const total = { members: 0, changes: 0, chunks: 0 };
    let from: number | undefined;
    for (let n = 0; n < MAX_STEPS; n++) {
      const part = await step.run(`evaluate-${n}`, () => evaluateLifecycle(sharedPool(), new Date(at), { reason, from, maxRanges: RANGES_PER_STEP }));
      total.members += part.members;
      total.changes += part.changes;
      total.chunks += part.chunks;
      if (part.next === null) break;
      from = part.next;
    }
    return total;
  },
);
