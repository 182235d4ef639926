// SERVER-ONLY — never import from client code (it needs @prisma/client's SQL builder).
// (No `import "server-only"`: vitest and tsx scripts import this file directly.)
//
// The condition compiler: a condition tree → one parameterized SQL predicate over `members m`.
// Every user value travels as a bind parameter; Prisma.raw is used only for constant SQL from
// this file (enum type names). The predicate is two-valued (never NULL) so NOT groups are exact.
//
// Plan shapes (tuned with EXPLAIN ANALYZE on a 1M-member base, see bench/audience.ts):
// - profile fields are plain column predicates on m (indexes on city and registered_at …; the
//   level is deliberately not indexed, so a level change stays a heap-only update);
// - member_stats rules of one group are merged into ONE correlated EXISTS over
//   `member_stats s` (a semi-join on its primary key, or an anti-join when a member without a
//   stats row would match), so the common "AND" audience is a single hash/merge join;
// - tags, badges, products, categories, events, coupons: EXISTS / NOT EXISTS semi/anti-joins,
//   with GROUP BY … HAVING for "all of" and "at least N" — counted once per query, not per member;
// - arbitrary windows aggregate `orders` by (member_id, placed_at) / `order_items` by
//   (product_id|category_id, placed_at, member_id).
//
// Freshness of member_stats (orders_30d…365d, spend_*, visits_*, last_order_at, RFM, lifecycle):
// the rows are updated when orders and visits are ingested and fully refreshed every hour
// (server/members/stats.ts, refreshMemberStats), so the fixed 30/90/180/365-day windows slide at
// most an hour late and RFM scores and lifecycle stage are as of the last hourly refresh (the
// field picker says so: fields.ts fieldFreshness). Callers that need exact windows at an
// arbitrary `now` (back-dated analytics) pass `useStats: false`, which
// computes every window from orders/visits.
import { Prisma } from "@prisma/client";
import { conditionTreeSchema, type ConditionGroup, type ConditionNode, type ConditionRule, type ConditionTree } from "./condition";
import {
  AUDIENCE_TZ_OFFSET_HOURS,
  getOperatorSpec,
  type EventValue,
  type FieldId,
  type OperatorId,
  type PropertyCondition,
  type Window,
} from "./fields";

type Sql = Prisma.Sql;
const sql = Prisma.sql;
const TRUE = Prisma.raw("TRUE");
const FALSE = Prisma.raw("FALSE");

export type CompileOptions = {
  /** the instant relative windows count back from */
  now?: Date;
  /** read fixed windows and all-time totals from member_stats (default true) */
  useStats?: boolean;
  /**
   * Tag and badge ids by name (see `resolveLookups`): lets the planner see literal ids, as a
   * hand-written query would. Without it, names are looked up inside the SQL.
   */
  lookups?: Lookups;
};
export type Lookups = { tags: Map<string, number>; badges: Map<string, number> };
/** `negated`: under an odd number of NOT groups, where a NULL leaf would not act as false. */
type Ctx = { now: Date; useStats: boolean; lookups?: Lookups; negated: boolean };

/** A compiled leaf: over `m` directly, or over one `member_stats s` row (merged per group). */
type Atom = { kind: "m"; sql: Sql } | { kind: "s"; sql: Sql; whenNoRow: boolean };

// ───────────────────────────── small helpers ─────────────────────────────

const DAY_MS = 86_400_000;
function dayStart(date: string): Date {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - AUDIENCE_TZ_OFFSET_HOURS * 3_600_000);
}
function nextDayStart(date: string): Date {
  return new Date(dayStart(date).getTime() + DAY_MS);
}
const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const num = (v: number) => sql`${String(v)}::numeric`;
const big = (v: number) => sql`${String(Math.trunc(v))}::bigint`;
const not = (s: Sql) => sql`NOT (${s})`;
function joinOp(parts: Sql[], op: "and" | "or"): Sql {
  if (parts.length === 0) return op === "and" ? TRUE : FALSE;
  if (parts.length === 1) return parts[0]!;
  return sql`(${Prisma.join(parts, op === "and" ? " AND " : " OR ")})`;
}
const and = (...parts: Sql[]) => joinOp(parts, "and");

/** The comparison itself, in TS: used only to know how a member with no rows (0) fares. */
function holds(x: number, op: OperatorId, v: unknown): boolean {
  switch (op) {
    case "eq":
      return x === v;
    case "neq":
      return x !== v;
    case "gt":
      return x > (v as number);
    case "gte":
      return x >= (v as number);
    case "lt":
      return x < (v as number);
    case "lte":
      return x <= (v as number);
    case "between":
      return x >= (v as [number, number])[0] && x <= (v as [number, number])[1];
    case "in":
      return (v as number[]).includes(x);
    case "not_in":
      return !(v as number[]).includes(x);
    default:
      throw new Error(`not a numeric operator: ${op}`);
  }
}

/** `expr <op> value` for a non-null numeric expression; `lit` makes the bind parameter. */
function compare(expr: Sql, op: OperatorId, v: unknown, lit: (n: number) => Sql): Sql {
  switch (op) {
    case "eq":
      return sql`${expr} = ${lit(v as number)}`;
    case "neq":
      return sql`${expr} <> ${lit(v as number)}`;
    case "gt":
      return sql`${expr} > ${lit(v as number)}`;
    case "gte":
      return sql`${expr} >= ${lit(v as number)}`;
    case "lt":
      return sql`${expr} < ${lit(v as number)}`;
    case "lte":
      return sql`${expr} <= ${lit(v as number)}`;
    case "between": {
      const [a, b] = v as [number, number];
      return sql`${expr} BETWEEN ${lit(a)} AND ${lit(b)}`;
    }
    case "in":
      return sql`${expr} = ANY(${(v as number[]).map(String)}::numeric[])`;
    case "not_in":
      return sql`${expr} <> ALL(${(v as number[]).map(String)}::numeric[])`;
    default:
      throw new Error(`not a numeric operator: ${op}`);
  }
}

/** Enum/text column: positive operators are false on NULL, negative ones true (complements). */
function compareText(col: Sql, op: OperatorId, v: unknown, nullable: boolean, ctx: Ctx): Sql {
  // Outside NOT, a NULL comparison already acts as false (AND/OR are monotone and WHERE drops
  // NULL), so the guard is only written where it matters — it would blur the planner's estimates.
  const guardPos = (s: Sql) => (nullable && ctx.negated ? sql`(${col} IS NOT NULL AND ${s})` : s);
  const guardNeg = (s: Sql) => (nullable ? sql`(${col} IS NULL OR ${s})` : s);
  switch (op) {
    case "eq":
      return guardPos(sql`${col} = ${v as string}::text`);
    case "neq":
      return guardNeg(sql`${col} <> ${v as string}::text`);
    case "in":
      return guardPos(sql`${col} = ANY(${v as string[]}::text[])`);
    case "not_in":
      return guardNeg(sql`${col} <> ALL(${v as string[]}::text[])`);
    case "contains":
      return guardPos(sql`${col} LIKE ${likePattern(v as string)} ESCAPE '\\'`);
    case "not_contains":
      return guardNeg(sql`${col} NOT LIKE ${likePattern(v as string)} ESCAPE '\\'`);
    case "is_set":
      return sql`${col} IS NOT NULL`;
    case "is_not_set":
      return sql`${col} IS NULL`;
    default:
      throw new Error(`not a text operator: ${op}`);
  }
}
const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Date operators on a timestamptz column (calendar days in China time). */
function compareDate(col: Sql, op: OperatorId, v: unknown, nullable: boolean, ctx: Ctx, strict = false): Sql {
  const pos = (s: Sql) => (nullable && (ctx.negated || strict) ? sql`(${col} IS NOT NULL AND ${s})` : s);
  switch (op) {
    case "before":
      return pos(sql`${col} < ${ts(dayStart(v as string))}`);
    case "after":
      return pos(sql`${col} >= ${ts(nextDayStart(v as string))}`);
    case "on":
      return pos(sql`${col} >= ${ts(dayStart(v as string))} AND ${col} < ${ts(nextDayStart(v as string))}`);
    case "between": {
      const [a, b] = v as [string, string];
      return pos(sql`${col} >= ${ts(dayStart(a))} AND ${col} < ${ts(nextDayStart(b))}`);
    }
    case "within_last_days":
      return pos(sql`${col} > ${ts(new Date(ctx.now.getTime() - (v as number) * DAY_MS))}`);
    case "not_within_last_days":
      return nullable
        ? sql`(${col} IS NULL OR ${col} <= ${ts(new Date(ctx.now.getTime() - (v as number) * DAY_MS))})`
        : sql`${col} <= ${ts(new Date(ctx.now.getTime() - (v as number) * DAY_MS))}`;
    case "is_set":
      return sql`${col} IS NOT NULL`;
    case "is_not_set":
      return sql`${col} IS NULL`;
    default:
      throw new Error(`not a date operator: ${op}`);
  }
}
/** Whether a member without a value (no stats row / never) matches a date operator. */
const dateMatchesUnknown = (op: OperatorId) => op === "not_within_last_days" || op === "is_not_set";

function windowFilter(col: Sql, w: Window, ctx: Ctx): Sql {
  if (w.kind === "all_time") return TRUE;
  if (w.kind === "last_days") return sql`${col} > ${ts(new Date(ctx.now.getTime() - w.days * DAY_MS))}`;
  return sql`${col} >= ${ts(dayStart(w.from))} AND ${col} < ${ts(nextDayStart(w.to))}`;
}

/**
 * "The member's rows, grouped, satisfy `having`", as a semi-join (or, when a member with no rows
 * would satisfy it, as an anti-join on the complement), e.g.
 *   EXISTS (SELECT 1 FROM (SELECT o.member_id FROM orders o WHERE … GROUP BY 1 HAVING …) x WHERE x.member_id = m.id)
 */
function grouped(from: Sql, where: Sql, having: (positive: boolean) => Sql, zeroMatches: boolean): Sql {
  const inner = (h: Sql) => sql`SELECT 1 FROM (SELECT member_id FROM ${from} WHERE ${where} GROUP BY member_id HAVING ${h}) x WHERE x.member_id = m.id`;
  return zeroMatches ? sql`NOT EXISTS (${inner(having(false))})` : sql`EXISTS (${inner(having(true))})`;
}

/** A count compared with `op value`, over rows of `from` matching `where` (count 0 when none). */
function countRule(from: Sql, where: Sql, op: OperatorId, v: unknown): Sql {
  const zero = holds(0, op, v);
  if (!zero && (op === "gte" || op === "gt") && (op === "gt" ? (v as number) < 1 : (v as number) <= 1)) {
    // "at least once": a plain EXISTS on the member's rows (member_id-leading indexes)
    return sql`EXISTS (SELECT 1 FROM ${from} WHERE member_id = m.id AND ${where})`;
  }
  return grouped(from, where, (pos) => (pos ? compare(sql`count(*)`, op, v, big) : not(compare(sql`count(*)`, op, v, big))), zero);
}

// ───────────────────────────── per-field compilers ─────────────────────────────

type RuleCompiler = (op: OperatorId, value: any, ctx: Ctx) => Atom; // eslint-disable-line @typescript-eslint/no-explicit-any
const M = (s: Sql): Atom => ({ kind: "m", sql: s });
const S = (s: Sql, whenNoRow: boolean): Atom => ({ kind: "s", sql: s, whenNoRow });

const STATS_DEFAULTS = { rfm: 1, lifecycle: "new" } as const; // member_stats column defaults

const statsSuffix: Record<number, string> = { 30: "30d", 90: "90d", 180: "180d", 365: "365d" };
const visitSuffix: Record<number, string> = { 30: "30d", 90: "90d" };
/** member_stats columns for a window, when the window is one the table keeps. */
function statsOrderColumns(w: Window, ctx: Ctx): { count: Sql; spend: Sql } | null {
  if (!ctx.useStats) return null;
  if (w.kind === "all_time") return { count: Prisma.raw("s.order_count"), spend: Prisma.raw("s.total_spend") };
  if (w.kind === "last_days" && statsSuffix[w.days]) {
    return { count: Prisma.raw(`s.orders_${statsSuffix[w.days]}`), spend: Prisma.raw(`s.spend_${statsSuffix[w.days]}`) };
  }
  return null;
}
function statsVisitColumn(w: Window, ctx: Ctx): Sql | null {
  if (!ctx.useStats) return null;
  if (w.kind === "all_time") return Prisma.raw("s.visit_count");
  if (w.kind === "last_days" && visitSuffix[w.days]) return Prisma.raw(`s.visits_${visitSuffix[w.days]}`);
  return null;
}

const textField = (column: string, nullable: boolean): RuleCompiler => (op, v, ctx) => M(compareText(Prisma.raw(column), op, v, nullable, ctx));
const intField = (column: string): RuleCompiler => (op, v) => M(compare(Prisma.raw(column), op, v, big));
const boolField = (column: string): RuleCompiler => (_op, v) => M(sql`${Prisma.raw(column)} = ${v as boolean}::boolean`);
const rfmField = (column: string): RuleCompiler => (op, v) => S(compare(Prisma.raw(column), op, v, big), holds(STATS_DEFAULTS.rfm, op, v));

function setMembership(link: string, entity: string, key: string, op: OperatorId, names: string[], ids: Map<string, number> | undefined): Sql {
  const l = Prisma.raw(link);
  const e = Prisma.raw(entity);
  const k = Prisma.raw(key);
  const wanted = [...new Set(names)];
  // with resolved ids the planner sees literal ids (its estimates then match a hand-written query)
  const known = ids ? wanted.flatMap((n) => (ids.has(n) ? [ids.get(n)!] : [])) : null;
  const idFilter = known ? sql`l.${k} = ANY(${known}::int[])` : sql`l.${k} IN (SELECT t.id FROM ${e} t WHERE t.name = ANY(${wanted}::text[]))`;
  if (op === "has_all") {
    if (known && known.length < wanted.length) return FALSE; // a tag that does not exist is held by nobody
    return sql`EXISTS (SELECT 1 FROM (SELECT l.member_id FROM ${l} l WHERE ${idFilter} GROUP BY l.member_id HAVING count(*) = ${wanted.length}::bigint) x WHERE x.member_id = m.id)`;
  }
  const any = known && known.length === 0 ? FALSE : sql`EXISTS (SELECT 1 FROM ${l} l WHERE l.member_id = m.id AND ${idFilter})`;
  return op === "has_none" ? not(any) : any;
}

function purchased(column: "product_id" | "category_id", op: OperatorId, value: { window: Window; value: number[] }, ctx: Ctx): Sql {
  const col = Prisma.raw(`oi.${column}`);
  const where = and(sql`${col} = ANY(${value.value}::int[])`, windowFilter(Prisma.raw("oi.placed_at"), value.window, ctx));
  if (op === "has_all") {
    const n = new Set(value.value).size;
    return sql`EXISTS (SELECT 1 FROM (SELECT oi.member_id FROM order_items oi WHERE ${where} GROUP BY oi.member_id HAVING count(DISTINCT ${col}) = ${n}::bigint) x WHERE x.member_id = m.id)`;
  }
  const any = sql`EXISTS (SELECT 1 FROM order_items oi WHERE oi.member_id = m.id AND ${where})`;
  return op === "has_none" ? not(any) : any;
}

/** Last activity date from the raw table, as semi/anti-joins on (member_id, at). */
function lastActivityRaw(table: string, at: string, op: OperatorId, v: unknown, ctx: Ctx): Sql {
  const t = Prisma.raw(table);
  const c = Prisma.raw(`x.${at}`);
  const some = (cond: Sql) => sql`EXISTS (SELECT 1 FROM ${t} x WHERE x.member_id = m.id AND ${cond})`;
  const since = (d: Date) => sql`${c} >= ${ts(d)}`;
  switch (op) {
    case "is_set":
      return some(TRUE);
    case "is_not_set":
      return not(some(TRUE));
    case "within_last_days":
      return some(sql`${c} > ${ts(new Date(ctx.now.getTime() - (v as number) * DAY_MS))}`);
    case "not_within_last_days":
      return not(some(sql`${c} > ${ts(new Date(ctx.now.getTime() - (v as number) * DAY_MS))}`));
    case "after":
      return some(since(nextDayStart(v as string)));
    case "before":
      return and(some(sql`${c} < ${ts(dayStart(v as string))}`), not(some(since(dayStart(v as string)))));
    case "on":
      return and(some(since(dayStart(v as string))), not(some(since(nextDayStart(v as string)))));
    case "between": {
      const [a, b] = v as [string, string];
      return and(some(since(dayStart(a))), not(some(since(nextDayStart(b)))));
    }
    default:
      throw new Error(`not a date operator: ${op}`);
  }
}

/** month*100+day codes whose next occurrence (from today, China time) is `days` away, for days in [lo, hi]. */
function birthdayCodes(now: Date, lo: number, hi: number): number[] {
  const local = new Date(now.getTime() + AUDIENCE_TZ_OFFSET_HOURS * 3_600_000);
  const start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const first = new Map<number, number>();
  for (let d = 0; d <= 366; d++) {
    const day = new Date(start + d * DAY_MS);
    const y = day.getUTCFullYear();
    const code = (day.getUTCMonth() + 1) * 100 + day.getUTCDate();
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const codes = code === 228 && !leap ? [228, 229] : [code]; // 29 Feb birthdays fall on 28 Feb in common years
    for (const c of codes) if (!first.has(c)) first.set(c, d);
  }
  return [...first].filter(([, d]) => d >= lo && d <= hi).map(([c]) => c);
}
function daysRange(op: OperatorId, v: unknown): [number, number] {
  switch (op) {
    case "eq":
      return [v as number, v as number];
    case "gt":
      return [(v as number) + 1, 366];
    case "gte":
      return [v as number, 366];
    case "lt":
      return [0, (v as number) - 1];
    case "lte":
      return [0, v as number];
    case "between":
      return v as [number, number];
    default:
      throw new Error(`not a days operator: ${op}`);
  }
}

function propertyCondition(c: PropertyCondition): Sql {
  const x = sql`(e.properties #> ${c.path.split(".")}::text[])`;
  const eq = (v: unknown) => sql`coalesce(${x} = ${JSON.stringify(v)}::jsonb, false)`;
  const isIn = (vs: unknown[]) =>
    sql`(CASE WHEN jsonb_typeof(${x}) IN ('string', 'number', 'boolean') THEN ${JSON.stringify(vs)}::jsonb @> jsonb_build_array(${x}) ELSE false END)`;
  switch (c.operator) {
    case "eq":
      return eq(c.value);
    case "neq":
      return not(eq(c.value));
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const sym = Prisma.raw({ gt: ">", gte: ">=", lt: "<", lte: "<=" }[c.operator]);
      return sql`(CASE WHEN jsonb_typeof(${x}) = 'number' THEN (${x})::numeric ${sym} ${num(c.value)} ELSE false END)`;
    }
    case "in":
      return isIn(c.value);
    case "not_in":
      return not(isIn(c.value));
    case "contains":
      return sql`(CASE WHEN jsonb_typeof(${x}) = 'string' THEN strpos(${x} #>> '{}', ${c.value}::text) > 0 ELSE false END)`;
    case "exists":
      return sql`${x} IS NOT NULL`;
    case "not_exists":
      return sql`${x} IS NULL`;
  }
}

function eventRule(op: OperatorId, v: EventValue, ctx: Ctx): Sql {
  const where = and(sql`e.name = ${v.name}::text`, windowFilter(Prisma.raw("e.occurred_at"), v.window, ctx), ...v.where.map(propertyCondition));
  const did =
    v.atLeast <= 1
      ? sql`EXISTS (SELECT 1 FROM member_events e WHERE e.member_id = m.id AND ${where})`
      : sql`EXISTS (SELECT 1 FROM (SELECT e.member_id FROM member_events e WHERE ${where} GROUP BY e.member_id HAVING count(*) >= ${big(v.atLeast)}) x WHERE x.member_id = m.id)`;
  return op === "did_not" ? not(did) : did;
}

const ordersFrom = Prisma.raw("orders o");
type WindowNumber = { window: Window; value: number | [number, number] };

const compilers: Record<FieldId, RuleCompiler> = {
  province: textField("m.province", true),
  city: textField("m.city", true),
  business_district: textField("m.business_district", true),
  registration_channel: textField("m.registration_channel", false),
  gender: textField("m.gender::text", false),
  tier: textField("m.tier_id", false),
  name: textField("m.name", false),
  phone: textField("m.phone", true),
  email: textField("m.email", true),
  registered_at: (op, v, ctx) => M(compareDate(Prisma.raw("m.registered_at"), op, v, false, ctx)),
  birthday_month: (op, v) => {
    if (op === "is_set" || op === "is_not_set") return M(sql`m.birthday IS ${Prisma.raw(op === "is_set" ? "NOT NULL" : "NULL")}`);
    const month = sql`extract(month from m.birthday)`;
    const values = (Array.isArray(v) ? v : [v]) as number[];
    const isIn = sql`(m.birthday IS NOT NULL AND ${month} = ANY(${values.map(String)}::numeric[]))`;
    return M(op === "eq" || op === "in" ? isIn : not(isIn));
  },
  days_until_birthday: (op, v, ctx) => {
    if (op === "is_set" || op === "is_not_set") return M(sql`m.birthday IS ${Prisma.raw(op === "is_set" ? "NOT NULL" : "NULL")}`);
    const [lo, hi] = daysRange(op, v);
    const codes = birthdayCodes(ctx.now, lo, hi);
    if (codes.length === 0) return M(FALSE);
    return M(sql`(m.birthday IS NOT NULL AND (extract(month from m.birthday)::int * 100 + extract(day from m.birthday)::int) = ANY(${codes}::int[]))`);
  },
  consent_sms: boolField("m.consent_sms"),
  consent_email: boolField("m.consent_email"),
  consent_push: boolField("m.consent_push"),
  consent_in_app: boolField("m.consent_in_app"),
  points_balance: intField("m.points_balance"),
  growth_value: intField("m.growth_value"),
  tags: (op, v, ctx) => M(setMembership("member_tags", "tags", "tag_id", op, v, ctx.lookups?.tags)),
  badges: (op, v, ctx) => M(setMembership("member_badges", "badges", "badge_id", op, v, ctx.lookups?.badges)),

  order_count: (op, v: WindowNumber, ctx) => {
    const cols = statsOrderColumns(v.window, ctx);
    if (cols) return S(compare(cols.count, op, v.value, big), holds(0, op, v.value));
    return M(countRule(ordersFrom, windowFilter(Prisma.raw("o.placed_at"), v.window, ctx), op, v.value));
  },
  spend: (op, v: WindowNumber, ctx) => {
    const cols = statsOrderColumns(v.window, ctx);
    const zero = holds(0, op, v.value);
    if (cols) return S(compare(cols.spend, op, v.value, num), zero);
    const where = windowFilter(Prisma.raw("o.placed_at"), v.window, ctx);
    const cmp = compare(sql`sum(o.total_amount)`, op, v.value, num);
    return M(grouped(ordersFrom, where, (pos) => (pos ? cmp : not(cmp)), zero));
  },
  avg_order_value: (op, v: WindowNumber, ctx) => {
    // spend ⋚ value × count: exact decimal arithmetic, no division; false without orders
    const aov = (spend: Sql, count: Sql): Sql => {
      const x = v.value;
      switch (op) {
        case "eq":
          return sql`${spend} = ${num(x as number)} * ${count}`;
        case "gt":
          return sql`${spend} > ${num(x as number)} * ${count}`;
        case "gte":
          return sql`${spend} >= ${num(x as number)} * ${count}`;
        case "lt":
          return sql`${spend} < ${num(x as number)} * ${count}`;
        case "lte":
          return sql`${spend} <= ${num(x as number)} * ${count}`;
        case "between": {
          const [a, b] = x as [number, number];
          return sql`${spend} >= ${num(a)} * ${count} AND ${spend} <= ${num(b)} * ${count}`;
        }
        default:
          throw new Error(`not an average operator: ${op}`);
      }
    };
    const cols = statsOrderColumns(v.window, ctx);
    if (cols) return S(sql`(${cols.count} > 0 AND ${aov(cols.spend, cols.count)})`, false);
    const where = windowFilter(Prisma.raw("o.placed_at"), v.window, ctx);
    return M(grouped(ordersFrom, where, () => aov(sql`sum(o.total_amount)`, sql`count(*)`), false));
  },
  last_order_date: (op, v, ctx) =>
    ctx.useStats
      ? S(compareDate(Prisma.raw("s.last_order_at"), op, v, true, ctx, true), dateMatchesUnknown(op))
      : M(lastActivityRaw("orders", "placed_at", op, v, ctx)),
  last_visit_date: (op, v, ctx) =>
    ctx.useStats
      ? S(compareDate(Prisma.raw("s.last_visit_at"), op, v, true, ctx, true), dateMatchesUnknown(op))
      : M(lastActivityRaw("visits", "visited_at", op, v, ctx)),
  purchased_products: (op, v, ctx) => M(purchased("product_id", op, v, ctx)),
  purchased_categories: (op, v, ctx) => M(purchased("category_id", op, v, ctx)),
  visit_count: (op, v: WindowNumber, ctx) => {
    const col = statsVisitColumn(v.window, ctx);
    if (col) return S(compare(col, op, v.value, big), holds(0, op, v.value));
    return M(countRule(Prisma.raw("visits v"), windowFilter(Prisma.raw("v.visited_at"), v.window, ctx), op, v.value));
  },
  event: (op, v: EventValue, ctx) => M(eventRule(op, v, ctx)),

  rfm_recency: rfmField("s.rfm_recency"),
  rfm_frequency: rfmField("s.rfm_frequency"),
  rfm_monetary: rfmField("s.rfm_monetary"),
  lifecycle_stage: (op, v) => {
    const values = (Array.isArray(v) ? v : [v]) as string[];
    const isIn = sql`s.lifecycle_stage = ANY(${values}::"LifecycleStage"[])`;
    const hit = values.includes(STATS_DEFAULTS.lifecycle);
    return op === "eq" || op === "in" ? S(isIn, hit) : S(not(isIn), !hit);
  },
  coupons_held: (op, v: { templateId?: string | null; value: number | [number, number] }, ctx) => {
    const where = and(
      sql`c.status = 'issued'`,
      sql`c.valid_from <= ${ts(ctx.now)}`,
      sql`c.valid_to > ${ts(ctx.now)}`,
      v.templateId ? sql`c.template_id = ${v.templateId}::text` : TRUE,
    );
    return M(countRule(Prisma.raw("coupons c"), where, op, v.value));
  },
  coupons_redeemed: (op, v: { templateId?: string | null; window: Window; value: number | [number, number] }, ctx) => {
    const where = and(
      sql`c.status = 'redeemed'`,
      v.window.kind === "all_time" ? TRUE : sql`c.redeemed_at IS NOT NULL AND ${windowFilter(Prisma.raw("c.redeemed_at"), v.window, ctx)}`,
      v.templateId ? sql`c.template_id = ${v.templateId}::text` : TRUE,
    );
    return M(countRule(Prisma.raw("coupons c"), where, op, v.value));
  },
};

// ───────────────────────────── tree → SQL ─────────────────────────────

function compileRule(r: ConditionRule, ctx: Ctx): Atom {
  const spec = getOperatorSpec(r.field, r.operator);
  if (!spec) throw new Error(`Unknown field or operator: ${r.field} ${r.operator}`);
  const value = spec.schema.parse(r.value); // applies defaults (event atLeast/where)
  return compilers[r.field as FieldId](r.operator as OperatorId, value, ctx);
}

/**
 * A group: its member_stats leaves are merged into one expression over one stats row
 * (EXISTS when a member without a row fails it, NOT EXISTS of the complement when it passes);
 * a group of stats leaves only stays a stats atom, so its parent can merge it further.
 */
function compileGroup(g: ConditionGroup, outer: Ctx): Atom {
  const ctx: Ctx = g.not ? { ...outer, negated: !outer.negated } : outer;
  const atoms = g.children.map((c: ConditionNode) => (c.type === "rule" ? compileRule(c, ctx) : compileGroup(c, ctx)));
  const m = atoms.filter((a): a is Extract<Atom, { kind: "m" }> => a.kind === "m").map((a) => a.sql);
  const s = atoms.filter((a): a is Extract<Atom, { kind: "s" }> => a.kind === "s");
  if (s.length > 0) {
    const e = joinOp(
      s.map((a) => a.sql),
      g.op,
    );
    const noRow = g.op === "and" ? s.every((a) => a.whenNoRow) : s.some((a) => a.whenNoRow);
    if (m.length === 0) return g.not ? S(not(e), !noRow) : S(e, noRow);
    m.push(statsExists(e, noRow));
  }
  const body = joinOp(m, g.op);
  return M(g.not ? not(body) : body);
}

function statsExists(e: Sql, noRow: boolean): Sql {
  return noRow
    ? sql`NOT EXISTS (SELECT 1 FROM member_stats s WHERE s.member_id = m.id AND NOT (${e}))`
    : sql`EXISTS (SELECT 1 FROM member_stats s WHERE s.member_id = m.id AND ${e})`;
}

/**
 * The WHERE predicate over `members m` for a condition tree. Validates the tree first (throws a
 * ZodError on an invalid one). Empty AND group = everyone, empty OR group = nobody.
 */
export function compileCondition(tree: ConditionTree, options: CompileOptions = {}): Sql {
  const parsed = conditionTreeSchema.parse(tree);
  const ctx: Ctx = { now: options.now ?? new Date(), useStats: options.useStats ?? true, lookups: options.lookups, negated: false };
  const atom = compileGroup(parsed, ctx);
  return atom.kind === "m" ? atom.sql : statsExists(atom.sql, atom.whenNoRow);
}

/** `SELECT m.id FROM members m WHERE …` — a subquery for split nodes, entry and analytics. */
export function membersMatching(tree: ConditionTree, options: CompileOptions = {}): Sql {
  return sql`SELECT m.id FROM members m WHERE ${compileCondition(tree, options)}`;
}

// ───────────────────────────── running it ─────────────────────────────

type Db = {
  $queryRaw<T = unknown>(query: Sql): Prisma.PrismaPromise<T>;
  $executeRawUnsafe?(query: string): Prisma.PrismaPromise<number>;
  $transaction?<P extends Prisma.PrismaPromise<unknown>[]>(queries: [...P]): Promise<unknown[]>;
};

/**
 * Counting an audience reads tens of thousands of rows from several tables. PostgreSQL's
 * default costs, tuned for short queries, rarely split such a count over parallel workers; on
 * these queries the parallel plan is 1.3–1.5× faster. Applied transaction-locally (SET LOCAL),
 * so no other query on the connection is affected. bench/audience.ts uses the same settings
 * for the hand-written queries it compares against.
 */
export const PARALLEL_COUNT_SETTINGS = [
  "SET LOCAL parallel_setup_cost = 10",
  "SET LOCAL parallel_tuple_cost = 0.001",
  "SET LOCAL min_parallel_index_scan_size = 0",
  "SET LOCAL min_parallel_table_scan_size = 0",
] as const;

/** Runs one read query with PARALLEL_COUNT_SETTINGS when the client can open a transaction. */
export async function withParallelPlan<T>(db: Db, query: Sql): Promise<T[]> {
  if (!db.$transaction || !db.$executeRawUnsafe) return db.$queryRaw<T[]>(query);
  const settings = PARALLEL_COUNT_SETTINGS.map((statement) => db.$executeRawUnsafe!(statement));
  const results = await db.$transaction([...settings, db.$queryRaw<T[]>(query)]);
  return results.at(-1) as T[];
}

/** Tag and badge ids for the names a tree mentions (one small query; none if it names none). */
export async function resolveLookups(db: Db, tree: ConditionTree): Promise<Lookups> {
  const names = { tags: new Set<string>(), badges: new Set<string>() };
  const walk = (n: ConditionNode) => {
    if (n.type === "group") return n.children.forEach(walk);
    if ((n.field === "tags" || n.field === "badges") && Array.isArray(n.value)) for (const v of n.value) if (typeof v === "string") names[n.field].add(v);
  };
  walk(tree);
  const lookups: Lookups = { tags: new Map(), badges: new Map() };
  if (names.tags.size + names.badges.size === 0) return lookups;
  const rows = await db.$queryRaw<{ kind: "tags" | "badges"; name: string; id: number }[]>(sql`
    SELECT 'tags' AS kind, name, id FROM tags WHERE name = ANY(${[...names.tags]}::text[])
    UNION ALL SELECT 'badges', name, id FROM badges WHERE name = ANY(${[...names.badges]}::text[])`);
  for (const r of rows) lookups[r.kind].set(r.name, r.id);
  return lookups;
}
async function withLookups(db: Db, tree: ConditionTree, options: CompileOptions): Promise<CompileOptions> {
  return options.lookups ? options : { ...options, lookups: await resolveLookups(db, tree) };
}

export async function countAudience(db: Db, tree: ConditionTree, options: CompileOptions = {}): Promise<number> {
  options = await withLookups(db, tree, options);
  const rows = await withParallelPlan<{ n: bigint }>(db, sql`SELECT count(*) AS n FROM members m WHERE ${compileCondition(tree, options)}`);
  return Number(rows[0]?.n ?? 0);
}

export type SampleMember = {
  id: number;
  externalId: string;
  name: string;
  city: string | null;
  tierId: string;
  registeredAt: Date;
  pointsBalance: number;
};

/** Up to `limit` matching members (lowest ids first). The match is computed once, then sorted. */
export async function sampleAudience(db: Db, tree: ConditionTree, limit = 20, options: CompileOptions = {}): Promise<SampleMember[]> {
  const n = Math.max(1, Math.min(500, Math.trunc(limit)));
  options = await withLookups(db, tree, options);
  return db.$queryRaw<SampleMember[]>(sql`
    WITH hit AS MATERIALIZED (SELECT m.id FROM members m WHERE ${compileCondition(tree, options)})
    SELECT m.id, m.external_id AS "externalId", m.name, m.city, m.tier_id AS "tierId",
           m.registered_at AS "registeredAt", m.points_balance AS "pointsBalance"
    FROM members m JOIN (SELECT id FROM hit ORDER BY id LIMIT ${n}::int) h ON h.id = m.id
    ORDER BY m.id`);
}

/** Every matching member id (ascending); for large sets prefer `membersMatching` inside SQL. */
export async function audienceMemberIds(db: Db, tree: ConditionTree, options: CompileOptions = {}): Promise<number[]> {
  options = await withLookups(db, tree, options);
  const rows = await db.$queryRaw<{ id: number }[]>(sql`${membersMatching(tree, options)} ORDER BY m.id`);
  return rows.map((r) => r.id);
}
