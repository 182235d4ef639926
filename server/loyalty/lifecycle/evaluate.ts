// Lifecycle stages and RFM scores under the configured thresholds, set-based.
//
// - RFM: quintiles (ntile(5), 5 = best) over the members with orders: recency by the last order,
//   frequency and monetary by the orders and spend of the last `rfmWindowDays`; members without
//   (window) orders score RFM_NO_ORDERS_SCORE. ntile cannot be taken range by range, so a full
//   evaluation first finds where each quintile starts (its first (value, member id) in ntile's
//   order: one statement over the base) and then scores each range against those cut-offs — which
//   gives exactly ntile's buckets. The cut-offs are kept, so members touched by orders between full
//   evaluations are scored the same way.
// - Stages: settings-schema.ts `stageOf` (its TypeScript twin), from member_stats' order count and
//   last order (kept current by ingestion) and the registration date.
// - History: a stage change writes a lifecycle_changes row and a `lifecycle.changed` event through
//   the one ingest path, in the transaction that moves the stage. The row is unique per member and
//   evaluation and its event id is the row's, so a retried evaluation changes and tells nothing twice.
//   A member's first evaluation sets the stage without a change (there was none to change from).
// Server-only: the lint allow-list keeps components/ away.
import { join, raw, sql, withTransaction, type Pool, type Sql, type Tx } from "@/server/db/sql";
import { ingestEventsIn, MAX_EVENTS_PER_CALL, type IngestEvent } from "@/server/events/ingest";
import { COUNTED, NET, STAT_WINDOWS_DAYS } from "@/server/members/stats";
import { forEachRange, type RangeOptions, type RangeRun } from "../ranges";
import { loadLifecycleSettings } from "./settings";
import { RFM_BUCKETS, RFM_NO_ORDERS_SCORE, type LifecycleSettings, type LifecycleStage } from "./settings-schema";

/** Where quintiles 2..5 start, per score: (value, member id) in ntile's order. */
type Cutoff = { values: string[]; ids: number[] };
export type RfmCutoffs = { recency: Cutoff; frequency: Cutoff; monetary: Cutoff; windowDays: number; asOf: string };
const NO_CUTOFFS = (windowDays: number, asOf: Date): RfmCutoffs => ({
  recency: { values: [], ids: [] },
  frequency: { values: [], ids: [] },
  monetary: { values: [], ids: [] },
  windowDays,
  asOf: asOf.toISOString(),
});

/** Which member_stats rows (alias `s`) an evaluation covers. */
export type Scope = { range: [number, number] } | { ids: number[] } | "all";
const inScope = (scope: Scope, column: Sql): Sql =>
  scope === "all" ? sql`true` : "range" in scope ? sql`${column} BETWEEN ${scope.range[0]}::int AND ${scope.range[1]}::int` : sql`${column} = ANY(${scope.ids}::int[])`;

/**
 * Orders and spend of each member in the RFM window (members with none have no row). A window
 * member_stats keeps (30/90/180/365 days) is read from there, as of its last refresh (hourly, and
 * moved at once by ingested orders): no pass over the orders. Any other window sums the orders.
 */
const windowOrders = (scope: Scope, settings: LifecycleSettings, asOf: Date): Sql => {
  const days = settings.rfmWindowDays;
  if ((STAT_WINDOWS_DAYS as readonly number[]).includes(days)) {
    return sql`SELECT s.member_id, s.${raw(`orders_${days}d`)} AS orders, s.${raw(`spend_${days}d`)} AS spend
      FROM member_stats s WHERE ${inScope(scope, sql`s.member_id`)} AND s.${raw(`orders_${days}d`)} > 0`;
  }
  return sql`
    SELECT o.member_id, count(*)::int AS orders, sum(${raw(NET)}) AS spend
    FROM orders o
    WHERE ${inScope(scope, sql`o.member_id`)} AND o.placed_at > ${asOf}::timestamptz - make_interval(days => ${days}::int) AND ${raw(COUNTED)}
    GROUP BY o.member_id`;
};

/** The stage rule in SQL over member_stats `s` and members `m`: the one statement of it besides `stageOf`. */
export function stageSql(settings: LifecycleSettings, asOf: Date): Sql {
  const before = (days: number) => sql`${asOf}::timestamptz - make_interval(days => ${days}::int)`;
  const last = sql`coalesce(s.last_order_at, m.registered_at)`;
  return sql`(CASE
    WHEN m.registered_at > ${before(settings.newDays)} AND s.order_count <= ${settings.newMaxOrders}::int THEN 'new'
    WHEN s.last_order_at > ${before(settings.activeDays)} THEN 'active'
    WHEN ${last} > ${before(settings.silentDays)} THEN 'silent'
    WHEN ${last} > ${before(settings.churnRiskDays)} THEN 'churn_risk'
    ELSE 'churned' END)::"LifecycleStage"`;
}

/** A score from the cut-offs: 1 + how many quintile starts (value, id) is at or past; the no-orders score without a value. */
function scoreSql(value: Sql, type: "timestamptz" | "numeric", cutoff: Cutoff): Sql {
  // Inline comparisons (at most 4), not a subquery per member.
  const past = cutoff.values.map((v, i) => sql` + ((${value}, s.member_id) >= (${v}::${raw(type)}, ${cutoff.ids[i]}::int))::int`);
  return sql`CASE WHEN ${value} IS NULL THEN ${RFM_NO_ORDERS_SCORE}::int ELSE 1${past.length ? join(past, "") : raw("")} END`;
}

/** The quintile cut-offs over the whole base at `asOf`: one statement. */
export async function computeRfmCutoffs(tx: Tx, settings: LifecycleSettings, asOf: Date): Promise<RfmCutoffs> {
  const rows = await tx.query<{ dim: "recency" | "frequency" | "monetary"; value: string; member_id: number }>(sql`
    WITH w AS (${windowOrders("all", settings, asOf)}),
    r AS (SELECT member_id, last_order_at AS v, ntile(${RFM_BUCKETS}::int) OVER (ORDER BY last_order_at, member_id) AS b FROM member_stats WHERE last_order_at IS NOT NULL),
    f AS (SELECT member_id, orders::numeric AS v, ntile(${RFM_BUCKETS}::int) OVER (ORDER BY orders, member_id) AS b FROM w),
    mo AS (SELECT member_id, spend AS v, ntile(${RFM_BUCKETS}::int) OVER (ORDER BY spend, member_id) AS b FROM w)
    -- (Each output column is named apart from v: ORDER BY v must sort the values, not their text.)
    (SELECT DISTINCT ON (b) 'recency' AS dim, b, v::text AS value, member_id FROM r WHERE b > 1 ORDER BY b, v, member_id)
    UNION ALL (SELECT DISTINCT ON (b) 'frequency' AS dim, b, v::text AS value, member_id FROM f WHERE b > 1 ORDER BY b, v, member_id)
    UNION ALL (SELECT DISTINCT ON (b) 'monetary' AS dim, b, v::text AS value, member_id FROM mo WHERE b > 1 ORDER BY b, v, member_id)
    ORDER BY 1, 2`);
  const cutoffs = NO_CUTOFFS(settings.rfmWindowDays, asOf);
  for (const row of rows) {
    cutoffs[row.dim].values.push(row.value);
    cutoffs[row.dim].ids.push(row.member_id);
  }
  return cutoffs;
}

async function saveCutoffs(tx: Tx, cutoffs: RfmCutoffs, settings: LifecycleSettings): Promise<void> {
  await tx.execute(sql`
    INSERT INTO lifecycle_settings (id, config, rfm_cutoffs) VALUES (1, ${JSON.stringify(settings)}::jsonb, ${JSON.stringify(cutoffs)}::jsonb)
    ON CONFLICT (id) DO UPDATE SET rfm_cutoffs = excluded.rfm_cutoffs`);
}

/** The cut-offs of the last full evaluation (none yet: every member scores the no-orders score until one runs). */
export async function loadRfmCutoffs(tx: Tx, settings: LifecycleSettings, asOf: Date): Promise<RfmCutoffs> {
  const [row] = await tx.query<{ rfm_cutoffs: RfmCutoffs | null }>(sql`SELECT rfm_cutoffs FROM lifecycle_settings WHERE id = 1`);
  return row?.rfm_cutoffs ?? NO_CUTOFFS(settings.rfmWindowDays, asOf);
}

export type StageChange = { id: number; memberId: number; from: LifecycleStage; to: LifecycleStage };
export type Evaluation = {
  settings: LifecycleSettings;
  cutoffs: RfmCutoffs;
  asOf: Date;
  /** Why: "schedule" (the daily run), "settings" (thresholds saved), "orders" (orders or refunds arrived). */
  reason: string;
  /** Names this evaluation: a member's change is recorded once per name. */
  key: string;
};

/**
 * Scores and stages the members in `scope` (their member_stats rows, locked in id order), writes
 * what moved, and records each stage change once. One statement.
 */
export async function evaluateIn(tx: Tx, scope: Scope, e: Evaluation): Promise<{ members: number; updated: number; changes: StageChange[] }> {
  const [row] = await tx.query<{ members: number; updated: number; changes: { id: number; member_id: number; from_stage: LifecycleStage; to_stage: LifecycleStage }[] }>(sql`
    WITH cur AS (
      -- Locked, and read as locked (the latest committed figures, not the statement's snapshot).
      SELECT s.member_id, s.order_count, s.last_order_at, s.lifecycle_stage, s.lifecycle_evaluated_at FROM member_stats s
      WHERE ${inScope(scope, sql`s.member_id`)} ORDER BY s.member_id FOR UPDATE
    ),
    w AS (${windowOrders(scope, e.settings, e.asOf)}),
    next AS (
      SELECT s.member_id, s.lifecycle_stage AS from_stage, s.lifecycle_evaluated_at IS NULL AS first,
             ${scoreSql(sql`s.last_order_at`, "timestamptz", e.cutoffs.recency)} AS r,
             ${scoreSql(sql`w.orders::numeric`, "numeric", e.cutoffs.frequency)} AS f,
             ${scoreSql(sql`w.spend`, "numeric", e.cutoffs.monetary)} AS mo,
             ${stageSql(e.settings, e.asOf)} AS stage
      FROM cur s JOIN members m ON m.id = s.member_id LEFT JOIN w ON w.member_id = s.member_id
    ),
    upd AS (
      UPDATE member_stats s SET rfm_recency = n.r, rfm_frequency = n.f, rfm_monetary = n.mo, lifecycle_stage = n.stage, lifecycle_evaluated_at = ${e.asOf}::timestamptz
      FROM next n
      WHERE s.member_id = n.member_id AND (n.first OR (s.rfm_recency, s.rfm_frequency, s.rfm_monetary, s.lifecycle_stage) IS DISTINCT FROM (n.r, n.f, n.mo, n.stage))
      RETURNING s.member_id
    ),
    hist AS (
      INSERT INTO lifecycle_changes (member_id, from_stage, to_stage, reason, evaluation, changed_at)
      SELECT n.member_id, n.from_stage, n.stage, ${e.reason}, ${e.key}, ${e.asOf}::timestamptz FROM next n
      WHERE NOT n.first AND n.from_stage <> n.stage
      ON CONFLICT (member_id, evaluation) DO NOTHING
      RETURNING id, member_id, from_stage, to_stage
    )
    SELECT (SELECT count(*) FROM cur)::int AS members, (SELECT count(*) FROM upd)::int AS updated,
           coalesce((SELECT json_agg(hist ORDER BY member_id) FROM hist), '[]'::json) AS changes`);
  return {
    members: row?.members ?? 0,
    updated: row?.updated ?? 0,
    changes: (row?.changes ?? []).map((c) => ({ id: Number(c.id), memberId: c.member_id, from: c.from_stage, to: c.to_stage })),
  };
}

/** The flows hear of each change once: the event id is the change's. */
export const lifecycleEvents = (changes: StageChange[], e: Pick<Evaluation, "asOf" | "reason">): IngestEvent[] =>
  changes.map((c) => ({ id: `lifecycle.changed:${c.id}`, memberId: c.memberId, name: "lifecycle.changed", occurredAt: e.asOf, properties: { from: c.from, to: c.to, reason: e.reason } }));

async function tell(tx: Tx, events: IngestEvent[], now: Date): Promise<void> {
  for (let i = 0; i < events.length; i += MAX_EVENTS_PER_CALL) await ingestEventsIn(tx, events.slice(i, i + MAX_EVENTS_PER_CALL), { now });
}

/**
 * The members whose orders or refunds just arrived, inside the ingesting transaction (after their
 * statistics moved): scored against the last full evaluation's cut-offs and re-staged. Returns the
 * `lifecycle.changed` events for the caller to ingest with its own. `key` must be unique to this
 * call (e.g. the first recorded event's id).
 */
export async function restageMembers(tx: Tx, memberIds: number[], now: Date, key: string): Promise<IngestEvent[]> {
  const ids = [...new Set(memberIds)].sort((a, b) => a - b);
  if (ids.length === 0) return [];
  const settings = await loadLifecycleSettings(tx);
  const e: Evaluation = { settings, cutoffs: await loadRfmCutoffs(tx, settings, now), asOf: now, reason: "orders", key };
  const { changes } = await evaluateIn(tx, { ids }, e);
  return lifecycleEvents(changes, e);
}

export type LifecycleRun = { members: number; updated: number; changes: number } & RangeRun;
/** Ranges of 25,000 member ids by default, one at a time (ranges.ts). */
export type LifecycleRunOptions = RangeOptions & {
  /** "schedule" (default) or "settings"; with `at` it names the evaluation. */
  reason?: "schedule" | "settings";
};

/**
 * The full evaluation at `asOf`: cut-offs over the whole base (saved for the incremental path),
 * then a range of member ids per transaction, each telling the flows what changed. Safe to re-run
 * with the same `asOf` and reason: what was recorded is not recorded again.
 */
export async function evaluateLifecycle(pool: Pool, asOf: Date, options: LifecycleRunOptions = {}): Promise<LifecycleRun> {
  const reason = options.reason ?? "schedule";
  const { settings, cutoffs } = await withTransaction(pool, async (tx) => {
    const settings = await loadLifecycleSettings(tx);
    if (options.from !== undefined) return { settings, cutoffs: await loadRfmCutoffs(tx, settings, asOf) };
    const cutoffs = await computeRfmCutoffs(tx, settings, asOf);
    await saveCutoffs(tx, cutoffs, settings);
    return { settings, cutoffs };
  });
  const e: Evaluation = { settings, cutoffs, asOf, reason, key: `${reason}:${asOf.toISOString()}` };
  const [bounds] = await pool
    .query<{ lo: number | null; hi: number | null }>(`SELECT min(member_id) AS lo, max(member_id) AS hi FROM member_stats WHERE member_id >= $1`, [options.from ?? 0])
    .then((r) => r.rows);
  const totals = { members: 0, updated: 0, changes: 0 };
  if (bounds?.lo == null || bounds.hi == null) return { ...totals, chunks: 0, next: null };
  const ranges = await forEachRange(bounds.lo, bounds.hi, { concurrency: 1, ...options, rangeSize: options.rangeSize ?? 25_000 }, async (lo, hi) => {
    const { members, updated, changes } = await withTransaction(pool, async (tx) => {
      const result = await evaluateIn(tx, { range: [lo, hi] }, e);
      await tell(tx, lifecycleEvents(result.changes, e), asOf);
      return result;
    });
    totals.members += members;
    totals.updated += updated;
    totals.changes += changes.length;
  });
  return { ...totals, ...ranges };
}

/** How many members each stage would hold under `settings` at `asOf`: one statement, for the preview before saving. */
export async function previewStageCounts(tx: Tx, settings: LifecycleSettings, asOf: Date): Promise<Record<LifecycleStage, number>> {
  const rows = await tx.query<{ stage: LifecycleStage; n: number }>(sql`
    SELECT ${stageSql(settings, asOf)}::text AS stage, count(*)::int AS n
    FROM member_stats s JOIN members m ON m.id = s.member_id GROUP BY 1`);
  return countsByStage(rows);
}

/** How many members each stage holds as stored. */
export async function stageCounts(tx: Tx): Promise<Record<LifecycleStage, number>> {
  const rows = await tx.query<{ stage: LifecycleStage; n: number }>(sql`SELECT lifecycle_stage::text AS stage, count(*)::int AS n FROM member_stats GROUP BY 1`);
  return countsByStage(rows);
}

const countsByStage = (rows: { stage: LifecycleStage; n: number }[]): Record<LifecycleStage, number> => {
  const counts: Record<LifecycleStage, number> = { new: 0, active: 0, silent: 0, churn_risk: 0, churned: 0 };
  for (const r of rows) counts[r.stage] = Number(r.n);
  return counts;
};

/** A member's stage changes, newest first. */
export async function stageHistory(tx: Tx, memberId: number, limit = 50) {
  return tx.query<{ id: number; from_stage: LifecycleStage; to_stage: LifecycleStage; reason: string; changed_at: Date }>(sql`
    SELECT id::int AS id, from_stage::text AS from_stage, to_stage::text AS to_stage, reason, changed_at
    FROM lifecycle_changes WHERE member_id = ${memberId}::int ORDER BY changed_at DESC, id DESC LIMIT ${limit}::int`);
}

