// After a rule is saved: its first evaluation runs in the background (on 1M members it can take
// minutes), on whichever runtime drives the engine: a graphile-worker job, or an Inngest event to
// the `evaluate-rules` function. With neither (no worker has installed its queue here, e.g. a
// script), it runs now, so a saved rule never waits for the hourly schedule.
// Server-only (the lint allow-list keeps components/ away).
import { runtime } from "@/server/env";
import { withTransaction, type Pool } from "@/server/db/sql";
import { queueRuleEvaluation } from "@/server/engine/runtimes/worker/jobs";
import { evaluateRules } from "./rules";

export type Queued = { queued: true } | { queued: false; entered: number; left: number };

export async function evaluateSoon(pool: Pool, rule: { target: "tag" | "badge"; id: number }): Promise<Queued> {
  if (runtime() === "inngest") {
    const { inngest } = await import("@/server/engine/inngest/client");
    await inngest.send({ name: "memberflow/rules.evaluate", data: rule });
    return { queued: true };
  }
  if (await withTransaction(pool, (tx) => queueRuleEvaluation(tx, rule))) return { queued: true };
  const [run] = await evaluateRules(pool, new Date(), { only: rule, cause: "saved" });
  return { queued: false, entered: run?.entered ?? 0, left: run?.left ?? 0 };
}
