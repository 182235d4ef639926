// Publish approval through the API, as the builder and the review page call it: what each role
// gets back (codes and field errors, never a 500) and that refused calls leave nothing behind.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TRPCError } from "@trpc/server";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { flowDraft, inlineCoupon, onceNow } from "@/server/flows/build";
import type { Role, Session } from "@/server/auth/roles";

vi.mock("server-only", () => ({}));
vi.mock("@/server/db", () => ({ db: {} }));

const { createCaller } = await import("@/server/api/root");

let t: TestDatabase;
const sessions: Record<string, Session> = {};
const api = (who: string) => createCaller({ db: t.db, session: sessions[who]!, headers: new Headers() });

async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError & { cause?: unknown };
}

beforeAll(async () => {
  t = await createTestDatabase();
  for (const [id, role] of [["admin", "admin"], ["marketer", "marketer"], ["viewer", "viewer"]] as [string, Role][]) {
    await t.db.user.create({ data: { id, email: `${id}@example.com`, name: id, role } });
    sessions[id] = { user: { id, role, name: id, email: `${id}@example.com` } };
  }
});
afterAll(() => t.drop());

describe("approvals over the API", () => {
  it("walks a request through: the setting, the marketer refused publishing, review, a bad rejection, approval", async () => {
    await expect(refusal(api("marketer").approvals.saveSetting({ publishNeedsApproval: true }))).resolves.toMatchObject({ code: "FORBIDDEN" });
    await api("admin").approvals.saveSetting({ publishNeedsApproval: true });

    const draft = flowDraft(
      [
        { id: "start", kind: "schedule_trigger", config: onceNow(new Date(Date.now() + 86_400_000)) },
        { id: "coupon", kind: "issue_coupon", config: inlineCoupon(20) },
      ],
      ["start>coupon"],
    );
    const flow = await api("marketer").flows.create({ name: "Via the API" });
    await api("marketer").flows.saveDraft({ id: flow.id, draft, layout: {} });

    const publish = await refusal(api("marketer").flows.publish({ id: flow.id }));
    expect(publish.code).toBe("FORBIDDEN");
    expect(publish.message).toMatch(/needs approval/);
    await expect(refusal(api("viewer").approvals.request({ flowId: flow.id }))).resolves.toMatchObject({ code: "FORBIDDEN" });

    const request = await api("marketer").approvals.request({ flowId: flow.id, note: "please" });
    await expect(refusal(api("marketer").approvals.request({ flowId: flow.id }))).resolves.toMatchObject({ code: "CONFLICT" });
    await expect(refusal(api("marketer").approvals.approve({ requestId: request.id }))).resolves.toMatchObject({ code: "FORBIDDEN" });
    expect((await api("viewer").approvals.forFlow({ flowId: flow.id })).pending?.id).toBe(request.id);
    expect((await api("viewer").approvals.review({ requestId: request.id })).diff.added.sort()).toEqual(["coupon", "start"]);

    // A rejection without a comment is a field error on "comment", not a server error, and changes nothing.
    const bad = await refusal(api("admin").approvals.reject({ requestId: request.id, comment: "  " }));
    expect(bad.code).toBe("BAD_REQUEST");
    expect(JSON.stringify(bad.cause)).toContain("Say why the request is rejected");
    await expect(refusal(api("admin").approvals.approve({ requestId: "no-such-request" }))).resolves.toMatchObject({ code: "NOT_FOUND" });
    expect((await t.pool.query(`SELECT status FROM flow_publish_requests WHERE id = $1`, [request.id])).rows[0].status).toBe("pending");

    await expect(api("admin").approvals.approve({ requestId: request.id })).resolves.toMatchObject({ version: 1 });
    const state = await api("marketer").approvals.forFlow({ flowId: flow.id });
    expect(state).toMatchObject({ pending: null, lastDecision: { status: "approved", publishedVersion: 1, decidedBy: { id: "admin" } } });
    expect((await api("marketer").flows.get({ id: flow.id })).currentVersion?.version).toBe(1);
  });
});
