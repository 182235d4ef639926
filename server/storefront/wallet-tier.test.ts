// The wallet's `tier` over real HTTP (the wallet and OpenAPI routes' handlers behind a Node HTTP
// server: key auth, the response checked against its schema, and all): the member's level with its
// benefits as saved in Settings → Tiers, the coupons the benefit grants issued among the wallet's
// coupons, and the contract documenting the field.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { grantTierBenefits } from "@/server/loyalty/tiers/benefit-grants";
import { saveTierProgram } from "@/server/loyalty/tiers/program";
import { defaultBenefits, defaultTierRules } from "@/server/loyalty/tiers/program-schema";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { serveHandler, type Served } from "@/server/testing/http";

vi.mock("server-only", () => ({}));

let t: TestDatabase;
let pool: Pool;
let served: Served;
let key: string;

const gold = {
  discountPercent: 7.5,
  pointsMultiplier: 1.5,
  monthlyCoupons: { couponTemplateId: "tpl-gold", count: 2 },
  birthdayGift: { couponTemplateId: "tpl-gold" },
  notes: ["Free shipping", "顾问服务"],
};

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url; // the route's modules read it when loaded
  const wallet = await import("@/app/api/storefront/v1/members/[externalId]/wallet/route");
  const openapi = await import("@/app/api/storefront/v1/openapi.json/route");
  const { createStorefrontKey } = await import("@/server/storefront/keys");
  pool = createPool(t.url, 2);
  await t.pool.query(`INSERT INTO coupon_templates (id, name, type, value, valid_days, per_member_max) VALUES ('tpl-gold', 'Gold ¥20', 'amount', 20, 30, 100)`);
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0)`);
  const levels = [
    { id: "bronze", name: "青铜", nameEn: "Bronze", threshold: 0, benefits: defaultBenefits },
    { id: "gold", name: "黄金", nameEn: "Gold", threshold: 5000, benefits: gold },
  ];
  await withTransaction(pool, (tx) => saveTierProgram(tx, { ...defaultTierRules, levels }, "test"));
  await t.pool.query(`INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id) VALUES ('W-G', 'G', now(), 'app', 'gold'), ('W-B', 'B', now(), 'app', 'bronze')`);
  key = (await createStorefrontKey(t.db, { name: "shop", scopes: ["wallet:read"] })).key;
  served = await serveHandler(async (request) => {
    const url = new URL(request.url);
    const member = /^\/api\/storefront\/v1\/members\/([^/]+)\/wallet$/.exec(url.pathname)?.[1];
    return member ? wallet.GET(request, { params: Promise.resolve({ externalId: decodeURIComponent(member) }) }) : openapi.GET();
  });
});
afterAll(async () => {
  await served.close();
  await pool.end();
  await t.drop();
});

const walletOf = async (member: string) => {
  const response = await fetch(`${served.base}/api/storefront/v1/members/${member}/wallet`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as { member: { tier: string }; tier: unknown; coupons: { name: string }[] } };
};

describe("the wallet's tier", () => {
  it("names the member's level and its benefits as saved", async () => {
    const { status, body } = await walletOf("W-G");
    expect(status).toBe(200);
    expect(body.member.tier).toBe("gold");
    expect(body.tier).toEqual({ id: "gold", name: "黄金", nameEn: "Gold", benefits: gold });
    expect((await walletOf("W-B")).body.tier).toEqual({ id: "bronze", name: "青铜", nameEn: "Bronze", benefits: defaultBenefits });
  });

  it("reads benefits stored by an older program (a list of texts) as notes", async () => {
    await t.pool.query(`UPDATE tiers SET benefits = '["Priority support"]'::jsonb WHERE id = 'bronze'`);
    expect((await walletOf("W-B")).body.tier).toMatchObject({ id: "bronze", benefits: { ...defaultBenefits, notes: ["Priority support"] } });
  });

  it("shows the month's granted coupons among the usable ones", async () => {
    await grantTierBenefits(pool, new Date());
    const { body } = await walletOf("W-G");
    expect(body.coupons.map((c) => c.name)).toEqual(["Gold ¥20", "Gold ¥20"]);
    expect((await walletOf("W-B")).body.coupons).toEqual([]);
  });

  it("is in the OpenAPI document: the wallet's `tier`, a WalletTier with every benefit", async () => {
    const doc = (await (await fetch(`${served.base}/api/storefront/v1/openapi.json`)).json()) as {
      paths: Record<string, { get: { responses: { 200: { content: { "application/json": { schema: { $ref: string } } } } } } }>;
      components: { schemas: Record<string, { properties: Record<string, { $ref?: string; properties?: Record<string, unknown> }>; required?: string[] }> };
    };
    const ref = doc.paths["/members/{externalId}/wallet"]!.get.responses[200].content["application/json"].schema.$ref;
    const walletSchema = doc.components.schemas[ref.split("/").pop()!]!;
    expect(walletSchema.properties.tier?.$ref).toBe("#/components/schemas/WalletTier");
    expect(walletSchema.required).toContain("tier");
    const tier = doc.components.schemas.WalletTier!;
    expect(Object.keys(tier.properties.benefits!.properties!).sort()).toEqual(["birthdayGift", "discountPercent", "monthlyCoupons", "notes", "pointsMultiplier"]);
  });
});
