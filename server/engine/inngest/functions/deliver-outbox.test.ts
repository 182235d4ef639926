import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/server/testing/db";
import { deliverOutboxRun } from "./deliver-outbox";
import { createMembers } from "@/server/testing/runtime-fixtures";

let t: TestDatabase;
let memberId: number;
beforeAll(async () => {
  t = await createTestDatabase();
  process.env.DATABASE_URL = t.url;
  [memberId] = (await createMembers(t.pool, 1)) as [number];
});
afterAll(() => t.drop());

describe("deliver-outbox (Inngest function)", () => {
  it("sends the due in-app notifications through their provider and leaves future ones queued", async () => {
    const queue = (scheduledFor: string) =>
      t.pool.query(
        `INSERT INTO notifications (member_id, channel, title, body, variables, status, scheduled_for)
         VALUES ($1, 'in_app', 'Hello', 'Hi {{member.name}}', '{"member.name":"Ann"}', 'queued', ${scheduledFor})`,
        [memberId],
      );
    await queue("now() - interval '1 minute'");
    await queue("now() - interval '1 minute'");
    await queue("now() + interval '1 hour'");

    const { result } = await new InngestTestEngine({ function: deliverOutboxRun }).execute();
    expect(result).toMatchObject({ sent: 2, failed: 0 });
    const rows = (await t.pool.query<{ status: string; n: number }>("SELECT status::text, count(*)::int AS n FROM notifications GROUP BY 1 ORDER BY 1")).rows;
    expect(rows).toEqual([
      { status: "queued", n: 1 },
      { status: "sent", n: 2 },
    ]);
  });
});
