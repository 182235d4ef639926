// Settings → Lifecycle through tRPC: bad thresholds answer 400 field by field and change nothing;
// a save stores the settings with its audit entry; the preview counts what the save's evaluation
// then produces; a member's history reads back newest first.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { createPool, type Pool } from "@/server/db/sql";
import { evaluateLifecycle } from "@/server/loyalty/lifecycle/evaluate";
import { defaultLifecycleSettings } from "@/server/loyalty/lifecycle/settings-schema";
import { refreshMemberStats } from "@/server/members/stats";
import { createMembers } from "@/server/testing/runtime-fixtures";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import type { Session } from "@/server/auth/roles";

vi.mock("server-only", () => ({}));
vi.mock("@/server/db", () => ({ db: {} }));
const { createCaller } = await import("@/server/api/root");

let t: TestDatabase;
let pool: Pool;
let ids: number[];
const admin: Session = { user: { id: "admin-1", role: "admin", name: "Admin", email: "admin@example.test" } };
const api = () => createCaller({ db: t.db, session: admin, headers: new Headers() });

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 2);
  await t.pool.query(`INSERT INTO users (id, email, name, role) VALUES ('admin-1', 'admin@example.test', 'Admin', 'admin')`);
  ids = await createMembers(t.pool, 4); // registered 2024-01-01, no orders
  await t.pool.query(`INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES ('O-1', $1, now() - interval '20 days', 50), ('O-2', $2, now() - interval '120 days', 90)`, [ids[0], ids[1]]);
  await refreshMemberStats(t.pool);
  await evaluateLifecycle(pool, new Date());
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("lifecycle router", () => {
  it("refuses bad thresholds with 400 and the fields at fault, saving nothing", async () => {
    const error = await api()
      .lifecycle.save({ ...defaultLifecycleSettings, activeDays: 200, silentDays: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    const issues = ((error as TRPCError).cause as ZodError).issues.map((i) => [i.path.join("."), i.message]);
    expect(issues).toEqual([["silentDays", "Must be more than the active days"]]);
    const stored = await t.pool.query(`SELECT count(*)::int AS n FROM lifecycle_settings WHERE config IS NOT NULL AND config->>'activeDays' = '200'`);
    expect(stored.rows[0].n).toBe(0);
  });

  it("previews, saves with an audit entry, and the evaluation lands on the preview", async () => {
    const next = { ...defaultLifecycleSettings, activeDays: 10, silentDays: 100, churnRiskDays: 200 };
    const { current, preview } = await api().lifecycle.preview(next);
    expect(current).toEqual({ new: 0, active: 1, silent: 1, churn_risk: 0, churned: 2 });
    expect(preview).toEqual({ new: 0, active: 0, silent: 1, churn_risk: 1, churned: 2 });
    const saved = await api().lifecycle.save(next);
    expect(saved.settings).toEqual(next);
    const audit = await t.pool.query(`SELECT action, actor FROM audit_logs WHERE entity_type = 'lifecycle_settings'`);
    expect(audit.rows).toEqual([{ action: "lifecycle.settings.save", actor: "admin@example.test" }]);
    expect((await api().lifecycle.settings()).settings).toEqual(next);

    await evaluateLifecycle(pool, saved.savedAt, { reason: "settings" });
    const { rows } = await t.pool.query(`SELECT lifecycle_stage::text AS s, count(*)::int AS n FROM member_stats GROUP BY 1 ORDER BY 1`);
    expect(Object.fromEntries(rows.map((r) => [r.s, r.n]))).toEqual({ silent: 1, churn_risk: 1, churned: 2 });
    const history = await api().lifecycle.memberHistory({ id: ids[0]! });
    expect(history.map((h) => [h.from_stage, h.to_stage, h.reason])).toEqual([["active", "silent", "settings"]]);
  });
});
