// The worker's periodic tasks: on graphile-worker's crontab, and a run does its work once.
import type { JobHelpers } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { withTransaction, type Pool } from "@/server/db/sql";
import { earnForOrders } from "@/server/loyalty/points";
import { createMembers } from "@/server/testing/runtime-fixtures";
import { databaseAndPoolForFile, type TestDatabase } from "@/server/testing/db";
import { TASKS } from "./jobs";
import { createTaskList, cronItems, CRONTAB } from "./tasks";

let t: TestDatabase;
let pool: Pool;
databaseAndPoolForFile((db, p) => {
  t = db;
  pool = p;
});

describe("expire_points (graphile-worker task)", () => {
  it("is on the crontab every 10 minutes, keyed so runs never pile up", () => {
    const item = cronItems().find((c) => c.task === TASKS.expirePoints);
    expect(item?.options.jobKey).toBe(TASKS.expirePoints);
    expect(CRONTAB.split("\n").find((line) => line.includes(` ${TASKS.expirePoints} `))).toMatch(/^\*\/10 \* \* \* \* /);
  });

  it("expires the lots that are due, once", async () => {
    const [m] = await createMembers(t.pool, 1);
    await withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: 7, externalId: "O-7", memberId: m!, paid: 60 }], new Date("2023-02-01T00:00:00Z")));
    const tasks = createTaskList({ pool, stopping: () => false, releaseDeadWorkers: async () => 0 });
    const helpers = { abortSignal: new AbortController().signal } as unknown as JobHelpers;
    await tasks[TASKS.expirePoints]!({}, helpers);
    await tasks[TASKS.expirePoints]!({}, helpers);
    const { rows } = await t.pool.query(`SELECT points_balance, (SELECT count(*)::int FROM points_entries WHERE type = 'expire') AS expired FROM members WHERE id = $1`, [m]);
    expect(rows[0]).toEqual({ points_balance: 0, expired: 1 });
  });
});

describe("refresh_insights (graphile-worker task)", () => {
  it("is on the crontab every 10 minutes, keyed so runs never pile up", () => {
    const item = cronItems().find((c) => c.task === TASKS.refreshInsights);
    expect(item?.options.jobKey).toBe(TASKS.refreshInsights);
    expect(CRONTAB.split("\n").find((line) => line.includes(` ${TASKS.refreshInsights} `))).toMatch(/^\*\/10 \* \* \* \* /);
  });

  it("rolls the settled days up, and a late order on a rolled day is rolled again", async () => {
    const [m] = await createMembers(t.pool, 1);
    await t.pool.query(`INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES ('I-1', $1, now() - interval '3 days', 40)`, [m]);
    const tasks = createTaskList({ pool, stopping: () => false, releaseDeadWorkers: async () => 0 });
    const helpers = { abortSignal: new AbortController().signal } as unknown as JobHelpers;
    await tasks[TASKS.refreshInsights]!({}, helpers);
    const total = async () => (await t.pool.query(`SELECT sum(orders)::int AS orders, sum(spend)::float8 AS spend FROM insights_days`)).rows[0];
    expect(await total()).toEqual({ orders: 1, spend: 40 });
    await t.pool.query(`INSERT INTO orders (external_id, member_id, placed_at, total_amount) VALUES ('I-2', $1, now() - interval '3 days', 5)`, [m]);
    expect((await t.pool.query(`SELECT count(*)::int AS n FROM insights_dirty_days`)).rows[0].n).toBe(1);
    await tasks[TASKS.refreshInsights]!({}, helpers);
    expect(await total()).toEqual({ orders: 2, spend: 45 });
  });
});

describe("remind_expiring_points (graphile-worker task)", () => {
  it("is on the crontab every hour, keyed so runs never pile up", () => {
    const item = cronItems().find((c) => c.task === TASKS.remindExpiringPoints);
    expect(item?.options.jobKey).toBe(TASKS.remindExpiringPoints);
    expect(CRONTAB.split("\n").find((line) => line.includes(` ${TASKS.remindExpiringPoints} `))).toMatch(/^5 \* \* \* \* /);
  });

  it("tells a member holding points due within a lead time, once", async () => {
    const [m] = await createMembers(t.pool, 1, "R");
    await withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: 8, externalId: "O-8", memberId: m!, paid: 40 }], new Date()));
    await t.pool.query(`UPDATE points_entries SET expires_at = now() + interval '20 days' WHERE member_id = $1`, [m]);
    const tasks = createTaskList({ pool, stopping: () => false, releaseDeadWorkers: async () => 0 });
    const helpers = { abortSignal: new AbortController().signal } as unknown as JobHelpers;
    await tasks[TASKS.remindExpiringPoints]!({}, helpers);
    await tasks[TASKS.remindExpiringPoints]!({}, helpers);
    const { rows } = await t.pool.query(`SELECT properties FROM member_events WHERE name = 'points.expiring' AND member_id = $1`, [m]);
    expect(rows).toHaveLength(1);
    expect(rows[0].properties).toMatchObject({ points: 40, daysBefore: 30 });
  });
});
