// The benefit grants job on a real PostgreSQL: monthly coupons once per calendar month and the
// birthday gift once a year, by the local date in Shanghai; re-runs and runs side by side issue
// nothing twice; templates that cannot issue are skipped, and the issuer's refusals recorded. Every
// figure is read back from the coupons table with plain SQL.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { grantTierBenefits } from "./benefit-grants";
import { memberGrowth } from "./member-growth";
import { saveTierProgram } from "./program";
import { benefitDayOf, defaultBenefits, defaultTierRules, type TierBenefits } from "./program-schema";

let t: TestDatabase;
let pool: Pool;

const level = (id: string, threshold: number, benefits: Partial<TierBenefits> = {}) => ({ id, name: id, nameEn: id, threshold, benefits: { ...defaultBenefits, ...benefits } });

// The templates allow one coupon per member: tier benefits are not held to it (the level names the count).
beforeEach(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  await t.pool.query(`
    INSERT INTO coupon_templates (id, name, type, value, valid_days, per_member_max) VALUES
      ('tpl-silver', 'Silver monthly', 'amount', 10, 30, 1),
      ('tpl-gold', 'Gold monthly', 'amount', 20, 30, 1),
      ('tpl-birthday', 'Birthday', 'amount', 50, 14, 1)`);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', 'bronze', 'bronze', 1, 0)`);
  await withTransaction(pool, (tx) =>
    saveTierProgram(
      tx,
      {
        ...defaultTierRules,
        levels: [
          level("bronze", 0),
          level("silver", 1000, { monthlyCoupons: { couponTemplateId: "tpl-silver", count: 2 }, birthdayGift: { couponTemplateId: "tpl-birthday" } }),
          level("gold", 5000, { monthlyCoupons: { couponTemplateId: "tpl-gold", count: 3 }, birthdayGift: { couponTemplateId: "tpl-birthday" } }),
        ],
      },
      "test",
    ),
  );
});
afterEach(async () => {
  await pool.end();
  await t.drop();
});

async function member(externalId: string, tier: string, birthday: string | null = null): Promise<number> {
  const { rows } = await t.pool.query(
    `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id, birthday) VALUES ($1, $1, '2024-01-01Z', 'app', $2, $3) RETURNING id`,
    [externalId, tier, birthday],
  );
  return rows[0].id;
}

/** Coupons per member and template, from the coupons table alone. */
async function held(): Promise<Record<string, number>> {
  const { rows } = await t.pool.query(`SELECT m.external_id, c.template_id, count(*)::int AS n FROM coupons c JOIN members m ON m.id = c.member_id GROUP BY 1, 2 ORDER BY 1, 2`);
  return Object.fromEntries(rows.map((r) => [`${r.external_id}/${r.template_id}`, r.n]));
}

describe("benefitDayOf", () => {
  it("names the local month, year and today's birthdays; 29 Feb falls on 28 Feb in common years", () => {
    expect(benefitDayOf(new Date("2026-03-31T15:59:59Z"), "Asia/Shanghai")).toEqual({ month: "2026-03", year: "2026", date: "2026-03-31", birthdayCodes: [331] });
    expect(benefitDayOf(new Date("2026-03-31T16:00:00Z"), "Asia/Shanghai")).toEqual({ month: "2026-04", year: "2026", date: "2026-04-01", birthdayCodes: [401] });
    expect(benefitDayOf(new Date("2026-12-31T16:00:00Z"), "Asia/Shanghai")).toEqual({ month: "2027-01", year: "2027", date: "2027-01-01", birthdayCodes: [101] });
    expect(benefitDayOf(new Date("2027-02-28T04:00:00Z"), "Asia/Shanghai").birthdayCodes).toEqual([228, 229]);
    expect(benefitDayOf(new Date("2028-02-28T04:00:00Z"), "Asia/Shanghai").birthdayCodes).toEqual([228]);
    expect(benefitDayOf(new Date("2028-02-29T04:00:00Z"), "Asia/Shanghai").birthdayCodes).toEqual([229]);
    expect(benefitDayOf(new Date("2026-03-01T02:00:00Z"), "America/New_York")).toEqual({ month: "2026-02", year: "2026", date: "2026-02-28", birthdayCodes: [228, 229] });
  });
});

describe("monthly coupons", () => {
  it("issues the level's count once per month (Shanghai), and again the next month; levels without them get nothing", async () => {
    const s = await member("S-1", "silver");
    await member("B-1", "bronze");
    const first = await grantTierBenefits(pool, new Date("2026-03-10T04:00:00Z"));
    expect(first).toMatchObject({ month: "2026-03", monthly: 2, birthday: 0, refused: 0, skipped: [] });
    expect(await held()).toEqual({ "S-1/tpl-silver": 2 });
    // Later the same month, up to its last second in Shanghai (already April in no other zone than UTC+8's).
    expect(await grantTierBenefits(pool, new Date("2026-03-20T04:00:00Z"))).toMatchObject({ monthly: 0 });
    expect(await grantTierBenefits(pool, new Date("2026-03-31T15:59:59Z"))).toMatchObject({ month: "2026-03", monthly: 0 });
    expect(await held()).toEqual({ "S-1/tpl-silver": 2 });
    // 1 April 00:00 in Shanghai (still 31 March in UTC).
    expect(await grantTierBenefits(pool, new Date("2026-03-31T16:00:00Z"))).toMatchObject({ month: "2026-04", monthly: 2 });
    expect(await held()).toEqual({ "S-1/tpl-silver": 4 });
    const grants = await t.pool.query(`SELECT g.key, g.coupon_id IS NOT NULL AS linked, c.member_id FROM tier_benefit_grants g LEFT JOIN coupons c ON c.id = g.coupon_id ORDER BY g.key`);
    expect(grants.rows).toEqual(
      ["2026-03:1", "2026-03:2", "2026-04:1", "2026-04:2"].map((k) => ({ key: `tier-monthly:${s}:${k}`, linked: true, member_id: s })),
    );
  });

  it("a level change between months switches the template; an upgrade mid-month tops the month up to the new count", async () => {
    const s = await member("S-1", "silver");
    await grantTierBenefits(pool, new Date("2026-03-02T04:00:00Z"));
    await t.pool.query(`UPDATE members SET tier_id = 'gold' WHERE id = $1`, [s]);
    // Gold owes three this month: the third comes from gold's template.
    expect(await grantTierBenefits(pool, new Date("2026-03-15T04:00:00Z"))).toMatchObject({ monthly: 1 });
    expect(await held()).toEqual({ "S-1/tpl-silver": 2, "S-1/tpl-gold": 1 });
    await grantTierBenefits(pool, new Date("2026-04-01T04:00:00Z"));
    expect(await held()).toEqual({ "S-1/tpl-silver": 2, "S-1/tpl-gold": 4 });
    // Down to silver for May: silver's two, nothing of gold's.
    await t.pool.query(`UPDATE members SET tier_id = 'silver' WHERE id = $1`, [s]);
    await grantTierBenefits(pool, new Date("2026-05-01T04:00:00Z"));
    expect(await held()).toEqual({ "S-1/tpl-silver": 4, "S-1/tpl-gold": 4 });
  });

  // Small ranges issue in batches that lock (template, member) pairs; large ones (over 64 coupons of
  // a template) lock the template's row, which the claims' and coupons' foreign keys also touch.
  it("runs side by side, in small and large ranges, issue each member's coupons exactly once", async () => {
    const MEMBERS = 300;
    await t.pool.query(
      `INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id)
       SELECT 'C-' || n, 'C', '2024-01-01Z', 'app', CASE WHEN n % 3 = 0 THEN 'gold' WHEN n % 3 = 1 THEN 'silver' ELSE 'bronze' END FROM generate_series(1, $1::int) n`,
      [MEMBERS],
    );
    const at = new Date("2026-06-05T04:00:00Z");
    const pools = [createPool(t.url, 1), createPool(t.url, 2), createPool(t.url, 3)];
    try {
      const runs = await Promise.all(pools.map((p, i) => grantTierBenefits(p, at, { rangeSize: [20, 150, 120][i], concurrency: i + 1 })));
      const expected = (MEMBERS / 3) * 3 + (MEMBERS / 3) * 2;
      expect(runs.reduce((n, r) => n + r.monthly, 0)).toBe(expected);
      const { rows } = await t.pool.query(`
        SELECT count(*)::int AS coupons,
               count(*) FILTER (WHERE m.tier_id = 'gold' AND c.template_id <> 'tpl-gold' OR m.tier_id = 'silver' AND c.template_id <> 'tpl-silver' OR m.tier_id = 'bronze')::int AS wrong,
               (SELECT max(n) FROM (SELECT count(*) AS n FROM coupons GROUP BY member_id) x)::int AS most
        FROM coupons c JOIN members m ON m.id = c.member_id`);
      expect(rows[0]).toEqual({ coupons: expected, wrong: 0, most: 3 });
      // And once more, all at once: nothing.
      const again = await Promise.all(pools.map((p) => grantTierBenefits(p, at, { rangeSize: 50 })));
      expect(again.map((r) => r.monthly)).toEqual([0, 0, 0]);
      expect((await t.pool.query(`SELECT count(*)::int AS n FROM coupons`)).rows[0].n).toBe(expected);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it("continues from where a stopped run left off", async () => {
    const ids = [await member("S-1", "silver"), await member("S-2", "silver"), await member("S-3", "silver")];
    const at = new Date("2026-03-10T04:00:00Z");
    const part = await grantTierBenefits(pool, at, { rangeSize: 1, maxRanges: 1 });
    expect(part).toMatchObject({ monthly: 2, chunks: 1, next: ids[1] });
    const rest = await grantTierBenefits(pool, at, { rangeSize: 1, from: part.next! });
    expect(rest).toMatchObject({ monthly: 4, next: null });
    expect(await held()).toEqual({ "S-1/tpl-silver": 2, "S-2/tpl-silver": 2, "S-3/tpl-silver": 2 });
  });
});

describe("the birthday gift", () => {
  it("on the birthday from midnight in Shanghai, once a year; a level without it gives nothing", async () => {
    await member("S-1", "silver", "1990-03-15");
    await member("S-2", "silver", "1991-03-14");
    await member("B-1", "bronze", "1990-03-15");
    await member("G-1", "gold", null);
    const birthdays = async () => Object.fromEntries(Object.entries(await held()).filter(([k]) => k.endsWith("/tpl-birthday")));
    // 14 March 23:59:59 in Shanghai (15:59:59 UTC): S-2's birthday.
    expect(await grantTierBenefits(pool, new Date("2026-03-14T15:59:59Z"))).toMatchObject({ birthday: 1 });
    expect(await birthdays()).toEqual({ "S-2/tpl-birthday": 1 });
    // One second later it is 15 March in Shanghai (still the 14th in UTC): S-1's.
    expect(await grantTierBenefits(pool, new Date("2026-03-14T16:00:00Z"))).toMatchObject({ birthday: 1 });
    expect(await grantTierBenefits(pool, new Date("2026-03-15T15:00:00Z"))).toMatchObject({ birthday: 0 });
    expect(await grantTierBenefits(pool, new Date("2026-03-15T16:00:00Z"))).toMatchObject({ birthday: 0 });
    expect(await birthdays()).toEqual({ "S-1/tpl-birthday": 1, "S-2/tpl-birthday": 1 });
    // The next year's birthday again; S-2's, the day before, is caught up (no run covered 14 March 2027).
    expect(await grantTierBenefits(pool, new Date("2027-03-15T01:00:00Z"))).toMatchObject({ birthday: 2 });
    expect(await birthdays()).toEqual({ "S-1/tpl-birthday": 2, "S-2/tpl-birthday": 2 });
  });

  it("a day no run covered is caught up by the next run, up to a week back and within the year; days before the first run are not", async () => {
    const ids: Record<string, number> = {};
    for (const [id, birthday] of [
      ["BEFORE", "1990-06-02"], // before the first run: not caught up
      ["FIRST", "1990-06-05"],
      ["MISSED-1", "1990-06-06"],
      ["MISSED-2", "1990-06-07"],
      ["TODAY", "1990-06-08"],
      ["OLD", "1990-12-24"], // missed eight days before 1 Jan: out of reach
      ["EVE", "1990-12-31"], // missed on 31 Dec: the next year's key would take next year's gift
      ["NEWYEAR", "1990-01-02"],
    ] as const)
      ids[id] = await member(id, "silver", birthday);
    const birthdays = async () =>
      (await t.pool.query(`SELECT m.external_id, g.period FROM tier_benefit_grants g JOIN members m ON m.id = g.member_id WHERE g.kind = 'birthday' ORDER BY 1, 2`)).rows.map(
        (r) => `${r.external_id}:${r.period}`,
      );
    // 5 June (Shanghai) is the first day a run covers.
    expect(await grantTierBenefits(pool, new Date("2026-06-05T04:00:00Z"))).toMatchObject({ birthdayDays: ["2026-06-05"], birthday: 1 });
    // No run on 6 and 7 June; the run on 8 June grants those days' birthdays too, and once.
    expect(await grantTierBenefits(pool, new Date("2026-06-08T04:00:00Z"))).toMatchObject({ birthdayDays: ["2026-06-08", "2026-06-07", "2026-06-06"], birthday: 3 });
    expect(await grantTierBenefits(pool, new Date("2026-06-08T05:00:00Z"))).toMatchObject({ birthdayDays: ["2026-06-08"], birthday: 0 });
    expect(await birthdays()).toEqual(["FIRST:2026", "MISSED-1:2026", "MISSED-2:2026", "TODAY:2026"]);

    // Runs up to 23 December; then none until 2 January: 31 December's and 24 December's are not granted.
    expect(await grantTierBenefits(pool, new Date("2026-12-23T04:00:00Z"))).toMatchObject({ birthday: 0 });
    expect(await grantTierBenefits(pool, new Date("2027-01-02T04:00:00Z"))).toMatchObject({ birthdayDays: ["2027-01-02", "2027-01-01"], birthday: 1 });
    expect(await birthdays()).toEqual(["FIRST:2026", "MISSED-1:2026", "MISSED-2:2026", "NEWYEAR:2027", "TODAY:2026"]);
    // A week later: only the days since the last run, at most six back (26 Dec–1 Jan is last year's).
    const late = await grantTierBenefits(pool, new Date("2027-01-12T04:00:00Z"));
    expect(late.birthdayDays).toEqual(["2027-01-12", "2027-01-11", "2027-01-10", "2027-01-09", "2027-01-08", "2027-01-07", "2027-01-06"]);
  });

  it("a 29 February birthday on 28 February in common years, on 29 February in leap years", async () => {
    await member("L-1", "silver", "1992-02-29");
    await member("F-1", "silver", "1990-02-28");
    await member("M-1", "silver", "1990-03-01");
    const on = async (at: string) => (await grantTierBenefits(pool, new Date(at))).birthday;
    const keys = async () => (await t.pool.query(`SELECT m.external_id, g.period FROM tier_benefit_grants g JOIN members m ON m.id = g.member_id WHERE g.kind = 'birthday' ORDER BY g.period, m.external_id`)).rows;
    expect(await on("2027-02-27T04:00:00Z")).toBe(0);
    expect(await on("2027-02-28T04:00:00Z")).toBe(2); // L-1 and F-1
    expect(await on("2027-03-01T04:00:00Z")).toBe(1); // M-1 only
    expect(await on("2028-02-28T04:00:00Z")).toBe(1); // F-1 only: 2028 has a 29th
    expect(await on("2028-02-29T04:00:00Z")).toBe(1); // L-1
    expect(await keys()).toEqual([
      { external_id: "F-1", period: "2027" },
      { external_id: "L-1", period: "2027" },
      { external_id: "M-1", period: "2027" },
      { external_id: "F-1", period: "2028" },
      { external_id: "L-1", period: "2028" },
    ]);
  });
});

describe("templates that cannot issue", () => {
  it("an archived template is skipped without a claim (the run goes on), and granted once it is usable again that month", async () => {
    await member("S-1", "silver", "1990-03-10");
    await t.pool.query(`UPDATE coupon_templates SET archived_at = now() WHERE id = 'tpl-silver'`);
    const run = await grantTierBenefits(pool, new Date("2026-03-10T04:00:00Z"));
    expect(run).toMatchObject({ monthly: 0, birthday: 1 });
    expect(run.skipped).toEqual([{ kind: "monthly", tierId: "silver", templateId: "tpl-silver", reason: "archived" }]);
    expect(await held()).toEqual({ "S-1/tpl-birthday": 1 });
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM tier_benefit_grants WHERE kind = 'monthly'`)).rows[0].n).toBe(0);
    await t.pool.query(`UPDATE coupon_templates SET archived_at = NULL WHERE id = 'tpl-silver'`);
    expect(await grantTierBenefits(pool, new Date("2026-03-11T04:00:00Z"))).toMatchObject({ monthly: 2, birthday: 0, skipped: [] });
  });

  it("a template past its validity or out of stock is skipped; stock running out in the run is recorded per claim and not retried", async () => {
    await member("S-1", "silver");
    await member("S-2", "silver");
    await t.pool.query(`UPDATE coupon_templates SET valid_days = NULL, valid_to = '2026-01-01Z' WHERE id = 'tpl-silver'`);
    expect((await grantTierBenefits(pool, new Date("2026-03-10T04:00:00Z"))).skipped).toEqual([{ kind: "monthly", tierId: "silver", templateId: "tpl-silver", reason: "ended" }]);
    // Three left for four owed.
    await t.pool.query(`UPDATE coupon_templates SET valid_days = 30, valid_to = NULL, total_limit = 3 WHERE id = 'tpl-silver'`);
    expect(await grantTierBenefits(pool, new Date("2026-03-10T05:00:00Z"))).toMatchObject({ monthly: 3, refused: 1 });
    const { rows } = await t.pool.query(`SELECT count(*)::int AS claims, count(coupon_id)::int AS linked, count(*) FILTER (WHERE refused = 'limit')::int AS refused FROM tier_benefit_grants`);
    expect(rows[0]).toEqual({ claims: 4, linked: 3, refused: 1 });
    const again = await grantTierBenefits(pool, new Date("2026-03-10T06:00:00Z"));
    expect(again).toMatchObject({ monthly: 0, refused: 0 });
    expect(again.skipped).toEqual([{ kind: "monthly", tierId: "silver", templateId: "tpl-silver", reason: "out_of_stock" }]);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM coupons`)).rows[0].n).toBe(3);
  });
});

describe("the member page", () => {
  it("reads the level's benefits, with the names of the templates they issue from", async () => {
    const s = await member("S-1", "silver");
    const growth = await withTransaction(pool, (tx) => memberGrowth(tx, s));
    expect(growth.tier.benefits).toEqual({ ...defaultBenefits, monthlyCoupons: { couponTemplateId: "tpl-silver", count: 2 }, birthdayGift: { couponTemplateId: "tpl-birthday" } });
    expect(growth.benefitTemplates).toEqual({ "tpl-silver": "Silver monthly", "tpl-birthday": "Birthday" });
    const b = await member("B-1", "bronze");
    expect(await withTransaction(pool, (tx) => memberGrowth(tx, b))).toMatchObject({ tier: { benefits: defaultBenefits }, benefitTemplates: {} });
  });
});
