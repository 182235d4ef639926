import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "@/server/db/sql";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { engineTick } from "./engine-tick";
import { createMembers, exitNode, inlineCoupon, linearFlow, publishFlow, scheduledOnceForAll } from "@/server/testing/runtime-fixtures";

let t: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  pool = createPool(t.url, 2);
  await createMembers(t.pool, 3);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

describe("engine-tick (Inngest function)", () => {
  it("starts the due occurrence and sends one occurrence run for it, keyed by its flow", async () => {
    const { flowId } = await publishFlow(pool, linearFlow([scheduledOnceForAll(), inlineCoupon(), exitNode()]));
    const engine = new InngestTestEngine({
      function: engineTick,
      steps: [{ id: "run-occurrences-0", handler: () => ({ ids: ["sent-1"] }) }],
    });
    const { result, ctx } = await engine.execute();

    const occurrences = (await t.pool.query<{ id: string; status: string }>("SELECT id, status FROM trigger_occurrences WHERE flow_id = $1", [flowId])).rows;
    expect(occurrences).toHaveLength(1);
    expect(occurrences[0]!.status).toBe("pending");
    expect(result).toEqual({ occurrences: 1 });
    expect(ctx.step.sendEvent).toHaveBeenCalledWith("run-occurrences-0", [
      { name: "memberflow/occurrence.run", data: { occurrenceId: Number(occurrences[0]!.id), flowId } },
    ]);
    // The trigger fired once: it is disarmed, and no one entered yet (that is run-occurrence's work).
    const trigger = (await t.pool.query("SELECT armed, next_run_at FROM flow_triggers WHERE flow_id = $1", [flowId])).rows;
    expect(trigger).toEqual([{ armed: false, next_run_at: null }]);
    expect((await t.pool.query("SELECT 1 FROM journeys WHERE flow_id = $1", [flowId])).rowCount).toBe(0);
  });

  it("sends nothing when nothing is due", async () => {
    await t.pool.query("UPDATE trigger_occurrences SET status = 'done'");
    const engine = new InngestTestEngine({ function: engineTick });
    const { result, ctx } = await engine.execute();
    expect(result).toEqual({ occurrences: 0 });
    expect(ctx.step.sendEvent).not.toHaveBeenCalled();
  });
});
