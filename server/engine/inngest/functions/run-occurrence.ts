// One run per trigger occurrence: enters and advances its audience a chunk at a time, one step
// per chunk (server/engine/triggers.ts `runOccurrenceChunk`: a chunk commits with its cursor, so
// a retried or resumed run continues after the last committed chunk). Steps return counts only.
import { sharedPool } from "@/server/db/sql";
import { runOccurrenceChunk, type ChunkResult } from "@/server/engine/triggers";
import { inngest } from "../client";
import { FLOW_PAUSED, OCCURRENCE_RUN, occurrenceRunData } from "./events";

/**
 * Chunks per run. Inngest allows 1,000 steps a run; a run that reaches this many (10 million
 * members at the engine's chunk size) hands the rest to a new run of itself.
 */
export const MAX_CHUNKS_PER_RUN = 400;
/** A "busy" occurrence (another run holds its row) is tried again after this. */
const BUSY_WAIT = "2s";

export const runOccurrence = inngest.createFunction(
  {
    id: "run-occurrence",
    name: "Run trigger occurrence",
    triggers: [{ event: OCCURRENCE_RUN }],
    // One occurrence run at a time per flow: a flow's broadcasts go out one after the other.
    concurrency: { key: "event.data.flowId", limit: 1 },
    cancelOn: [{ event: FLOW_PAUSED, match: "data.flowId" }],
    retries: 5,
  },
  async ({ event, step }) => {
    const data = occurrenceRunData.parse(event.data);
    let entered = 0;
    for (let n = 0; n < MAX_CHUNKS_PER_RUN; n++) {
      const result: ChunkResult = await step.run(`chunk-${n}`, () => runOccurrenceChunk(sharedPool(), data.occurrenceId));
      entered += result.entered;
      if (result.status === "done" || result.status === "paused") return { status: result.status, chunks: n + 1, entered };
      if (result.status === "busy") await step.sleep(`busy-${n}`, BUSY_WAIT);
    }
    await step.sendEvent("continue", { name: OCCURRENCE_RUN, data });
    return { status: "continued" as const, chunks: MAX_CHUNKS_PER_RUN, entered };
  },
);
