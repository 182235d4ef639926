// points.expiring on a real PostgreSQL: N days before a lot's date (in the program's zone) each
// member holding points due that day hears of it once per due date and lead time, catching up
// with only the reminder due now, never for points already spent — and the event starts flows.
import { describe, expect, it } from "vitest";
import { withTransaction, type Pool } from "@/server/db/sql";
import { createMembers, exitNode, linearFlow, publishFlow } from "@/server/testing/runtime-fixtures";
import { databaseAndPoolForFile, type TestDatabase } from "@/server/testing/db";
import { earnForOrders, redeemPoints } from "./points";
import { remindExpiringPoints } from "./points-expiring";
import { saveProgram } from "./program";
import { defaultLoyaltyProgram } from "./program-schema";

let t: TestDatabase;
let pool: Pool;
databaseAndPoolForFile((db, p) => {
  t = db;
  pool = p;
}, 4);

const useProgram = (timezone: string, days = [30, 7]) => withTransaction(pool, (tx) => saveProgram(tx, { ...defaultLoyaltyProgram, timezone, expiringReminderDays: days }, "test"));
let order = 0;
const earn = (memberId: number, paid: number, at: string) => withTransaction(pool, (tx) => earnForOrders(tx, [{ orderId: ++order, externalId: `X-${order}`, memberId, paid }], new Date(at)));

/** The reminders the members got, by plain SQL. */
async function reminders(memberIds: number[]) {
  const { rows } = await t.pool.query(
    `SELECT member_id, event_id, properties FROM member_events WHERE name = 'points.expiring' AND member_id = ANY($1) ORDER BY member_id, event_id`,
    [memberIds],
  );
  return rows.map((r) => ({ member: r.member_id as number, ...(r.properties as { points: number; date: string; daysBefore: number; expiresAt: string }) }));
}

describe("points.expiring", () => {
  it("falls by the year in the program's zone: a lot earned 2025-12-31T20:00Z is 2026 in Shanghai, 2025 in UTC", async () => {
    const [m] = await createMembers(t.pool, 1, "Z");
    // In UTC the lot expires at the end of 2026; in Shanghai (already 1 January 2026 there) at the end of 2027.
    await useProgram("UTC");
    await earn(m!, 80, "2025-12-31T20:00:00Z");
    const early = new Date("2026-12-05T00:00:00Z");
    expect(await remindExpiringPoints(pool, early)).toMatchObject({ events: 1 });
    expect(await reminders([m!])).toEqual([{ member: m, points: 80, date: "2026-12-31", daysBefore: 30, expiresAt: "2026-12-31T23:59:59.999Z" }]);

    const [s] = await createMembers(t.pool, 1, "ZS");
    await useProgram("Asia/Shanghai");
    await earn(s!, 90, "2025-12-31T20:00:00Z");
    await remindExpiringPoints(pool, early);
    expect(await reminders([s!])).toEqual([]);
    const a = new Date("2027-12-02T00:00:00Z"); // 29 days and 16 hours before 2027-12-31T15:59:59.999Z
    await remindExpiringPoints(pool, a);
    expect(await reminders([s!])).toEqual([{ member: s, points: 90, date: "2027-12-31", daysBefore: 30, expiresAt: "2027-12-31T15:59:59.999Z" }]);
  });

  it("sends each reminder once, the shorter one when its day comes, and sums the lots due that day", async () => {
    await useProgram("Asia/Shanghai");
    const [keeps, spends, both] = await createMembers(t.pool, 3, "O");
    await earn(keeps!, 100, "2024-03-01T00:00:00Z"); // due 2025-12-31 (Shanghai)
    await earn(spends!, 100, "2024-03-01T00:00:00Z");
    await withTransaction(pool, (tx) => redeemPoints(tx, { memberId: spends!, points: 100, key: "spend-all", reason: "coupon" }, new Date("2025-01-01T00:00:00Z")));
    await earn(both!, 40, "2024-02-01T00:00:00Z");
    await earn(both!, 60, "2024-11-01T00:00:00Z"); // two lots due the same day: one reminder of 100
    const ids = [keeps!, spends!, both!];
    const d30 = new Date("2025-12-10T00:00:00Z");
    await remindExpiringPoints(pool, d30);
    await remindExpiringPoints(pool, d30); // a second run (and, below, later runs) sends nothing again
    await remindExpiringPoints(pool, new Date("2025-12-20T00:00:00Z"));
    expect((await reminders(ids)).map((r) => [r.member, r.points, r.daysBefore])).toEqual([
      [keeps, 100, 30],
      [both, 100, 30],
    ]);
    await remindExpiringPoints(pool, new Date("2025-12-26T00:00:00Z"));
    await remindExpiringPoints(pool, new Date("2025-12-27T00:00:00Z"));
    expect((await reminders(ids)).map((r) => [r.member, r.points, r.daysBefore])).toEqual([
      [keeps, 100, 30],
      [keeps, 100, 7],
      [both, 100, 30],
      [both, 100, 7],
    ]);
    // Past the date: nothing (the lot expires instead).
    expect(await remindExpiringPoints(pool, new Date("2026-01-02T00:00:00Z"))).toMatchObject({ events: 0 });
  });

  it("catches up with the reminder due now only, in parts that go on where they stopped", async () => {
    await useProgram("Asia/Shanghai", [30, 7]);
    const ids = await createMembers(t.pool, 3, "C");
    for (const id of ids) await earn(id, 10, "2023-05-01T00:00:00Z"); // due 2024-12-31 (Shanghai)
    let from: number | undefined;
    let events = 0;
    for (;;) {
      const part = await remindExpiringPoints(pool, new Date("2024-12-28T00:00:00Z"), { rangeSize: 1, maxRanges: 1, from });
      events += part.events;
      if (part.next === null) break;
      from = part.next;
    }
    expect(events).toBe(3);
    expect((await reminders(ids)).map((r) => r.daysBefore)).toEqual([7, 7, 7]);
  });

  it("starts the flows an event trigger on points.expiring arms", async () => {
    await useProgram("Asia/Shanghai", [14]);
    const [m] = await createMembers(t.pool, 1, "F");
    const { flowId } = await publishFlow(
      pool,
      linearFlow([{ id: "start", kind: "event_trigger", config: { event: "points.expiring", conditions: [{ path: "daysBefore", operator: "eq", value: 14 }] } }, exitNode()]),
    );
    await earn(m!, 50, "2022-06-01T00:00:00Z"); // due 2023-12-31 (Shanghai)
    await remindExpiringPoints(pool, new Date("2023-12-20T00:00:00Z"));
    const { rows } = await t.pool.query(`SELECT count(*)::int AS n FROM journeys WHERE flow_id = $1 AND member_id = $2`, [flowId, m]);
    expect(rows[0].n).toBe(1);
  });
});
