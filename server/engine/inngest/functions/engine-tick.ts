// Every minute: starts what is due (server/engine/triggers.ts `tick`) and sends one
// memberflow/occurrence.run per occurrence with members still to enter. The runs advance their
// audiences in chunks; this function never touches members.
import { runnerFor, sharedPool, sql } from "@/server/db/sql";
import { tick } from "@/server/engine/triggers";
import { inngest } from "../client";
import { OCCURRENCE_RUN, type OccurrenceRunData } from "./events";

/** Inngest accepts at most 5,000 events per send; stay well below. */
const EVENTS_PER_SEND = 1_000;

export const engineTick = inngest.createFunction(
  {
    id: "engine-tick",
    name: "Engine tick",
    triggers: [{ cron: "* * * * *" }],
    // Two ticks at once are safe (the trigger rows are locked) but pointless.
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step }) => {
    const occurrences = await step.run("tick", async (): Promise<OccurrenceRunData[]> => {
      const pool = sharedPool();
      const ids = await tick(pool);
      if (ids.length === 0) return [];
      // The flow of each occurrence: run-occurrence's concurrency is keyed by it.
      const rows = await runnerFor(pool).query<{ id: number; flow_id: string }>(
        sql`SELECT id, flow_id FROM trigger_occurrences WHERE id = ANY(${ids}::bigint[])`,
      );
      const flows = new Map(rows.map((r) => [r.id, r.flow_id]));
      return ids.filter((id) => flows.has(id)).map((occurrenceId) => ({ occurrenceId, flowId: flows.get(occurrenceId)! }));
    });
    for (let i = 0; i < occurrences.length; i += EVENTS_PER_SEND) {
      await step.sendEvent(
        `run-occurrences-${i / EVENTS_PER_SEND}`,
        occurrences.slice(i, i + EVENTS_PER_SEND).map((data) => ({ name: OCCURRENCE_RUN, data })),
      );
    }
    return { occurrences: occurrences.length };
  },
);
