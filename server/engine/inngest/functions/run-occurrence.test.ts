import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "@/server/db/sql";
import { tick } from "@/server/engine/triggers";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { runOccurrence } from "./run-occurrence";
import { createMembers, exitNode, inlineCoupon, linearFlow, publishFlow, scheduledOnceForAll } from "@/server/testing/runtime-fixtures";

const MEMBERS = 12;

let t: TestDatabase;
let pool: Pool;
let memberIds: number[];
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  pool = createPool(t.url, 2);
  memberIds = await createMembers(t.pool, MEMBERS);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

/** A published broadcast and its due occurrence (started by the engine's tick). */
async function dueBroadcast() {
  const { flowId } = await publishFlow(pool, linearFlow([scheduledOnceForAll(), inlineCoupon(), exitNode()]));
  await tick(pool);
  const [row] = (await t.pool.query<{ id: string }>("SELECT id FROM trigger_occurrences WHERE flow_id = $1", [flowId])).rows;
  return { flowId, occurrenceId: Number(row!.id) };
}

const run = (data: { occurrenceId: number; flowId: string }) =>
  new InngestTestEngine({ function: runOccurrence, events: [{ name: "memberflow/occurrence.run", data }] }).execute();

describe("run-occurrence (Inngest function)", () => {
  it("enters the occurrence's audience in chunk steps and issues each member one coupon", async () => {
    const data = await dueBroadcast();
    const { result, ctx } = await run(data);
    expect(result).toEqual({ status: "done", chunks: 1, entered: MEMBERS });
    expect(ctx.step.run).toHaveBeenCalledWith("chunk-0", expect.any(Function));

    const journeys = (
      await t.pool.query<{ member_id: number; status: string; end_reason: string }>(
        "SELECT member_id, status::text, end_reason FROM journeys WHERE flow_id = $1 ORDER BY member_id",
        [data.flowId],
      )
    ).rows;
    expect(journeys.map((j) => j.member_id)).toEqual(memberIds);
    // Through the coupon to the exit node, in the same step.
    expect(new Set(journeys.map((j) => `${j.status}/${j.end_reason}`))).toEqual(new Set(["completed/exit_node"]));
    const coupons = (await t.pool.query<{ member_id: number }>("SELECT member_id FROM coupons WHERE flow_id = $1 ORDER BY member_id", [data.flowId])).rows;
    expect(coupons.map((c) => c.member_id)).toEqual(memberIds);
    expect((await t.pool.query("SELECT status, entered FROM trigger_occurrences WHERE id = $1", [data.occurrenceId])).rows).toEqual([{ status: "done", entered: MEMBERS }]);

    // A second run of the same occurrence (a duplicate event) enters and issues nothing.
    const again = await run(data);
    expect(again.result).toEqual({ status: "done", chunks: 1, entered: 0 });
    expect((await t.pool.query("SELECT 1 FROM coupons WHERE flow_id = $1", [data.flowId])).rowCount).toBe(MEMBERS);
  });

  it("waits and tries again while another run holds the occurrence, then goes on with the next chunk step", async () => {
    const data = await dueBroadcast();
    const holder = await t.pool.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT 1 FROM trigger_occurrences WHERE id = $1 FOR UPDATE", [data.occurrenceId]);
    const engine = new InngestTestEngine({
      function: runOccurrence,
      events: [{ name: "memberflow/occurrence.run", data }],
      // The sleep is mocked; the other run lets go meanwhile.
      steps: [{ id: "busy-0", handler: async () => void (await holder.query("COMMIT"), holder.release()) }],
    });
    const { result, ctx } = await engine.execute();
    expect(ctx.step.sleep).toHaveBeenCalledWith("busy-0", "2s");
    expect(ctx.step.run).toHaveBeenCalledWith("chunk-1", expect.any(Function));
    expect(result).toEqual({ status: "done", chunks: 2, entered: MEMBERS });
    expect((await t.pool.query("SELECT 1 FROM coupons WHERE flow_id = $1", [data.flowId])).rowCount).toBe(MEMBERS);
  });

  it("stops at once when the flow is paused", async () => {
    const data = await dueBroadcast();
    await t.pool.query("UPDATE flows SET status = 'paused' WHERE id = $1", [data.flowId]);
    const { result } = await run(data);
    expect(result).toEqual({ status: "paused", chunks: 1, entered: 0 });
    expect((await t.pool.query("SELECT 1 FROM journeys WHERE flow_id = $1", [data.flowId])).rowCount).toBe(0);
  });

  it("is configured as one run per occurrence, one at a time per flow, cancelled when the flow is paused", () => {
    const [config] = runOccurrence["getConfig"]({ baseUrl: new URL("http://localhost/api/inngest"), appPrefix: "memberflow" });
    expect(config).toMatchObject({
      concurrency: { key: "event.data.flowId", limit: 1 },
      cancel: [{ event: "memberflow/flow.paused", if: "event.data.flowId == async.data.flowId" }],
    });
  });
});
