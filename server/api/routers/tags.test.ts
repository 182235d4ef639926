// The tags API as a marketer calls it: a rule tag is evaluated when it is made, each change has its
// audit entry, and refused input answers a field-level 4xx with nothing written.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TRPCError } from "@trpc/server";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import type { Session } from "@/server/auth/roles";

vi.mock("server-only", () => ({}));
vi.mock("@/server/db", () => ({ db: {} }));

let t: TestDatabase;
let api: ReturnType<typeof import("@/server/api/root").createCaller>;
const marketer: Session = { user: { id: "u-m", role: "marketer", name: "Mia", email: "mia@example.test" } };

beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url; // the router's raw-SQL pool
  const { createCaller } = await import("@/server/api/root");
  api = createCaller({ db: t.db, session: marketer, headers: new Headers() });
  await t.pool.query(`INSERT INTO tiers (id, name, name_en, rank, growth_threshold) VALUES ('bronze', '青铜', 'Bronze', 1, 0)`);
  await t.pool.query(`
    INSERT INTO members (external_id, name, registered_at, registration_channel, tier_id, city)
    SELECT 'M-' || n, 'Member ' || n, now(), 'app', 'bronze', CASE WHEN n <= 3 THEN 'Shanghai' ELSE 'Suzhou' END FROM generate_series(1, 10) n`);
});
afterAll(async () => {
  const { sharedPool } = await import("@/server/db/sql");
  await sharedPool().end();
  await t.drop();
});

const codeOf = async (call: Promise<unknown>) => {
  try {
    await call;
    return "OK";
  } catch (error) {
    return error instanceof TRPCError ? `${error.code}:${JSON.stringify((error.cause as { details?: unknown } | undefined)?.details ?? null)}` : "THROWN";
  }
};

describe("tags API", () => {
  it("makes a rule tag, evaluates it, and audits it", async () => {
    const made = await api.tags.createTag({ name: "Shanghai", kind: "rule", condition: { type: "group", op: "and", children: [{ type: "rule", field: "city", operator: "eq", value: "Shanghai" }] } });
    // No worker queue in this test database: evaluated at once (with a worker, it is queued).
    expect(made.evaluation).toEqual({ queued: false, entered: 3, left: 0 });
    const list = await api.tags.list();
    expect(list.find((r) => r.id === made.id)).toMatchObject({ kind: "rule", members: 3, lastRun: { cause: "saved", entered: 3 } });
    expect((await t.pool.query(`SELECT action, entity_id FROM audit_logs WHERE action = 'tag.create'`)).rows).toEqual([{ action: "tag.create", entity_id: String(made.id) }]);
  });

  it("refuses bad input with a field-level 4xx and writes nothing", async () => {
    const [{ id }] = (await t.pool.query(`SELECT id FROM tags WHERE name = 'Shanghai'`)).rows;
    await t.pool.query(`INSERT INTO audiences (id, name, kind, condition) VALUES ('a1', 'All', 'condition', '{"type":"group","op":"and","children":[]}')`);
    expect(await codeOf(api.tags.startJob({ target: "tag", id, action: "add", audienceId: "a1" }))).toBe(`BAD_REQUEST:{"field":"id"}`);
    expect(await codeOf(api.tags.startJob({ target: "tag", id: 999, action: "add", audienceId: "a1" }))).toBe(`NOT_FOUND:{"field":"id"}`);
    expect(await codeOf(api.tags.createTag({ name: "Shanghai", kind: "manual" }))).toBe(`CONFLICT:{"field":"name"}`);
    expect(await codeOf(api.tags.createTag({ name: "", kind: "manual" }))).toMatch(/^BAD_REQUEST/);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM tag_jobs`)).rows).toEqual([{ n: 0 }]);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action LIKE 'tag.%'`)).rows).toEqual([{ n: 1 }]);
  });
});
