// Every minute: moves on the journeys whose wait deadline has passed (server/engine/waits.ts),
// a batch per step until none is due. Waits live in PostgreSQL; nothing sleeps in Inngest.
import { sharedPool } from "@/server/db/sql";
import { sweepDueWaits } from "@/server/engine/waits";
import { inngest } from "../client";

/** Batches per run (each up to the engine's batch size); the next minute's run takes the rest. */
const MAX_BATCHES_PER_RUN = 200;

export const sweepWaits = inngest.createFunction(
  {
    id: "sweep-waits",
    name: "Sweep due waits",
    triggers: [{ cron: "* * * * *" }],
    concurrency: { limit: 1 },
    retries: 3,
  },
  async ({ step }) => {
    let moved = 0;
    for (let n = 0; n < MAX_BATCHES_PER_RUN; n++) {
      const batch = await step.run(`sweep-${n}`, () => sweepDueWaits(sharedPool()));
      moved += batch;
      if (batch === 0) break;
    }
    return { moved };
  },
);
