// The REFERENCE EVALUATOR: decides in plain TypeScript whether one member (held in memory)
// matches a condition tree. Written apart from the SQL compiler — it shares only the field ids
// and the value schemas — so the property test (compile.test.ts) can check one against the other.
// It computes every behaviour figure from the raw rows (orders, items, visits, events, coupons);
// only RFM scores and the lifecycle stage, which have no raw source, come from `stats`.
import type { ConditionNode, ConditionTree } from "./condition";
import { conditionTreeSchema } from "./condition";
import { getOperatorSpec, type EventValue, type Window } from "./fields";
import { propertyTest } from "@/server/events/property-conditions";

export type EvalMember = {
  id: number;
  externalId: string;
  name: string;
  phone: string | null;
  email: string | null;
  gender: "female" | "male" | "unknown";
  province: string | null;
  city: string | null;
  businessDistrict: string | null;
  registeredAt: Date;
  /** YYYY-MM-DD */
  birthday: string | null;
  registrationChannel: string;
  consentSms: boolean;
  consentEmail: boolean;
  consentPush: boolean;
  consentInApp: boolean;
  tierId: string;
  pointsBalance: number;
  growthValue: number;
  tags: string[];
  badges: string[];
  /** amounts in yuan with at most two decimals */
  orders: { placedAt: Date; totalAmount: number }[];
  items: { productId: number; categoryId: number; placedAt: Date }[];
  visits: { visitedAt: Date }[];
  events: { name: string; occurredAt: Date; properties: unknown }[];
  coupons: { templateId: string; status: "issued" | "redeemed" | "expired" | "revoked"; validFrom: Date; validTo: Date; redeemedAt: Date | null }[];
  /** null: no member_stats row (defaults: scores 1, stage "new") */
  stats: { rfmRecency: number; rfmFrequency: number; rfmMonetary: number; lifecycleStage: "new" | "active" | "silent" | "churn_risk" | "churned" } | null;
};

const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY = 24 * 3600 * 1000;

/** The China-time calendar date of an instant, as YYYY-MM-DD. */
function chinaDate(t: Date): string {
  return new Date(t.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}
function cents(yuan: number): number {
  return Math.round(yuan * 100);
}
function inWindow(t: Date, w: Window, now: Date): boolean {
  if (w.kind === "all_time") return true;
  if (w.kind === "last_days") return now.getTime() - t.getTime() < w.days * DAY;
  const d = chinaDate(t);
  return d >= w.from && d <= w.to;
}

function numberTest(x: number | null, op: string, v: unknown): boolean {
  if (x === null) return false;
  if (op === "eq") return x === v;
  if (op === "neq") return x !== v;
  if (op === "gt") return x > (v as number);
  if (op === "gte") return x >= (v as number);
  if (op === "lt") return x < (v as number);
  if (op === "lte") return x <= (v as number);
  if (op === "between") {
    const [lo, hi] = v as number[];
    return x >= lo! && x <= hi!;
  }
  if (op === "in") return (v as number[]).some((y) => y === x);
  if (op === "not_in") return !(v as number[]).some((y) => y === x);
  throw new Error(`evaluate: numeric operator ${op}`);
}
/** Money in cents; the threshold is yuan. */
function moneyTest(xCents: number, op: string, v: unknown): boolean {
  const c = Array.isArray(v) ? (v as number[]).map(cents) : cents(v as number);
  return numberTest(xCents, op, c);
}

function valueTest(x: string | number | null, op: string, v: unknown): boolean {
  switch (op) {
    case "is_set":
      return x !== null;
    case "is_not_set":
      return x === null;
    case "eq":
      return x !== null && x === v;
    case "neq":
      return !(x !== null && x === v);
    case "in":
      return x !== null && (v as unknown[]).includes(x);
    case "not_in":
      return !(x !== null && (v as unknown[]).includes(x));
    case "contains":
      return x !== null && String(x).includes(v as string);
    case "not_contains":
      return !(x !== null && String(x).includes(v as string));
  }
  throw new Error(`evaluate: value operator ${op}`);
}

function dateTest(t: Date | null, op: string, v: unknown, now: Date): boolean {
  if (op === "is_set") return t !== null;
  if (op === "is_not_set") return t === null;
  if (op === "not_within_last_days") return !dateTest(t, "within_last_days", v, now);
  if (t === null) return false;
  const day = chinaDate(t);
  switch (op) {
    case "before":
      return day < (v as string);
    case "after":
      return day > (v as string);
    case "on":
      return day === v;
    case "between":
      return day >= (v as string[])[0]! && day <= (v as string[])[1]!;
    case "within_last_days":
      return now.getTime() - t.getTime() < (v as number) * DAY;
  }
  throw new Error(`evaluate: date operator ${op}`);
}

function setTest(have: readonly (string | number)[], op: string, want: readonly (string | number)[]): boolean {
  const h = new Set(have);
  if (op === "has_any") return want.some((w) => h.has(w));
  if (op === "has_all") return want.every((w) => h.has(w));
  if (op === "has_none") return !want.some((w) => h.has(w));
  throw new Error(`evaluate: set operator ${op}`);
}

function isLeap(y: number) {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
/** Days from today (China time) to the next birthday; 29 Feb is kept on 28 Feb in common years. */
export function daysUntilBirthday(birthday: string, now: Date): number {
  const today = chinaDate(now);
  const [ty] = today.split("-").map(Number) as [number];
  const [, bm, bd] = birthday.split("-").map(Number) as [number, number, number];
  const occurrence = (y: number) => {
    const d = bm === 2 && bd === 29 && !isLeap(y) ? 28 : bd;
    return `${y}-${String(bm).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  };
  let next = occurrence(ty);
  if (next < today) next = occurrence(ty + 1);
  return Math.round((Date.parse(`${next}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY);
}


type WinValue = { window: Window; value: unknown };

function ruleMatches(member: EvalMember, field: string, op: string, value: unknown, now: Date): boolean {
  const stats = member.stats ?? { rfmRecency: 1, rfmFrequency: 1, rfmMonetary: 1, lifecycleStage: "new" as const };
  const ordersIn = (w: Window) => member.orders.filter((o) => inWindow(o.placedAt, w, now));
  const latest = (ts: Date[]) => (ts.length ? new Date(Math.max(...ts.map((t) => t.getTime()))) : null);
  switch (field) {
    case "province":
      return valueTest(member.province, op, value);
    case "city":
      return valueTest(member.city, op, value);
    case "business_district":
      return valueTest(member.businessDistrict, op, value);
    case "registration_channel":
      return valueTest(member.registrationChannel, op, value);
    case "gender":
      return valueTest(member.gender, op, value);
    case "tier":
      return valueTest(member.tierId, op, value);
    case "name":
      return valueTest(member.name, op, value);
    case "phone":
      return valueTest(member.phone, op, value);
    case "email":
      return valueTest(member.email, op, value);
    case "registered_at":
      return dateTest(member.registeredAt, op, value, now);
    case "birthday_month": {
      const month = member.birthday ? Number(member.birthday.slice(5, 7)) : null;
      return valueTest(month, op === "eq" ? "in" : op === "neq" ? "not_in" : op, op === "eq" || op === "neq" ? [value] : value);
    }
    case "days_until_birthday":
      if (op === "is_set") return member.birthday !== null;
      if (op === "is_not_set") return member.birthday === null;
      return numberTest(member.birthday ? daysUntilBirthday(member.birthday, now) : null, op, value);
    case "consent_sms":
      return member.consentSms === value;
    case "consent_email":
      return member.consentEmail === value;
    case "consent_push":
      return member.consentPush === value;
    case "consent_in_app":
      return member.consentInApp === value;
    case "points_balance":
      return numberTest(member.pointsBalance, op, value);
    case "growth_value":
      return numberTest(member.growthValue, op, value);
    case "tags":
      return setTest(member.tags, op, value as string[]);
    case "badges":
      return setTest(member.badges, op, value as string[]);
    case "order_count": {
      const v = value as WinValue;
      return numberTest(ordersIn(v.window).length, op, v.value);
    }
    case "spend": {
      const v = value as WinValue;
      return moneyTest(
        ordersIn(v.window).reduce((s, o) => s + cents(o.totalAmount), 0),
        op,
        v.value,
      );
    }
    case "avg_order_value": {
      const v = value as WinValue;
      const os = ordersIn(v.window);
      if (os.length === 0) return false;
      const total = os.reduce((s, o) => s + cents(o.totalAmount), 0);
      // total / n ⋚ threshold, exactly: compare total with threshold × n (integers in cents)
      const n = os.length;
      const scaled = Array.isArray(v.value) ? (v.value as number[]).map((x) => cents(x) * n) : cents(v.value as number) * n;
      return numberTest(total, op, scaled);
    }
    case "last_order_date":
      return dateTest(latest(member.orders.map((o) => o.placedAt)), op, value, now);
    case "last_visit_date":
      return dateTest(latest(member.visits.map((v) => v.visitedAt)), op, value, now);
    case "purchased_products":
    case "purchased_categories": {
      const v = value as { window: Window; value: number[] };
      const got = member.items
        .filter((i) => inWindow(i.placedAt, v.window, now))
        .map((i) => (field === "purchased_products" ? i.productId : i.categoryId));
      return setTest(got, op, v.value);
    }
    case "visit_count": {
      const v = value as WinValue;
      return numberTest(member.visits.filter((x) => inWindow(x.visitedAt, v.window, now)).length, op, v.value);
    }
    case "event": {
      const v = value as EventValue;
      const n = member.events.filter(
        (e) => e.name === v.name && inWindow(e.occurredAt, v.window, now) && v.where.every((c) => propertyTest(e.properties, c)),
      ).length;
      const did = n >= v.atLeast;
      return op === "did" ? did : !did;
    }
    case "rfm_recency":
      return numberTest(stats.rfmRecency, op, value);
    case "rfm_frequency":
      return numberTest(stats.rfmFrequency, op, value);
    case "rfm_monetary":
      return numberTest(stats.rfmMonetary, op, value);
    case "lifecycle_stage":
      return valueTest(stats.lifecycleStage, op, value);
    case "coupons_held": {
      const v = value as { templateId?: string | null; value: unknown };
      const n = member.coupons.filter(
        (c) =>
          c.status === "issued" &&
          c.validFrom.getTime() <= now.getTime() &&
          c.validTo.getTime() > now.getTime() &&
          (!v.templateId || c.templateId === v.templateId),
      ).length;
      return numberTest(n, op, v.value);
    }
    case "coupons_redeemed": {
      const v = value as { templateId?: string | null; window: Window; value: unknown };
      const n = member.coupons.filter(
        (c) =>
          c.status === "redeemed" &&
          (v.window.kind === "all_time" || (c.redeemedAt !== null && inWindow(c.redeemedAt, v.window, now))) &&
          (!v.templateId || c.templateId === v.templateId),
      ).length;
      return numberTest(n, op, v.value);
    }
  }
  throw new Error(`evaluate: unknown field ${field}`);
}

function nodeMatches(member: EvalMember, node: ConditionNode, now: Date): boolean {
  if (node.type === "rule") {
    const value = getOperatorSpec(node.field, node.operator)!.schema.parse(node.value);
    return ruleMatches(member, node.field, node.operator, value, now);
  }
  const results = node.children.map((c) => nodeMatches(member, c, now));
  const r = node.op === "and" ? results.every(Boolean) : results.some(Boolean);
  return node.not ? !r : r;
}

/** Whether `member` matches `tree` at instant `now`. */
export function evaluateCondition(tree: ConditionTree, member: EvalMember, now: Date): boolean {
  return nodeMatches(member, conditionTreeSchema.parse(tree), now);
}
