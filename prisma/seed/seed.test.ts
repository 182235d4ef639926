import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { seedDemoData, SeedRefusedError, type SeedSummary } from "./index";
import { BULK_TABLES } from "./indexes";

const MEMBERS = 2_000;
// One anchor for both runs, so a run that straddles midnight stays comparable.
const NOW = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);

let t: TestDatabase;
let first: SeedSummary;
let firstChecksum: string;
let indexesBefore: string[];

/** md5 over the generated tables' key columns, in id order. */
async function checksum(): Promise<string> {
  const { rows } = await t.pool.query<{ sum: string }>(`SELECT md5(concat_ws('|',
    (SELECT md5(string_agg(concat_ws(',', id, external_id, name, phone, email, gender, city, business_district, registered_at, birthday,
        registration_channel, consent_sms, consent_email, consent_push, tier_id, growth_value, points_balance), ';' ORDER BY id)) FROM members),
    (SELECT md5(string_agg(concat_ws(',', id, member_id, placed_at, total_amount, discount_amount, channel, store_district), ';' ORDER BY id)) FROM orders),
    (SELECT md5(string_agg(concat_ws(',', id, order_id, product_id, quantity, amount), ';' ORDER BY id)) FROM order_items),
    (SELECT md5(string_agg(concat_ws(',', id, member_id, visited_at, channel), ';' ORDER BY id)) FROM visits),
    (SELECT md5(string_agg(concat_ws(',', id, member_id, type, amount, reason, expires_at, created_at), ';' ORDER BY id)) FROM points_entries),
    (SELECT md5(string_agg(concat_ws(',', member_id, tag_id, created_at), ';' ORDER BY member_id, tag_id)) FROM member_tags),
    (SELECT md5(string_agg(concat_ws(',', id, member_id, to_tier_id, changed_at), ';' ORDER BY id)) FROM tier_changes)
  )) AS sum`);
  return rows[0]!.sum;
}

async function one<T>(sql: string): Promise<T> {
  const { rows } = await t.pool.query(sql);
  return Object.values(rows[0] as object)[0] as T;
}

async function indexNames(): Promise<string[]> {
  const { rows } = await t.pool.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = ANY($1) ORDER BY 1`, [BULK_TABLES]);
  return rows.map((r) => r.indexname);
}

beforeAll(async () => {
  t = await createTestDatabase();
  indexesBefore = await indexNames();
  first = await seedDemoData(t.url, { members: MEMBERS, seed: 7, now: NOW });
  firstChecksum = await checksum();
}, 120_000);
afterAll(() => t.drop());

describe("seedDemoData", () => {
  it("loads the requested members and restores every index and foreign key", async () => {
    expect(first.rows.members).toBe(MEMBERS);
    expect(await one<number>("SELECT count(*)::int FROM members")).toBe(MEMBERS);
    expect(await one<number>("SELECT count(*)::int FROM member_stats")).toBe(MEMBERS);
    expect(await indexNames()).toEqual(indexesBefore);
    expect(await one<number>(`SELECT count(*)::int FROM pg_constraint WHERE contype = 'f' AND NOT convalidated`)).toBe(0);
    expect(await one<number>(`SELECT count(*)::int FROM pg_constraint WHERE contype = 'f' AND conrelid = 'order_items'::regclass`)).toBe(2);
    // Sequences continue after the explicit ids.
    expect(await one<number>("SELECT nextval('orders_id_seq')::int")).toBe(first.rows.orders! + 1);
  });

  it("refuses a database that already has members", async () => {
    await expect(seedDemoData(t.url, { members: 10 })).rejects.toBeInstanceOf(SeedRefusedError);
  });

  it("is deterministic: the same seed gives the same data", async () => {
    await seedDemoData(t.url, { members: MEMBERS, seed: 7, now: NOW, reset: true });
    expect(await checksum()).toBe(firstChecksum);
    await seedDemoData(t.url, { members: MEMBERS, seed: 8, now: NOW, reset: true });
    expect(await checksum()).not.toBe(firstChecksum);
    await seedDemoData(t.url, { members: MEMBERS, seed: 7, now: NOW, reset: true });
  }, 120_000);

  it("is realistic: every lifecycle stage and tier, ~10 orders per member, 1–4 items per order", async () => {
    const stages = await t.pool.query<{ stage: string; n: number }>(
      "SELECT lifecycle_stage::text AS stage, count(*)::int AS n FROM member_stats GROUP BY 1",
    );
    const share = Object.fromEntries(stages.rows.map((r) => [r.stage, r.n / MEMBERS]));
    expect(Object.keys(share).sort()).toEqual(["active", "churned", "new", "silent"]);
    expect(share.new).toBeGreaterThan(0.01);
    for (const stage of ["active", "silent", "churned"]) expect(share[stage]).toBeGreaterThan(0.15);

    const tiers = await t.pool.query("SELECT DISTINCT tier_id FROM members ORDER BY 1");
    expect(tiers.rows.map((r) => r.tier_id)).toEqual(["bronze", "diamond", "gold", "platinum", "silver"]);

    const perMember = await one<number>("SELECT count(*)::float8 / 2000 FROM orders");
    expect(perMember).toBeGreaterThan(7);
    expect(perMember).toBeLessThan(13);
    const items = await t.pool.query("SELECT min(n)::int AS lo, max(n)::int AS hi FROM (SELECT count(*) AS n FROM order_items GROUP BY order_id) x");
    expect(items.rows[0]).toEqual({ lo: 1, hi: 4 });
    const visitsPerOrder = await one<number>("SELECT (SELECT count(*) FROM visits)::float8 / (SELECT count(*) FROM orders)");
    expect(visitsPerOrder).toBeGreaterThan(1.0);
    expect(visitsPerOrder).toBeLessThan(1.8);
    // Every reference table is filled; every member is tagged with something plausible.
    expect(await one<number>("SELECT count(*)::int FROM business_districts")).toBeGreaterThan(40);
    expect(await one<number>("SELECT count(*)::int FROM products")).toBe(120);
    expect(await one<number>("SELECT count(DISTINCT tag_id)::int FROM member_tags")).toBe(20);
    expect(await one<number>("SELECT count(*)::int FROM users WHERE email = 'admin@memberflow.local' AND role = 'admin'")).toBe(1);
    // Phones are 11-digit mobile numbers and unique.
    expect(await one<number>("SELECT count(*)::int FROM members WHERE phone IS NOT NULL AND phone !~ '^1[3-9][0-9]{9}$'")).toBe(0);
    expect(await one<number>("SELECT count(phone)::int - count(DISTINCT phone)::int FROM members")).toBe(0);
  });

  it("holds referential integrity", async () => {
    const orphans: [child: string, column: string, parent: string][] = [
      ["orders", "member_id", "members"], ["order_items", "order_id", "orders"], ["order_items", "product_id", "products"],
      ["order_items", "member_id", "members"], ["order_items", "category_id", "product_categories"], ["visits", "member_id", "members"],
      ["points_entries", "member_id", "members"], ["tier_changes", "member_id", "members"], ["member_tags", "member_id", "members"],
      ["member_tags", "tag_id", "tags"], ["member_badges", "member_id", "members"], ["member_badges", "badge_id", "badges"],
      ["member_stats", "member_id", "members"], ["members", "tier_id", "tiers"],
    ];
    for (const [child, column, parent] of orphans) {
      const n = await one<number>(`SELECT count(*)::int FROM ${child} c WHERE NOT EXISTS (SELECT 1 FROM ${parent} p WHERE p.id = c.${column})`);
      expect(n, `${child}.${column} → ${parent}`).toBe(0);
    }
    // Every member's district is a known one of its city.
    expect(await one<number>(`SELECT count(*)::int FROM members m WHERE business_district IS NOT NULL AND NOT EXISTS
      (SELECT 1 FROM business_districts d WHERE d.province = m.province AND d.city = m.city AND d.name = m.business_district)`)).toBe(0);
  });

  it("keeps denormalised and derived columns consistent", async () => {
    // Items copy member, time and category from their order and product.
    expect(await one<number>(`SELECT count(*)::int FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
      WHERE i.member_id <> o.member_id OR i.placed_at <> o.placed_at OR i.category_id <> p.category_id OR i.amount <> i.unit_price * i.quantity`)).toBe(0);
    // Order total = items − discount.
    expect(await one<number>(`SELECT count(*)::int FROM orders o JOIN (SELECT order_id, sum(amount) AS s FROM order_items GROUP BY 1) i ON i.order_id = o.id
      WHERE o.total_amount <> i.s - o.discount_amount`)).toBe(0);
    // Points: balance = ledger sum; one earn entry per order = floor(paid); expiry at the end of the following year.
    expect(await one<number>(`SELECT count(*)::int FROM members m LEFT JOIN (SELECT member_id, sum(amount) AS s FROM points_entries GROUP BY 1) p
      ON p.member_id = m.id WHERE m.points_balance <> coalesce(p.s, 0) OR m.points_balance < 0`)).toBe(0);
    expect(await one<number>(`SELECT count(*)::int FROM orders o LEFT JOIN points_entries p ON p.reason = 'order:' || o.external_id AND p.type = 'earn'
      WHERE floor(o.total_amount) >= 1 AND (p.id IS NULL OR p.amount <> floor(o.total_amount) OR p.member_id <> o.member_id)`)).toBe(0);
    expect(await one<number>(`SELECT count(*)::int FROM points_entries WHERE type = 'earn' AND (expires_at AT TIME ZONE 'Asia/Shanghai')::date
      <> make_date(extract(year FROM created_at AT TIME ZONE 'Asia/Shanghai')::int + 1, 12, 31)`)).toBe(0);
    // Growth value = whole yuan paid; the tier follows the thresholds; the last tier change lands on it.
    expect(await one<number>(`SELECT count(*)::int FROM members m LEFT JOIN (SELECT member_id, sum(floor(total_amount)) AS g FROM orders GROUP BY 1) o
      ON o.member_id = m.id WHERE m.growth_value <> coalesce(o.g, 0)
         OR m.tier_id <> (SELECT id FROM tiers WHERE growth_threshold <= m.growth_value ORDER BY growth_threshold DESC LIMIT 1)
         OR m.tier_id <> (SELECT to_tier_id FROM tier_changes c WHERE c.member_id = m.id ORDER BY changed_at DESC, id DESC LIMIT 1)`)).toBe(0);
    // member_stats agrees with the orders.
    expect(await one<number>(`SELECT count(*)::int FROM member_stats s JOIN (SELECT member_id, count(*) AS n, max(placed_at) AS last FROM orders GROUP BY 1) o
      ON o.member_id = s.member_id WHERE s.order_count <> o.n OR s.last_order_at <> o.last`)).toBe(0);
    // Nothing happens after the anchor or before registration.
    expect(await one<number>(`SELECT count(*)::int FROM orders o JOIN members m ON m.id = o.member_id WHERE o.placed_at > $$${NOW.toISOString()}$$ OR o.placed_at < m.registered_at`)).toBe(0);
  });
});
