// Waits live in PostgreSQL: a waiting journey has a deadline (wait_until) and, for a response
// wait, the event it listens for (wait_event, waiting_for). Deadlines falling due are swept here
// in batches; arriving events resolve waits and goals in server/events/ingest.ts, in the
// transaction that records them.
import { propertiesMatch, type PropertyCondition } from "@/server/events/property-conditions";
import { sql, withTransaction, type Pool, type Tx } from "@/server/db/sql";
import { advanceJourneys, endJourneys, loadVersion, lockJourneys, NodeCounts, saveJourneys, type LockedRow } from "./journeys";

/** Moves journeys whose deadline has passed on by their wait's deadline branch. Returns how many moved. */
export async function sweepDueWaits(pool: Pool, options: { now?: Date; limit?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  return withTransaction(pool, async (tx) => {
    // Paused flows keep their members waiting; what fell due while paused moves on resume.
    const groups = await lockJourneys(
      tx,
      sql`j.status = 'waiting' AND j.wait_until <= ${now.toISOString()}::timestamptz
          AND EXISTS (SELECT 1 FROM flows f WHERE f.id = j.flow_id AND f.status = 'active')`,
      options.limit ?? 5_000,
    );
    const counts = new NodeCounts();
    let moved = 0;
    for (const [versionId, { states, rows }] of groups) {
      const flow = await loadVersion(tx, versionId);
      const leaving = new Map(rows.map((r) => [r.id, r.waiting_for?.onDeadline ?? "out"]));
      await advanceJourneys(tx, flow, states, { now, counts, leaving });
      moved += await saveJourneys(tx, states, now);
    }
    await counts.flush(tx);
    return moved;
  });
}

export type RecordedEvent = { id: number; eventId: string; memberId: number; name: string; properties: Record<string, unknown>; occurredAt: Date };

/** Effect ids a response can be about: per journey, the latest visit's row from the source node. */
async function sourceEffects(tx: Tx, rows: LockedRow[]): Promise<Map<number, string>> {
  const bySource = new Map<string, LockedRow[]>();
  for (const r of rows) {
    const src = r.waiting_for?.source;
    if (!src) continue;
    const key = `${src.table}\u0000${src.nodeId}`;
    bySource.set(key, [...(bySource.get(key) ?? []), r]);
  }
  const found = new Map<number, string>();
  for (const [key, group] of bySource) {
    const [table, nodeId] = key.split("\u0000") as ["coupons" | "notifications" | "banners", string];
    const tableSql = { coupons: sql`coupons`, notifications: sql`notifications`, banners: sql`banners` }[table];
    const effects = await tx.query<{ journey_id: number; id: string }>(sql`
      SELECT DISTINCT ON (e.journey_id) e.journey_id, e.id::text AS id FROM ${tableSql} e
      WHERE e.journey_id = ANY(${group.map((r) => r.id)}::bigint[]) AND e.node_id = ${nodeId}
      ORDER BY e.journey_id, e.visit DESC`);
    for (const e of effects) found.set(e.journey_id, e.id);
  }
  return found;
}

/** The versions (of those given) whose flow is paused. */
async function pausedVersions(tx: Tx, versionIds: string[]): Promise<Set<string>> {
  if (versionIds.length === 0) return new Set();
  const rows = await tx.query<{ id: string }>(sql`
    SELECT v.id FROM flow_versions v JOIN flows f ON f.id = v.flow_id WHERE v.id = ANY(${versionIds}::text[]) AND f.status = 'paused'`);
  return new Set(rows.map((r) => r.id));
}

/**
 * What recorded events do to the journeys of their members: a flow's goal takes a member out at
 * once wherever it is (a delay included) and counts as a conversion; a matching event answers a
 * response wait, which leaves by "responded" (in a paused flow, when it is resumed). Runs in the
 * ingesting transaction.
 */
export async function resolveEvents(tx: Tx, events: RecordedEvent[], now: Date): Promise<{ goals: number; responses: number }> {
  if (events.length === 0) return { goals: 0, responses: 0 };
  const memberIds = [...new Set(events.map((e) => e.memberId))];
  const groups = await lockJourneys(tx, sql`j.member_id = ANY(${memberIds}::int[])`, 100_000, { skipLocked: false });
  const counts = new NodeCounts();
  let goals = 0;
  let responses = 0;
  const byMember = new Map<number, RecordedEvent[]>();
  for (const e of events) byMember.set(e.memberId, [...(byMember.get(e.memberId) ?? []), e]);

  const paused = await pausedVersions(tx, [...groups.keys()]);

  for (const [versionId, { states, rows }] of groups) {
    const flow = await loadVersion(tx, versionId);
    const goal = flow.definition.settings.goal;
    const rowOf = new Map(rows.map((r) => [r.id, r]));
    const reached = new Set<number>();
    if (goal) {
      for (const r of rows) {
        const hit = (byMember.get(r.member_id) ?? []).find(
          (e) =>
            e.name === goal.event &&
            e.occurredAt >= r.entered_at &&
            e.occurredAt.getTime() <= r.entered_at.getTime() + goal.windowDays * 86_400_000 &&
            propertiesMatch(e.properties, goal.conditions),
        );
        if (hit) reached.add(r.id);
      }
      if (reached.size > 0) {
        const ids = [...reached];
        await endJourneys(tx, flow, states.filter((s) => reached.has(s.journeyId)), "goal", counts, now);
        await tx.execute(sql`UPDATE journeys SET converted_at = ${now.toISOString()}::timestamptz WHERE id = ANY(${ids}::bigint[])`);
        goals += ids.length;
      }
    }
    const waiting = rows.filter((r) => !reached.has(r.id) && r.status === "waiting" && r.wait_event !== null);
    if (waiting.length === 0) continue;
    const effects = await sourceEffects(tx, waiting);
    const answered = new Map<number, string>();
    for (const r of waiting) {
      const match = r.waiting_for ?? {};
      const ok = (byMember.get(r.member_id) ?? []).some((e) => {
        if (e.name !== r.wait_event || e.occurredAt < r.node_entered_at) return false;
        if (r.wait_until && e.occurredAt > r.wait_until) return false;
        if (match.source && String(e.properties[match.source.property] ?? "") !== effects.get(r.id)) return false;
        return propertiesMatch(e.properties, (match.conditions ?? []) as PropertyCondition[]);
      });
      if (ok) answered.set(r.id, "responded");
    }
    if (answered.size === 0) continue;
    if (paused.has(versionId)) {
      // A paused flow does no new work, but the answer is kept: the wait falls due now and leaves
      // by "responded" when the flow is resumed (the sweep), even if its deadline passes meanwhile.
      const ids = [...answered.keys()];
      await tx.execute(sql`
        UPDATE journeys SET wait_until = ${now.toISOString()}::timestamptz, wait_event = NULL,
          waiting_for = coalesce(waiting_for, '{}'::jsonb) || jsonb_build_object('onDeadline', 'responded')
        WHERE id = ANY(${ids}::bigint[]) AND status = 'waiting'`);
      responses += ids.length;
      continue;
    }
    const moving = states.filter((s) => answered.has(s.journeyId) && rowOf.has(s.journeyId));
    await advanceJourneys(tx, flow, moving, { now, counts, leaving: answered });
    responses += await saveJourneys(tx, moving, now);
  }
  await counts.flush(tx);
  return { goals, responses };
}
