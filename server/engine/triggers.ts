// Entry points of published flows. Triggers are rows (armed on publish, with the next time they
// fire); each firing is an occurrence row with a fan-out cursor, so a million-member broadcast is
// entered chunk by chunk and resumes where it stopped after a crash. The runtimes call `tick`
// every minute and `runOccurrenceChunk` until an occurrence is done.
import { TZDate } from "@date-fns/tz";
import { compileCondition } from "@/server/audiences/compile";
import type { ConditionTree } from "@/server/audiences/condition";
import type { FlowDefinition, FlowNode } from "@/server/flows/definition";
import { cronSchedule } from "@/server/flows/kinds/schedule_trigger/spec";
import type { EntryAudience } from "@/server/flows/kinds/entry";
import type { DateTriggerConfig } from "@/server/flows/kinds/date_trigger/spec";
import { raw, sql, withTransaction, type Pool, type Sql, type Tx } from "@/server/db/sql";
import type { RunningFlow } from "./executor";
import { advanceJourneys, insertJourneys, loadVersion, NodeCounts, type JourneyState } from "./journeys";
import type { EffectWriter } from "./effects";
import { clearFlowError, recordFlowError } from "./flow-errors";

const AUDIENCE_POLL_MINUTES = 15;
/** Members entered per transaction of a broadcast (MEMBERFLOW_CHUNK_SIZE). */
export const DEFAULT_CHUNK_SIZE = Number(process.env.MEMBERFLOW_CHUNK_SIZE ?? 10_000);

/** When a trigger next fires after `now`, or null if never again. */
export function nextRunAt(node: FlowNode, timezone: string, now: Date, previous?: Date): Date | null {
  switch (node.kind) {
    case "schedule_trigger": {
      const s = node.config.schedule;
      if (s.mode === "once") return previous ? null : new Date(s.at);
      return cronSchedule(s.cron, node.config.timezone).nextRun(now) ?? null;
    }
    case "date_trigger":
      return nextTimeOfDay(node.config.time, timezone, now);
    case "audience_trigger":
      return new Date(Math.floor(now.getTime() / 60_000) * 60_000 + (previous ? AUDIENCE_POLL_MINUTES * 60_000 : 0));
    default:
      return null;
  }
}

function nextTimeOfDay(time: string, timezone: string, now: Date): Date {
  const [h, m] = time.split(":").map(Number) as [number, number];
  const local = new TZDate(now.getTime(), timezone);
  for (let day = 0; ; day++) {
    const at = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + day, h, m, 0, 0, timezone);
    if (at.getTime() > now.getTime()) return new Date(at.getTime());
  }
}

/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
const localDate = (at: Date, timezone: string) => {
  const d = new TZDate(at.getTime(), timezone);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

/** Arms a newly published version's triggers and disarms the flow's older ones (one transaction with the publish). */
export async function armTriggers(tx: Tx, flowId: string, versionId: string, definition: FlowDefinition, now: Date): Promise<void> {
  await tx.execute(sql`UPDATE flow_triggers SET armed = FALSE WHERE flow_id = ${flowId} AND flow_version_id <> ${versionId}`);
  for (const node of definition.nodes) {
    if (!node.kind.endsWith("_trigger")) continue;
    const next = nextRunAt(node, definition.settings.timezone, now);
    const eventName = node.kind === "event_trigger" ? node.config.event : null;
    await tx.execute(sql`
      INSERT INTO flow_triggers (flow_id, flow_version_id, node_id, kind, event_name, next_run_at, armed)
      VALUES (${flowId}, ${versionId}, ${node.id}, ${node.kind}, ${eventName}, ${next?.toISOString() ?? null}::timestamptz, TRUE)
      ON CONFLICT (flow_version_id, node_id) DO UPDATE SET armed = TRUE`);
  }
}

/**
 * Starts what is due: one occurrence per due firing of an armed trigger of an active flow (unique
 * per trigger and firing, so two ticks at once start it once), and the trigger's next time.
 * Returns the occurrences that still have members to enter (new ones and unfinished ones).
 */
export async function tick(pool: Pool, now = new Date()): Promise<number[]> {
  return withTransaction(pool, async (tx) => {
    const due = await tx.query<{ id: number; flow_id: string; flow_version_id: string; node_id: string; next_run_at: Date }>(sql`
      SELECT t.id, t.flow_id, t.flow_version_id, t.node_id, t.next_run_at
      FROM flow_triggers t JOIN flows f ON f.id = t.flow_id AND f.current_version_id = t.flow_version_id AND f.status = 'active'
      WHERE t.armed AND t.next_run_at <= ${now.toISOString()}::timestamptz
      ORDER BY t.next_run_at FOR UPDATE OF t SKIP LOCKED`);
    for (const t of due) {
      const flow = await loadVersion(tx, t.flow_version_id);
      const node = flow.definition.nodes.find((n) => n.id === t.node_id);
      if (!node) continue;
      const key = node.kind === "date_trigger" ? localDate(t.next_run_at, flow.definition.settings.timezone) : t.next_run_at.toISOString();
      await tx.execute(sql`
        INSERT INTO trigger_occurrences (trigger_id, flow_id, flow_version_id, node_id, occurrence_key, due_at)
        VALUES (${t.id}, ${t.flow_id}, ${t.flow_version_id}, ${t.node_id}, ${key}, ${t.next_run_at.toISOString()}::timestamptz)
        ON CONFLICT (trigger_id, occurrence_key) DO NOTHING`);
      const next = nextRunAt(node, flow.definition.settings.timezone, now, t.next_run_at);
      await tx.execute(sql`UPDATE flow_triggers SET next_run_at = ${next?.toISOString() ?? null}::timestamptz, armed = ${next !== null} WHERE id = ${t.id}`);
    }
    return pendingOccurrences(tx);
  });
}

export async function pendingOccurrences(tx: Tx): Promise<number[]> {
  const rows = await tx.query<{ id: number }>(sql`
    SELECT o.id FROM trigger_occurrences o JOIN flows f ON f.id = o.flow_id AND f.status = 'active'
    WHERE o.status IN ('pending', 'running') ORDER BY o.due_at, o.id`);
  return rows.map((r) => r.id);
}

/** Starts a manual trigger (run now, the API, a chart selection) for the given members. */
export async function startManualRun(tx: Tx, flowId: string, memberIds: number[], runKey: string, now = new Date()): Promise<number> {
  const [t] = await tx.query<{ id: number; flow_version_id: string; node_id: string }>(sql`
    SELECT t.id, t.flow_version_id, t.node_id FROM flow_triggers t JOIN flows f ON f.id = t.flow_id AND f.current_version_id = t.flow_version_id
    WHERE t.flow_id = ${flowId} AND t.kind = 'manual_trigger' AND t.armed ORDER BY t.id LIMIT 1`);
  if (!t) throw new Error(`flow ${flowId} has no armed manual trigger`);
  const [o] = await tx.query<{ id: number }>(sql`
    INSERT INTO trigger_occurrences (trigger_id, flow_id, flow_version_id, node_id, occurrence_key, due_at, member_ids)
    VALUES (${t.id}, ${flowId}, ${t.flow_version_id}, ${t.node_id}, ${runKey}, ${now.toISOString()}::timestamptz, ${memberIds}::int[])
    ON CONFLICT (trigger_id, occurrence_key) DO UPDATE SET occurrence_key = EXCLUDED.occurrence_key
    RETURNING id`);
  return o!.id;
}

/** Loads a saved audience's predicate over `m` (static lists and condition audiences alike). */
async function audiencePredicate(tx: Tx, audienceId: string, now: Date): Promise<Sql> {
  const [a] = await tx.query<{ kind: string; condition: ConditionTree | null }>(
    sql`SELECT kind::text AS kind, condition FROM audiences WHERE id = ${audienceId}`,
  );
  if (!a) throw new Error(`audience ${audienceId} does not exist`);
  if (a.kind === "static") return sql`EXISTS (SELECT 1 FROM audience_members am WHERE am.audience_id = ${audienceId} AND am.member_id = m.id)`;
  return compileCondition(a.condition!, { now });
}

export async function entryPredicate(tx: Tx, entry: EntryAudience, now: Date): Promise<Sql> {
  if (entry.mode === "all") return raw("TRUE");
  if (entry.mode === "audience") return audiencePredicate(tx, entry.audienceId, now);
  return compileCondition(entry.conditions, { now });
}

/** Members whose date, shifted by the trigger's offset, is the occurrence's local date. */
export function datePredicate(config: DateTriggerConfig, occurrenceDate: string, timezone: string): Sql {
  const [y, mo, d] = occurrenceDate.split("-").map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, mo - 1, d - config.offsetDays));
  const md = `${String(target.getUTCMonth() + 1).padStart(2, "0")}-${String(target.getUTCDate()).padStart(2, "0")}`;
  const day = target.toISOString().slice(0, 10);
  switch (config.date) {
    case "birthday":
      return sql`to_char(m.birthday, 'MM-DD') = ${md}`;
    case "registration_anniversary":
      return sql`to_char(m.registered_at AT TIME ZONE ${timezone}, 'MM-DD') = ${md} AND (m.registered_at AT TIME ZONE ${timezone})::date < ${day}::date`;
    case "points_expiry":
      // Members who still hold points of a lot expiring that day (spent or expired lots hold none).
      return sql`EXISTS (SELECT 1 FROM points_entries p WHERE p.member_id = m.id AND p.remaining > 0
                         AND (p.expires_at AT TIME ZONE ${timezone})::date = ${day}::date)`;
  }
}

/** The re-entry rule, as a predicate on candidate member `m` (live journeys are refused by the unique index). */
function reEntryPredicate(flow: RunningFlow, now: Date): Sql {
  const rule = flow.definition.settings.reEntry;
  const earlier = sql`SELECT 1 FROM journeys x WHERE x.flow_id = ${flow.flowId} AND x.member_id = m.id`;
  if (rule.mode === "once") return sql`NOT EXISTS (${earlier})`;
  if (rule.mode === "cooldown") {
    return sql`NOT EXISTS (${earlier} AND (x.ended_at IS NULL OR x.ended_at > ${now.toISOString()}::timestamptz - make_interval(days => ${rule.days}::int)))`;
  }
  return raw("TRUE");
}

/**
 * Enters the members `candidates` selects (a query yielding `id`, each member once) at a trigger
 * node and advances them. Entries are keyed (flow, member, entry key): a retry enters no one twice.
 * `entryKey` null: the candidates yield each member's own `entry_key` too (one per event).
 */
export async function enterMembers(
  tx: Tx,
  flow: RunningFlow,
  triggerNodeId: string,
  entryKey: string | null,
  candidates: Sql,
  options: { now: Date; counts: NodeCounts; effects?: EffectWriter },
): Promise<{ entered: number; scanned: number; lastMemberId: number | null }> {
  const { now } = options;
  // Ids are drawn now and the journeys written once, after the advance, in the state it left them:
  // a broadcast writes each journey row once instead of inserting it and updating it at once.
  const key = entryKey === null ? sql`m.entry_key` : sql`${entryKey}::text`;
  const rows = await tx.query<{ t: string; id: number | null; member_id: number | null; entry_key: string | null }>(sql`
    WITH picked AS MATERIALIZED (${candidates})
    SELECT 'j' AS t, nextval(pg_get_serial_sequence('journeys', 'id')) AS id, m.id AS member_id, ${key} AS entry_key FROM picked m
    WHERE ${reEntryPredicate(flow, now)}
      AND NOT EXISTS (SELECT 1 FROM journeys l WHERE l.flow_id = ${flow.flowId} AND l.member_id = m.id AND (l.status IN ('active', 'waiting') OR l.entry_key = ${key}))
    UNION ALL SELECT 'c', max(id), count(*)::int, NULL FROM picked`);
  const summary = rows.find((r) => r.t === "c")!;
  const states: JourneyState[] = rows
    .filter((r) => r.t === "j")
    .map((r) => ({
      journeyId: r.id!,
      memberId: r.member_id!,
      isControl: false,
      nodeId: triggerNodeId,
      visit: 1,
      visits: { [triggerNodeId]: 1 },
      added: [],
      from: { nodeId: triggerNodeId, visit: 1, status: "active" },
      status: "active",
    }));
  options.counts.add(flow.versionId, triggerNodeId, "entered", states.length);
  if (states.length > 0) {
    await advanceJourneys(tx, flow, states, { now, counts: options.counts, effects: options.effects });
    const keys = rows.filter((r) => r.t === "j").map((r) => r.entry_key!);
    await insertJourneys(tx, flow, triggerNodeId, keys, states, now);
  }
  return { entered: states.length, scanned: summary.member_id ?? 0, lastMemberId: summary.id };
}

/** The members an occurrence enters, after `cursor`, at most `limit`. */
export async function entryCandidates(
  tx: Tx,
  flow: RunningFlow,
  node: FlowNode,
  occurrence: { occurrence_key: string; member_ids: number[] },
  cursor: number,
  limit: number,
  now: Date,
): Promise<Sql> {
  let predicate: Sql;
  switch (node.kind) {
    case "schedule_trigger":
      predicate = await entryPredicate(tx, node.config.entry, now);
      break;
    case "date_trigger":
      predicate = datePredicate(node.config, occurrence.occurrence_key, flow.definition.settings.timezone);
      break;
    case "audience_trigger":
      predicate = await audiencePredicate(tx, node.config.audienceId, now);
      break;
    case "manual_trigger":
      predicate = sql`m.id = ANY(${occurrence.member_ids}::int[])`;
      break;
    default:
      throw new Error(`${node.kind} nodes have no occurrences`);
  }
  return sql`SELECT m.id FROM members m WHERE m.id > ${cursor}::int AND (${predicate}) ORDER BY m.id LIMIT ${limit}::int`;
}

export type ChunkResult = { status: "done" | "more" | "busy" | "paused"; entered: number };

/**
 * Enters and advances the next chunk of an occurrence's members, in one transaction that also
 * moves the cursor: a chunk is entered entirely or not at all, and a crash resumes after the last
 * committed chunk. The occurrence row is locked, so two workers never run the same chunk.
 */
export async function runOccurrenceChunk(pool: Pool, occurrenceId: number, options: { chunkSize?: number; now?: Date } = {}): Promise<ChunkResult> {
  try {
    return await enterOccurrenceChunk(pool, occurrenceId, options);
  } catch (error) {
    // The runtime retries; meanwhile the flow's status says what went wrong.
    const [o] = (await pool.query<{ flow_id: string }>(`SELECT flow_id FROM trigger_occurrences WHERE id = $1`, [occurrenceId])).rows;
    if (o) await recordFlowError(pool, o.flow_id, error);
    throw error;
  }
}

async function enterOccurrenceChunk(pool: Pool, occurrenceId: number, options: { chunkSize?: number; now?: Date }): Promise<ChunkResult> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  return withTransaction(pool, async (tx) => {
    const [o] = await tx.query<{ id: number; flow_id: string; flow_version_id: string; node_id: string; occurrence_key: string; member_ids: number[]; status: string; cursor_member_id: number; flow_status: string }>(sql`
      SELECT o.id, o.flow_id, o.flow_version_id, o.node_id, o.occurrence_key, o.member_ids, o.status, o.cursor_member_id, f.status::text AS flow_status
      FROM trigger_occurrences o JOIN flows f ON f.id = o.flow_id WHERE o.id = ${occurrenceId} FOR UPDATE OF o SKIP LOCKED`);
    if (!o) return { status: "busy", entered: 0 };
    if (o.status === "done" || o.status === "cancelled") return { status: "done", entered: 0 };
    if (o.flow_status !== "active") return { status: "paused", entered: 0 };
    const now = options.now ?? new Date();
    const flow = await loadVersion(tx, o.flow_version_id);
    const node = flow.definition.nodes.find((n) => n.id === o.node_id);
    if (!node) throw new Error(`trigger node ${o.node_id} is not in version ${o.flow_version_id}`);
    const counts = new NodeCounts();
    const candidates = await entryCandidates(tx, flow, node, o, o.cursor_member_id, chunkSize, now);
    const result = await enterMembers(tx, flow, node.id, `occ:${o.id}`, candidates, { now, counts });
    await counts.flush(tx);
    const done = result.scanned < chunkSize;
    await tx.execute(sql`
      UPDATE trigger_occurrences SET cursor_member_id = ${result.lastMemberId ?? o.cursor_member_id}::int, entered = entered + ${result.entered}::int,
        status = ${done ? "done" : "running"}, started_at = coalesce(started_at, ${now.toISOString()}::timestamptz),
        finished_at = ${done ? now.toISOString() : null}::timestamptz
      WHERE id = ${o.id}`);
    await clearFlowError(tx, o.flow_id);
    return { status: done ? "done" : "more", entered: result.entered };
  });
}

/** Runs an occurrence to the end (the worker runtime; Inngest runs a step per chunk instead). */
export async function runOccurrence(pool: Pool, occurrenceId: number, options: { chunkSize?: number; now?: Date } = {}): Promise<number> {
  let entered = 0;
  for (;;) {
    const r = await runOccurrenceChunk(pool, occurrenceId, options);
    entered += r.entered;
    if (r.status !== "more") return entered;
  }
}
