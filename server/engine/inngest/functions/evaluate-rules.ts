// Hourly at :30 (after the statistics refresh): every rule tag and rule badge over all members
// (server/loyalty/tags/rules.ts), a step per rule, each range of members one transaction. Events
// re-evaluate their own members at once; this catches what moves without an event (time windows,
// profile edits).
import { sharedPool, withTransaction } from "@/server/db/sql";
import { evaluateRules, loadRules } from "@/server/loyalty/tags/rules";
import { inngest } from "../client";

export const evaluateRulesRun = inngest.createFunction(
  {
    id: "evaluate-rules",
    name: "Evaluate rule tags and badges",
    triggers: [{ cron: "30 * * * *" }, { event: "memberflow/rules.evaluate" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ event, step }) => {
    // The event names one rule just saved; the cron evaluates every rule.
    const only = event.name === "memberflow/rules.evaluate" ? (event.data as { target?: "tag" | "badge"; id?: number }) : {};
    // One clock for the whole run, read in a step so a retry evaluates against the same instant.
    const at = await step.run("clock", () => new Date().toISOString());
    const rules = await step.run("rules", async () => {
      const target = only.target && only.id ? { target: only.target, id: only.id } : undefined;
      return (await withTransaction(sharedPool(), (tx) => loadRules(tx, target))).map((r) => ({ target: r.target, id: r.id }));
    });
    const cause = only.target ? "saved" : "schedule";
    const total = { rules: 0, entered: 0, left: 0 };
    for (const rule of rules) {
      const [result] = await step.run(`${rule.target}-${rule.id}`, async () =>
        (await evaluateRules(sharedPool(), new Date(at), { only: rule, cause })).map((r) => ({ entered: r.entered, left: r.left })),
      );
      total.rules += 1;
      total.entered += result?.entered ?? 0;
      total.left += result?.left ?? 0;
    }
    return total;
  },
);
