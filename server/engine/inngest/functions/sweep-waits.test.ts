import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "@/server/db/sql";
import { runOccurrence, tick } from "@/server/engine/triggers";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { sweepWaits } from "./sweep-waits";
import { createMembers, exitNode, inlineCoupon, linearFlow, publishFlow, scheduledOnceForAll } from "@/server/testing/runtime-fixtures";

const MEMBERS = 5;

let t: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  pool = createPool(t.url, 2);
  await createMembers(t.pool, MEMBERS);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("sweep-waits (Inngest function)", () => {
  it("moves journeys whose wait is due on to the next node, and leaves the others waiting", async () => {
    // Every member enters, then waits a day before the coupon.
    const definition = linearFlow([scheduledOnceForAll(), { id: "wait", kind: "delay", config: { amount: 1, unit: "days" } }, inlineCoupon(), exitNode()]);
    const { flowId } = await publishFlow(pool, definition);
    for (const id of await tick(pool)) await runOccurrence(pool, id);
    const waiting = async () =>
      (await t.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM journeys WHERE flow_id = $1 AND status = 'waiting' AND current_node_id = 'wait'", [flowId])).rows[0]!.n;
    expect(await waiting()).toBe(MEMBERS);

    // Nothing is due yet.
    const idle = await new InngestTestEngine({ function: sweepWaits }).execute();
    expect(idle.result).toEqual({ moved: 0 });

    // Three deadlines pass.
    await t.pool.query(
      "UPDATE journeys SET wait_until = now() - interval '1 minute' WHERE id IN (SELECT id FROM journeys WHERE flow_id = $1 ORDER BY member_id LIMIT 3)",
      [flowId],
    );
    const { result, ctx } = await new InngestTestEngine({ function: sweepWaits }).execute();
    expect(result).toEqual({ moved: 3 });
    expect(ctx.step.run).toHaveBeenCalledWith("sweep-0", expect.any(Function));
    expect(await waiting()).toBe(2);
    expect((await t.pool.query("SELECT 1 FROM coupons WHERE flow_id = $1", [flowId])).rowCount).toBe(3);
  });
});
