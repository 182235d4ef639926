import { spawn } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, withTransaction, type Pool } from "@/server/db/sql";
import { runtime } from "@/server/env";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { createMembers, exitNode, inlineCoupon, linearFlow, publishFlow, scheduledOnceForAll } from "@/server/testing/runtime-fixtures";
import { PRESENCE_PREFIX, startWorker, wakeEngine, type RunningWorker } from "./start";

const MEMBERS = 25;

let t: TestDatabase;
let pool: Pool;
let memberIds: number[];

beforeAll(async () => {
  t = await createTestDatabase();
  pool = createPool(t.url, 4);
  memberIds = await createMembers(t.pool, MEMBERS);
});
afterAll(async () => {
  await pool.end();
  await t.drop();
});

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const couponsOf = async (flowId: string) =>
  (
    await t.pool.query<{ member_id: number; n: number }>(
      "SELECT member_id, count(*)::int AS n FROM coupons WHERE flow_id = $1 GROUP BY member_id ORDER BY member_id",
      [flowId],
    )
  ).rows;

/** Jobs still in the queue (completed jobs are deleted). */
const pendingJobs = async (identifier: string) =>
  (
    await t.pool.query<{ key: string | null; locked_by: string | null }>(
      `SELECT j.key, j.locked_by FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks k ON k.id = j.task_id WHERE k.identifier = $1`,
      [identifier],
    )
  ).rows;

describe("graphile-worker runtime", () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    // Small chunks and slices, so an occurrence runs as several jobs that re-queue themselves.
    worker = await startWorker({ connectionString: t.url, concurrency: 3, chunkSize: 10, occurrenceSliceMs: 0, webhookSecret: "whsec_test" });
  });
  afterAll(() => worker.stop());

  it("runs a due broadcast: every member gets the coupon exactly once", async () => {
    const { flowId } = await publishFlow(pool, linearFlow([scheduledOnceForAll(), inlineCoupon(), exitNode()]));
    // The minute tick runs at start; this flow was published after it, so ask for the next tick now.
    await t.pool.query("SELECT graphile_worker.add_job('engine_tick', job_key := 'engine_tick')");

    const coupons = await eventually(() => couponsOf(flowId), (rows) => rows.length === MEMBERS);
    expect(coupons.map((r) => r.member_id)).toEqual(memberIds);
    expect(coupons.every((r) => r.n === 1)).toBe(true);

    const occurrence = await eventually(
      async () => (await t.pool.query<{ status: string; entered: number }>("SELECT status, entered FROM trigger_occurrences WHERE flow_id = $1", [flowId])).rows,
      (rows) => rows[0]?.status === "done",
    );
    expect(occurrence).toEqual([{ status: "done", entered: MEMBERS }]);

    // Running the occurrence again (a duplicate job, a second tick) issues nothing more.
    const [{ id }] = (await t.pool.query<{ id: string }>("SELECT id FROM trigger_occurrences WHERE flow_id = $1", [flowId])).rows as [{ id: string }];
    await t.pool.query("SELECT graphile_worker.add_job('run_occurrence', json_build_object('occurrenceId', $1::int))", [Number(id)]);
    await t.pool.query("SELECT graphile_worker.add_job('engine_tick', job_key := 'engine_tick')");
    await eventually(() => pendingJobs("run_occurrence"), (rows) => rows.length === 0);
    expect((await couponsOf(flowId)).every((r) => r.n === 1)).toBe(true);
    expect(await couponsOf(flowId)).toHaveLength(MEMBERS);
  });

  it("wakeEngine adds a keyed sweep job in the caller's transaction, and the worker runs it", async () => {
    const at = new Date(Date.now() + 1_000);
    await withTransaction(pool, async (tx) => {
      await wakeEngine(tx, at);
      await wakeEngine(tx, at); // same second: one job
    });
    const key = `sweep_waits:${Math.ceil(at.getTime() / 1000)}`;
    expect((await pendingJobs("sweep_waits")).filter((j) => j.key === key)).toHaveLength(1);
    // Rolled back: no job.
    const rolledBack = new Date(Date.now() + 60_000);
    await withTransaction(pool, async (tx) => {
      await wakeEngine(tx, rolledBack);
      throw new Error("roll back");
    }).catch(() => undefined);
    expect((await pendingJobs("sweep_waits")).filter((j) => j.key === `sweep_waits:${Math.ceil(rolledBack.getTime() / 1000)}`)).toHaveLength(0);
    // Run at its time (poll interval 500 ms) and deleted when done.
    const left = await eventually(() => pendingJobs("sweep_waits"), (rows) => !rows.some((j) => j.key === key), 5_000);
    expect(left.filter((j) => j.key === key)).toHaveLength(0);
  });

  it("marks its LISTEN connection with its pool id while it runs", async () => {
    expect(worker.poolId).toMatch(/^pool-[0-9a-f]+$/);
    const marked = await eventually(
      async () => (await t.pool.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", [PRESENCE_PREFIX + worker.poolId])).rowCount,
      (n) => n === 1,
    );
    expect(marked).toBe(1);
  });

  it("releases the jobs of dead worker pools on start, not those of live ones", async () => {
    // Two jobs locked a minute ago: one by a pool that is gone, one by a pool whose connection is alive.
    const alive = new pg.Client({ connectionString: t.url, application_name: `${PRESENCE_PREFIX}pool-alive` });
    await alive.connect();
    try {
      for (const [key, lockedBy] of [
        ["dead-job", "pool-dead"],
        ["live-job", "pool-alive"],
      ]) {
        // Added in the future (no worker takes it), then locked as a crashed pool leaves it.
        const { rows } = await t.pool.query<{ id: string }>("SELECT id FROM graphile_worker.add_job('sweep_waits', job_key := $1, run_at := now() + interval '1 hour')", [key]);
        await t.pool.query(
          "UPDATE graphile_worker._private_jobs SET locked_by = $2, locked_at = now() - interval '1 minute', run_at = now() - interval '1 minute', attempts = 1 WHERE id = $1",
          [rows[0]!.id, lockedBy],
        );
      }
      const second = await startWorker({ connectionString: t.url, concurrency: 1, webhookSecret: "whsec_test" });
      try {
        const jobs = await eventually(
          () => t.pool.query<{ key: string }>("SELECT key FROM graphile_worker._private_jobs WHERE key IN ('dead-job', 'live-job')").then((r) => r.rows),
          (rows) => rows.length === 1,
        );
        // The dead pool's job was released and run (then deleted); the live pool's stays locked.
        expect(jobs).toEqual([{ key: "live-job" }]);
        expect((await pendingJobs("sweep_waits")).find((j) => j.key === "live-job")?.locked_by).toBe("pool-alive");
      } finally {
        await second.stop();
      }
    } finally {
      await alive.end();
      await t.pool.query("SELECT graphile_worker.force_unlock_workers(ARRAY['pool-alive'])");
    }
  });
});

describe("scripts/worker.ts", () => {
  it("starts on DATABASE_URL and exits 0 on SIGTERM", async () => {
    // `node --import tsx` (one process), as a supervisor should run it: the `tsx` CLI relays
    // SIGTERM to a child process and SIGKILLs it when the child does not answer within ~60 ms.
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      env: { ...process.env, DATABASE_URL: t.url, MEMBERFLOW_RUNTIME: "worker", NODE_ENV: "test" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await eventually(async () => output, (o) => o.includes("started") || child.exitCode !== null, 20_000);
    expect(output).toContain("started");
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("stopped");
  }, 30_000);
});

describe("MEMBERFLOW_RUNTIME", () => {
  it("defaults to the worker and accepts inngest with keys or in dev mode", () => {
    expect(runtime({})).toBe("worker");
    expect(runtime({ MEMBERFLOW_RUNTIME: "inngest", INNGEST_SIGNING_KEY: "signkey-prod-1", INNGEST_EVENT_KEY: "ek" })).toBe("inngest");
    expect(runtime({ MEMBERFLOW_RUNTIME: "inngest", INNGEST_DEV: "1" })).toBe("inngest");
    expect(runtime({ MEMBERFLOW_RUNTIME: "inngest", INNGEST_DEV: "http://localhost:8288" })).toBe("inngest");
  });

  it("refuses inngest without its keys, and unknown runtimes, with a clear message", () => {
    expect(() => runtime({ MEMBERFLOW_RUNTIME: "inngest" })).toThrow(/MEMBERFLOW_RUNTIME=inngest needs INNGEST_SIGNING_KEY/);
    expect(() => runtime({ MEMBERFLOW_RUNTIME: "inngest", INNGEST_DEV: "0", INNGEST_SIGNING_KEY: "k" })).toThrow(/needs INNGEST_EVENT_KEY/);
    expect(() => runtime({ MEMBERFLOW_RUNTIME: "bullmq" })).toThrow(/MEMBERFLOW_RUNTIME/);
  });
});
