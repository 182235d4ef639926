// The one event path. Storefront posts and the app's own events are recorded here, idempotently
// by (source, id), and in the same transaction they resolve response waits and goals of their
// members and enter event-triggered flows. A replayed event is recorded once and moves nothing.
import { z } from "zod";
import { sql, withTransaction, type Pool, type Tx } from "@/server/db/sql";
import { eventNameSchema } from "@/server/flows/kinds/shared";
import { propertiesMatch, type PropertyCondition } from "./property-conditions";
import { resolveEvents, type RecordedEvent } from "@/server/engine/waits";
import { enterMembers } from "@/server/engine/triggers";
import { loadVersion, NodeCounts } from "@/server/engine/journeys";
import { evaluateRulesFor, RULE_OUTPUT_EVENTS } from "@/server/loyalty/tags/rules";

export const ingestEventSchema = z.object({
  id: z.string().min(1).max(200),
  memberId: z.number().int().positive(),
  name: eventNameSchema,
  occurredAt: z.union([z.date(), z.iso.datetime({ offset: true })]).transform((v) => new Date(v)),
  properties: z.record(z.string(), z.unknown()).default({}),
});
export type IngestEvent = z.input<typeof ingestEventSchema>;

export const MAX_EVENTS_PER_CALL = 1_000;

export type IngestResult = { accepted: number; duplicates: number; unknownMembers: number; entered: number; goals: number; responses: number };

export type IngestOptions = {
  source?: string;
  now?: Date;
  /**
   * What the fresh (not replayed) events change in the member's own data (orders, visits,
   * statistics), in the same transaction and before the flows react, so a flow entered by an
   * order already sees it counted.
   */
  apply?: (tx: Tx, fresh: RecordedEvent[]) => Promise<void>;
};

/** Records events and applies what they mean to the flows, in one transaction. */
export async function ingestEvents(pool: Pool, raw: IngestEvent[], options: IngestOptions = {}): Promise<IngestResult> {
  return withTransaction(pool, (tx) => ingestEventsIn(tx, raw, options));
}

/** ingestEvents inside the caller's transaction. */
export async function ingestEventsIn(tx: Tx, raw: IngestEvent[], options: IngestOptions = {}): Promise<IngestResult> {
  const events = z.array(ingestEventSchema).max(MAX_EVENTS_PER_CALL).parse(raw);
  const source = options.source ?? "system";
  if (events.length === 0) return { accepted: 0, duplicates: 0, unknownMembers: 0, entered: 0, goals: 0, responses: 0 };
  const now = options.now ?? new Date();
  const recorded = await tx.query<{ id: number; event_id: string; member_id: number; name: string; properties: Record<string, unknown>; occurred_at: Date }>(sql`
    INSERT INTO member_events (source, event_id, member_id, name, properties, occurred_at)
    SELECT ${source}, u.event_id, u.member_id, u.name, u.properties::jsonb, u.occurred_at
    FROM unnest(${events.map((e) => e.id)}::text[], ${events.map((e) => e.memberId)}::int[], ${events.map((e) => e.name)}::text[],
                ${events.map((e) => JSON.stringify(e.properties))}::text[], ${events.map((e) => e.occurredAt.toISOString())}::timestamptz[])
         AS u(event_id, member_id, name, properties, occurred_at)
    JOIN members m ON m.id = u.member_id
    ON CONFLICT (source, event_id) DO NOTHING
    RETURNING id, event_id, member_id, name, properties, occurred_at`);
  const knownIds = new Set((await tx.query<{ id: number }>(sql`SELECT id FROM members WHERE id = ANY(${events.map((e) => e.memberId)}::int[])`)).map((r) => r.id));
  const unknownMembers = events.filter((e) => !knownIds.has(e.memberId)).length;
  const fresh: RecordedEvent[] = recorded.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    memberId: r.member_id,
    name: r.name,
    properties: r.properties,
    occurredAt: r.occurred_at,
  }));
  if (options.apply && fresh.length > 0) await options.apply(tx, fresh);
  // Rule tags and badges follow the members' data at once (before flows react to these events);
  // the tag and badge events rule runs emit do not re-evaluate rules (no loop between rules).
  await evaluateRulesFor(tx, fresh.filter((e) => !RULE_OUTPUT_EVENTS.includes(e.name)).map((e) => e.memberId), now);
  const resolved = await resolveEvents(tx, fresh, now);
  const entered = await enterEventTriggered(tx, fresh, source, now);
  return { accepted: fresh.length, duplicates: events.length - fresh.length - unknownMembers, unknownMembers, entered, ...resolved };
}

/** Enters each event's member into the active flows an event trigger of that name and conditions starts. */
async function enterEventTriggered(tx: Tx, events: RecordedEvent[], source: string, now: Date): Promise<number> {
  const names = [...new Set(events.map((e) => e.name))];
  const triggers = await tx.query<{ flow_version_id: string; node_id: string; event_name: string }>(sql`
    SELECT t.flow_version_id, t.node_id, t.event_name
    FROM flow_triggers t JOIN flows f ON f.id = t.flow_id AND f.current_version_id = t.flow_version_id AND f.status = 'active'
    WHERE t.armed AND t.kind = 'event_trigger' AND t.event_name = ANY(${names}::text[])
    ORDER BY t.flow_version_id, t.node_id`);
  if (triggers.length === 0) return 0;
  const counts = new NodeCounts();
  let entered = 0;
  for (const t of triggers) {
    const flow = await loadVersion(tx, t.flow_version_id);
    const node = flow.definition.nodes.find((n) => n.id === t.node_id);
    if (node?.kind !== "event_trigger") continue;
    const conditions = node.config.conditions as PropertyCondition[];
    // Set-based: one entry per round for all the matching events' members; a member with several
    // matching events in this batch has its next one in the next round, after the first has entered.
    let pending = events.filter((e) => e.name === t.event_name && propertiesMatch(e.properties, conditions));
    while (pending.length > 0) {
      const seen = new Set<number>();
      const round = pending.filter((e) => !seen.has(e.memberId) && (seen.add(e.memberId), true));
      pending = pending.filter((e) => !round.includes(e));
      const result = await enterMembers(
        tx,
        flow,
        node.id,
        null,
        sql`SELECT m.id, k.entry_key FROM unnest(${round.map((e) => e.memberId)}::int[], ${round.map((e) => `evt:${source}:${e.eventId}`)}::text[]) AS k(member_id, entry_key)
            JOIN members m ON m.id = k.member_id`,
        { now, counts },
      );
      entered += result.entered;
    }
  }
  await counts.flush(tx);
  return entered;
}
