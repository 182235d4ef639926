// The one effect writer. Every effect row (coupon, member price, banner, message, tag change,
// points entry, webhook delivery, suppressed effect) is written through `insert`, keyed on
// (journey_id, node_id, visit), so a retried step writes nothing twice; what storefronts subscribe
// to (coupons, banners, prices) queues their webhook events in the same statement. The recording writer runs
// the same SELECTs and keeps what they would have written: the test run and the forecast use the
// real executors with it, and nothing is issued or sent.
import { raw, sql, type Sql, type Tx } from "@/server/db/sql";
import { insertAnnounced, isAnnounced } from "@/server/storefront/webhooks/outbox";

export type EffectTable =
  | "coupons"
  | "member_prices"
  | "banners"
  | "notifications"
  | "tag_changes"
  | "points_entries"
  | "webhook_deliveries"
  | "suppressed_effects";

export interface EffectWriter {
  /** True when nothing is written at all (the forecast): executors skip writes outside effects too. */
  readonly recording: boolean;
  /**
   * Inserts the rows `select` yields (columns in `columns` order); rows whose (journey, node, visit)
   * already exists are skipped. Returns the rows written, with the `returning` columns.
   */
  insert<T = Record<string, unknown>>(table: EffectTable, select: Sql, columns: string[], returning?: string[]): Promise<T[]>;
  /** A follow-up of effects just written (a balance, a stock counter, member tags): skipped when recording. */
  apply(statement: Sql): Promise<void>;
}

const identifier = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a column name: ${name}`);
  return raw(`"${name}"`);
};
const list = (names: string[]) => raw(names.map((n) => (n === "*" ? "*" : identifier(n).text)).join(", "));

export function databaseWriter(tx: Tx): EffectWriter {
  return {
    recording: false,
    async insert<T>(table: EffectTable, select: Sql, columns: string[], returning: string[] = []) {
      const insert = sql`INSERT INTO ${identifier(table)} (${list(columns)}) ${select} ON CONFLICT (journey_id, node_id, visit) DO NOTHING`;
      if (isAnnounced(table)) {
        // Storefronts subscribed to what this table issues hear of the new rows (webhooks).
        const rows = await tx.query<T>(insertAnnounced(table, sql`${insert} RETURNING *`, returning.length > 0 ? list(returning) : null));
        return returning.length > 0 ? rows : [];
      }
      const ret = returning.length > 0 ? sql` RETURNING ${list(returning)}` : sql``;
      return tx.query<T>(sql`${insert}${ret}`);
    },
    async apply(statement: Sql) {
      await tx.execute(statement);
    },
  };
}

/** What a forecast saw, per table: rows it would write, grouped by the columns that matter to it. */
export type Tally = Map<EffectTable, { key: Record<string, unknown>; rows: number }[]>;

const tallyBy: Partial<Record<EffectTable, string[]>> = {
  coupons: ["template_id"],
  notifications: ["channel", "status", "suppressed_reason"],
};

/**
 * The forecast's writer: runs each effect's SELECT as a grouped count and writes nothing, so a
 * whole audience can be forecast without holding its rows in memory. (Rows a retry would skip
 * are counted: a forecast runs on journeys that do not exist yet.)
 */
export function tallyingWriter(tx: Tx): EffectWriter & { tally: Tally } {
  const tally: Tally = new Map();
  return {
    recording: true,
    tally,
    async insert<T>(table: EffectTable, select: Sql, columns: string[]) {
      const keys = tallyBy[table] ?? [];
      const groups = await tx.query<Record<string, unknown> & { rows: number }>(
        keys.length > 0
          ? sql`SELECT ${list(keys)}, count(*)::int AS rows FROM (${select}) AS s(${list(columns)}) GROUP BY ${list(keys)}`
          : sql`SELECT count(*)::int AS rows FROM (${select}) AS s(${list(columns)})`,
      );
      const entries = tally.get(table) ?? [];
      for (const g of groups) {
        const { rows, ...key } = g;
        const same = entries.find((e) => JSON.stringify(e.key) === JSON.stringify(key));
        if (same) same.rows += rows;
        else entries.push({ key, rows });
      }
      tally.set(table, entries);
      return [] as T[];
    },
    async apply() {},
  };
}

/** What a test run wrote, by table, in the transaction it then rolls back. */
export type Recorded = Map<EffectTable, Record<string, unknown>[]>;

/**
 * The test run's writer: writes each effect inside a transaction the caller always rolls back, and
 * keeps the rows (codes and message values included), so one member's path shows exactly what it
 * would receive while nothing is issued, and nothing reaches the sender.
 */
export function recordingWriter(tx: Tx): EffectWriter & { recorded: Recorded } {
  const real = databaseWriter(tx);
  const recorded: Recorded = new Map();
  return {
    // It writes (in a transaction that never commits), so follow-ups run as they would for real.
    recording: false,
    recorded,
    async insert<T>(table: EffectTable, select: Sql, columns: string[]) {
      const rows = await real.insert<Record<string, unknown>>(table, select, columns, ["*"]);
      recorded.set(table, [...(recorded.get(table) ?? []), ...rows]);
      return rows as T[];
    },
    apply: (statement: Sql) => real.apply(statement),
  };
}
