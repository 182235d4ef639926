// The compiler against the reference evaluator: random datasets × random condition trees
// (fast-check), hostile values, and readable examples per field.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { and, conditionTreeSchema, emptyConditionTree, not, or, rule, type ConditionNode, type ConditionTree } from "./condition";
import { audienceMemberIds, compileCondition, countAudience, membersMatching, sampleAudience } from "./compile";
import { evaluateCondition, type EvalMember } from "./evaluate";
import { fieldCatalog, getField, type OperatorId } from "./fields";
import {
  BADGES,
  CHANNELS,
  DISTRICTS,
  EVENT_NAMES,
  NAMES,
  POINTS,
  PRODUCTS,
  PROVINCE_CITY,
  STAGES,
  TAGS,
  TEMPLATES,
  TIERS,
  insertCatalog,
  insertMembers,
  randomMembers,
} from "./test-data";

const NOW = new Date("2026-11-23T04:30:00Z");
const DAY = 86_400_000;
let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
  await insertCatalog(t.pool);
});
afterAll(() => t?.drop());

const expected = (members: EvalMember[], tree: ConditionTree) => members.filter((m) => evaluateCondition(tree, m, NOW)).map((m) => m.id);

// ───────────────────────────── arbitraries ─────────────────────────────

const chinaDay = (offsetDays: number) => new Date(NOW.getTime() + 8 * 3600_000 + offsetDays * DAY).toISOString().slice(0, 10);
const dateArb = fc.oneof(fc.integer({ min: -800, max: 5 }).map(chinaDay), fc.constantFrom("2026-06-01", "2024-02-29", "2026-11-23"));
const dateRangeArb = fc.tuple(dateArb, dateArb).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [string, string]);
const daysArb = fc.oneof(fc.constantFrom(1, 7, 30, 90, 180, 365), fc.integer({ min: 1, max: 900 }));
const windowArb = fc.oneof(
  fc.constantFrom(30, 90, 180, 365).map((days) => ({ kind: "last_days" as const, days })),
  daysArb.map((days) => ({ kind: "last_days" as const, days })),
  fc.constant({ kind: "all_time" as const }),
  dateRangeArb.map(([from, to]) => ({ kind: "range" as const, from, to })),
);
const moneyArb = fc.oneof(fc.constantFrom(0, 100, 500, 1000), fc.integer({ min: 0, max: 300000 }).map((c) => c / 100));
const hostile = fc.constantFrom("'; DROP TABLE members; --", "O'Brien", "%", "_", "\\", "😀", "上海市\u0000".slice(0, 3), '"quoted"');

function scalarFor(field: string): fc.Arbitrary<unknown> {
  switch (field) {
    case "province":
      return fc.oneof(fc.constantFrom(...PROVINCE_CITY.map((p) => p[0])), hostile);
    case "city":
      return fc.oneof(fc.constantFrom(...PROVINCE_CITY.map((p) => p[1])), hostile);
    case "business_district":
      return fc.oneof(fc.constantFrom(...DISTRICTS), hostile);
    case "registration_channel":
      return fc.constantFrom(...CHANNELS);
    case "gender":
      return fc.constantFrom("female", "male", "unknown");
    case "tier":
      return fc.constantFrom(...TIERS, "nope");
    case "lifecycle_stage":
      return fc.constantFrom(...STAGES);
    case "birthday_month":
      return fc.integer({ min: 1, max: 12 });
    case "days_until_birthday":
      return fc.oneof(fc.integer({ min: 0, max: 366 }), fc.constantFrom(0, 7, 30, 365));
    case "name":
      return fc.oneof(fc.constantFrom(...NAMES, "1", "O'", "%", "_"), hostile);
    case "phone":
      return fc.constantFrom("138", "00001", "0000", "9");
    case "email":
      return fc.constantFrom("@example.com", "m1", "m12@example.com", "%");
    case "points_balance":
      return fc.oneof(fc.constantFrom(...POINTS), fc.integer({ min: -10, max: 3100 }));
    case "growth_value":
      return fc.integer({ min: 0, max: 5100 });
    case "rfm_recency":
    case "rfm_frequency":
    case "rfm_monetary":
      return fc.integer({ min: 1, max: 5 });
    case "order_count":
    case "visit_count":
      return fc.integer({ min: 0, max: 6 });
    case "spend":
    case "avg_order_value":
      return moneyArb;
    case "coupons_held":
    case "coupons_redeemed":
      return fc.integer({ min: 0, max: 3 });
  }
  throw new Error(`no scalar for ${field}`);
}

const sorted = (arb: fc.Arbitrary<unknown>) =>
  fc.tuple(arb, arb).map(([a, b]) => ((a as number) <= (b as number) ? [a, b] : [b, a]));

function plainValue(field: string, op: OperatorId): fc.Arbitrary<unknown> {
  const s = scalarFor(field);
  if (op === "between") return sorted(s);
  if (op === "in" || op === "not_in") return fc.array(s, { minLength: 1, maxLength: 4 });
  if (op === "is_set" || op === "is_not_set") return fc.constant(undefined);
  return s;
}

const propertyArb = fc.oneof(
  fc.record({ path: fc.constantFrom("amount", "nested.level", "channel", "flag"), operator: fc.constantFrom("eq", "neq"), value: fc.constantFrom(50, 200, "200", "app", "it's", true, 2, "2") }),
  fc.record({ path: fc.constantFrom("amount", "nested.level"), operator: fc.constantFrom("gt", "gte", "lt", "lte"), value: fc.constantFrom(0, 50, 99.5, 100, 1.5) }),
  fc.record({ path: fc.constantFrom("amount", "channel", "nested.level", "nested"), operator: fc.constantFrom("in", "not_in"), value: fc.constantFrom([50, 200], ["app", "web"], ["2", 1], [true]) }),
  fc.record({ path: fc.constantFrom("channel", "amount"), operator: fc.constant("contains"), value: fc.constantFrom("ap", "'", "0") }),
  fc.record({ path: fc.constantFrom("channel", "nested", "nested.level", "missing.key"), operator: fc.constantFrom("exists", "not_exists") }),
);

function ruleArb(field: string): fc.Arbitrary<ConditionNode> {
  const def = getField(field)!;
  const ops = Object.keys(def.operators) as OperatorId[];
  return fc.constantFrom(...ops).chain((op): fc.Arbitrary<ConditionNode> => {
    const mk = (value: fc.Arbitrary<unknown>) => value.map((v) => rule(field, op, v));
    switch (def.type) {
      case "date":
        if (op === "between") return mk(dateRangeArb);
        if (op === "within_last_days" || op === "not_within_last_days") return mk(daysArb);
        if (op === "is_set" || op === "is_not_set") return mk(fc.constant(undefined));
        return mk(dateArb);
      case "boolean":
        return mk(fc.boolean());
      case "multi_enum": {
        const pool = field === "tags" ? TAGS : BADGES;
        return mk(fc.array(fc.oneof(fc.constantFrom(...pool), hostile), { minLength: 1, maxLength: 4 }));
      }
      case "window_count":
      case "window_money":
        return mk(fc.record({ window: windowArb, value: op === "between" ? sorted(scalarFor(field)) : scalarFor(field) }));
      case "window_set": {
        const pool = field === "purchased_products" ? [...PRODUCTS, 99] : [1, 2, 3, 4, 5];
        return mk(fc.record({ window: windowArb, value: fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 3 }) }));
      }
      case "event":
        return mk(
          fc.record({
            name: fc.constantFrom(...EVENT_NAMES),
            window: windowArb,
            atLeast: fc.constantFrom(1, 1, 2, 3),
            where: fc.array(propertyArb, { maxLength: 2 }),
          }),
        );
      case "coupon_count": {
        const base = { templateId: fc.constantFrom(undefined, null, ...TEMPLATES, "missing"), value: op === "between" ? sorted(scalarFor(field)) : scalarFor(field) };
        return mk(field === "coupons_redeemed" ? fc.record({ ...base, window: windowArb }) : fc.record(base));
      }
      default:
        return mk(plainValue(field, op));
    }
  });
}

const anyRule = fc.constantFrom(...fieldCatalog.map((f) => f.id)).chain(ruleArb);
const treeArb: fc.Arbitrary<ConditionTree> = fc.letrec<{ node: ConditionNode; group: ConditionTree }>((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, anyRule, anyRule, tie("group")),
  group: fc.record({
    type: fc.constant("group" as const),
    op: fc.constantFrom("and" as const, "or" as const),
    not: fc.constantFrom(undefined, false, true),
    children: fc.array(tie("node"), { maxLength: 4 }),
  }),
})).group.filter((tree) => conditionTreeSchema.safeParse(tree).success);

// ───────────────────────────── the property ─────────────────────────────

describe("compiled SQL equals the reference evaluator", () => {
  const datasets = [
    { seed: 11, size: 150 },
    { seed: 22, size: 90 },
    { seed: 33, size: 60 },
  ];
  let trivial = 0;
  let total = 0;
  for (const ds of datasets) {
    it(`random trees on dataset seed=${ds.seed} (${ds.size} members)`, { timeout: 120_000 }, async () => {
      const members = randomMembers(ds.seed, ds.size, NOW);
      await insertMembers(t.pool, members, NOW);
      await fc.assert(
        fc.asyncProperty(treeArb, async (tree) => {
          const want = expected(members, tree);
          total++;
          if (want.length === 0 || want.length === members.length) trivial++;
          // member_stats + resolved tag ids (the count path), and raw windows + names in SQL
          const viaStats = await audienceMemberIds(t.db, tree, { now: NOW, useStats: true });
          expect({ mode: "stats+lookups", ids: viaStats }).toEqual({ mode: "stats+lookups", ids: want });
          const q = membersMatching(tree, { now: NOW, useStats: false });
          const raw = (await t.pool.query<{ id: number }>(`${q.text} ORDER BY m.id`, q.values)).rows.map((r) => r.id);
          expect({ mode: "raw", ids: raw }).toEqual({ mode: "raw", ids: want });
        }),
        { numRuns: 110, seed: ds.seed, endOnFailure: false },
      );
    });
  }
  it("most trees select a non-trivial part of the members", () => {
    expect(total).toBeGreaterThanOrEqual(300);
    expect(trivial / total).toBeLessThan(0.6);
  });
});

// ───────────────────────────── hostile values ─────────────────────────────

describe("hostile values change nothing but the result", () => {
  it("quotes, SQL fragments, unicode, emoji and a 10k-value list", async () => {
    const members = randomMembers(7, 80, NOW);
    await insertMembers(t.pool, members, NOW);
    const huge = Array.from({ length: 10_000 }, (_, i) => `城市${i}'); DELETE FROM members; --`);
    const trees: ConditionTree[] = [
      and(rule("city", "in", [...huge, "上海市", "'; DROP TABLE members; --"])),
      and(rule("city", "not_in", huge)),
      and(rule("name", "contains", "'; DROP TABLE members; --")),
      and(rule("name", "contains", "%")),
      and(rule("name", "not_contains", "_")),
      and(rule("business_district", "eq", "徐家汇 \\ %_")),
      and(rule("tags", "has_any", ["it's", "😀 emoji", "x'); DROP TABLE member_tags; --"])),
      and(rule("tags", "has_all", ["100%_off", "it's"])),
      and(rule("badges", "has_none", ['a"b'])),
      and(rule("event", "did", { name: "order.placed", window: { kind: "all_time" }, where: [{ path: "channel", operator: "eq", value: "it's" }] })),
      and(rule("event", "did", { name: "order.placed", window: { kind: "all_time" }, where: [{ path: "channel", operator: "contains", value: "'; --" }] })),
      or(rule("province", "eq", "O'Brien省"), rule("city", "eq", "'; DROP TABLE members; --")),
    ];
    for (const tree of trees) {
      const got = await audienceMemberIds(t.db, tree, { now: NOW });
      expect(got).toEqual(expected(members, tree));
    }
    const counts = await t.pool.query("SELECT (SELECT count(*) FROM members)::int AS m, (SELECT count(*) FROM member_tags)::int AS t");
    expect(counts.rows[0]).toEqual({ m: 80, t: members.reduce((s, m) => s + m.tags.length, 0) });
  });

  it("never splices a value into the SQL text", () => {
    const q = compileCondition(and(rule("city", "eq", "'; DROP TABLE members; --"), rule("tags", "has_any", ["x'y"])), { now: NOW });
    expect(q.text).not.toContain("DROP");
    expect(q.text).not.toContain("x'y");
    expect(q.values).toContain("'; DROP TABLE members; --");
  });
});

// ───────────────────────────── examples per field ─────────────────────────────

describe("examples", () => {
  const d = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY);
  const base = (id: number, over: Partial<EvalMember>): EvalMember => ({
    id,
    externalId: `E${id}`,
    name: `会员${id}`,
    phone: null,
    email: null,
    gender: "unknown",
    province: null,
    city: null,
    businessDistrict: null,
    registeredAt: d(400),
    birthday: null,
    registrationChannel: "app",
    consentSms: false,
    consentEmail: false,
    consentPush: false,
    consentInApp: true,
    tierId: "bronze",
    pointsBalance: 0,
    growthValue: 0,
    tags: [],
    badges: [],
    orders: [],
    items: [],
    visits: [],
    events: [],
    coupons: [],
    stats: null,
    ...over,
  });
  // 1: Shanghai gold shopper; 2: Hangzhou lapsed; 3: Beijing new, nothing known
  const members: EvalMember[] = [
    base(1, {
      province: "上海市",
      city: "上海市",
      businessDistrict: "陆家嘴",
      tierId: "gold",
      registeredAt: new Date("2026-03-01T02:00:00Z"),
      birthday: "1990-11-30",
      consentSms: true,
      pointsBalance: 1200,
      growthValue: 6000,
      tags: ["高价值", "美妆爱好者"],
      badges: ["早鸟"],
      orders: [
        { placedAt: d(5), totalAmount: 300 },
        { placedAt: d(40), totalAmount: 250.5 },
      ],
      items: [
        { productId: 1, categoryId: 1, placedAt: d(5) },
        { productId: 2, categoryId: 2, placedAt: d(40) },
      ],
      visits: [{ visitedAt: d(1) }, { visitedAt: d(2) }],
      events: [{ name: "notification.clicked", occurredAt: d(3), properties: { campaign: { id: "c1" }, amount: 10 } }],
      coupons: [{ templateId: "tplA", status: "issued", validFrom: d(1), validTo: d(-10), redeemedAt: null }],
      stats: { rfmRecency: 5, rfmFrequency: 3, rfmMonetary: 4, lifecycleStage: "active" },
    }),
    base(2, {
      province: "浙江省",
      city: "杭州市",
      tierId: "silver",
      registeredAt: new Date("2025-05-31T17:00:00Z"), // 2025-06-01 01:00 China time
      birthday: "1988-02-29",
      tags: ["母婴"],
      orders: [{ placedAt: d(200), totalAmount: 80 }],
      items: [{ productId: 3, categoryId: 3, placedAt: d(200) }],
      coupons: [{ templateId: "tplB", status: "redeemed", validFrom: d(250), validTo: d(150), redeemedAt: d(199) }],
      stats: { rfmRecency: 2, rfmFrequency: 1, rfmMonetary: 1, lifecycleStage: "silent" },
    }),
    base(3, { province: "北京市", city: "北京市", registeredAt: d(3), email: "x@example.com" }),
  ];
  beforeAll(async () => {
    await insertMembers(t.pool, members, NOW);
  });
  const cases: [string, ConditionNode, number[]][] = [
    ["empty AND = everyone", emptyConditionTree(), [1, 2, 3]],
    ["empty OR = nobody", or(), []],
    ["NOT empty AND = nobody", not(and()), []],
    ["province", rule("province", "in", ["上海市", "北京市"]), [1, 3]],
    ["city not in includes unknown", rule("city", "not_in", ["上海市"]), [2, 3]],
    ["business district", rule("business_district", "is_set"), [1]],
    ["registered before (China day)", rule("registered_at", "before", "2025-06-01"), []],
    ["registered on (China day)", rule("registered_at", "on", "2025-06-01"), [2]],
    ["registered within 7 days", rule("registered_at", "within_last_days", 7), [3]],
    ["birthday month", rule("birthday_month", "eq", 11), [1]],
    ["days until birthday", rule("days_until_birthday", "lte", 10), [1]],
    ["channel", rule("registration_channel", "eq", "app"), [1, 2, 3]],
    ["consent", rule("consent_sms", "eq", true), [1]],
    ["tier", rule("tier", "in", ["gold", "platinum"]), [1]],
    ["points", rule("points_balance", "between", [1000, 2000]), [1]],
    ["growth", rule("growth_value", "gt", 5000), [1]],
    ["tags any", rule("tags", "has_any", ["高价值", "母婴"]), [1, 2]],
    ["tags all", rule("tags", "has_all", ["高价值", "美妆爱好者"]), [1]],
    ["tags none", rule("tags", "has_none", ["高价值"]), [2, 3]],
    ["badges", rule("badges", "has_any", ["早鸟"]), [1]],
    ["name contains", rule("name", "contains", "员2"), [2]],
    ["email unknown", rule("email", "is_not_set"), [1, 2]],
    ["orders in 90 days ≥ 2", rule("order_count", "gte", { window: { kind: "last_days", days: 90 }, value: 2 }), [1]],
    ["orders in 45 days = 2", rule("order_count", "eq", { window: { kind: "last_days", days: 45 }, value: 2 }), [1]],
    ["no orders ever", rule("order_count", "eq", { window: { kind: "all_time" }, value: 0 }), [3]],
    ["spend in 365 days ≥ 500", rule("spend", "gte", { window: { kind: "last_days", days: 365 }, value: 500 }), [1]],
    ["spend < 100 includes zero", rule("spend", "lt", { window: { kind: "all_time" }, value: 100 }), [2, 3]],
    ["AOV", rule("avg_order_value", "gt", { window: { kind: "all_time" }, value: 275 }), [1]],
    ["last order within 30 days", rule("last_order_date", "within_last_days", 30), [1]],
    ["last order not within 90 days", rule("last_order_date", "not_within_last_days", 90), [2, 3]],
    ["bought product 3 in range", rule("purchased_products", "has_any", { window: { kind: "range", from: chinaDay(-210), to: chinaDay(-190) }, value: [3] }), [2]],
    ["bought categories 1 and 2", rule("purchased_categories", "has_all", { window: { kind: "all_time" }, value: [1, 2] }), [1]],
    ["visits in 30 days", rule("visit_count", "gte", { window: { kind: "last_days", days: 30 }, value: 2 }), [1]],
    ["last visit unknown", rule("last_visit_date", "is_not_set"), [2, 3]],
    [
      "event with property",
      rule("event", "did", { name: "notification.clicked", window: { kind: "last_days", days: 7 }, where: [{ path: "campaign.id", operator: "eq", value: "c1" }] }),
      [1],
    ],
    ["event did not", rule("event", "did_not", { name: "notification.clicked", window: { kind: "all_time" }, atLeast: 1 }), [2, 3]],
    ["RFM recency", rule("rfm_recency", "gte", 4), [1]],
    ["RFM frequency", rule("rfm_frequency", "not_in", [1, 2]), [1]],
    ["RFM default without stats row", rule("rfm_monetary", "eq", 1), [2, 3]],
    ["lifecycle (no stats row = new)", rule("lifecycle_stage", "in", ["new", "silent"]), [2, 3]],
    ["coupons held", rule("coupons_held", "gte", { templateId: "tplA", value: 1 }), [1]],
    ["coupons redeemed in 365 days", rule("coupons_redeemed", "eq", { window: { kind: "last_days", days: 365 }, value: 1 }), [2]],
    [
      "nested and/or/not",
      and(or(rule("city", "eq", "上海市"), rule("city", "eq", "杭州市")), not(and(rule("tier", "eq", "silver")))),
      [1],
    ],
  ];
  it.each(cases)("%s", async (_name, node, want) => {
    const tree: ConditionTree = node.type === "group" ? node : and(node);
    expect(expected(members, tree)).toEqual(want);
    expect(await audienceMemberIds(t.db, tree, { now: NOW })).toEqual(want);
    expect(await audienceMemberIds(t.db, tree, { now: NOW, useStats: false })).toEqual(want);
    expect(await countAudience(t.db, tree, { now: NOW })).toBe(want.length);
  });
  it("samples members", async () => {
    const rows = await sampleAudience(t.db, and(rule("city", "is_set")), 2, { now: NOW });
    expect(rows.map((r) => r.id)).toEqual([1, 2]);
    expect(rows[0]).toMatchObject({ externalId: "E1", city: "上海市", tierId: "gold" });
  });
  it("every catalog field has an example", () => {
    const covered = new Set<string>();
    const walk = (n: ConditionNode) => (n.type === "rule" ? covered.add(n.field) : n.children.forEach(walk));
    cases.forEach(([, n]) => walk(n));
    const missing = fieldCatalog.map((f) => f.id).filter((id) => !covered.has(id) && !["gender", "consent_email", "consent_push", "consent_in_app", "phone"].includes(id));
    expect(missing).toEqual([]);
  });
});

describe("schema", () => {
  it("reports field-level paths", () => {
    const r = conditionTreeSchema.safeParse(
      and(rule("city", "in", []), or(rule("order_count", "gte", { window: { kind: "last_days", days: 0 }, value: 2 }), rule("nope", "eq", 1), rule("tier", "before", "x"))),
    );
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["children.0.value", "children.1.children.0.value.window.days", "children.1.children.1.field", "children.1.children.2.operator"]));
  });
  it("limits depth", () => {
    let tree: ConditionTree = and(rule("tier", "eq", "gold"));
    for (let i = 0; i < 5; i++) tree = and(tree);
    expect(conditionTreeSchema.safeParse(tree).success).toBe(false);
  });
});
