// The FIELD CATALOG of the condition language — PUBLIC (the editor imports it in the browser).
//
// One entry per field: labels, group, type, the operators it allows, and for each operator
// the zod schema of its value and the widget that edits it. The compiler
// (server/audiences/compile.ts, server-only) holds one compile function per field id in a
// `Record<FieldId, …>`, so TypeScript refuses a field that has no compiler; the reference
// evaluator (evaluate.ts) is written separately against the same ids and value schemas.
//
// Semantics shared by every field (the compiler and the evaluator both implement them):
// - Dates are calendar days in China time (Asia/Shanghai, UTC+8, no DST): "on 2026-06-01"
//   is [2026-06-01 00:00+08, 2026-06-02 00:00+08). `between` is inclusive on both ends.
// - "Last N days" means after the instant `now - N×24h` (exclusive), up to now — the same
//   window server/members/stats.ts uses for member_stats' 30/90/180/365-day columns.
// - Negative operators are exact complements: neq ≡ NOT eq, not_in ≡ NOT in,
//   has_none ≡ NOT has_any, not_within_last_days ≡ NOT within_last_days, did_not ≡ NOT did,
//   is_not_set ≡ NOT is_set, not_contains ≡ NOT contains. So "city not in [上海市]" includes
//   members whose city is unknown. Positive comparisons (eq, in, gt, before, contains …) on an
//   unknown value are false.
// - Behaviour counts and sums over members without any matching rows are 0; an average order
//   value without orders is unknown (every comparison is false).
import { z } from "zod";

import type { Localized } from "@/lib/i18n/locale";
import { propertyConditionSchema } from "@/server/events/property-conditions";
import { hasTwoDecimals } from "@/server/decimal";

export type { Localized };

/** China time: the calendar the marketers mean. Fixed offset (no DST since 1991). */
export const AUDIENCE_TZ_OFFSET_HOURS = 8;

export const operatorIds = [
  "eq",
  "neq",
  "in",
  "not_in",
  "gt",
  "gte",
  "lt",
  "lte",
  "between",
  "before",
  "after",
  "on",
  "within_last_days",
  "not_within_last_days",
  "is_set",
  "is_not_set",
  "contains",
  "not_contains",
  "has_any",
  "has_all",
  "has_none",
  "did",
  "did_not",
] as const;
export type OperatorId = (typeof operatorIds)[number];

export const operatorLabels: Record<OperatorId, Localized> = {
  eq: { en: "is", "zh-CN": "等于" },
  neq: { en: "is not", "zh-CN": "不等于" },
  in: { en: "is any of", "zh-CN": "属于" },
  not_in: { en: "is none of", "zh-CN": "不属于" },
  gt: { en: "more than", "zh-CN": "大于" },
  gte: { en: "at least", "zh-CN": "大于等于" },
  lt: { en: "less than", "zh-CN": "小于" },
  lte: { en: "at most", "zh-CN": "小于等于" },
  between: { en: "between", "zh-CN": "介于" },
  before: { en: "before", "zh-CN": "早于" },
  after: { en: "after", "zh-CN": "晚于" },
  on: { en: "on", "zh-CN": "在当天" },
  within_last_days: { en: "within the last … days", "zh-CN": "最近 … 天内" },
  not_within_last_days: { en: "not within the last … days", "zh-CN": "最近 … 天内没有" },
  is_set: { en: "is known", "zh-CN": "已填写" },
  is_not_set: { en: "is unknown", "zh-CN": "未填写" },
  contains: { en: "contains", "zh-CN": "包含" },
  not_contains: { en: "does not contain", "zh-CN": "不包含" },
  has_any: { en: "has any of", "zh-CN": "包含任一" },
  has_all: { en: "has all of", "zh-CN": "包含全部" },
  has_none: { en: "has none of", "zh-CN": "都不包含" },
  did: { en: "did", "zh-CN": "做过" },
  did_not: { en: "did not", "zh-CN": "没做过" },
};

export type FieldGroup = "profile" | "behaviour" | "derived";
export type FieldType =
  | "enum"
  | "multi_enum"
  | "number"
  | "money"
  | "date"
  | "boolean"
  | "text"
  | "window_count"
  | "window_money"
  | "window_set"
  | "event"
  | "coupon_count";

/** Where a multi-select finds its values (audiences router, `options` procedure). */
export const optionSources = [
  "provinces",
  "cities",
  "districts",
  "tags",
  "badges",
  "products",
  "categories",
  "tiers",
  "coupon_templates",
  "event_names",
] as const;
export type OptionSource = (typeof optionSources)[number];

export type Widget =
  | "none"
  | "select"
  | "select-search"
  | "multi-select"
  | "multi-select-search"
  | "number"
  | "number-range"
  | "money"
  | "money-range"
  | "date"
  | "date-range"
  | "days"
  | "boolean"
  | "text"
  | "window+number"
  | "window+number-range"
  | "window+money"
  | "window+money-range"
  | "window+multi-select-search"
  | "event"
  | "coupon+number"
  | "coupon+number-range";

export type StaticOption = { value: string | number; label: Localized };
export type FieldOptions = { source: OptionSource } | { static: StaticOption[] };

export type OperatorSpec = { schema: z.ZodType; widget: Widget };

export type FieldDef = {
  id: string;
  label: Localized;
  group: FieldGroup;
  type: FieldType;
  /** the value can be unknown (null) for a member */
  nullable: boolean;
  options?: FieldOptions;
  unit?: "yuan" | "days" | "times" | "points" | "score";
  /** windows the value object accepts (behaviour fields) */
  windows?: boolean;
  operators: Partial<Record<OperatorId, OperatorSpec>>;
};

// ───────────────────────────── value schemas ─────────────────────────────

export const MAX_LIST_VALUES = 20_000;
const MAX_NUMBER = 1e12;

export const dateStringSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Use a date like 2026-06-01" })
  .refine(
    (s) => {
      const [y, m, d] = s.split("-").map(Number) as [number, number, number];
      const t = new Date(Date.UTC(y, m - 1, d));
      return y >= 1900 && y <= 2200 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
    },
    { error: "Not a calendar date" },
  );
const stringValue = z.string().min(1, { error: "Enter a value" }).max(500);
const stringList = z.array(stringValue).min(1, { error: "Pick at least one value" }).max(MAX_LIST_VALUES);
const intValue = z.number().int({ error: "Use a whole number" }).min(-MAX_NUMBER).max(MAX_NUMBER);
const countValue = z.number().int({ error: "Use a whole number" }).min(0).max(1_000_000);
const moneyValue = z
  .number()
  .min(0)
  .max(MAX_NUMBER)
  .refine(hasTwoDecimals, { error: "At most two decimals (fen)" });
const daysValue = z.number().int({ error: "Use a whole number of days" }).min(1).max(36500);
const idList = z.array(z.number().int().min(1).max(2 ** 31 - 1)).min(1, { error: "Pick at least one" }).max(MAX_LIST_VALUES);

const range = (item: z.ZodType<number>) =>
  z.tuple([item, item]).refine((t) => (t[0] as number) <= (t[1] as number), { error: "The lower bound must not exceed the upper bound", path: [1] });

export const windowSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("last_days"), days: daysValue }),
  z.object({ kind: z.literal("range"), from: dateStringSchema, to: dateStringSchema }).refine((w) => w.from <= w.to, {
    error: "The range must end on or after its start",
    path: ["to"],
  }),
  z.object({ kind: z.literal("all_time") }),
]);
export type Window = z.infer<typeof windowSchema>;

/** Event names as the storefront API posts them (order.placed, notification.clicked …). */
export const eventNameValueSchema = z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, {
  error: "Use an event name like order.placed",
});

// Conditions on the event's properties: one schema shared with the flows' event filters.
export type { PropertyCondition } from "@/server/events/property-conditions";

export const eventValueSchema = z.object({
  name: eventNameValueSchema,
  window: windowSchema,
  /** did = at least this many times; did_not = fewer than this many times */
  atLeast: z.number().int().min(1).max(10_000).default(1),
  where: z.array(propertyConditionSchema).max(10).default([]),
});
export type EventValue = z.infer<typeof eventValueSchema>;

// ───────────────────────────── operator sets per type ─────────────────────────────

type Ops = Partial<Record<OperatorId, OperatorSpec>>;
const noValue = z.union([z.undefined(), z.null()]);

function enumOps(item: z.ZodType, nullable: boolean, searchable: boolean): Ops {
  const list = z.array(item).min(1, { error: "Pick at least one value" }).max(MAX_LIST_VALUES);
  return {
    eq: { schema: item, widget: searchable ? "select-search" : "select" },
    neq: { schema: item, widget: searchable ? "select-search" : "select" },
    in: { schema: list, widget: searchable ? "multi-select-search" : "multi-select" },
    not_in: { schema: list, widget: searchable ? "multi-select-search" : "multi-select" },
    ...(nullable ? setOps() : {}),
  };
}
function setOps(): Ops {
  return { is_set: { schema: noValue, widget: "none" }, is_not_set: { schema: noValue, widget: "none" } };
}
function numberOps(item: z.ZodType<number>, widget: "number" | "money", opts: { neq?: boolean; inList?: boolean } = {}): Ops {
  return {
    eq: { schema: item, widget },
    ...(opts.neq === false ? {} : { neq: { schema: item, widget } }),
    gt: { schema: item, widget },
    gte: { schema: item, widget },
    lt: { schema: item, widget },
    lte: { schema: item, widget },
    between: { schema: range(item), widget: widget === "number" ? "number-range" : "money-range" },
    ...(opts.inList
      ? {
          in: { schema: z.array(item).min(1).max(1000), widget: "multi-select" },
          not_in: { schema: z.array(item).min(1).max(1000), widget: "multi-select" },
        }
      : {}),
  };
}
function dateOps(nullable: boolean): Ops {
  return {
    before: { schema: dateStringSchema, widget: "date" },
    after: { schema: dateStringSchema, widget: "date" },
    on: { schema: dateStringSchema, widget: "date" },
    between: {
      schema: z.tuple([dateStringSchema, dateStringSchema]).refine(([a, b]) => a <= b, { error: "The range must end on or after its start", path: [1] }),
      widget: "date-range",
    },
    within_last_days: { schema: daysValue, widget: "days" },
    not_within_last_days: { schema: daysValue, widget: "days" },
    ...(nullable ? setOps() : {}),
  };
}
function textOps(): Ops {
  const s = z.string().min(1).max(500);
  return {
    eq: { schema: s, widget: "text" },
    neq: { schema: s, widget: "text" },
    contains: { schema: s, widget: "text" },
    not_contains: { schema: s, widget: "text" },
    ...setOps(),
  };
}
function multiOps(): Ops {
  return {
    has_any: { schema: stringList, widget: "multi-select-search" },
    has_all: { schema: stringList, widget: "multi-select-search" },
    has_none: { schema: stringList, widget: "multi-select-search" },
  };
}
/** `{ window, value }` for a windowed count or sum. */
function windowNumberOps(item: z.ZodType<number>, money: boolean, opts: { neq?: boolean } = {}): Ops {
  const w = (v: z.ZodType) => z.object({ window: windowSchema, value: v });
  const one = money ? ("window+money" as const) : ("window+number" as const);
  const two = money ? ("window+money-range" as const) : ("window+number-range" as const);
  return {
    eq: { schema: w(item), widget: one },
    ...(opts.neq === false ? {} : { neq: { schema: w(item), widget: one } }),
    gt: { schema: w(item), widget: one },
    gte: { schema: w(item), widget: one },
    lt: { schema: w(item), widget: one },
    lte: { schema: w(item), widget: one },
    between: { schema: w(range(item)), widget: two },
  };
}
function windowSetOps(): Ops {
  const s = z.object({ window: windowSchema, value: idList });
  return {
    has_any: { schema: s, widget: "window+multi-select-search" },
    has_all: { schema: s, widget: "window+multi-select-search" },
    has_none: { schema: s, widget: "window+multi-select-search" },
  };
}
function couponOps(withWindow: boolean): Ops {
  const base = { templateId: z.string().min(1).max(100).nullish() };
  const obj = (v: z.ZodType) => (withWindow ? z.object({ ...base, window: windowSchema, value: v }) : z.object({ ...base, value: v }));
  return {
    eq: { schema: obj(countValue), widget: "coupon+number" },
    neq: { schema: obj(countValue), widget: "coupon+number" },
    gt: { schema: obj(countValue), widget: "coupon+number" },
    gte: { schema: obj(countValue), widget: "coupon+number" },
    lt: { schema: obj(countValue), widget: "coupon+number" },
    lte: { schema: obj(countValue), widget: "coupon+number" },
    between: { schema: obj(range(countValue)), widget: "coupon+number-range" },
  };
}

const L = (en: string, zh: string): Localized => ({ en, "zh-CN": zh });
const opt = (value: string | number, en: string, zh: string): StaticOption => ({ value, label: L(en, zh) });

export const registrationChannels = ["app", "mini_program", "web", "store"] as const;
export { lifecycleStages } from "@/server/loyalty/lifecycle/settings-schema";
import { lifecycleStages } from "@/server/loyalty/lifecycle/settings-schema";
export const genders = ["female", "male", "unknown"] as const;

const months = Array.from({ length: 12 }, (_, i) => opt(i + 1, `Month ${i + 1}`, `${i + 1} 月`));
const monthValue = z.number().int().min(1).max(12);
const scoreValue = z.number().int().min(1).max(5);

// ───────────────────────────── the catalog ─────────────────────────────

const catalog = [
  // profile
  { id: "province", label: L("Province", "省份"), group: "profile", type: "enum", nullable: true, options: { source: "provinces" }, operators: enumOps(stringValue, true, true) },
  { id: "city", label: L("City", "城市"), group: "profile", type: "enum", nullable: true, options: { source: "cities" }, operators: enumOps(stringValue, true, true) },
  { id: "business_district", label: L("Business district", "商圈"), group: "profile", type: "enum", nullable: true, options: { source: "districts" }, operators: enumOps(stringValue, true, true) },
  { id: "registered_at", label: L("Registration date", "注册日期"), group: "profile", type: "date", nullable: false, operators: dateOps(false) },
  { id: "birthday_month", label: L("Birthday month", "生日月份"), group: "profile", type: "enum", nullable: true, options: { static: months }, operators: enumOps(monthValue, true, false) },
  {
    id: "days_until_birthday",
    label: L("Days until next birthday", "距下次生日天数"),
    group: "profile",
    type: "number",
    nullable: true,
    unit: "days",
    operators: { ...numberOps(z.number().int().min(0).max(366), "number", { neq: false }), ...setOps() },
  },
  {
    id: "registration_channel",
    label: L("Registration channel", "注册渠道"),
    group: "profile",
    type: "enum",
    nullable: false,
    options: { static: [opt("app", "App", "App"), opt("mini_program", "Mini program", "小程序"), opt("web", "Web", "网页"), opt("store", "Store", "门店")] },
    operators: enumOps(z.enum(registrationChannels), false, false),
  },
  { id: "gender", label: L("Gender", "性别"), group: "profile", type: "enum", nullable: false, options: { static: [opt("female", "Female", "女"), opt("male", "Male", "男"), opt("unknown", "Unknown", "未知")] }, operators: enumOps(z.enum(genders), false, false) },
  { id: "consent_sms", label: L("SMS consent", "短信授权"), group: "profile", type: "boolean", nullable: false, operators: { eq: { schema: z.boolean(), widget: "boolean" } } },
  { id: "consent_email", label: L("Email consent", "邮件授权"), group: "profile", type: "boolean", nullable: false, operators: { eq: { schema: z.boolean(), widget: "boolean" } } },
  { id: "consent_push", label: L("Push consent", "推送授权"), group: "profile", type: "boolean", nullable: false, operators: { eq: { schema: z.boolean(), widget: "boolean" } } },
  { id: "consent_in_app", label: L("In-app message consent", "站内信授权"), group: "profile", type: "boolean", nullable: false, operators: { eq: { schema: z.boolean(), widget: "boolean" } } },
  { id: "tier", label: L("Tier", "会员等级"), group: "profile", type: "enum", nullable: false, options: { source: "tiers" }, operators: enumOps(stringValue, false, false) },
  { id: "points_balance", label: L("Points balance", "积分余额"), group: "profile", type: "number", nullable: false, unit: "points", operators: numberOps(intValue, "number") },
  { id: "growth_value", label: L("Growth value", "成长值"), group: "profile", type: "number", nullable: false, operators: numberOps(intValue, "number") },
  { id: "tags", label: L("Tags", "标签"), group: "profile", type: "multi_enum", nullable: false, options: { source: "tags" }, operators: multiOps() },
  { id: "badges", label: L("Badges", "勋章"), group: "profile", type: "multi_enum", nullable: false, options: { source: "badges" }, operators: multiOps() },
  { id: "name", label: L("Name", "姓名"), group: "profile", type: "text", nullable: false, operators: { contains: textOps().contains!, not_contains: textOps().not_contains!, eq: textOps().eq! } },
  { id: "phone", label: L("Phone", "手机号"), group: "profile", type: "text", nullable: true, operators: textOps() },
  { id: "email", label: L("Email", "邮箱"), group: "profile", type: "text", nullable: true, operators: textOps() },
  // behaviour
  { id: "order_count", label: L("Orders (purchase frequency)", "购买次数"), group: "behaviour", type: "window_count", nullable: false, windows: true, unit: "times", operators: windowNumberOps(countValue, false) },
  { id: "spend", label: L("Spend", "消费金额"), group: "behaviour", type: "window_money", nullable: false, windows: true, unit: "yuan", operators: windowNumberOps(moneyValue, true) },
  {
    id: "avg_order_value",
    label: L("Average order value", "客单价"),
    group: "behaviour",
    type: "window_money",
    nullable: true,
    windows: true,
    unit: "yuan",
    operators: windowNumberOps(moneyValue, true, { neq: false }),
  },
  { id: "last_order_date", label: L("Last order date", "最近下单日期"), group: "behaviour", type: "date", nullable: true, operators: dateOps(true) },
  { id: "purchased_products", label: L("Purchased products", "购买过的商品"), group: "behaviour", type: "window_set", nullable: false, windows: true, options: { source: "products" }, operators: windowSetOps() },
  { id: "purchased_categories", label: L("Purchased categories", "购买过的品类"), group: "behaviour", type: "window_set", nullable: false, windows: true, options: { source: "categories" }, operators: windowSetOps() },
  { id: "visit_count", label: L("Visits", "到访次数"), group: "behaviour", type: "window_count", nullable: false, windows: true, unit: "times", operators: windowNumberOps(countValue, false) },
  { id: "last_visit_date", label: L("Last visit date", "最近到访日期"), group: "behaviour", type: "date", nullable: true, operators: dateOps(true) },
  {
    id: "event",
    label: L("Member event", "会员事件"),
    group: "behaviour",
    type: "event",
    nullable: false,
    windows: true,
    options: { source: "event_names" },
    operators: { did: { schema: eventValueSchema, widget: "event" }, did_not: { schema: eventValueSchema, widget: "event" } },
  },
  // derived (member_stats)
  { id: "rfm_recency", label: L("RFM recency score (R)", "RFM 最近消费得分 (R)"), group: "derived", type: "number", nullable: false, unit: "score", operators: numberOps(scoreValue, "number", { inList: true }) },
  { id: "rfm_frequency", label: L("RFM frequency score (F)", "RFM 消费频次得分 (F)"), group: "derived", type: "number", nullable: false, unit: "score", operators: numberOps(scoreValue, "number", { inList: true }) },
  { id: "rfm_monetary", label: L("RFM monetary score (M)", "RFM 消费金额得分 (M)"), group: "derived", type: "number", nullable: false, unit: "score", operators: numberOps(scoreValue, "number", { inList: true }) },
  {
    id: "lifecycle_stage",
    label: L("Lifecycle stage", "生命周期阶段"),
    group: "derived",
    type: "enum",
    nullable: false,
    options: { static: [opt("new", "New", "新客"), opt("active", "Active", "活跃"), opt("silent", "Silent", "沉默"), opt("churn_risk", "Churn risk", "流失风险"), opt("churned", "Churned", "流失")] },
    operators: enumOps(z.enum(lifecycleStages), false, false),
  },
  { id: "coupons_held", label: L("Active coupons held", "持有可用优惠券数"), group: "derived", type: "coupon_count", nullable: false, options: { source: "coupon_templates" }, operators: couponOps(false) },
  { id: "coupons_redeemed", label: L("Coupons redeemed", "已核销优惠券数"), group: "derived", type: "coupon_count", nullable: false, windows: true, options: { source: "coupon_templates" }, operators: couponOps(true) },
] as const satisfies readonly FieldDef[];

export type FieldId = (typeof catalog)[number]["id"];

/**
 * How fresh a field's value is when an audience is evaluated (the field picker shows it):
 * - `live`: read from the rows themselves, so it moves the moment the data arrives;
 * - `live_windows_hourly`: counts and sums move as orders and visits arrive, while the fixed
 *   30/90/180/365-day windows slide with the hourly statistics refresh (other windows are live);
 * - `hourly`: scores and stages recomputed by the hourly refresh (server/members/stats.ts).
 */
export type Freshness = "live" | "live_windows_hourly" | "hourly";
export const fieldFreshness: Record<FieldId, Freshness> = {
  province: "live",
  city: "live",
  business_district: "live",
  registered_at: "live",
  birthday_month: "live",
  days_until_birthday: "live",
  registration_channel: "live",
  gender: "live",
  consent_sms: "live",
  consent_email: "live",
  consent_push: "live",
  consent_in_app: "live",
  tier: "live",
  points_balance: "live",
  growth_value: "live",
  tags: "live",
  badges: "live",
  name: "live",
  phone: "live",
  email: "live",
  order_count: "live_windows_hourly",
  spend: "live_windows_hourly",
  avg_order_value: "live_windows_hourly",
  last_order_date: "live",
  purchased_products: "live",
  purchased_categories: "live",
  visit_count: "live_windows_hourly",
  last_visit_date: "live",
  event: "live",
  rfm_recency: "hourly",
  rfm_frequency: "hourly",
  rfm_monetary: "hourly",
  lifecycle_stage: "hourly",
  coupons_held: "live",
  coupons_redeemed: "live",
};
export const fieldCatalog: readonly FieldDef[] = catalog;
export const fieldIds = catalog.map((f) => f.id) as FieldId[];
const byId = new Map<string, FieldDef>(catalog.map((f) => [f.id, f]));

export function getField(id: string): FieldDef | undefined {
  return byId.get(id);
}
export function isFieldId(id: string): id is FieldId {
  return byId.has(id);
}
export function getOperatorSpec(field: string, operator: string): OperatorSpec | undefined {
  const f = byId.get(field);
  return f ? (f.operators as Ops)[operator as OperatorId] : undefined;
}

/** The catalog without schemas, for the editor (the router's `fields` procedure). */
export function describeCatalog() {
  return catalog.map((f: FieldDef) => ({
    id: f.id,
    label: f.label,
    group: f.group,
    type: f.type,
    nullable: f.nullable,
    unit: f.unit ?? null,
    windows: f.windows ?? false,
    options: f.options ?? null,
    operators: Object.entries(f.operators).map(([op, spec]) => ({ id: op as OperatorId, label: operatorLabels[op as OperatorId], widget: spec!.widget })),
  }));
}
export type CatalogDescription = ReturnType<typeof describeCatalog>;
