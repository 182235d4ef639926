// The events the engine's Inngest functions exchange, with their data schemas (the data comes
// over the wire: every function parses what it reads).
import { z } from "zod";
import type { IngestEvent } from "@/server/events/ingest";

/** Runs one trigger occurrence (sent by engine-tick; one run per occurrence, never per member). */
export const OCCURRENCE_RUN = "memberflow/occurrence.run";
export const occurrenceRunData = z.object({ occurrenceId: z.number().int().positive(), flowId: z.string().min(1) });
export type OccurrenceRunData = z.infer<typeof occurrenceRunData>;

/** Sent when a flow is paused: cancels its running occurrence runs (they would stop on their own at the next chunk). */
export const FLOW_PAUSED = "memberflow/flow.paused";
export type FlowPausedData = { flowId: string };

/** One member event to record (batched by Inngest, up to 100 a run). */
export const EVENTS_INGEST = "memberflow/events.ingest";
export const eventsIngestData = z.object({ source: z.string().min(1).default("system"), event: z.unknown() });
export type EventsIngestData = { source?: string; event: IngestEvent };

/**
 * The Inngest events that record `events` through ingest-events. The Inngest event id is the
 * member event's (source, id), so Inngest itself drops a replay sent within 24 hours; the database
 * drops any later one.
 */
export function ingestEventPayloads(events: IngestEvent[], source = "system") {
  return events.map((event) => ({ id: `${source}:${event.id}`, name: EVENTS_INGEST, data: { source, event } satisfies EventsIngestData }));
}
