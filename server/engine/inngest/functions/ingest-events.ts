// Batched event ingestion: up to 100 memberflow/events.ingest events a run, recorded in one
// transaction per source by server/events/ingest.ts (idempotent by source and id, so a retried
// step records nothing twice). Malformed events are counted and dropped, so one bad event
// cannot fail the batch it came in.
import { sharedPool } from "@/server/db/sql";
import { ingestEvents, ingestEventSchema, type IngestEvent } from "@/server/events/ingest";
import { inngest } from "../client";
import { EVENTS_INGEST, eventsIngestData } from "./events";

export const ingestEventsBatch = inngest.createFunction(
  {
    id: "ingest-events",
    name: "Ingest member events",
    triggers: [{ event: EVENTS_INGEST }],
    batchEvents: { maxSize: 100, timeout: "1s" },
    retries: 5,
  },
  async ({ events, step }) => {
    const bySource = new Map<string, IngestEvent[]>();
    let invalid = 0;
    for (const e of events) {
      const data = eventsIngestData.safeParse(e.data);
      const parsed = data.success ? ingestEventSchema.safeParse(data.data.event) : undefined;
      if (!data.success || !parsed?.success) {
        invalid++;
        continue;
      }
      const list = bySource.get(data.data.source) ?? [];
      list.push(data.data.event as IngestEvent);
      bySource.set(data.data.source, list);
    }
    const totals = { accepted: 0, duplicates: 0, unknownMembers: 0, invalid };
    for (const [source, batch] of bySource) {
      const result = await step.run(`ingest-${source}`, () => ingestEvents(sharedPool(), batch, { source }));
      totals.accepted += result.accepted;
      totals.duplicates += result.duplicates;
      totals.unknownMembers += result.unknownMembers;
    }
    return totals;
  },
);
