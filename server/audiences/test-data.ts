// Test helpers (tests only): random member datasets held in memory (for the reference
// evaluator) and written to a test database with multi-row INSERTs, member_stats included
// and computed from the same orders and visits as of `now` (so stats and raw rows agree).
import type pg from "pg";
import type { EvalMember } from "./evaluate";

export const PROVINCE_CITY: [string, string][] = [
  ["上海市", "上海市"],
  ["浙江省", "杭州市"],
  ["北京市", "北京市"],
  ["广东省", "深圳市"],
  ["O'Brien省", "'; DROP TABLE members; --"],
];
export const DISTRICTS = ["陆家嘴", "西湖", "三里屯", "徐家汇 \\ %_", "🏙️ CBD"];
export const TAGS = ["高价值", "美妆爱好者", "母婴", "it's", "😀 emoji", "100%_off"];
export const BADGES = ["早鸟", "评论达人", "a\"b"];
export const TIERS = ["bronze", "silver", "gold", "platinum", "diamond"];
export const CHANNELS = ["app", "mini_program", "web", "store"] as const;
export const STAGES = ["new", "active", "silent", "churn_risk", "churned"] as const;
export const PRODUCTS = [1, 2, 3, 4, 5, 6, 7, 8];
export const categoryOf = (p: number) => ((p - 1) % 4) + 1;
export const TEMPLATES = ["tplA", "tplB"];
export const EVENT_NAMES = ["order.placed", "notification.clicked", "custom.quiz"];
export const NAMES = ["张三", "李四", "王五", "O'Neil", "%_\\", "赵六😀"];
export const POINTS = [0, 100, 500, 1000, 2500];

const DAY = 86_400_000;

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

/** Instants around `now`, biased to window edges and China-time midnights. */
export function instant(r: ReturnType<typeof rng>, now: Date): Date {
  const k = r.next();
  if (k < 0.1) return new Date(now.getTime() - r.pick([30, 90, 180, 365, 7]) * DAY + r.pick([-1, 0, 1]) * 1000);
  if (k < 0.2) {
    // a China-time midnight ± 1 s
    const d = r.int(0, 700);
    const day = Math.floor((now.getTime() + 8 * 3600_000) / DAY) - d;
    return new Date(day * DAY - 8 * 3600_000 + r.pick([-1000, 0, 1000]));
  }
  return new Date(now.getTime() - Math.floor(r.next() * 800 * DAY));
}

export function randomMembers(seed: number, count: number, now: Date): EvalMember[] {
  const r = rng(seed);
  const members: EvalMember[] = [];
  for (let id = 1; id <= count; id++) {
    const [province, city] = r.chance(0.15) ? [null, null] : r.pick(PROVINCE_CITY);
    const orders = Array.from({ length: r.chance(0.25) ? 0 : r.int(1, 7) }, () => ({
      placedAt: instant(r, now),
      totalAmount: r.int(0, 60000) / 100,
    }));
    const items = orders.flatMap((o) =>
      Array.from({ length: r.int(1, 3) }, () => {
        const p = r.pick(PRODUCTS);
        return { productId: p, categoryId: categoryOf(p), placedAt: o.placedAt };
      }),
    );
    const events = Array.from({ length: r.int(0, 4) }, () => ({
      name: r.pick(EVENT_NAMES),
      occurredAt: instant(r, now),
      properties: r.pick([
        {},
        { amount: r.pick([0, 50, 99.5, 200]), channel: r.pick(["app", "web", "it's"]) },
        { amount: String(r.pick([50, 200])), flag: r.chance(0.5), nested: { level: r.pick([1, 2, "2", null]) } },
        { nested: [1, 2], channel: null },
      ]),
    }));
    const coupons = Array.from({ length: r.int(0, 3) }, () => {
      const status = r.pick(["issued", "issued", "redeemed", "expired", "revoked"] as const);
      const validFrom = new Date(now.getTime() - r.int(-5, 60) * DAY);
      return {
        templateId: r.pick(TEMPLATES),
        status,
        validFrom,
        validTo: new Date(validFrom.getTime() + r.int(1, 90) * DAY),
        redeemedAt: status === "redeemed" ? (r.chance(0.9) ? instant(r, now) : null) : null,
      };
    });
    const visits = Array.from({ length: r.int(0, 5) }, () => ({ visitedAt: instant(r, now) }));
    const hasActivity = orders.length > 0 || visits.length > 0;
    const b = r.chance(0.2)
      ? null
      : r.chance(0.1)
        ? `${r.pick([1992, 1996, 2000])}-02-29`
        : new Date(now.getTime() + r.int(-400, 400) * DAY - r.int(18, 60) * 365 * DAY).toISOString().slice(0, 10);
    members.push({
      id,
      externalId: `EXT-${id}${r.chance(0.1) ? "'--" : ""}`,
      name: `${r.pick(NAMES)}${id}`,
      phone: r.chance(0.3) ? null : `1380000${String(id).padStart(4, "0")}`,
      email: r.chance(0.5) ? null : `m${id}@example.com`,
      gender: r.pick(["female", "male", "unknown"] as const),
      province,
      city,
      businessDistrict: r.chance(0.3) ? null : r.pick(DISTRICTS),
      registeredAt: instant(r, now),
      birthday: b,
      registrationChannel: r.pick(CHANNELS),
      consentSms: r.chance(0.5),
      consentEmail: r.chance(0.5),
      consentPush: r.chance(0.5),
      consentInApp: r.chance(0.8),
      tierId: r.pick(TIERS),
      pointsBalance: r.chance(0.5) ? r.pick(POINTS) : r.int(0, 3000),
      growthValue: r.int(0, 5000),
      tags: TAGS.filter(() => r.chance(0.3)),
      badges: BADGES.filter(() => r.chance(0.3)),
      orders,
      items,
      visits,
      events,
      coupons,
      stats:
        !hasActivity && r.chance(0.4)
          ? null
          : { rfmRecency: r.int(1, 5), rfmFrequency: r.int(1, 5), rfmMonetary: r.int(1, 5), lifecycleStage: r.pick(STAGES) },
    });
  }
  return members;
}

async function insertRows(pool: pg.Pool, table: string, columns: string[], rows: unknown[][]) {
  const per = Math.max(1, Math.floor(30000 / columns.length));
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((v) => (values.push(v), `$${values.length}`)).join(", ")})`);
    await pool.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(", ")}`, values);
  }
}

/** Catalog rows (tiers, tags, badges, categories, products, coupon templates). */
export async function insertCatalog(pool: pg.Pool) {
  await insertRows(pool, "tiers", ["id", "name", "name_en", "rank", "growth_threshold"], TIERS.map((t, i) => [t, t, t, i + 1, i * 1000]));
  await insertRows(pool, "tags", ["id", "name"], TAGS.map((t, i) => [i + 1, t]));
  await insertRows(pool, "badges", ["id", "name"], BADGES.map((t, i) => [i + 1, t]));
  await insertRows(pool, "product_categories", ["id", "name", "name_en"], [1, 2, 3, 4].map((c) => [c, `品类${c}`, `Cat ${c}`]));
  await insertRows(pool, "products", ["id", "sku", "name", "category_id", "price"], PRODUCTS.map((p) => [p, `SKU-${p}`, `商品${p}`, categoryOf(p), "10.00"]));
  await insertRows(pool, "coupon_templates", ["id", "name", "type", "value"], TEMPLATES.map((t) => [t, t, "amount", "10"]));
}

/** Replaces all members (and their rows) with `members`; member_stats as of `now`. */
export async function insertMembers(pool: pg.Pool, members: EvalMember[], now: Date) {
  await pool.query("TRUNCATE members, orders, order_items, visits, member_events, member_tags, member_badges, coupons, member_stats CASCADE");
  await insertRows(
    pool,
    "members",
    ["id", "external_id", "name", "phone", "email", "gender", "province", "city", "business_district", "registered_at", "birthday", "registration_channel", "consent_sms", "consent_email", "consent_push", "consent_in_app", "tier_id", "growth_value", "points_balance"],
    members.map((m) => [m.id, m.externalId, m.name, m.phone, m.email, m.gender, m.province, m.city, m.businessDistrict, m.registeredAt, m.birthday, m.registrationChannel, m.consentSms, m.consentEmail, m.consentPush, m.consentInApp, m.tierId, m.growthValue, m.pointsBalance]),
  );
  const orderRows: unknown[][] = [];
  const itemRows: unknown[][] = [];
  let orderId = 0;
  for (const m of members) {
    const byTime = new Map<number, number>();
    for (const o of m.orders) {
      orderId++;
      byTime.set(o.placedAt.getTime(), orderId);
      orderRows.push([orderId, `O-${orderId}`, m.id, o.placedAt, o.totalAmount.toFixed(2)]);
    }
    for (const it of m.items) itemRows.push([byTime.get(it.placedAt.getTime()), m.id, it.productId, it.categoryId, it.placedAt, 1, "1.00", "1.00"]);
  }
  await insertRows(pool, "orders", ["id", "external_id", "member_id", "placed_at", "total_amount"], orderRows);
  await insertRows(pool, "order_items", ["order_id", "member_id", "product_id", "category_id", "placed_at", "quantity", "unit_price", "amount"], itemRows);
  await insertRows(pool, "visits", ["member_id", "visited_at"], members.flatMap((m) => m.visits.map((v) => [m.id, v.visitedAt])));
  let ev = 0;
  await insertRows(
    pool,
    "member_events",
    ["event_id", "member_id", "name", "properties", "occurred_at"],
    members.flatMap((m) => m.events.map((e) => [`e-${++ev}`, m.id, e.name, JSON.stringify(e.properties), e.occurredAt])),
  );
  await insertRows(pool, "member_tags", ["member_id", "tag_id"], members.flatMap((m) => m.tags.map((t) => [m.id, TAGS.indexOf(t) + 1])));
  await insertRows(pool, "member_badges", ["member_id", "badge_id"], members.flatMap((m) => m.badges.map((b) => [m.id, BADGES.indexOf(b) + 1])));
  let cp = 0;
  await insertRows(
    pool,
    "coupons",
    ["id", "code", "template_id", "member_id", "status", "valid_from", "valid_to", "redeemed_at"],
    members.flatMap((m) => m.coupons.map((c) => [`c${++cp}`, `CODE${cp}`, c.templateId, m.id, c.status, c.validFrom, c.validTo, c.redeemedAt])),
  );
  // member_stats: the same definitions refreshMemberStats uses (windows: at > now − N days)
  const since = (n: number) => now.getTime() - n * DAY;
  const cents = (x: number) => Math.round(x * 100);
  const yuan = (c: number) => (c / 100).toFixed(2);
  const statsRows = members
    .filter((m) => m.stats)
    .map((m) => {
      const os = (n: number | null) => m.orders.filter((o) => n === null || o.placedAt.getTime() > since(n));
      const spend = (n: number | null) => yuan(os(n).reduce((s, o) => s + cents(o.totalAmount), 0));
      const vs = (n: number | null) => m.visits.filter((v) => n === null || v.visitedAt.getTime() > since(n)).length;
      const times = m.orders.map((o) => o.placedAt.getTime());
      const vtimes = m.visits.map((v) => v.visitedAt.getTime());
      return [
        m.id,
        os(null).length,
        spend(null),
        times.length ? new Date(Math.min(...times)) : null,
        times.length ? new Date(Math.max(...times)) : null,
        os(30).length,
        os(90).length,
        os(180).length,
        os(365).length,
        spend(30),
        spend(90),
        spend(180),
        spend(365),
        vs(null),
        vs(30),
        vs(90),
        vtimes.length ? new Date(Math.max(...vtimes)) : null,
        m.stats!.rfmRecency,
        m.stats!.rfmFrequency,
        m.stats!.rfmMonetary,
        m.stats!.lifecycleStage,
        now,
      ];
    });
  await insertRows(
    pool,
    "member_stats",
    ["member_id", "order_count", "total_spend", "first_order_at", "last_order_at", "orders_30d", "orders_90d", "orders_180d", "orders_365d", "spend_30d", "spend_90d", "spend_180d", "spend_365d", "visit_count", "visits_30d", "visits_90d", "last_visit_at", "rfm_recency", "rfm_frequency", "rfm_monetary", "lifecycle_stage", "refreshed_at"],
    statsRows,
  );
}
