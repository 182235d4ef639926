// Every tRPC procedure × every role, with the procedures listed from the router itself (as the
// fuzz test lists them): a procedure added without an entry here fails, and so does one whose
// server check differs from what its entry says. Signed out, everything but the public procedures
// answers UNAUTHORIZED; a role without the permission answers FORBIDDEN; a role with it gets past
// the check (the deliberately invalid input then answers BAD_REQUEST, or a query without input runs).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TRPCError } from "@trpc/server";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { permissions, roles, type Permission, type Role, type Session } from "@/server/auth/roles";

vi.mock("server-only", () => ({}));
vi.mock("@/server/db", () => ({ db: {} }));

const { appRouter, createCaller } = await import("@/server/api/root");

/** What each procedure needs: "public" (no session), "read" (any signed-in role) or a permission. */
const expected: Record<string, "public" | "read" | Permission> = {
  "health.ping": "public",
  "flows.list": "read",
  "flows.templates": "read",
  "flows.get": "read",
  "flows.create": "editFlows",
  "flows.saveDraft": "editFlows",
  "flows.publish": "editFlows",
  "flows.setStatus": "editFlows",
  "flows.liveCounts": "read",
  "flows.results": "read",
  "flows.membersAtNode": "read",
  "flows.compare": "read",
  "flows.revert": "editFlows",
  "flows.duplicate": "editFlows",
  "flows.export": "read",
  "flows.import": "editFlows",
  "members.list": "read",
  "members.filterOptions": "read",
  "members.get": "read",
  "members.orders": "read",
  "members.timeline": "read",
  "members.journeys": "read",
  "members.points": "read",
  "members.erasure": "read",
  "members.setConsent": "manageMemberPrivacy",
  "members.exportData": "manageMemberPrivacy",
  "members.erase": "manageMemberPrivacy",
  "audiences.fields": "read",
  "audiences.options": "read",
  "audiences.count": "read",
  "audiences.sample": "read",
  "audiences.list": "read",
  "audiences.get": "read",
  "audiences.refreshSize": "editAudiences",
  "audiences.create": "editAudiences",
  "audiences.update": "editAudiences",
  "audiences.usage": "read",
  "audiences.archive": "editAudiences",
  "audiences.importCsv": "editAudiences",
  "approvals.setting": "read",
  "approvals.saveSetting": "manageSettings",
  "approvals.forFlow": "read",
  "approvals.pending": "read",
  "approvals.review": "read",
  "approvals.forecast": "approveFlows",
  "approvals.request": "editFlows",
  "approvals.withdraw": "editFlows",
  "approvals.approve": "approveFlows",
  "approvals.reject": "approveFlows",
  "engine.testRun": "editFlows",
  "engine.forecast": "editFlows",
  "engine.splitCounts": "read",
  "storefront.keys": "manageSettings",
  "storefront.createKey": "manageSettings",
  "storefront.revokeKey": "manageSettings",
  "storefront.webhooks": "manageSettings",
  "storefront.createWebhook": "manageSettings",
  "storefront.setWebhookEnabled": "manageSettings",
  "storefront.testWebhook": "manageSettings",
  "storefront.deliveries": "manageSettings",
  "storefront.redeliver": "manageSettings",
  "content.banners.placements": "read",
  "content.banners.createPlacement": "editContent",
  "content.banners.updatePlacement": "editContent",
  "content.banners.archivePlacement": "editContent",
  "content.banners.creatives": "read",
  "content.banners.creative": "read",
  "content.banners.createCreative": "editContent",
  "content.banners.updateCreative": "editContent",
  "content.banners.archiveCreative": "editContent",
  "content.messages.list": "read",
  "content.messages.get": "read",
  "content.messages.create": "editContent",
  "content.messages.update": "editContent",
  "content.messages.archive": "editContent",
  "content.messages.preview": "read",
  "content.messages.outbox": "read",
  "content.messages.outboxCounts": "read",
  "content.messages.outboxMessage": "read",
  "content.messages.outboxFlows": "read",
  "content.couponTemplates": "read",
  "content.couponTemplate": "read",
  "content.createCouponTemplate": "editContent",
  "content.updateCouponTemplate": "editContent",
  "content.archiveCouponTemplate": "editContent",
  "content.priceLists": "read",
  "content.priceList": "read",
  "content.previewPrices": "read",
  "content.createPriceList": "editContent",
  "content.updatePriceList": "editContent",
  "content.archivePriceList": "editContent",
  "insights.overview": "read",
  "insights.radar": "read",
  "insights.groupMembers": "read",
  "insights.saveGroupAudience": "saveChartAudiences",
  "insights.frequency": "read",
  "insights.frequencyMembers": "read",
  "insights.saveFrequencyAudience": "saveChartAudiences",
  "insights.targetInFlow": "editFlows",
  "loyalty.program": "read",
  "loyalty.saveProgram": "manageSettings",
  "loyalty.redeemForCoupons": "redeemMemberPoints",
  "tags.list": "read",
  "tags.badges": "read",
  "tags.runs": "read",
  "tags.runMembers": "read",
  "tags.job": "read",
  "tags.jobs": "read",
  "tags.member": "read",
  "tags.createTag": "editAudiences",
  "tags.createBadge": "editAudiences",
  "tags.saveRule": "editAudiences",
  "tags.evaluate": "editAudiences",
  "tags.startJob": "editAudiences",
  "loyalty.tierProgram": "read",
  "loyalty.previewTierProgram": "manageSettings",
  "loyalty.saveTierProgram": "manageSettings",
  "loyalty.memberGrowth": "read",
  "lifecycle.settings": "read",
  "lifecycle.preview": "manageSettings",
  "lifecycle.save": "manageSettings",
  "lifecycle.memberHistory": "read",
  "auth.needsFirstAdmin": "public",
  "auth.createFirstAdmin": "public",
  "auth.invitation": "public",
  "auth.acceptInvitation": "public",
  "users.list": "manageUsers",
  "users.invite": "manageUsers",
  "users.revokeInvitation": "manageUsers",
  "users.setRole": "manageUsers",
  "audit.list": "readAudit",
};

type Procedure = { _def: { type: "query" | "mutation" | "subscription" } };
const procedures = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures).map(([path, p]) => ({
  path,
  type: p._def.type,
}));

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const sessionFor = (role: Role): Session => ({ user: { id: `matrix-${role}`, role, name: `Matrix ${role}`, email: `${role}@matrix.test` } });

/** The tRPC code a call answers with, or "OK". The input is never valid (-1), so nothing is changed. */
async function codeOf(session: Session | null, path: string, type: string): Promise<string> {
  const caller = createCaller({ db: t.db, session, headers: new Headers() }) as unknown as Record<string, unknown>;
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (input: unknown) => Promise<unknown>;
  try {
    void type;
    await fn(-1);
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? error.code : "THROWN";
  }
}

describe("roles × procedures", () => {
  it("every procedure of the router has an entry in the matrix, and every entry a procedure", () => {
    const paths = procedures.map((p) => p.path).sort();
    expect(paths.filter((p) => !(p in expected)), "procedures without an entry: add each with the permission it needs").toEqual([]);
    expect(Object.keys(expected).filter((p) => !paths.includes(p)).sort(), "entries without a procedure").toEqual([]);
    expect(procedures.length).toBeGreaterThan(80);
  });

  it("signed out: UNAUTHORIZED everywhere but the public procedures", async () => {
    const wrong: string[] = [];
    for (const { path, type } of procedures) {
      const code = await codeOf(null, path, type);
      const isPublic = expected[path] === "public";
      if (isPublic ? code === "UNAUTHORIZED" || code === "FORBIDDEN" : code !== "UNAUTHORIZED") wrong.push(`${path}: ${code}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each(roles)("%s: FORBIDDEN exactly where the role lacks the permission", async (role) => {
    const wrong: string[] = [];
    for (const { path, type } of procedures) {
      const need = expected[path]!;
      const allowed = need === "public" || need === "read" || (permissions[need] as readonly Role[]).includes(role);
      const code = await codeOf(sessionFor(role), path, type);
      const refused = code === "FORBIDDEN" || code === "UNAUTHORIZED";
      if (allowed === refused) wrong.push(`${path}: ${code} (expected ${allowed ? "allowed" : "FORBIDDEN"})`);
    }
    expect(wrong).toEqual([]);
  });

  it("the roles hold what the product says: admin all, marketer builds, analyst analyses, viewer reads", () => {
    const holders = (role: Role) => (Object.keys(permissions) as Permission[]).filter((p) => (permissions[p] as readonly Role[]).includes(role)).sort();
    expect(holders("admin")).toEqual((Object.keys(permissions) as Permission[]).sort());
    expect(holders("marketer")).toEqual(["editAudiences", "editContent", "editFlows", "exportData", "redeemMemberPoints", "saveChartAudiences"]);
    expect(holders("analyst")).toEqual(["exportData", "saveChartAudiences"]);
    expect(holders("viewer")).toEqual([]);
  });
});
