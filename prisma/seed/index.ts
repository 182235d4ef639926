// seedDemoData: a deterministic demo member base, streamed into PostgreSQL with COPY.
//
// 1. reference data (tiers, districts, catalog, tags, badges, templates, demo user);
// 2. secondary indexes and foreign keys of the bulk tables dropped (indexes.ts);
// 3. one generator pass over members 1…N, each chunk streamed into one COPY per table;
// 4. sequences moved past the explicit ids, member_stats computed in one statement;
// 5. indexes and foreign keys rebuilt (two at a time), ANALYZE.
import pg from "pg";
import { refreshMemberStats } from "@/server/members/stats";
import { createPool } from "@/server/db/sql";
import { evaluateLifecycle } from "@/server/loyalty/lifecycle/evaluate";
import {
  ITEM_COLUMNS, MEMBER_BADGE_COLUMNS, MEMBER_COLUMNS, MEMBER_TAG_COLUMNS, ORDER_COLUMNS, POINTS_COLUMNS,
  TIER_CHANGE_COLUMNS, VISIT_COLUMNS,
} from "./generate/activity";
import type { ChunkRows } from "./generate/rows";
import { COUPON_COLUMNS, NOTIFICATION_COLUMNS, REDEMPTION_COLUMNS } from "./generate/campaigns";
import { MEMBER_EVENT_COLUMNS } from "./generate/events";
import { DAY, HISTORY_DAYS, SeedContext } from "./generate/context";
import { generateChunks } from "./generate/index";
import { TableCopy } from "./copy";
import { BULK_TABLES, dropForBulkLoad, restoreDefinitions, restorePendingDefinitions } from "./indexes";
import { upsertReferenceData } from "./reference";

export const DEFAULT_SEED = 20_261_123;
const CHUNK_MEMBERS = 5_000;

export type SeedPhase = "prepare" | "members" | "stats" | "indexes" | "analyze" | "lifecycle" | "done";

export type SeedProgress = {
  phase: SeedPhase;
  members: number;
  membersTotal: number;
  orders: number;
  elapsedMs: number;
};

export type SeedOptions = {
  members: number;
  seed?: number;
  /** Delete all member data (and what hangs off it) first; otherwise the database must have no members. */
  reset?: boolean;
  /** End of the generated history; default: the start of the current UTC day (so same-day reruns are identical). */
  now?: Date;
  onProgress?: (progress: SeedProgress) => void;
};

export type SeedSummary = {
  seed: number;
  members: number;
  rows: Record<string, number>;
  seconds: { load: number; stats: number; indexes: number; total: number };
};

export class SeedRefusedError extends Error {}

/** What refreshMemberStats reads: analyzed before it runs. */
const STATS_INPUTS: readonly string[] = ["members", "orders", "visits"];

/** Row targets of the COPY streams, in ChunkLines keys. */
const STREAMS: { key: keyof ChunkRows; table: string; columns: readonly string[] }[] = [
  { key: "members", table: "members", columns: MEMBER_COLUMNS },
  { key: "orders", table: "orders", columns: ORDER_COLUMNS },
  { key: "items", table: "order_items", columns: ITEM_COLUMNS },
  { key: "visits", table: "visits", columns: VISIT_COLUMNS },
  { key: "points", table: "points_entries", columns: POINTS_COLUMNS },
  { key: "tierChanges", table: "tier_changes", columns: TIER_CHANGE_COLUMNS },
  { key: "tags", table: "member_tags", columns: MEMBER_TAG_COLUMNS },
  { key: "badges", table: "member_badges", columns: MEMBER_BADGE_COLUMNS },
  { key: "events", table: "member_events", columns: MEMBER_EVENT_COLUMNS },
  { key: "coupons", table: "coupons", columns: COUPON_COLUMNS },
  { key: "redemptions", table: "coupon_redemptions", columns: REDEMPTION_COLUMNS },
  { key: "notifications", table: "notifications", columns: NOTIFICATION_COLUMNS },
];

export async function seedDemoData(databaseUrl: string, options: SeedOptions): Promise<SeedSummary> {
  const started = Date.now();
  const total = options.members;
  if (!Number.isInteger(total) || total < 1) throw new SeedRefusedError("members must be a positive integer");
  const seed = options.seed ?? DEFAULT_SEED;
  const anchor = options.now ? options.now.getTime() : Math.floor(Date.now() / DAY) * DAY;
  const progress = (phase: SeedPhase, members: number, orders: number) =>
    options.onProgress?.({ phase, members, membersTotal: total, orders, elapsedMs: Date.now() - started });

  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const copyClients: pg.Client[] = [];
  try {
    progress("prepare", 0, 0);
    if (options.reset) {
      // Cascades to everything that references members (orders, stats, journeys, coupons …).
      await admin.query("TRUNCATE members RESTART IDENTITY CASCADE");
      // TRUNCATE fires no row triggers: the Insights rollup of the old data goes too.
      await admin.query("TRUNCATE insights_days, insights_dirty_days");
      await restorePendingDefinitions(databaseUrl); // after a crashed run: now on empty tables
    } else {
      await restorePendingDefinitions(databaseUrl);
      const { rows } = await admin.query<{ n: string }>("SELECT count(*)::text AS n FROM members");
      const existing = Number(rows[0]?.n ?? 0);
      if (existing > 0) {
        throw new SeedRefusedError(`the database already has ${existing.toLocaleString("en")} members; pass --reset to replace them`);
      }
    }
    const refs = await upsertReferenceData(admin, { since: new Date(anchor - HISTORY_DAYS * DAY) });
    const ctx = new SeedContext(seed, anchor, refs);

    // ── Bulk load ──
    const { rows: roles } = await admin.query<{ rolsuper: boolean }>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    const skipTriggers = roles[0]?.rolsuper === true;
    const defs = await dropForBulkLoad(admin, databaseUrl, { keepForeignKeys: skipTriggers });
    let loadSeconds = 0;
    try {
      const copies = await Promise.all(
        STREAMS.map(async (s) => {
          const client = new pg.Client({ connectionString: databaseUrl });
          await client.connect();
          copyClients.push(client);
          await client.query("SET synchronous_commit = off");
          if (skipTriggers) await client.query("SET session_replication_role = replica"); // no FK triggers (see indexes.ts)
          const copy = new TableCopy(client, s.table, s.columns);
          copy.start();
          return { ...s, copy };
        }),
      );
      let done = 0;
      for (const chunk of generateChunks(ctx, total, CHUNK_MEMBERS)) {
        await Promise.all(copies.map((c) => c.copy.write(chunk[c.key].data, chunk[c.key].rows)));
        done += chunk.members.rows;
        progress("members", done, ctx.ids.order);
      }
      await Promise.all(copies.map((c) => c.copy.end()));
      loadSeconds = (Date.now() - started) / 1000;

      // Explicit ids were written; move the sequences past them.
      for (const table of ["members", "orders", "order_items", "visits", "points_entries", "tier_changes", "member_events", "notifications"]) {
        await admin.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST((SELECT max(id) FROM ${table}), 1))`, [table]);
      }

      // The points ledger's lots (server/loyalty/points.ts): the generator consumed the oldest
      // earnings first and expired what was left of each year, so a balance is held by the newest
      // credits; each credit keeps what the balance still covers, newest first. Earnings name
      // their order.
      await admin.query(LOTS_FROM_BALANCES);
      // Growth value as the tier program's ledger holds it (server/loyalty/tiers): each member's demo
      // value is one opening entry, earned at the anchor and lapsing after its tier's validity.
      await admin.query(OPENING_GROWTH, [new Date(anchor)]);

      progress("stats", total, ctx.ids.order);
      const statsStarted = Date.now();
      // Statistics first: TRUNCATE left the planner believing these tables empty, and on that
      // belief the one statement below can pick nested loops over its CTEs (minutes, not seconds).
      await admin.query(`ANALYZE ${STATS_INPUTS.join(", ")}`);
      await admin.query("SET work_mem = '1GB'"); // one hash aggregate over all members, in memory
      await refreshMemberStats(admin);
      const statsSeconds = (Date.now() - statsStarted) / 1000;

      progress("indexes", total, ctx.ids.order);
      const indexesStarted = Date.now();
      await restoreDefinitions(databaseUrl, defs);
      const indexSeconds = (Date.now() - indexesStarted) / 1000;

      progress("analyze", total, ctx.ids.order);
      await admin.query(`ANALYZE ${BULK_TABLES.join(", ")}`); // again: expression indexes, rebuilt since, have statistics of their own

      // RFM scores and lifecycle stages under the configured thresholds, as of the history's end
      // (a first evaluation: stages are set, no changes recorded).
      progress("lifecycle", total, ctx.ids.order);
      const pool = createPool(databaseUrl, 2);
      try {
        await evaluateLifecycle(pool, new Date(anchor));
      } finally {
        await pool.end();
      }

      const rows: Record<string, number> = Object.fromEntries(copies.map((c) => [c.table, c.copy.rows]));
      rows.member_stats = total;
      progress("done", total, ctx.ids.order);
      return {
        seed,
        members: total,
        rows,
        seconds: { load: loadSeconds, stats: statsSeconds, indexes: indexSeconds, total: (Date.now() - started) / 1000 },
      };
    } catch (error) {
      // Leave the schema whole even when the load failed.
      for (const client of copyClients.splice(0)) await client.end().catch(() => undefined);
      await restoreDefinitions(databaseUrl, defs).catch(() => undefined);
      throw error;
    }
  } finally {
    for (const client of copyClients) await client.end().catch(() => undefined);
    await admin.end();
  }
}

const OPENING_GROWTH = `
  INSERT INTO growth_entries (member_id, amount, reason, effect_key, earned_at, expires_at)
  SELECT m.id, m.growth_value, 'opening', 'opening:' || m.id, $1, $1::timestamptz + make_interval(months => t.validity_months)
  FROM members m JOIN tiers t ON t.id = m.tier_id WHERE m.growth_value <> 0`;

const LOTS_FROM_BALANCES = `
  UPDATE points_entries e SET remaining = a.remaining, order_id = a.order_id
  FROM (
    SELECT c.id, greatest(0, least(c.amount, m.points_balance - coalesce(sum(c.amount) OVER newer, 0)))::int AS remaining,
           -- Earnings name their order as order:<external id>, and the generator's external ids are O + the padded id.
           CASE WHEN c.type = 'earn' AND c.reason ~ '^order:O0*[0-9]{1,9}$' THEN substring(c.reason from '^order:O0*([0-9]+)$')::int END AS order_id
    FROM points_entries c JOIN members m ON m.id = c.member_id
    WHERE c.amount > 0
    WINDOW newer AS (PARTITION BY c.member_id ORDER BY c.expires_at DESC NULLS FIRST, c.id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  ) a
  WHERE e.id = a.id`;
