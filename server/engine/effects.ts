// The one effect writer. Every effect row (coupon, member price, banner, message, tag change,
// points entry, webhook delivery, suppressed effect) is written through `insert`, keyed on
// (journey_id, node_id, visit), so a retried step writes nothing twice. The recording writer runs
// the same SELECTs and keeps what they would have written: the test run and the forecast use the
// real executors with it, and nothing is issued or sent.
import { raw, sql, type Sql, type Tx } from "@/server/db/sql";

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
const list = (names: string[]) => raw(names.map((n) => identifier(n).text).join(", "));

export function databaseWriter(tx: Tx): EffectWriter {
  return {
    recording: false,
    async insert<T>(table: EffectTable, select: Sql, columns: string[], returning: string[] = []) {
      const ret = returning.length > 0 ? sql` RETURNING ${list(returning)}` : sql``;
      const rows = await tx.query<T>(
        sql`INSERT INTO ${identifier(table)} (${list(columns)}) ${select} ON CONFLICT (journey_id, node_id, visit) DO NOTHING${ret}`,
      );
      return rows;
    },
    async apply(statement: Sql) {
      await tx.execute(statement);
    },
  };
}

/** What a recording writer saw: every row it would have written, by table. */
export type Recorded = Map<EffectTable, Record<string, unknown>[]>;

export function recordingWriter(tx: Tx): EffectWriter & { recorded: Recorded } {
  const recorded: Recorded = new Map();
  return {
    recording: true,
    recorded,
    async insert<T>(table: EffectTable, select: Sql, columns: string[], returning: string[] = []) {
      const rows = await tx.query<Record<string, unknown>>(sql`SELECT * FROM (${select}) AS s(${list(columns)})`);
      recorded.set(table, [...(recorded.get(table) ?? []), ...rows]);
      return rows.map((r) => Object.fromEntries(returning.map((c) => [c, r[c]]))) as T[];
    },
    async apply() {},
  };
}
